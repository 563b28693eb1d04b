/**
 * The API's figures, computed from the indexed tables only, each with its method. What depends on
 * the whole history (reports, operators) is read once per indexed block and kept until the cursor
 * moves; per-account figures are index lookups.
 */
import { type AprPoint, aprFromPoints, type Deployment } from "@tributary/sdk";
import type { Database } from "../db.js";
import { readMeta } from "../store.js";

/** The first backfill is running: the figures would be of the past, and incomplete. */
export class IndexBuilding extends Error {
  override name = "IndexBuilding";
  constructor(
    readonly cursor: bigint,
    readonly from: bigint,
  ) {
    super(
      `the index is being built: its first backfill has reached block ${cursor} (from block ${from}); figures are served once it reaches the finalized block`,
    );
  }
}
export const RATE_SCALE = 10n ** 27n;
const ZERO = "0x0000000000000000000000000000000000000000";
const DEAD = "0x000000000000000000000000000000000000dead";
const GWEI = 10n ** 9n;

export const METHODS = {
  rate: "The holder rate of the latest applied report (`shareRate` of Accounting `ReportApplied`, wei of ETH per trETH share, 1e27 scale); 1.0 before the first report.",
  tvl: "trETH supply (mints minus burns in the token's Transfer events) times the latest report's holder rate.",
  holders:
    "Addresses holding a positive trETH balance (sum of their Transfer events), the zero address and the dead-shares holder excepted.",
  validators:
    "Statuses of the protocol's validators (deposits with the protocol's withdrawal credentials) at the latest report's reference slot, from the Beacon API; a deposit the beacon chain did not show yet counts as `deposited`.",
  rewards:
    "For each period between two reports, the shares the account held times the change of the holder rate; summed over the account's whole history. Shares in a withdrawal request stop earning when requested.",
  effectiveness:
    "Per operator, the mean balance change per validator and epoch between consecutive report snapshots, over the last 8 snapshots, for validators active in both snapshots of a period; a period in which a validator's balance fell while staying at or above 32 ETH is a withdrawal sweep and is left out. Effectiveness is that mean over the protocol-wide mean (1.0 = average).",
  concentration:
    "Share of the protocol's active validators (deposited minus exited, from the registry's events) per operator; `operatorsForOneThird` is the fewest operators whose validators make at least a third.",
  bondCoverage:
    "The smallest bond (bond shares times the holder rate) among operators with active validators, over the largest loss one report charged to one operator (`LossCharged`).",
  liveness:
    "Seconds from the latest report's reference slot to the latest indexed block, against the frame length; frames missed = whole frames elapsed since the latest report's frame, minus one.",
  dex: "The Uniswap v3 trETH/WETH pool's price now (slot0's sqrtPriceX96 from the RPC node, kept 12 s), in ETH per trETH; the peg compares it with the latest report's holder rate (what the queue pays).",
  validatorSeries:
    "At each report, the protocol's validators by the status the Beacon API gave at its reference slot (the indexer's snapshot then); the value is the count of active ones (active_ongoing, active_exiting, active_slashed).",
  wait: "For each request finalized, the time from its request to the report that finalized it (block times).",
  queue:
    "Pending: requests above the last finalized id, valued at the current rate. Finalized and unclaimed: ETH the reports locked for finalized requests minus the ETH their claims paid.",
} as const;

export interface ReportRow {
  refSlot: bigint;
  blockNumber: bigint;
  timestamp: bigint;
  shareRate: bigint;
  rewards: bigint;
  elRewardsPulled: bigint;
  treasuryShares: bigint;
  commissionShares: bigint;
  totalShares: bigint;
  beaconAssets: bigint | null;
  finalizedTo: bigint | null;
  ethLocked: bigint | null;
}

export interface OperatorView {
  id: number;
  manager: string;
  rewardAddress: string;
  commissionBps: number;
  pendingCommission: { commissionBps: number; effectiveAt: number } | null;
  curated: boolean;
  keys: { total: number; vetted: number; deposited: number; exited: number; withdrawn: number };
  activeValidators: number;
  bondShares: bigint;
  bondAssets: bigint;
  debt: bigint;
  lossesCharged: bigint;
  worstLoss: bigint;
}

