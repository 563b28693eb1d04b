/**
 * The indexer: backfills the protocol's events from its deployment block to the finalized block
 * in large log ranges, then follows the unfinalized blocks one at a time, each checked against its
 * parent's hash. When a block's parent is not the block indexed before it, the chain changed under
 * the indexer: it walks back its stored hashes to the common ancestor, deletes everything after
 * it, and goes on from there.
 *
 * Backfill queries run ahead of the writes (`prefetch` ranges in flight), each range sized from
 * the log density of the last one, so that the node and the database work at the same time. A first
 * backfill drops the secondary indexes and keeps no running balances; it builds both once it reaches
 * the finalized block (store.ts, `deferIndexes`).
 *
 * Every batch of rows goes in with its cursor in one transaction (see store.ts). At each applied
 * report it records the protocol's validators at the report's reference slot from the Beacon API,
 * when one is configured.
 */
import type { BeaconClient } from "@tributary/daemon/beacon";
import type { Logger } from "@tributary/daemon/log";
import { isRangeRefusal } from "@tributary/daemon/logs";
import type { Deployment } from "@tributary/sdk";
import { type Block, type Hex, hexToBytes, keccak256, type PublicClient } from "viem";
import type { Database } from "./db.js";
import { type ContractName, type DecodedLog, type RawLog, Sources } from "./decode.js";
import type { IndexerMetrics } from "./metrics.js";
import {
  type BlockRow,
  type Cursor,
  deferIndexes,
  pruneBlocks,
  readCursor,
  readMeta,
  restoreIndexes,
  rollback,
  type SnapshotRow,
  writeBatch,
  writeMeta,
} from "./store.js";

export interface IndexerOptions {
  database: Database;
  publicClient: PublicClient;
  deployment: Deployment;
  beacon?: BeaconClient | undefined;
  logger: Logger;
  metrics?: IndexerMetrics | undefined;
  /** Most blocks per backfill log query. Default 10,000. */
  chunk?: bigint | undefined;
  /**
   * Logs aimed at per backfill query: each range is sized from the density of the one before
   * (halved when the node refuses it). Default 10,000.
   */
  logsPerRange?: number | undefined;
  /** Backfill log queries in flight ahead of the one being written. Default 3. */
  prefetch?: number | undefined;
  /** Drop secondary indexes during a first backfill and build them once at its end. Default true. */
  deferIndexes?: boolean | undefined;
  /** Most unfinalized blocks indexed per step (one transaction). Default 64. */
  liveBlocksPerStep?: number | undefined;
}

export interface StepResult {
  kind: "backfill" | "live" | "reorg" | "idle";
  from?: bigint;
  to?: bigint;
  events: number;
  /** Blocks undone by a reorg. */
  depth?: number;
}

/** A backfill range asked of the node ahead of its turn. */
interface Prefetched {
  from: bigint;
  to: bigint;
  /** The addresses it was asked for. */
  sources: string;
  result: Promise<{ raw: RawLog[]; end: Block } | { error: unknown }>;
}

export class IndexerError extends Error {
  override name = "IndexerError";
}

export class Indexer {
  readonly sources: Sources;
  private cursor: Cursor | undefined;
  private initialized = false;
  private chunk: bigint;
  private maxChunk: bigint;
  /** Unfinalized blocks per live step: lowered when the node refuses their log range. */
  private liveSpan: bigint;
  private ahead: Prefetched[] = [];
  private deferred = false;
  private headsReadAt = Number.NEGATIVE_INFINITY;
  private readonly startBlock: bigint;
  private readonly withdrawalCredentials: string;
  /** The latest block's number and time as last seen, for the lag figures. */
  head: { number: bigint; timestamp: bigint } | undefined;
  finalized: bigint | undefined;

  constructor(private readonly o: IndexerOptions) {
    this.sources = new Sources(o.deployment);
    this.maxChunk = o.chunk ?? 10_000n;
    this.liveSpan = BigInt(o.liveBlocksPerStep ?? 64);
    // The first range is small: its density sizes the next ones.
    this.chunk = this.maxChunk < 64n ? this.maxChunk : 64n;
    this.startBlock = BigInt(o.deployment.startBlock ?? o.deployment.blockNumber);
    this.withdrawalCredentials =
      `0x01${"00".repeat(11)}${o.deployment.contracts.withdrawalVault.slice(2)}`.toLowerCase();
  }

