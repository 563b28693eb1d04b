/**
 * The indexer's schema, one for PGlite and PostgreSQL alike. Every table but `meta` and `balances`
 * is insert-only and keyed by the block that produced its rows, so a reorg rolls back with one
 * `DELETE ... WHERE block_number > ancestor` per table; `balances` is a running sum that the
 * rollback corrects from the transfers it deletes. Amounts are `numeric(78,0)` (any uint256).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";

const uint = (name: string) => numeric(name, { precision: 78, scale: 0, mode: "bigint" });
const block = (name = "block_number") => bigint(name, { mode: "bigint" });

/** The cursor and what the database was built for (chain, deployment), as text. */
export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Blocks the indexer has seen: every block with a protocol event (for its time) and the cursor's
 * block (for its hash). Hashes of blocks above the finalized one are compared with the chain's to
 * find a reorg's common ancestor.
 */
export const blocks = pgTable("blocks", {
  number: block("number").primaryKey(),
  hash: text("hash").notNull(),
  timestamp: bigint("timestamp", { mode: "bigint" }).notNull(),
  /** False for a block kept only for its hash; such rows are pruned once final. */
  hasEvents: boolean("has_events").notNull(),
});

/**
 * Every protocol event but trETH's `Transfer` (which `transfers` holds in full), decoded; `args`
 * holds its arguments (integers as decimal strings).
 */
export const events = pgTable(
  "events",
  {
    blockNumber: block().notNull(),
    logIndex: integer("log_index").notNull(),
    txHash: text("tx_hash").notNull(),
    address: text("address").notNull(),
    contract: text("contract").notNull(),
    name: text("name").notNull(),
    args: jsonb("args").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("events_name").on(t.contract, t.name, t.blockNumber),
  ],
);

/** trETH share transfers (mints from and burns to the zero address included): its `Transfer` events. */
export const transfers = pgTable(
  "transfers",
  {
    blockNumber: block().notNull(),
    logIndex: integer("log_index").notNull(),
    txHash: text("tx_hash").notNull(),
    from: text("from").notNull(),
    to: text("to").notNull(),
    shares: uint("shares").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockNumber, t.logIndex] }),
    index("transfers_from").on(t.from, t.blockNumber),
    index("transfers_to").on(t.to, t.blockNumber),
  ],
);

/** trETH shares held per address, the running sum of `transfers`. */
export const balances = pgTable(
  "balances",
  {
    address: text("address").primaryKey(),
    shares: uint("shares").notNull(),
  },
  (t) => [index("balances_holders").on(t.shares).where(sql`${t.shares} > 0`)],
);

/**
 * Applied oracle reports: the `ReportApplied` figures, the supply after it, and the assets that
 * supply is worth at the report's rate.
 */
export const reports = pgTable("reports", {
  refSlot: block("ref_slot").primaryKey(),
  blockNumber: block().notNull(),
  logIndex: integer("log_index").notNull(),
  timestamp: bigint("timestamp", { mode: "bigint" }).notNull(),
  shareRate: uint("share_rate").notNull(),
  rewards: uint("rewards").notNull(),
  elRewardsPulled: uint("el_rewards_pulled").notNull(),
  treasuryShares: uint("treasury_shares").notNull(),
  commissionShares: uint("commission_shares").notNull(),
  totalShares: uint("total_shares").notNull(),
  /** The beacon chain's assets the report set (the token's `Rebased` in the same transaction). */
  beaconAssets: uint("beacon_assets"),
  /** Last request id finalized by the report (the queue's `ReportRecorded` in the same transaction). */
  finalizedTo: uint("finalized_to"),
  /** ETH locked for the requests it finalized. */
  ethLocked: uint("eth_locked"),
});

/** Withdrawal requests (ERC-7540 `RedeemRequest`), one row per ticket. */
export const requests = pgTable(
  "requests",
  {
    requestId: uint("request_id").primaryKey(),
    blockNumber: block().notNull(),
    timestamp: bigint("timestamp", { mode: "bigint" }).notNull(),
    controller: text("controller").notNull(),
    owner: text("owner").notNull(),
    shares: uint("shares").notNull(),
  },
  (t) => [index("requests_controller").on(t.controller)],
);

/** Claims of finalized tickets. */
export const claims = pgTable(
  "claims",
  {
    requestId: uint("request_id").primaryKey(),
    blockNumber: block().notNull(),
    timestamp: bigint("timestamp", { mode: "bigint" }).notNull(),
    controller: text("controller").notNull(),
    receiver: text("receiver").notNull(),
    assets: uint("assets").notNull(),
    asWeth: boolean("as_weth").notNull(),
  },
  (t) => [index("claims_controller").on(t.controller)],
);

/**
 * The protocol's validators as the Beacon API saw them at each report's reference slot: balance,
 * status and which operator's key it is.
 */
export const validatorSnapshots = pgTable(
  "validator_snapshots",
  {
    refSlot: block("ref_slot").notNull(),
    blockNumber: block().notNull(),
    pubkey: text("pubkey").notNull(),
    validatorIndex: integer("validator_index"),
    operatorId: integer("operator_id"),
    status: text("status").notNull(),
    balanceGwei: bigint("balance_gwei", { mode: "bigint" }).notNull(),
    effectiveBalanceGwei: bigint("effective_balance_gwei", { mode: "bigint" }).notNull(),
    slashed: boolean("slashed").notNull(),
  },
  (t) => [primaryKey({ columns: [t.refSlot, t.pubkey] }), index("snapshots_block").on(t.blockNumber)],
);

/** Operators' keys as registered (`KeyAdded`), to tell whose validator a deposit started. */
export const keys = pgTable(
  "keys",
  {
    pubkey: text("pubkey").notNull(),
    operatorId: integer("operator_id").notNull(),
    keyIndex: integer("key_index").notNull(),
    blockNumber: block().notNull(),
    logIndex: integer("log_index").notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockNumber, t.logIndex] }), index("keys_pubkey").on(t.pubkey)],
);

/** Beacon deposits made with the protocol's withdrawal credentials. */
export const deposits = pgTable(
  "deposits",
  {
    blockNumber: block().notNull(),
    logIndex: integer("log_index").notNull(),
    pubkey: text("pubkey").notNull(),
    amountGwei: bigint("amount_gwei", { mode: "bigint" }).notNull(),
    depositIndex: bigint("deposit_index", { mode: "bigint" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockNumber, t.logIndex] }), index("deposits_pubkey").on(t.pubkey)],
);

/** Tables whose rows all belong to a block, in the order a rollback deletes them. */
export const BLOCK_TABLES = [
  "validator_snapshots",
  "deposits",
  "keys",
  "claims",
  "requests",
  "reports",
  "transfers",
  "events",
  "blocks",
] as const;
