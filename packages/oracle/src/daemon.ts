/**
 * Wires a member: the Beacon API and JSON-RPC clients (retries, counters), the chain reader, the
 * state reader, the local state and caches, the publication files, and the loop that runs one step
 * per poll interval and never stops on an error (it logs it, counts it and tries again later).
 */
import { join } from "node:path";
import { BeaconClient } from "@tributary/daemon/beacon";
import type { Logger } from "@tributary/daemon/log";
import { sleep } from "@tributary/daemon/retry";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import { JsonStore } from "@tributary/daemon/store";
import type { Deployment } from "@tributary/sdk";
import { type Address, type LocalAccount, zeroAddress } from "viem";
import { ChainReader, type KeyCache } from "./chain.js";
import { FrameHistoryReader, type HistoryCache } from "./history.js";
import { Member, type TickOutcome } from "./member/member.js";
import { emptyState, type MemberState, parseState, STATE_VERSION } from "./member/store.js";
import type { Metrics } from "./metrics.js";
import { Publisher } from "./publisher.js";
import type { HealthStatus } from "./server.js";
import { readState } from "./state/readState.js";

export interface OracleOptions {
  beaconUrl: string;
  rpcUrl: string;
  deployment: Deployment;
  /** Absent: dry run without a key. */
  account: LocalAccount | undefined;
  dataDir: string;
  logger: Logger;
  metrics: Metrics;
  pollIntervalMs: number;
  lowBalanceWei: bigint;
  dryRun: boolean;
  maxRetries: number;
  requestTimeoutMs: number;
  /** Other members' HTTP servers (see Member's `peers`). */
  peers?: readonly string[];
  /** Receipt polling (default: a quarter of the poll interval, at most 1 s). */
  receiptPollMs?: number;
  signal?: AbortSignal;
}

export class ChainMismatchError extends Error {
  override name = "ChainMismatchError";
}

/** A member ready to run, with what the HTTP server and the CLI need. */
export interface Oracle {
  member: Member;
  beacon: BeaconClient;
  chain: ChainReader;
  /** One step; errors are logged and counted, never thrown. */
  step(): Promise<TickOutcome | "error">;
  /** Steps every poll interval until the signal aborts. */
  run(): Promise<void>;
  health(): HealthStatus;
  slotsPerEpoch: number;
}

const bigintJson = {
  serialize: (value: unknown) =>
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? { $n: v.toString() } : v)),
  parse: (text: string) =>
    JSON.parse(text, (_k, v) =>
      v !== null && typeof v === "object" && typeof v.$n === "string" && Object.keys(v).length === 1
        ? BigInt(v.$n)
        : v,
    ),
};

