/**
 * Writes a batch of decoded logs into the tables, and undoes blocks after a reorg. A batch and its
 * cursor are written in one transaction, so a process killed at any moment leaves either the whole
 * batch with the cursor after it, or neither: a restart resumes with no gap and no duplicate.
 * Rows go in with one bulk insert per table, whatever their number (see `BulkInsert` in db.ts).
 */
import type { Database, Query } from "./db.js";
import type { DecodedLog } from "./decode.js";
import { BLOCK_TABLES } from "./schema.js";

export interface Cursor {
  number: bigint;
  hash: string;
}

export interface BlockRow {
  number: bigint;
  hash: string;
  timestamp: bigint;
  hasEvents: boolean;
}

export interface SnapshotRow {
  refSlot: bigint;
  blockNumber: bigint;
  pubkey: string;
  validatorIndex: number | null;
  operatorId: number | null;
  status: string;
  balanceGwei: bigint;
  effectiveBalanceGwei: bigint;
  slashed: boolean;
}

export interface Batch {
  logs: DecodedLog[];
  /** Every block with a log, and the cursor's block. */
  blocks: BlockRow[];
  snapshots: SnapshotRow[];
  cursor: Cursor;
  /** The vault's withdrawal credentials: deposits with others are not the protocol's. */
  withdrawalCredentials: string;
  /**
   * During a first backfill (indexes deferred) only the zero address's balance (minus the supply)
   * is kept up; `restoreIndexes` builds every other balance at its end, in one statement.
   */
  bulkLoad?: boolean | undefined;
}

const ZERO = "0x0000000000000000000000000000000000000000";