  /** Checks that the database belongs to this chain and deployment, and loads the cursor. */
  async init(): Promise<void> {
    const { database, deployment } = this.o;
    const meta = await readMeta(database.query);
    const identity = {
      chain_id: String(deployment.chainId),
      token: deployment.contracts.token.toLowerCase(),
    };
    for (const [key, value] of Object.entries(identity)) {
      const stored = meta.get(key);
      if (stored !== undefined && stored !== value) {
        throw new IndexerError(
          `the database (${database.where}) was built for ${key} ${stored}, not ${value}: use another --data-dir or --database-url`,
        );
      }
    }
    if (meta.size === 0) {
      // The deployment's time: the APR's first point (rate 1.0), as the SDK counts it.
      const deployed = await this.o.publicClient.getBlock({ blockNumber: BigInt(deployment.blockNumber) });
      await writeMeta(database.query, {
        ...identity,
        deployment_block: deployment.blockNumber,
        deployment_time: String(deployed.timestamp),
      });
    }
    // Modules the token named since its deployment (ModulesSet) are sources too.
    const modules = await database.query<{ args: Record<string, string> }>(
      "select args from events where contract = 'trETH' and name = 'ModulesSet' order by block_number, log_index",
    );
    for (const { args } of modules) this.addModules(args);
    this.cursor = await readCursor(database.query);
    // Read before the identity was written, which does not touch this key.
    this.deferred = meta.has("deferred_indexes");
    this.initialized = true;
  }

  /** Where the next step starts: the block after the cursor. */
  get position(): Cursor | undefined {
    return this.cursor;
  }

  private addModules(args: Record<string, unknown>): boolean {
    let added = false;
    const pairs: [unknown, ContractName][] = [
      [args.accounting, "accounting"],
      [args.withdrawalQueue, "withdrawalQueue"],
    ];
    for (const [address, name] of pairs) {
      if (typeof address === "string" && /^0x[0-9a-fA-F]{40}$/.test(address)) {
        added = this.sources.add(address, name) || added;
      }
    }
    return added;
  }

  /** One step: a backfill range, a run of live blocks, or a rollback. */
  async step(): Promise<StepResult> {
    if (!this.initialized) await this.init();
    const client = this.o.publicClient;
    // In the middle of a backfill below a finalized block read less than a second ago, the heads
    // are not read again, nor the cursor's block: a finalized block does not change. (Under a
    // backfill's load a node answers them slowly, and each step would wait for them.)
    const known = this.finalized;
    const backfilling =
      known !== undefined &&
      this.cursor !== undefined &&
      this.cursor.number < known &&
      performance.now() - this.headsReadAt < 1_000;
    if (!backfilling) {
      const [finalizedBlock, latest] = await Promise.all([
        client.getBlock({ blockTag: "finalized" }),
        client.getBlock({ blockTag: "latest" }),
      ]);
      this.headsReadAt = performance.now();
      this.finalized = finalizedBlock.number as bigint;
      this.head = { number: latest.number as bigint, timestamp: latest.timestamp };
      this.o.metrics?.observeHead(this.head, this.finalized);
      if (this.cursor && this.cursor.number > (known ?? -1n)) {
        const onChain = await this.blockAt(this.cursor.number);
        if (!onChain || onChain.hash !== this.cursor.hash) return this.reorg();
      }
    }
    const finalized = this.finalized as bigint;
    const next = this.cursor ? this.cursor.number + 1n : this.startBlock;
    if (next <= finalized) {
      if (!this.cursor && !this.deferred && (this.o.deferIndexes ?? true)) {
        const dropped = await deferIndexes(this.o.database);
        this.deferred = dropped > 0;
        if (dropped > 0)
          this.o.logger.info("first backfill: secondary indexes deferred to its end", { dropped });
      }
      return this.backfill(next, finalized);
    }
    if (this.deferred) {
      const started = performance.now();
      const built = await restoreIndexes(this.o.database);
      this.deferred = false;
      this.o.logger.info("backfill done: secondary indexes built", {
        built,
        ms: Math.round(performance.now() - started),
      });
    }
    if (this.head && next <= this.head.number) return this.live(next, this.head.number, finalized);
    return { kind: "idle", events: 0 };
  }