export async function createOracle(o: OracleOptions): Promise<Oracle> {
  const log = o.logger;
  const attempts = o.maxRetries + 1;
  const rpc = createRpc({
    url: o.rpcUrl,
    hooks: o.metrics.rpcHooks,
    attempts,
    timeoutMs: o.requestTimeoutMs,
    signal: o.signal,
  });
  const beacon = new BeaconClient({
    url: o.beaconUrl,
    hooks: o.metrics.beaconHooks,
    attempts,
    timeoutMs: o.requestTimeoutMs,
    signal: o.signal,
  });
  // The nodes may be down or failing at startup: wait for them (with backoff), never exit.
  const ready = async <T>(what: string, read: () => Promise<T>): Promise<T> => {
    for (let retry = 0; ; retry++) {
      try {
        return await read();
      } catch (error) {
        if (o.signal?.aborted) throw error;
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(retry, 6));
        log.warn(`cannot read ${what} yet; trying again`, {
          error: error instanceof Error ? error.message.split("\n")[0] : String(error),
          retryInMs: waitMs,
        });
        await sleep(waitMs, o.signal);
      }
    }
  };
  const chainId = await ready("the chain id from the RPC node", () => rpc.publicClient.getChainId());
  if (chainId !== o.deployment.chainId) {
    throw new ChainMismatchError(
      `The RPC node is on chain ${chainId}; the deployment file is for chain ${o.deployment.chainId}.`,
    );
  }
  // Bigints are kept as {"$n": "123"} so that the files read back exactly.
  const encode = (value: unknown) => JSON.parse(bigintJson.serialize(value));
  const decode = (value: unknown) => bigintJson.parse(JSON.stringify(value));
  const keyStore = new JsonStore<KeyCache | null>({
    file: join(o.dataDir, "cache-keys.json"),
    version: 1,
    initial: () => null,
    validate: (v) => decode(v) as KeyCache | null,
    logger: log,
  });
  const historyStore = new JsonStore<HistoryCache | null>({
    file: join(o.dataDir, "cache-history.json"),
    version: 1,
    initial: () => null,
    validate: (v) => v as HistoryCache | null,
    logger: log,
  });
  const stateStore = new JsonStore<MemberState>({
    file: join(o.dataDir, "state.json"),
    version: STATE_VERSION,
    initial: emptyState,
    validate: (v) => parseState(JSON.stringify({ version: STATE_VERSION, ...(v as object) }), true),
    logger: log,
  });
  const [keyCache, historyCache, state] = await Promise.all([
    keyStore.load(),
    historyStore.load(),
    stateStore.load(),
  ]);

  const chain = new ChainReader(rpc.publicClient as never, o.deployment, { keyCache: keyCache ?? undefined });
  const config = await ready("the committee's chain configuration", () => chain.chainConfig());
  const [spec, genesis] = await ready("the beacon node's spec and genesis", () =>
    Promise.all([beacon.spec(), beacon.genesis()]),
  );
  if (
    config.slotsPerEpoch !== spec.slotsPerEpoch ||
    config.secondsPerSlot !== spec.secondsPerSlot ||
    config.genesisTime !== genesis.genesisTime
  ) {
    throw new ChainMismatchError(
      `HashConsensus describes a chain of ${config.slotsPerEpoch} slots of ${config.secondsPerSlot} s from ${config.genesisTime}; the beacon node serves ${spec.slotsPerEpoch} slots of ${spec.secondsPerSlot} s from ${genesis.genesisTime}.`,
    );
  }
  const shardCommitteePeriod = Number(spec.raw.SHARD_COMMITTEE_PERIOD ?? 256);
  const history = new FrameHistoryReader(
    {
      block: async (slot) => {
        const b = await beacon.block(slot);
        if (b === null || b.executionPayload === null) return null;
        return { slot: b.slot, proposerIndex: b.proposerIndex, executionPayload: b.executionPayload };
      },
    },
    o.deployment.contracts.withdrawalVault,
    historyCache ?? undefined,
  );
  const publisher = new Publisher(o.dataDir);
  const wallet =
    o.account === undefined ? undefined : rpc.walletClient(o.account, chainForId(chainId, o.rpcUrl));
  const account: Address = o.account?.address ?? zeroAddress;

  const m = o.metrics;
  const member = new Member({
    rpcRequestCount: () => rpc.stats.requests,
    chain,
    beacon: {
      finalizedEpoch: async () => (await beacon.finalityCheckpoints("head")).finalizedEpoch,
      stateSsz: async (id) => {
        const s = await beacon.stateSsz(Number(id));
        return { fork: s.fork ?? "fulu", bytes: s.bytes };
      },
      requestCount: () => beacon.requests,
    },
    history,
    readState: (bytes, fork, pubkeys) => readState(bytes, fork, pubkeys),
    wallet: wallet as never,
    account,
    state,
    saveState: (s) => stateStore.save(encode(s) as MemberState),
    saveCaches: async () => {
      await Promise.all([keyStore.save(encode(chain.cache) as KeyCache), historyStore.save(history.state)]);
    },
    log,
    metrics: {
      lastReportedRefSlot: (slot) => m.lastReportedRefSlot.set(slot),
      lastComputedRefSlot: (slot) => m.lastComputedRefSlot.set(slot),
      computeSeconds: (s) => m.reportComputeSeconds.observe(s),
      vote: () => m.votes.inc(),
      submission: () => m.submissions.inc(),
      refusal: (error) => m.reportRefusals.inc({ error }),
      disagreement: () => m.disagreements.inc(),
      accountBalance: (eth) => m.accountBalanceEth.set(eth),
      frameLag: (slots) => m.frameLagSlots.set(slots),
    },
    publication: {
      publishReport: (refSlot, report) => publisher.publishReport(refSlot, report),
      publishTree: (refSlot, tree) => publisher.publishTree(refSlot, tree.root, tree.dump, tree.proofs),
      publishExitList: (refSlot, hash, entries) => publisher.publishExitList(refSlot, hash, entries),
    },
    slotsPerEpoch: config.slotsPerEpoch,
    secondsPerSlot: config.secondsPerSlot,
    shardCommitteePeriod,
    lowBalance: o.lowBalanceWei,
    dryRun: o.dryRun,
    peers: o.peers,
    receiptPollMs: o.receiptPollMs ?? Math.min(1_000, Math.max(50, Math.floor(o.pollIntervalMs / 4))),
  });
  log.info("oracle member ready", {
    account,
    chainId,
    beacon: beacon.url,
    slotsPerEpoch: config.slotsPerEpoch,
    epochsPerFrame: config.epochsPerFrame,
    dryRun: o.dryRun,
  });

  let lastOk = 0;
  let failures = 0;
  let lastError: string | undefined;
  let lastOutcome: TickOutcome | "error" | undefined;
  const step = async (): Promise<TickOutcome | "error"> => {
    try {
      const outcome = await member.tick();
      lastOk = Date.now();
      failures = 0;
      lastError = undefined;
      lastOutcome = outcome;
      return outcome;
    } catch (error) {
      if (o.signal?.aborted) return "error";
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      lastOutcome = "error";
      failures++;
      log.error("step failed; trying again", { error: lastError, failures });
      return "error";
    }
  };
  return {
    member,
    beacon,
    chain,
    step,
    slotsPerEpoch: config.slotsPerEpoch,
    async run() {
      while (!o.signal?.aborted) {
        await step();
        // After failures, wait longer each time (up to 32 poll intervals or 5 minutes).
        const wait =
          failures === 0
            ? o.pollIntervalMs
            : Math.min(o.pollIntervalMs * 2 ** Math.min(failures, 5), 300_000);
        try {
          await sleep(wait, o.signal);
        } catch {
          return;
        }
      }
    },
    health() {
      const reasons: string[] = [];
      const staleMs = 3 * o.pollIntervalMs + 60_000;
      if (lastOk === 0) reasons.push("no step has completed yet");
      else if (Date.now() - lastOk > staleMs)
        reasons.push(`no step completed for ${Math.round((Date.now() - lastOk) / 1000)} s`);
      if (lastError) reasons.push(`last step failed: ${lastError}`);
      if (lastOutcome === "not-member") reasons.push("the account is not a member of the committee");
      return {
        ok: reasons.length === 0,
        reasons,
        lastOutcome,
        lastComputedRefSlot: member.lastTick?.refSlot,
      };
    },
  };
}