export async function readMeta(query: Query): Promise<Map<string, string>> {
  const rows = await query<{ key: string; value: string }>("select key, value from meta");
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeMeta(query: Query, entries: Record<string, string>): Promise<void> {
  const keys = Object.keys(entries);
  await query(
    "insert into meta (key, value) select * from unnest($1::text[], $2::text[]) on conflict (key) do update set value = excluded.value",
    [keys, keys.map((k) => entries[k])],
  );
}

export async function readCursor(query: Query): Promise<Cursor | undefined> {
  const meta = await readMeta(query);
  const number = meta.get("cursor_number");
  const hash = meta.get("cursor_hash");
  return number === undefined || hash === undefined ? undefined : { number: BigInt(number), hash };
}

/** Shares held by the zero address, negated: the supply (every mint comes from it, every burn goes to it). */
export async function totalShares(query: Query): Promise<bigint> {
  const rows = await query<{ shares: string }>("select shares from balances where address = $1", [ZERO]);
  return rows[0] ? -BigInt(rows[0].shares) : 0n;
}

const str = (v: unknown) => String(v);
const isTransfer = (l: DecodedLog) => l.contract === "trETH" && l.name === "Transfer";
const bigintAsText = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

/** Writes `batch` and moves the cursor, in one transaction. Returns the rows written per table. */
export async function writeBatch(database: Database, batch: Batch): Promise<Record<string, number>> {
  return database.transaction(async (query, bulk) => {
    const counts: Record<string, number> = {};
    const insert = async (table: string, columns: string[], types: string[], rows: unknown[][]) => {
      counts[table] = rows.length;
      await bulk(table, columns, types, rows);
    };
    const logs = batch.logs.filter(
      (l) =>
        l.contract !== "depositContract" ||
        String(l.args.withdrawal_credentials).toLowerCase() === batch.withdrawalCredentials,
    );
    await insert(
      "events",
      ["block_number", "log_index", "tx_hash", "address", "contract", "name", "args"],
      ["bigint", "int", "text", "text", "text", "text", "jsonb"],
      logs
        .filter((l) => !isTransfer(l))
        .map((l) => [
          str(l.blockNumber),
          l.logIndex,
          l.txHash,
          l.address,
          l.contract,
          l.name,
          JSON.stringify(l.args, bigintAsText),
        ]),
    );

    const time = new Map(batch.blocks.map((b) => [b.number, b.timestamp]));
    const timeOf = (l: DecodedLog) => str(time.get(l.blockNumber) ?? 0n);
    let supply = await totalShares(query);
    const deltas = new Map<string, bigint>();
    const transferRows: unknown[][] = [];
    const reportRows: unknown[][] = [];
    const byTx = new Map<string, DecodedLog[]>();
    for (const l of logs) {
      const list = byTx.get(l.txHash);
      if (list) list.push(l);
      else byTx.set(l.txHash, [l]);
    }
    for (const l of logs) {
      if (isTransfer(l)) {
        const { from, to, value } = l.args as { from: string; to: string; value: bigint };
        transferRows.push([str(l.blockNumber), l.logIndex, l.txHash, from, to, str(value)]);
        deltas.set(from, (deltas.get(from) ?? 0n) - value);
        deltas.set(to, (deltas.get(to) ?? 0n) + value);
        if (from === ZERO) supply += value;
        if (to === ZERO) supply -= value;
      } else if (l.contract === "accounting" && l.name === "ReportApplied") {
        const a = l.args as Record<string, bigint>;
        const sameTx = byTx.get(l.txHash) ?? [];
        const rebased = sameTx.find((x) => x.contract === "trETH" && x.name === "Rebased");
        const recorded = sameTx.find((x) => x.contract === "withdrawalQueue" && x.name === "ReportRecorded");
        reportRows.push([
          str(a.refSlot),
          str(l.blockNumber),
          l.logIndex,
          timeOf(l),
          str(a.shareRate),
          str(a.rewards),
          str(a.elRewardsPulled),
          str(a.treasuryShares),
          str(a.commissionShares),
          str(supply),
          rebased ? str(rebased.args.beaconAssets) : null,
          recorded ? str(recorded.args.finalizedTo) : null,
          recorded ? str(recorded.args.ethLocked) : null,
        ]);
      }
    }
    await insert(
      "transfers",
      ["block_number", "log_index", "tx_hash", '"from"', '"to"', "shares"],
      ["bigint", "int", "text", "text", "text", "numeric"],
      transferRows,
    );
    if (batch.bulkLoad) {
      for (const address of [...deltas.keys()]) if (address !== ZERO) deltas.delete(address);
    }
    if (deltas.size > 0) {
      const addresses = [...deltas.keys()];
      await query(
        `insert into balances (address, shares) select * from unnest($1::text[], $2::numeric[])
         on conflict (address) do update set shares = balances.shares + excluded.shares`,
        [addresses, addresses.map((a) => str(deltas.get(a)))],
      );
    }
    await insert(
      "reports",
      [
        "ref_slot",
        "block_number",
        "log_index",
        "timestamp",
        "share_rate",
        "rewards",
        "el_rewards_pulled",
        "treasury_shares",
        "commission_shares",
        "total_shares",
        "beacon_assets",
        "finalized_to",
        "eth_locked",
      ],
      [
        "bigint",
        "bigint",
        "int",
        "bigint",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
      ],
      reportRows,
    );
    const named = (contract: string, name: string) =>
      logs.filter((l) => l.contract === contract && l.name === name);
    await insert(
      "requests",
      ["request_id", "block_number", "timestamp", "controller", "owner", "shares"],
      ["numeric", "bigint", "bigint", "text", "text", "numeric"],
      named("trETH", "RedeemRequest").map((l) => [
        str(l.args.requestId),
        str(l.blockNumber),
        timeOf(l),
        l.args.controller,
        l.args.owner,
        str(l.args.shares),
      ]),
    );
    await insert(
      "claims",
      ["request_id", "block_number", "timestamp", "controller", "receiver", "assets", "as_weth"],
      ["numeric", "bigint", "bigint", "text", "text", "numeric", "boolean"],
      named("withdrawalQueue", "WithdrawalClaimed").map((l) => [
        str(l.args.requestId),
        str(l.blockNumber),
        timeOf(l),
        l.args.controller,
        l.args.receiver,
        str(l.args.assets),
        l.args.asWeth,
      ]),
    );
    await insert(
      "keys",
      ["pubkey", "operator_id", "key_index", "block_number", "log_index"],
      ["text", "int", "int", "bigint", "int"],
      named("operatorRegistry", "KeyAdded").map((l) => [
        String(l.args.pubkey).toLowerCase(),
        Number(l.args.operatorId),
        Number(l.args.index),
        str(l.blockNumber),
        l.logIndex,
      ]),
    );
    await insert(
      "deposits",
      ["block_number", "log_index", "pubkey", "amount_gwei", "deposit_index"],
      ["bigint", "int", "text", "bigint", "bigint"],
      named("depositContract", "DepositEvent").map((l) => [
        str(l.blockNumber),
        l.logIndex,
        String(l.args.pubkey).toLowerCase(),
        str(littleEndian(String(l.args.amount))),
        str(littleEndian(String(l.args.index))),
      ]),
    );
    await insert(
      "validator_snapshots",
      [
        "ref_slot",
        "block_number",
        "pubkey",
        "validator_index",
        "operator_id",
        "status",
        "balance_gwei",
        "effective_balance_gwei",
        "slashed",
      ],
      ["bigint", "bigint", "text", "int", "int", "text", "bigint", "bigint", "boolean"],
      batch.snapshots.map((s) => [
        str(s.refSlot),
        str(s.blockNumber),
        s.pubkey,
        s.validatorIndex,
        s.operatorId,
        s.status,
        str(s.balanceGwei),
        str(s.effectiveBalanceGwei),
        s.slashed,
      ]),
    );
    if (batch.blocks.length > 0) {
      await query(
        `insert into blocks (number, hash, timestamp, has_events) select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::boolean[])
         on conflict (number) do update set hash = excluded.hash, timestamp = excluded.timestamp, has_events = blocks.has_events or excluded.has_events`,
        [
          batch.blocks.map((b) => str(b.number)),
          batch.blocks.map((b) => b.hash),
          batch.blocks.map((b) => str(b.timestamp)),
          batch.blocks.map((b) => b.hasEvents),
        ],
      );
    }
    const cursorTime = batch.blocks.find((b) => b.number === batch.cursor.number)?.timestamp;
    await writeMeta(query, {
      cursor_number: str(batch.cursor.number),
      cursor_hash: batch.cursor.hash,
      ...(cursorTime === undefined ? {} : { cursor_time: str(cursorTime) }),
    });
    return counts;
  });
}

/** A little-endian integer of the deposit contract's logs (`amount` in gwei, `index`), as bigint. */
export function littleEndian(hex: string): bigint {
  const bytes = hex.slice(2).match(/../g) ?? [];
  return BigInt(`0x${bytes.reverse().join("") || "0"}`);
}

/**
 * Undoes every block after `ancestor`: the balances lose the transfers that go, every table loses
 * its rows of those blocks, and the cursor moves to `ancestor`. One transaction.
 */
export async function rollback(database: Database, ancestor: Cursor): Promise<void> {
  await database.transaction(async (query) => {
    const after = String(ancestor.number);
    await query(
      `with moved as (
         select address, sum(delta) as delta from (
           select "from" as address, shares as delta from transfers where block_number > $1
           union all
           select "to" as address, -shares as delta from transfers where block_number > $1
         ) t group by address
       )
       update balances set shares = balances.shares + moved.delta from moved where balances.address = moved.address`,
      [after],
    );
    // An address whose every transfer goes has no row in an index built without them.
    await query(
      `delete from balances b where b.shares = 0
         and b.address in (select "from" from transfers where block_number > $1 union select "to" from transfers where block_number > $1)
         and not exists (select 1 from transfers t where t.block_number <= $1 and (t."from" = b.address or t."to" = b.address))`,
      [after],
    );
    for (const table of BLOCK_TABLES) {
      await query(`delete from ${table} where ${table === "blocks" ? "number" : "block_number"} > $1`, [
        after,
      ]);
    }
    const [row] = await query<{ timestamp: string }>("select timestamp::text from blocks where number = $1", [
      after,
    ]);
    await writeMeta(query, {
      cursor_number: after,
      cursor_hash: ancestor.hash,
      ...(row ? { cursor_time: row.timestamp } : {}),
    });
  });
}

/** Drops rows kept only for their hash once they are final (the cursor's stays). */
export async function pruneBlocks(database: Database, finalized: bigint, cursor: bigint): Promise<void> {
  await database.query("delete from blocks where number < $1 and number <> $2 and not has_events", [
    String(finalized),
    String(cursor),
  ]);
}

/**
 * Secondary indexes (not primary keys) and running balances cost more to keep up row by row than
 * to build once over a table. A first backfill drops the indexes (their definitions kept in `meta`,
 * in the same transaction) and writes its batches with `bulkLoad`; `restoreIndexes` builds the
 * indexes and the balances when it reaches the finalized block. A restart in between finds the
 * backfill still in that mode. Meanwhile the API answers 503 (the index is being built).
 */
/** The indexer's own tables: only their indexes are ever deferred. */
const INDEXED_TABLES = [...BLOCK_TABLES, "balances"];

export async function deferIndexes(database: Database): Promise<number> {
  return database.transaction(async (query) => {
    const indexes = await query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes
       where schemaname = current_schema() and tablename = any($1::text[])
         and indexname not in (select conname from pg_constraint where connamespace = current_schema()::regnamespace)
       order by indexname`,
      [INDEXED_TABLES],
    );
    if (indexes.length === 0) return 0;
    for (const { name } of indexes) await query(`drop index "${name}"`);
    await writeMeta(query, { deferred_indexes: JSON.stringify(indexes.map((i) => i.definition)) });
    return indexes.length;
  });
}

/** Builds the balances and the indexes `deferIndexes` dropped. Returns how many indexes. */
export async function restoreIndexes(database: Database): Promise<number> {
  return database.transaction(async (query) => {
    const meta = await readMeta(query);
    const stored = meta.get("deferred_indexes");
    if (stored === undefined) return 0;
    // Every balance from the transfers: the same rows the running sum keeps (zero ones included).
    await query("delete from balances");
    await query(
      `insert into balances (address, shares)
       select address, sum(delta) from (
         select "from" as address, -shares as delta from transfers
         union all
         select "to" as address, shares as delta from transfers
       ) t group by address`,
    );
    const definitions = JSON.parse(stored) as string[];
    // IF NOT EXISTS: an index made again meanwhile (by hand, by a migration) does not stop the others.
    for (const definition of definitions) {
      await query(definition.replace(/^CREATE (UNIQUE )?INDEX /i, "CREATE $1INDEX IF NOT EXISTS "));
    }
    await query("delete from meta where key = 'deferred_indexes'");
    return definitions.length;
  });
}
