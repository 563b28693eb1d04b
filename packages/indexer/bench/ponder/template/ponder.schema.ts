/**
 * The tables Tributary's indexer fills for these events, in Ponder's terms: every event but trETH's
 * `Transfer` with its arguments as JSON, trETH transfers (with their transaction), and trETH
 * shares per address as a running sum.
 */
import { onchainTable, primaryKey } from "ponder";

export const event = onchainTable(
  "event",
  (t) => ({
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    txHash: t.hex().notNull(),
    address: t.hex().notNull(),
    contract: t.text().notNull(),
    name: t.text().notNull(),
    args: t.jsonb().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const transfer = onchainTable(
  "transfer",
  (t) => ({
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    txHash: t.hex().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    shares: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.blockNumber, table.logIndex] }) }),
);

export const balance = onchainTable("balance", (t) => ({
  address: t.hex().primaryKey(),
  shares: t.bigint().notNull(),
}));