  /** Steps until the cursor reaches the latest block (or `until`). */
  async sync(until?: bigint): Promise<void> {
    for (;;) {
      const result = await this.step();
      const target = until ?? this.head?.number ?? 0n;
      // A first backfill ends with its indexes and balances built: one more step does it.
      if (result.kind === "idle" || (this.cursor && this.cursor.number >= target && !this.deferred)) return;
    }
  }

  private async blockAt(number: bigint): Promise<Block | null> {
    try {
      return await this.o.publicClient.getBlock({ blockNumber: number });
    } catch (error) {
      if (/not found|could not be found/i.test((error as Error).message)) return null;
      throw error;
    }
  }

  /** Starts the log query of `from`..`to` and the read of block `to` (for the cursor's hash). */
  private prefetch(from: bigint, to: bigint): Prefetched {
    const sources = this.sources.addresses.join();
    const result = Promise.all([
      this.getLogs({ fromBlock: from, toBlock: to }),
      this.o.publicClient.getBlock({ blockNumber: to }),
    ]).then(
      ([raw, end]) => ({ raw, end }),
      (error: unknown) => ({ error }),
    );
    return { from, to, sources, result };
  }

  private async backfill(from: bigint, finalized: bigint): Promise<StepResult> {
    // Ranges fetched ahead serve only if they start here and were asked of the same sources.
    const sources = this.sources.addresses.join();
    if (this.ahead[0]?.from !== from || this.ahead[0].sources !== sources) this.ahead = [];
    const depth = Math.max(1, this.o.prefetch ?? 3);
    let next = this.ahead.length > 0 ? (this.ahead.at(-1) as Prefetched).to + 1n : from;
    while (this.ahead.length < depth && next <= finalized) {
      const to = next + this.chunk - 1n < finalized ? next + this.chunk - 1n : finalized;
      this.ahead.push(this.prefetch(next, to));
      next = to + 1n;
    }
    const range = this.ahead.shift() as Prefetched;
    const fetched = await range.result;
    if ("error" in fetched) {
      // What was planned after it assumed a range the node may refuse: plan again.
      this.ahead = [];
      if (range.to > range.from && isRangeRefusal(fetched.error)) {
        const half = (range.to - range.from + 1n) / 2n;
        this.chunk = half > 0n ? half : 1n;
        // No later range grows back to a size the node refused.
        if (this.maxChunk > range.to - range.from) this.maxChunk = range.to - range.from;
        this.o.metrics?.rangeSplits.inc();
        return { kind: "backfill", from, to: from - 1n, events: 0 };
      }
      throw fetched.error;
    }
    const { raw, end: last } = fetched;
    this.resize(range, raw.length);
    const logs = this.decodeAll(raw);
    let to = range.to;
    let end = last;
    const named = this.newModulesAt(logs);
    if (named !== undefined) {
      this.ahead = [];
      // The block that named them is read again, with them, by the next step.
      if (named === from) return { kind: "backfill", from, to: from - 1n, events: 0 };
      to = named - 1n;
      end = await this.o.publicClient.getBlock({ blockNumber: to });
    }
    const kept = named === undefined ? logs : logs.filter((l) => l.blockNumber <= to);
    const blocks = await this.blockRows(kept, raw);
    blocks.set(to, {
      number: to,
      hash: end.hash as Hex,
      timestamp: end.timestamp,
      hasEvents: blocks.has(to),
    });
    await this.write(kept, [...blocks.values()], { number: to, hash: end.hash as Hex });
    await pruneBlocks(this.o.database, finalized, to);
    return { kind: "backfill", from, to, events: kept.length };
  }

  /** Sizes the next ranges from the density of `range`: `logsPerRange` logs, at most twice the last size. */
  private resize(range: Prefetched, logs: number): void {
    const blocks = range.to - range.from + 1n;
    const target = BigInt(this.o.logsPerRange ?? 10_000);
    let size = logs === 0 ? blocks * 2n : (blocks * target) / BigInt(logs);
    if (size > blocks * 2n) size = blocks * 2n;
    if (size > this.maxChunk) size = this.maxChunk;
    this.chunk = size > 0n ? size : 1n;
  }