const big = (v: unknown) => BigInt(String(v));
const bigOrNull = (v: unknown) => (v === null || v === undefined ? null : BigInt(String(v)));

/** Figures shared by every route at one cursor. */
export interface Snapshot {
  cursor: { number: bigint; hash: string; timestamp: bigint };
  deployment: { block: bigint; timestamp: bigint };
  reports: ReportRow[];
  rate: bigint;
  supply: bigint;
}

export class Queries {
  private cached: { key: string; snapshot: Snapshot } | undefined;
  private operatorsCache: { key: string; value: OperatorView[] } | undefined;
  private statsCache: { key: string; value: unknown } | undefined;
  /** Answers per account at the current cursor (emptied when it moves). */
  private readonly accounts = new Map<string, unknown>();
  private checkedAt = 0;

  /**
   * `freshMs`: how long the cursor read from the database is trusted before it is read again; an
   * answer is at most that much older than the index (default 200 ms).
   */
  constructor(
    readonly database: Database,
    readonly deployment: Deployment,
    readonly freshMs = 200,
  ) {}

  /**
   * The cursor and history-wide figures, read again only when the cursor moved. During a first
   * backfill there are none to give (balances and indexes come at its end): `IndexBuilding`.
   */
  async snapshot(): Promise<Snapshot> {
    if (this.cached && performance.now() - this.checkedAt < this.freshMs) return this.cached.snapshot;
    const meta = await readMeta(this.database.query);
    if (meta.has("deferred_indexes")) {
      throw new IndexBuilding(
        BigInt(meta.get("cursor_number") ?? meta.get("deployment_block") ?? 0),
        BigInt(meta.get("deployment_block") ?? 0),
      );
    }
    this.checkedAt = performance.now();
    const key = `${meta.get("cursor_number")}/${meta.get("cursor_hash")}`;
    if (this.cached?.key === key) return this.cached.snapshot;
    const rows = await this.database.query<Record<string, unknown>>(
      `select ref_slot::text, block_number::text, timestamp::text, share_rate::text, rewards::text, el_rewards_pulled::text,
              treasury_shares::text, commission_shares::text, total_shares::text, beacon_assets::text, finalized_to::text, eth_locked::text
       from reports order by reports.block_number, reports.log_index`,
    );
    const reports: ReportRow[] = rows.map((r) => ({
      refSlot: big(r.ref_slot),
      blockNumber: big(r.block_number),
      timestamp: big(r.timestamp),
      shareRate: big(r.share_rate),
      rewards: big(r.rewards),
      elRewardsPulled: big(r.el_rewards_pulled),
      treasuryShares: big(r.treasury_shares),
      commissionShares: big(r.commission_shares),
      totalShares: big(r.total_shares),
      beaconAssets: bigOrNull(r.beacon_assets),
      finalizedTo: bigOrNull(r.finalized_to),
      ethLocked: bigOrNull(r.eth_locked),
    }));
    const [zero] = await this.database.query<{ shares: string }>(
      "select shares::text from balances where address = $1",
      [ZERO],
    );
    const snapshot: Snapshot = {
      cursor: {
        number: BigInt(meta.get("cursor_number") ?? -1),
        hash: meta.get("cursor_hash") ?? "",
        timestamp: BigInt(meta.get("cursor_time") ?? 0),
      },
      deployment: {
        block: BigInt(meta.get("deployment_block") ?? this.deployment.blockNumber),
        timestamp: BigInt(meta.get("deployment_time") ?? 0),
      },
      reports,
      rate: reports.at(-1)?.shareRate ?? RATE_SCALE,
      supply: zero ? -BigInt(zero.shares) : 0n,
    };
    this.cached = { key, snapshot };
    this.operatorsCache = undefined;
    this.statsCache = undefined;
    this.accounts.clear();
    return snapshot;
  }

