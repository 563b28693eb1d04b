/**
 * Handlers doing the work Tributary's indexer does per log: a row per event (arguments as JSON,
 * integers as decimal strings), except for trETH's `Transfer`, which gets a transfer row (with its
 * transaction) and both parties' balances updated (inserted at the first transfer).
 */
import { ponder } from "ponder:registry";
import { balance, event, transfer } from "ponder:schema";
import bench from "../bench.json";

const json = (args: unknown) =>
  JSON.parse(JSON.stringify(args, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));

for (const contract of bench.contracts) {
  for (const item of contract.abi) {
    if (item.type !== "event") continue;
    const isTransfer = contract.name === "trETH" && item.name === "Transfer";
    // biome-ignore lint/suspicious/noExplicitAny: the names are only known at run time
    ponder.on(`${contract.name}:${item.name}` as any, async ({ event: e, context }: any) => {
      if (!isTransfer) {
        await context.db.insert(event).values({
          blockNumber: e.block.number,
          logIndex: e.log.logIndex,
          txHash: e.transaction.hash,
          address: e.log.address.toLowerCase(),
          contract: contract.name,
          name: item.name,
          args: json(e.args),
        });
        return;
      }
      const { from, to, value } = e.args as { from: `0x${string}`; to: `0x${string}`; value: bigint };
      await context.db.insert(transfer).values({
        blockNumber: e.block.number,
        logIndex: e.log.logIndex,
        txHash: e.transaction.hash,
        from: from.toLowerCase() as `0x${string}`,
        to: to.toLowerCase() as `0x${string}`,
        shares: value,
      });
      await context.db
        .insert(balance)
        .values({ address: from.toLowerCase() as `0x${string}`, shares: -value })
        .onConflictDoUpdate((row: { shares: bigint }) => ({ shares: row.shares - value }));
      await context.db
        .insert(balance)
        .values({ address: to.toLowerCase() as `0x${string}`, shares: value })
        .onConflictDoUpdate((row: { shares: bigint }) => ({ shares: row.shares + value }));
    });
  }
}