  /**
   * The unfinalized blocks from `from`: their headers (8 at a time), which must each name the one
   * before as parent, then their logs in one range query, each of which must carry its block's
   * hash. Written in one transaction with every block's hash, so that a later reorg finds them.
   * A log from another block than the header read means the chain moved meanwhile: nothing is
   * written and the next step looks again (and rolls back, if the cursor's block went).
   */
  private async live(from: bigint, head: bigint, finalized: bigint): Promise<StepResult> {
    const last = from + this.liveSpan - 1n;
    const to = last < head ? last : head;
    const numbers: bigint[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    const headers: (Block | null)[] = new Array(numbers.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < numbers.length) {
        const i = next++;
        headers[i] = await this.blockAt(numbers[i] as bigint);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, numbers.length) }, worker));
    const chain: Block[] = [];
    let parent = this.cursor?.hash;
    for (const block of headers) {
      if (!block) break;
      if (parent !== undefined && block.parentHash !== parent) {
        if (chain.length === 0) return this.reorg();
        break;
      }
      chain.push(block);
      parent = block.hash as Hex;
    }
    const end = chain.at(-1);
    if (!end) return { kind: "live", from, to: from - 1n, events: 0 };
    const hashes = new Map(chain.map((b) => [b.number as bigint, b.hash as string]));
    const read = async () => {
      let raw: RawLog[];
      try {
        raw = await this.getLogs({ fromBlock: from, toBlock: end.number as bigint });
      } catch (error) {
        if (end.number === from || !isRangeRefusal(error)) throw error;
        const span = ((end.number as bigint) - from + 1n) / 2n;
        this.liveSpan = span > 0n ? span : 1n;
        this.o.metrics?.rangeSplits.inc();
        return undefined;
      }
      const moved = raw.some((l) => hashes.get(BigInt(l.blockNumber)) !== l.blockHash);
      if (moved) return undefined;
      // A block whose header's bloom names a source but that came back without logs: a node that
      // answered from behind its own headers. Its logs are read again by its hash.
      const seen = new Set(raw.map((l) => BigInt(l.blockNumber)));
      for (const block of chain) {
        if (seen.has(block.number as bigint) || !this.bloomNamesSource(block.logsBloom)) continue;
        raw.push(...(await this.getLogs({ blockHash: block.hash as Hex })));
      }
      return this.decodeAll(raw);
    };
    const before = new Set(this.sources.addresses.map((a) => a.toLowerCase()));
    let logs = await read();
    // New modules named in these blocks: read them again with them, keeping the new modules'
    // events from the naming block on (as a backfill does).
    const named = logs ? this.newModulesAt(logs) : undefined;
    if (named !== undefined) {
      logs = (await read())?.filter((l) => l.blockNumber >= named || before.has(l.address.toLowerCase()));
    }
    if (!logs) return { kind: "live", from, to: from - 1n, events: 0 };
    const withLogs = new Set(logs.map((l) => l.blockNumber));
    const rows: BlockRow[] = chain.map((b) => ({
      number: b.number as bigint,
      hash: b.hash as Hex,
      timestamp: b.timestamp,
      hasEvents: withLogs.has(b.number as bigint),
    }));
    await this.write(logs, rows, { number: end.number as bigint, hash: end.hash as Hex });
    await pruneBlocks(this.o.database, finalized, end.number as bigint);
    return { kind: "live", from, to: end.number as bigint, events: logs.length };
  }

  /**
   * Finds the newest stored block still on the chain and rolls back to it. Stored blocks are every
   * unfinalized block indexed, every block with events and each backfill range's last block.
   */
  private async reorg(): Promise<StepResult> {
    const { database, logger } = this.o;
    const from = this.cursor?.number ?? 0n;
    const stored = await database.query<{ number: string; hash: string }>(
      "select number::text as number, hash from blocks where number <= $1 order by blocks.number desc limit 256",
      [String(from)],
    );
    let ancestor: Cursor | undefined;
    for (const row of stored) {
      const onChain = await this.blockAt(BigInt(row.number));
      if (onChain && onChain.hash === row.hash) {
        ancestor = { number: BigInt(row.number), hash: row.hash };
        break;
      }
    }
    if (!ancestor) {
      if (stored.length === 256) {
        throw new IndexerError(
          `the chain changed more than 256 stored blocks below block ${from}: no common ancestor found; re-index from scratch`,
        );
      }
      // Nothing stored is still on the chain: start again from the deployment.
      ancestor = { number: this.startBlock - 1n, hash: "" };
    }
    await rollback(database, ancestor);
    const depth = Number(from - ancestor.number);
    logger.warn("reorg: rolled back to the common ancestor", {
      from: from.toString(),
      ancestor: ancestor.number.toString(),
      depth,
    });
    this.o.metrics?.reorgs.inc();
    this.o.metrics?.reorgDepth.observe(depth);
    this.cursor = ancestor.hash === "" ? undefined : ancestor;
    if (ancestor.hash === "")
      await database.query("delete from meta where key in ('cursor_number', 'cursor_hash', 'cursor_time')");
    return { kind: "reorg", from: ancestor.number, to: from, events: 0, depth };
  }

  private async getLogs(
    filter: { fromBlock: bigint; toBlock: bigint } | { blockHash: Hex },
  ): Promise<RawLog[]> {
    const params =
      "blockHash" in filter
        ? { blockHash: filter.blockHash, address: this.sources.addresses }
        : {
            fromBlock: `0x${filter.fromBlock.toString(16)}`,
            toBlock: `0x${filter.toBlock.toString(16)}`,
            address: this.sources.addresses,
          };
    const logs = (await this.o.publicClient.request({
      method: "eth_getLogs",
      params: [params],
    } as never)) as RawLog[];
    if (!Array.isArray(logs))
      throw new IndexerError("eth_getLogs answered with something that is not a list");
    return logs;
  }

  private decodeAll(raw: RawLog[]): DecodedLog[] {
    const out: DecodedLog[] = [];
    for (const log of raw) {
      if ((log as { removed?: boolean }).removed) continue;
      const decoded = this.sources.decode(log);
      if (decoded) out.push(decoded);
      else this.o.metrics?.unknownLogs.inc();
    }
    out.sort((a, b) =>
      a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
    );
    return out;
  }

  /** Whether a block's logs bloom may hold a log of one of the sources (false: it surely does not). */
  private bloomNamesSource(bloom: Hex | null | undefined): boolean {
    if (!bloom || bloom.length !== 2 + 512) return true;
    const bytes = hexToBytes(bloom);
    return this.sources.addresses.some((address) => {
      const hash = hexToBytes(keccak256(address.toLowerCase() as Hex));
      // Three bits per value: the low 11 bits of each of the hash's first three 16-bit words.
      for (let i = 0; i < 6; i += 2) {
        const bit = (((hash[i] as number) << 8) | (hash[i + 1] as number)) & 2047;
        if (((bytes[255 - (bit >> 3)] as number) & (1 << (bit & 7))) === 0) return false;
      }
      return true;
    });
  }

  /**
   * The first block of `logs` where the token names modules not yet indexed (and adds them): their
   * events from that block on were not in the query.
   */
  private newModulesAt(logs: DecodedLog[]): bigint | undefined {
    for (const log of logs) {
      if (log.contract === "trETH" && log.name === "ModulesSet" && this.addModules(log.args)) {
        this.o.logger.info("the token named new modules: indexing them too", {
          block: log.blockNumber.toString(),
        });
        return log.blockNumber;
      }
    }
    return undefined;
  }

  /** Block rows (hash, time) for the blocks of `logs`: times from the logs when the node gives them. */
  private async blockRows(logs: DecodedLog[], raw: RawLog[]): Promise<Map<bigint, BlockRow>> {
    const times = new Map<bigint, bigint>();
    for (const log of raw) {
      if (log.blockTimestamp != null) times.set(BigInt(log.blockNumber), BigInt(log.blockTimestamp));
    }
    const rows = new Map<bigint, BlockRow>();
    for (const log of logs) {
      if (!rows.has(log.blockNumber)) {
        rows.set(log.blockNumber, {
          number: log.blockNumber,
          hash: log.blockHash,
          timestamp: times.get(log.blockNumber) ?? -1n,
          hasEvents: true,
        });
      }
    }
    const missing = [...rows.values()].filter((r) => r.timestamp < 0n);
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const row = missing[next++] as BlockRow;
        row.timestamp = (await this.o.publicClient.getBlock({ blockNumber: row.number })).timestamp;
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, missing.length) }, worker));
    return rows;
  }

  private async write(logs: DecodedLog[], blocks: BlockRow[], cursor: Cursor): Promise<void> {
    const snapshots = await this.snapshots(logs);
    const started = performance.now();
    await writeBatch(this.o.database, {
      logs,
      blocks,
      snapshots,
      cursor,
      withdrawalCredentials: this.withdrawalCredentials,
      bulkLoad: this.deferred,
    });
    this.cursor = cursor;
    const time = blocks.find((b) => b.number === cursor.number)?.timestamp;
    this.o.metrics?.observeBatch(logs, performance.now() - started, cursor.number, time);
  }

  /**
   * The protocol's validators at the reference slot of each report in `logs`, from the Beacon API.
   * A node that no longer has that state (404) leaves the report without a snapshot, logged and
   * counted; any other failure fails the step, which is retried.
   */
  private async snapshots(logs: DecodedLog[]): Promise<SnapshotRow[]> {
    const beacon = this.o.beacon;
    if (!beacon) return [];
    const reports = logs.filter((l) => l.contract === "accounting" && l.name === "ReportApplied");
    if (reports.length === 0) return [];
    const { database } = this.o;
    const known = await database.query<{ pubkey: string; operator_id: number | null }>(
      `select d.pubkey, (select k.operator_id from keys k where k.pubkey = d.pubkey order by k.block_number limit 1) as operator_id
       from (select distinct pubkey from deposits) d`,
    );
    const operatorOf = new Map(known.map((k) => [k.pubkey, k.operator_id]));
    for (const l of logs) {
      if (l.contract === "operatorRegistry" && l.name === "KeyAdded") {
        const pubkey = String(l.args.pubkey).toLowerCase();
        if (!operatorOf.get(pubkey)) operatorOf.set(pubkey, Number(l.args.operatorId));
      }
    }
    for (const l of logs) {
      if (
        l.contract === "depositContract" &&
        String(l.args.withdrawal_credentials).toLowerCase() === this.withdrawalCredentials
      ) {
        const pubkey = String(l.args.pubkey).toLowerCase();
        if (!operatorOf.has(pubkey)) operatorOf.set(pubkey, null);
      }
    }
    const pubkeys = [...operatorOf.keys()] as Hex[];
    const rows: SnapshotRow[] = [];
    for (const report of reports) {
      const refSlot = report.args.refSlot as bigint;
      if (pubkeys.length === 0) continue;
      try {
        const validators = await beacon.validators(Number(refSlot), pubkeys);
        const seen = new Set<string>();
        for (const v of validators) {
          const pubkey = v.pubkey.toLowerCase();
          seen.add(pubkey);
          rows.push({
            refSlot,
            blockNumber: report.blockNumber,
            pubkey,
            validatorIndex: v.index,
            operatorId: operatorOf.get(pubkey) ?? null,
            status: v.status,
            balanceGwei: BigInt(v.balanceGwei),
            effectiveBalanceGwei: BigInt(v.effectiveBalanceGwei),
            slashed: v.slashed,
          });
        }
        // Deposited but not yet seen by the beacon chain at that slot.
        for (const pubkey of pubkeys) {
          if (seen.has(pubkey)) continue;
          rows.push({
            refSlot,
            blockNumber: report.blockNumber,
            pubkey,
            validatorIndex: null,
            operatorId: operatorOf.get(pubkey) ?? null,
            status: "deposited",
            balanceGwei: 0n,
            effectiveBalanceGwei: 0n,
            slashed: false,
          });
        }
      } catch (error) {
        if ((error as { status?: number }).status === 404) {
          this.o.logger.warn("the beacon node no longer has the state of a report's reference slot", {
            refSlot: refSlot.toString(),
          });
          this.o.metrics?.snapshotsMissing.inc();
          continue;
        }
        throw error;
      }
    }
    return rows;
  }
}