  /** APR figures as the SDK's `getApr` computes them, "now" being the latest indexed block's time. */
  apr(s: Snapshot, upTo?: number) {
    const origin: AprPoint = {
      refSlot: null,
      blockNumber: s.deployment.block,
      timestamp: s.deployment.timestamp,
      shareRate: RATE_SCALE,
    };
    const reports = upTo === undefined ? s.reports : s.reports.slice(0, upTo + 1);
    const now = upTo === undefined ? s.cursor.timestamp : (reports.at(-1)?.timestamp ?? s.cursor.timestamp);
    return aprFromPoints(
      origin,
      reports.map((r) => ({
        refSlot: r.refSlot,
        blockNumber: r.blockNumber,
        timestamp: r.timestamp,
        shareRate: r.shareRate,
      })),
      now,
    );
  }

  async stats() {
    const s = await this.snapshot();
    if (this.statsCache?.key === s.cursor.hash) return { snapshot: s, value: this.statsCache.value };
    const [holders] = await this.database.query<{ n: number }>(
      "select count(*)::int as n from balances where shares > 0 and address <> $1 and address <> $2",
      [ZERO, DEAD],
    );
    const validators = await this.validatorStatuses();
    const apr = this.apr(s);
    const value = {
      block: {
        number: s.cursor.number.toString(),
        hash: s.cursor.hash,
        timestamp: Number(s.cursor.timestamp),
      },
      tvl: { wei: ((s.supply * s.rate) / RATE_SCALE).toString(), method: METHODS.tvl },
      rate: {
        shareRate: s.rate.toString(),
        ethPerTrETH: Number(s.rate / 10n ** 9n) / 1e18,
        method: METHODS.rate,
      },
      supply: s.supply.toString(),
      apr: {
        apr7d: apr.apr7d,
        apr30d: apr.apr30d,
        aprSinceInception: apr.aprSinceInception,
        method: apr.method,
        windows: JSON.parse(
          JSON.stringify(apr.windows, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
        ),
      },
      holders: { count: holders?.n ?? 0, method: METHODS.holders },
      validators: { ...validators, method: METHODS.validators },
      reports: { count: s.reports.length, lastRefSlot: s.reports.at(-1)?.refSlot.toString() ?? null },
    };
    this.statsCache = { key: s.cursor.hash, value };
    return { snapshot: s, value };
  }

  /** Validators by beacon status at the latest snapshot; deposits not seen yet count as `deposited`. */
  async validatorStatuses(): Promise<{
    total: number;
    byStatus: Record<string, number>;
    refSlot: string | null;
  }> {
    const [latest] = await this.database.query<{ ref_slot: string | null }>(
      "select max(ref_slot)::text as ref_slot from validator_snapshots",
    );
    const byStatus: Record<string, number> = {};
    let seen = new Set<string>();
    if (latest?.ref_slot) {
      const rows = await this.database.query<{ pubkey: string; status: string }>(
        "select pubkey, status from validator_snapshots where ref_slot = $1",
        [latest.ref_slot],
      );
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      seen = new Set(rows.map((r) => r.pubkey));
    }
    const deposits = await this.database.query<{ pubkey: string }>("select distinct pubkey from deposits");
    for (const d of deposits) if (!seen.has(d.pubkey)) byStatus.deposited = (byStatus.deposited ?? 0) + 1;
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { total, byStatus, refSlot: latest?.ref_slot ?? null };
  }

  async queue() {
    const s = await this.snapshot();
    const lastFinalized = s.reports.reduce<bigint>(
      (m, r) => (r.finalizedTo !== null && r.finalizedTo > m ? r.finalizedTo : m),
      0n,
    );
    const [pending] = await this.database.query<{ n: number; shares: string | null }>(
      "select count(*)::int as n, sum(shares)::text as shares from requests where request_id > $1",
      [lastFinalized.toString()],
    );
    const [claimed] = await this.database.query<{ n: number; assets: string | null }>(
      "select count(*)::int as n, sum(assets)::text as assets from claims",
    );
    const [finalizedCount] = await this.database.query<{ n: number }>(
      "select count(*)::int as n from requests where request_id <= $1",
      [lastFinalized.toString()],
    );
    const locked = s.reports.reduce((sum, r) => sum + (r.ethLocked ?? 0n), 0n);
    const pendingShares = BigInt(pending?.shares ?? 0);
    return {
      snapshot: s,
      value: {
        lastFinalizedRequestId: lastFinalized.toString(),
        pending: {
          requests: pending?.n ?? 0,
          shares: pendingShares.toString(),
          ethEstimate: ((pendingShares * s.rate) / RATE_SCALE).toString(),
        },
        finalizedUnclaimed: {
          requests: (finalizedCount?.n ?? 0) - (claimed?.n ?? 0),
          eth: (locked - BigInt(claimed?.assets ?? 0)).toString(),
        },
        method: METHODS.queue,
      },
    };
  }

  /** `before`: "<block>-<log index>" of a transfer; the history page holds older ones. */
  async account(address: string, limit: number, before?: string) {
    const s = await this.snapshot();
    const cacheKey = `${address}/${limit}/${before ?? ""}`;
    const hit = this.accounts.get(cacheKey);
    if (hit) return { snapshot: s, value: hit as Awaited<ReturnType<Queries["accountAt"]>> };
    const value = await this.accountAt(s, address, limit, before);
    if (this.accounts.size >= 10_000) this.accounts.clear();
    this.accounts.set(cacheKey, value);
    return { snapshot: s, value };
  }

  private async accountAt(s: Snapshot, address: string, limit: number, before?: string) {
    // One round trip: the balance, every transfer of the address, and its latest tickets.
    const [row] = await this.database.query<{
      shares: string | null;
      transfers:
        | {
            block_number: string;
            log_index: number;
            tx_hash: string;
            timestamp: string | null;
            from: string;
            to: string;
            shares: string;
          }[]
        | null;
      requests:
        | {
            request_id: string;
            block_number: string;
            timestamp: string;
            shares: string;
            claimed_assets: string | null;
            claimed_block: string | null;
          }[]
        | null;
    }>(
      `select
         (select shares::text from balances where address = $1) as shares,
         (select json_agg(json_build_object('block_number', t.block_number::text, 'log_index', t.log_index, 'tx_hash', t.tx_hash,
                   'timestamp', b.timestamp::text, 'from', t."from", 'to', t."to", 'shares', t.shares::text) order by t.block_number, t.log_index)
            from (select block_number, log_index, tx_hash, "from", "to", shares from transfers where "from" = $1
                  union all
                  select block_number, log_index, tx_hash, "from", "to", shares from transfers where "to" = $1 and "from" <> $1) t
            left join blocks b on b.number = t.block_number) as transfers,
         (select json_agg(json_build_object('request_id', q.request_id::text, 'block_number', q.block_number::text, 'timestamp', q.timestamp::text,
                   'shares', q.shares::text, 'claimed_assets', q.claimed_assets, 'claimed_block', q.claimed_block) order by q.request_id desc)
            from (select r.request_id, r.block_number, r.timestamp, r.shares, c.assets::text as claimed_assets, c.block_number::text as claimed_block
                  from requests r left join claims c on c.request_id = r.request_id
                  where r.controller = $1 order by r.request_id desc limit $2) q) as requests`,
      [address, limit],
    );
    const balance = row?.shares ? { shares: row.shares } : undefined;
    const transfers = row?.transfers ?? [];
    // Rewards: shares held between reports times the rate's change.
    let held = 0n;
    let earned = 0n;
    let t = 0;
    for (const [i, report] of s.reports.entries()) {
      while (t < transfers.length) {
        const row = transfers[t] as (typeof transfers)[number];
        const block = BigInt(row.block_number);
        if (block > report.blockNumber) break;
        held +=
          (row.to === address ? BigInt(row.shares) : 0n) - (row.from === address ? BigInt(row.shares) : 0n);
        t++;
      }
      const previous = i === 0 ? RATE_SCALE : (s.reports[i - 1] as ReportRow).shareRate;
      earned += (held * (report.shareRate - previous)) / RATE_SCALE;
    }
    const requests = row?.requests ?? [];
    const lastFinalized = s.reports.reduce<bigint>(
      (m, r) => (r.finalizedTo !== null && r.finalizedTo > m ? r.finalizedTo : m),
      0n,
    );
    const shares = BigInt(balance?.shares ?? 0);
    // History, newest first: the `limit` transfers before `before` (every one without it).
    let end = transfers.length;
    if (before !== undefined) {
      const [block, index] = before.split("-").map(BigInt) as [bigint, bigint];
      while (end > 0) {
        const last = transfers[end - 1] as (typeof transfers)[number];
        const b = BigInt(last.block_number);
        if (b < block || (b === block && BigInt(last.log_index) < index)) break;
        end--;
      }
    }
    const start = Math.max(0, end - limit);
    const history = transfers.slice(start, end).reverse();
    const oldest = transfers[start];
    return {
      address,
      shares: shares.toString(),
      assets: ((shares * s.rate) / RATE_SCALE).toString(),
      rewardsEarned: { wei: earned.toString(), method: METHODS.rewards },
      history: history.map((h) => ({
        blockNumber: h.block_number,
        logIndex: h.log_index,
        txHash: h.tx_hash,
        timestamp: Number(h.timestamp ?? 0),
        from: h.from,
        to: h.to,
        shares: h.shares,
        direction: h.to === address ? "in" : "out",
      })),
      historyNext: start > 0 && oldest ? `${oldest.block_number}-${oldest.log_index}` : null,
      tickets: requests.map((r) => ({
        requestId: r.request_id,
        blockNumber: r.block_number,
        requestedAt: Number(r.timestamp),
        shares: r.shares,
        status:
          r.claimed_assets !== null
            ? "claimed"
            : BigInt(r.request_id) <= lastFinalized
              ? "finalized"
              : "pending",
        claimedAssets: r.claimed_assets,
      })),
    };
  }

  async operators(): Promise<{ snapshot: Snapshot; value: OperatorView[] }> {
    const s = await this.snapshot();
    if (this.operatorsCache?.key === s.cursor.hash) return { snapshot: s, value: this.operatorsCache.value };
    const rows = await this.database.query<{ name: string; args: Record<string, string | boolean> }>(
      "select name, args from events where contract = 'operatorRegistry' order by block_number, log_index",
    );
    const ops = new Map<number, OperatorView>();
    const now = Number(s.cursor.timestamp);
    for (const { name, args } of rows) {
      if (name === "OperatorRegistered") {
        ops.set(Number(args.operatorId), {
          id: Number(args.operatorId),
          manager: String(args.manager),
          rewardAddress: String(args.rewardAddress),
          commissionBps: Number(args.commissionBps),
          pendingCommission: null,
          curated: Boolean(args.curated),
          keys: { total: 0, vetted: 0, deposited: 0, exited: 0, withdrawn: 0 },
          activeValidators: 0,
          bondShares: 0n,
          bondAssets: 0n,
          debt: 0n,
          lossesCharged: 0n,
          worstLoss: 0n,
        });
        continue;
      }
      const op = args.operatorId === undefined ? undefined : ops.get(Number(args.operatorId));
      if (!op) continue;
      switch (name) {
        case "KeyAdded":
          op.keys.total = Math.max(op.keys.total, Number(args.index) + 1);
          break;
        case "KeysRemoved":
          op.keys.total = Number(args.totalKeys);
          op.keys.vetted = Number(args.vettedKeys);
          break;
        case "KeysVetted":
          op.keys.vetted = Number(args.vettedKeys);
          break;
        case "KeysDeposited":
          op.keys.deposited = Number(args.depositedKeys);
          break;
        case "ExitedValidatorsReported":
          op.keys.exited = Number(args.exitedValidators);
          op.keys.withdrawn = Number(args.withdrawnValidators);
          break;
        case "BondDeposited":
        case "BondWithdrawn":
          op.bondShares = BigInt(String(args.bondShares));
          break;
        case "LossCharged": {
          const amount = BigInt(String(args.amount));
          op.lossesCharged += amount;
          if (amount > op.worstLoss) op.worstLoss = amount;
          op.debt = BigInt(String(args.debt));
          break;
        }
        case "DebtSettled":
          op.debt = BigInt(String(args.debt));
          break;
        case "CommissionChangeScheduled":
          op.pendingCommission = {
            commissionBps: Number(args.commissionBps),
            effectiveAt: Number(args.effectiveAt),
          };
          break;
        case "RewardAddressSet":
          op.rewardAddress = String(args.rewardAddress);
          break;
      }
      if (op.pendingCommission && op.pendingCommission.effectiveAt <= now) {
        op.commissionBps = op.pendingCommission.commissionBps;
        op.pendingCommission = null;
      }
    }
    // A change already effective was applied after the event that scheduled it, in the loop above.
    const value = [...ops.values()].map((op) => {
      op.activeValidators = Math.max(0, op.keys.deposited - op.keys.exited);
      op.bondAssets = (op.bondShares * s.rate) / RATE_SCALE;
      return op;
    });
    this.operatorsCache = { key: s.cursor.hash, value };
    return { snapshot: s, value };
  }

  /**
   * Effectiveness per operator from the validator snapshots (see `METHODS.effectiveness`):
   * gwei per validator and epoch, and the ratio to the protocol's mean.
   */
  async effectiveness(
    slotsPerEpoch: number,
  ): Promise<Map<number, { gweiPerEpoch: number; ratio: number | null; periods: number }>> {
    const slots = await this.database.query<{ ref_slot: string }>(
      "select ref_slot::text from (select distinct ref_slot from validator_snapshots order by ref_slot desc limit 9) s",
    );
    const out = new Map<number, { gweiPerEpoch: number; ratio: number | null; periods: number }>();
    if (slots.length < 2) return out;
    const list = slots.map((r) => BigInt(r.ref_slot)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rows = await this.database.query<{
      ref_slot: string;
      pubkey: string;
      operator_id: number | null;
      status: string;
      balance_gwei: string;
    }>(
      "select ref_slot::text, pubkey, operator_id, status, balance_gwei::text from validator_snapshots where ref_slot >= $1",
      [String(list[0])],
    );
    const at = new Map<string, (typeof rows)[number]>();
    for (const r of rows) at.set(`${r.ref_slot}/${r.pubkey}`, r);
    const sums = new Map<number, { gwei: number; epochs: number; periods: number }>();
    let totalGwei = 0;
    let totalEpochs = 0;
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1] as bigint, list[i] as bigint];
      const epochs = Number(b - a) / slotsPerEpoch;
      for (const r of rows) {
        if (r.ref_slot !== b.toString() || r.operator_id === null) continue;
        const before = at.get(`${a}/${r.pubkey}`);
        if (!before || before.status !== "active_ongoing" || r.status !== "active_ongoing") continue;
        const change = Number(BigInt(r.balance_gwei) - BigInt(before.balance_gwei));
        if (change < 0 && BigInt(r.balance_gwei) >= 32n * GWEI) continue; // a sweep
        const sum = sums.get(r.operator_id) ?? { gwei: 0, epochs: 0, periods: 0 };
        sum.gwei += change;
        sum.epochs += epochs;
        sum.periods += 1;
        sums.set(r.operator_id, sum);
        totalGwei += change;
        totalEpochs += epochs;
      }
    }
    const mean = totalEpochs > 0 ? totalGwei / totalEpochs : 0;
    for (const [id, sum] of sums) {
      const perEpoch = sum.epochs > 0 ? sum.gwei / sum.epochs : 0;
      out.set(id, { gweiPerEpoch: perEpoch, ratio: mean > 0 ? perEpoch / mean : null, periods: sum.periods });
    }
    return out;
  }

  async reports(limit: number, before?: bigint) {
    const s = await this.snapshot();
    const list = s.reports
      .filter((r) => before === undefined || r.refSlot < before)
      .slice(-limit)
      .reverse();
    const slots = list.map((r) => r.refSlot.toString());
    const votes = slots.length
      ? await this.database.query<{ name: string; args: Record<string, string> }>(
          `select name, args from events where contract = 'hashConsensus' and name in ('ReportReceived', 'ConsensusReached')
           and args->>'refSlot' = any($1::text[]) order by block_number, log_index`,
          [slots],
        )
      : [];
    return {
      snapshot: s,
      value: list.map((r) => {
        const mine = votes.filter((v) => v.args.refSlot === r.refSlot.toString());
        const consensus = mine.filter((v) => v.name === "ConsensusReached").at(-1);
        const index = s.reports.indexOf(r);
        const previous = index > 0 ? (s.reports[index - 1] as ReportRow).shareRate : RATE_SCALE;
        return {
          refSlot: r.refSlot.toString(),
          blockNumber: r.blockNumber.toString(),
          timestamp: Number(r.timestamp),
          shareRate: r.shareRate.toString(),
          rateChange: Number(((r.shareRate - previous) * 10n ** 12n) / previous) / 1e12,
          rewards: r.rewards.toString(),
          elRewardsPulled: r.elRewardsPulled.toString(),
          treasuryShares: r.treasuryShares.toString(),
          commissionShares: r.commissionShares.toString(),
          totalShares: r.totalShares.toString(),
          beaconAssets: r.beaconAssets?.toString() ?? null,
          finalizedTo: r.finalizedTo?.toString() ?? null,
          ethLocked: r.ethLocked?.toString() ?? null,
          consensus: consensus
            ? { reportHash: consensus.args.reportHash as string, support: Number(consensus.args.support) }
            : null,
          votes: mine
            .filter((v) => v.name === "ReportReceived")
            .map((v) => ({
              member: v.args.member as string,
              reportHash: v.args.reportHash as string,
              agreed: consensus ? v.args.reportHash === consensus.args.reportHash : null,
            })),
        };
      }),
    };
  }

  /** Waits of finalized requests: request time to the time of the report that finalized them. */
  async waits(s: Snapshot): Promise<{ finalizedAt: bigint; seconds: number }[]> {
    const requests = await this.database.query<{ request_id: string; timestamp: string }>(
      "select request_id::text, timestamp::text from requests order by requests.request_id",
    );
    const out: { finalizedAt: bigint; seconds: number }[] = [];
    let r = 0;
    for (const report of s.reports) {
      if (report.finalizedTo === null) continue;
      while (
        r < requests.length &&
        BigInt((requests[r] as (typeof requests)[number]).request_id) <= report.finalizedTo
      ) {
        out.push({
          finalizedAt: report.timestamp,
          seconds: Number(report.timestamp - BigInt((requests[r] as (typeof requests)[number]).timestamp)),
        });
        r++;
      }
    }
    return out;
  }

  /** Pending requests after each report: (time, count, shares). */
  /** Validators by beacon status at each report's reference slot (from the snapshots the indexer took then). */
  async validatorsAtReports(s: Snapshot): Promise<{ t: bigint; byStatus: Record<string, number> }[]> {
    const rows = await this.database.query<{ ref_slot: string; status: string; n: number }>(
      "select ref_slot::text, status, count(*)::int as n from validator_snapshots group by ref_slot, status",
    );
    const bySlot = new Map<string, Record<string, number>>();
    for (const r of rows) {
      const counts = bySlot.get(r.ref_slot) ?? {};
      counts[r.status] = r.n;
      bySlot.set(r.ref_slot, counts);
    }
    return s.reports.flatMap((report) => {
      const byStatus = bySlot.get(report.refSlot.toString());
      return byStatus ? [{ t: report.timestamp, byStatus }] : [];
    });
  }

  async queueAtReports(s: Snapshot): Promise<{ t: bigint; requests: number; shares: bigint }[]> {
    const requests = await this.database.query<{ request_id: string; block_number: string; shares: string }>(
      "select request_id::text, block_number::text, shares::text from requests order by requests.request_id",
    );
    let finalized = 0n;
    return s.reports.map((report) => {
      if (report.finalizedTo !== null && report.finalizedTo > finalized) finalized = report.finalizedTo;
      let count = 0;
      let shares = 0n;
      for (const q of requests) {
        if (BigInt(q.block_number) <= report.blockNumber && BigInt(q.request_id) > finalized) {
          count++;
          shares += BigInt(q.shares);
        }
      }
      return { t: report.timestamp, requests: count, shares };
    });
  }
}
