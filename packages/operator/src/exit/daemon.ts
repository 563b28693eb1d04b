/**
 * The exit daemon: follows the exit lists the accounting module publishes (read from finalized
 * blocks only), keeps its operator's entries with their deadline, and before each deadline posts a
 * voluntary exit for each named validator that is not exiting yet.
 *
 * One pass (`tick`):
 * 1. The finalized execution block, from the Beacon API's finalized block's execution payload.
 * 2. `ExitRequestsSet` (deadline) and `ExitRequestsPublished` (entries) logs up to it, from where
 *    the last pass stopped; the operator's entries are kept in the local state (written atomically).
 * 3. Each pending entry's validator on the Beacon API (by pubkey, at head): exiting or exited is
 *    done; pending, or active for less than SHARD_COMMITTEE_PERIOD epochs, is a named error retried
 *    on a later pass; otherwise an exit is signed (or read pre-signed) and posted.
 * A posted exit is not posted again until `repostEpochs` pass without the validator exiting (a
 * node may drop it from its pool). Restart-safe: the state says what was scanned and posted; the
 * Beacon API says what is exiting, so a repeat after a crash is at worst one harmless duplicate.
 */

import type { BeaconClient, ValidatorInfo } from "@tributary/daemon/beacon";
import { BeaconHttpError } from "@tributary/daemon/beacon";
import type { Logger } from "@tributary/daemon/log";
import { errorMessage, reasonOf, sleep } from "@tributary/daemon/retry";
import type { JsonStore } from "@tributary/daemon/store";
import type { Deployment } from "@tributary/sdk";
import { accountingAbi } from "@tributary/sdk/abis";
import { type Hex, keccak256, type PublicClient } from "viem";
import { ExitNotPossibleError, NoExitKeyError, ValidatorNotActiveError } from "./errors.js";
import { decodeExitList, type ExitRequest } from "./exitList.js";
import type { ExitMetrics } from "./metrics.js";
import type { ExitDomainInput } from "./sign.js";
import type { ExitSource } from "./sources.js";

/** An exit request of this operator, as kept in the state. */
export interface PendingExit extends ExitRequest {
  /** The list it came from. */
  listHash: Hex;
  /** Unix seconds; 0 when the list's deadline is not known yet. */
  deadline: number;
  /** Set once posted: the epoch the exit was signed for, and the head epoch when posted. */
  postedAtEpoch?: number | undefined;
  /** Set once the beacon chain shows the validator exiting or exited. */
  done?: boolean | undefined;
  validatorIndex?: number | undefined;
}

export interface ExitState {
  /** Last execution block scanned (finalized); the scan resumes after it. */
  scannedBlock: number;
  /** Deadlines of lists seen (`ExitRequestsSet`), by hash. */
  deadlines: Record<string, number>;
  /** This operator's entries, by pubkey. */
  exits: Record<string, PendingExit>;
}

/** A list given directly (from a file or an oracle member) rather than read from the chain. */
export interface DirectExitList {
  data: Hex;
  /** Unix seconds. */
  deadline: number;
}

export interface ExitDaemonOptions {
  operatorId: number;
  deployment: Deployment;
  /** Scan from this block on first start (default: the deployment's block). */
  fromBlock?: number | undefined;
  /** Warn when a pending exit's deadline is less than this away (seconds, default one day). */
  warnBeforeSeconds?: number | undefined;
  /** Epochs after a post before posting again a validator still not exiting (default 4). */
  repostEpochs?: number | undefined;
  /** Blocks per `eth_getLogs` (default 10,000). */
  maxBlockRange?: number | undefined;
  /** Pause between passes in `run` (default 12 s). */
  pollIntervalMs?: number | undefined;
  /** Extra lists (tests, or lists taken from an oracle member before they are published). */
  directLists?: (() => Promise<DirectExitList[]>) | undefined;
  /** Only log what would be posted. */
  dryRun?: boolean | undefined;
}

export interface ExitDaemonModules {
  beacon: BeaconClient;
  publicClient: PublicClient;
  source: ExitSource;
  store: JsonStore<ExitState>;
  logger: Logger;
  metrics: ExitMetrics;
  signal?: AbortSignal | undefined;
}

/** What a pass did, for tests and the health endpoint. */
export interface TickResult {
  finalizedBlock: number;
  headEpoch: number;
  pending: number;
  posted: Hex[];
  done: Hex[];
  blocked: { pubkey: Hex; reason: string; message: string }[];
}

export interface HealthStatus {
  healthy: boolean;
  reasons: string[];
  lastSuccessAt: string | null;
  pending: number;
}

const DAY_SECONDS = 86_400;

export function initialExitState(fromBlock: number): ExitState {
  return { scannedBlock: fromBlock - 1, deadlines: {}, exits: {} };
}

/** Checks a state file's content (the JsonStore's `validate`). */
export function parseExitState(value: unknown): ExitState {
  const state = value as ExitState;
  if (
    typeof state !== "object" ||
    state === null ||
    typeof state.scannedBlock !== "number" ||
    typeof state.deadlines !== "object" ||
    typeof state.exits !== "object"
  )
    throw new Error("not an exit daemon state (scannedBlock, deadlines, exits)");
  return state;
}

/** Chain constants read once from the Beacon API. */
interface ChainInfo {
  genesisTime: number;
  secondsPerSlot: number;
  slotsPerEpoch: number;
  shardCommitteePeriod: number;
  domain: ExitDomainInput;
}

function specNumber(raw: Record<string, unknown>, name: string): number {
  const value = raw[name];
  if (typeof value !== "string" || !/^\d+$/.test(value))
    throw new Error(`The beacon node's spec has no ${name} (got ${JSON.stringify(value)}).`);
  return Number(value);
}

/** Genesis, timing, SHARD_COMMITTEE_PERIOD and the EIP-7044 exit domain, from any Beacon API. */
export async function readChainInfo(beacon: BeaconClient): Promise<ChainInfo> {
  const [genesis, spec] = await Promise.all([beacon.genesis(), beacon.spec()]);
  const capella = spec.raw.CAPELLA_FORK_VERSION;
  if (typeof capella !== "string" || !/^0x[0-9a-fA-F]{8}$/.test(capella))
    throw new Error(`The beacon node's spec has no CAPELLA_FORK_VERSION (got ${JSON.stringify(capella)}).`);
  return {
    genesisTime: genesis.genesisTime,
    secondsPerSlot: spec.secondsPerSlot,
    slotsPerEpoch: spec.slotsPerEpoch,
    shardCommitteePeriod: specNumber(spec.raw, "SHARD_COMMITTEE_PERIOD"),
    domain: { capellaForkVersion: capella as Hex, genesisValidatorsRoot: genesis.genesisValidatorsRoot },
  };
}

/**
 * Throws the named reason a validator cannot exit at `epoch` (spec `process_voluntary_exit`):
 * not active, already exiting, or active for less than SHARD_COMMITTEE_PERIOD epochs. Returns
 * "done" when it is already exiting or exited.
 */
export function exitability(
  validator: ValidatorInfo,
  epoch: number,
  shardCommitteePeriod: number,
): "exitable" | "done" {
  if (Number.isFinite(validator.exitEpoch)) return "done";
  if (validator.status.startsWith("pending"))
    throw new ValidatorNotActiveError(
      validator.pubkey,
      validator.status,
      Number.isFinite(validator.activationEpoch)
        ? validator.activationEpoch + shardCommitteePeriod
        : undefined,
    );
  const earliest = validator.activationEpoch + shardCommitteePeriod;
  if (epoch < earliest) throw new ValidatorNotActiveError(validator.pubkey, validator.status, earliest);
  return "exitable";
}

export class ExitDaemon {
  private state: ExitState | undefined;
  private chain: ChainInfo | undefined;
  private lastSuccess: Date | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly options: ExitDaemonOptions,
    private readonly modules: ExitDaemonModules,
  ) {}

  /** The state as last saved (loads it on first use). */
  async loadState(): Promise<ExitState> {
    if (!this.state) {
      const loaded = await this.modules.store.load();
      this.state = loaded;
    }
    return this.state;
  }

  health(): HealthStatus {
    const pending = Object.values(this.state?.exits ?? {}).filter((e) => !e.done).length;
    const reasons: string[] = [];
    if (!this.lastSuccess) reasons.push("no pass completed yet");
    if (this.lastError) reasons.push(`last pass failed: ${this.lastError}`);
    return {
      healthy: reasons.length === 0,
      reasons,
      lastSuccessAt: this.lastSuccess?.toISOString() ?? null,
      pending,
    };
  }

  /** Passes until the signal aborts; a failed pass is logged, counted and retried after a pause. */
  async run(): Promise<void> {
    const { signal, logger, metrics } = this.modules;
    const interval = this.options.pollIntervalMs ?? 12_000;
    let failures = 0;
    while (!signal?.aborted) {
      try {
        await this.tick();
        failures = 0;
      } catch (error) {
        if (signal?.aborted) break;
        failures++;
        this.lastError = errorMessage(error);
        metrics.tickFailures.inc({ reason: reasonOf(error) });
        logger.error("exit pass failed", { error: this.lastError, failures });
      }
      try {
        // Back off on repeated failures, up to eight intervals.
        await sleep(interval * Math.min(2 ** failures, 8), signal, "next pass");
      } catch {
        break;
      }
    }
  }

  /** One pass: scan, then act on every pending exit. */
  async tick(): Promise<TickResult> {
    const { beacon, metrics, store, logger, source } = this.modules;
    const stop = metrics.tickSeconds.startTimer();
    try {
      this.chain ??= await readChainInfo(beacon);
      const chain = this.chain;
      const state = await this.loadState();
      const finalized = await beacon.block("finalized");
      const finalizedBlock = finalized?.executionPayload?.blockNumber ?? 0;
      if (finalized?.executionPayload && finalizedBlock > state.scannedBlock) {
        await this.scan(state, state.scannedBlock + 1, finalizedBlock);
        state.scannedBlock = finalizedBlock;
        metrics.scannedBlock.set(finalizedBlock);
      }
      if (this.options.directLists) {
        for (const list of await this.options.directLists()) this.addList(state, list.data, list.deadline);
      }
      await store.save(state);

      const head = await beacon.header("head");
      const headSlot = head?.slot ?? 0;
      const headEpoch = Math.floor(headSlot / chain.slotsPerEpoch);
      const now = chain.genesisTime + headSlot * chain.secondsPerSlot;
      const result: TickResult = { finalizedBlock, headEpoch, pending: 0, posted: [], done: [], blocked: [] };
      const pending = Object.values(state.exits).filter((e) => !e.done);
      if (pending.length > 0) {
        // New keystores or pre-signed exits are picked up without a restart.
        await source.refresh();
        const validators = await beacon.validators(
          "head",
          pending.map((e) => e.pubkey),
        );
        const byPubkey = new Map(validators.map((v) => [v.pubkey.toLowerCase(), v]));
        for (const exit of pending) {
          const deadline = exit.deadline || state.deadlines[exit.listHash] || 0;
          exit.deadline = deadline;
          await this.handle(exit, byPubkey.get(exit.pubkey), headEpoch, now, result);
        }
        await store.save(state);
      }
      const left = Object.values(state.exits).filter((e) => !e.done);
      result.pending = left.length;
      metrics.requestsPending.set(left.length);
      const deadlines = left.map((e) => e.deadline).filter((d) => d > 0);
      metrics.nextDeadlineSeconds.set(deadlines.length > 0 ? Math.min(...deadlines) - now : 0);
      this.lastSuccess = new Date();
      this.lastError = null;
      logger.debug("exit pass", {
        finalizedBlock,
        headEpoch,
        pending: result.pending,
        posted: result.posted.length,
      });
      return result;
    } finally {
      stop();
    }
  }

  private async handle(
    exit: PendingExit,
    validator: ValidatorInfo | undefined,
    headEpoch: number,
    now: number,
    result: TickResult,
  ): Promise<void> {
    const { logger, metrics, source, beacon } = this.modules;
    const chain = this.chain as ChainInfo;
    const log = logger.child({ operatorId: exit.operatorId, keyIndex: exit.keyIndex, pubkey: exit.pubkey });
    const timeLeft = exit.deadline > 0 ? exit.deadline - now : undefined;
    try {
      if (!validator) {
        throw new ExitNotPossibleError(
          exit.pubkey,
          "unknown_validator",
          `The beacon chain has no validator ${exit.pubkey} yet.`,
          { retryable: true },
        );
      }
      exit.validatorIndex = validator.index;
      if (exitability(validator, headEpoch, chain.shardCommitteePeriod) === "done") {
        exit.done = true;
        result.done.push(exit.pubkey);
        metrics.exitsDone.inc();
        log.info("validator exiting", { validatorIndex: validator.index, status: validator.status });
        return;
      }
      if (
        exit.postedAtEpoch !== undefined &&
        headEpoch < exit.postedAtEpoch + (this.options.repostEpochs ?? 4)
      )
        return;
      const target = { pubkey: exit.pubkey, validatorIndex: validator.index };
      if (!source.has(target)) {
        throw new NoExitKeyError(exit.pubkey, source.description);
      }
      const signed = await source.signedExit(target, headEpoch, chain.domain);
      if (this.options.dryRun) {
        log.info("exit ready (dry run: not posted)", {
          validatorIndex: validator.index,
          epoch: signed.message.epoch,
        });
        return;
      }
      try {
        await beacon.submitVoluntaryExit(signed);
      } catch (error) {
        if (error instanceof BeaconHttpError && error.status === 400) {
          throw new ExitNotPossibleError(
            exit.pubkey,
            "refused",
            `The beacon node refused the exit: ${error.nodeMessage}`,
            {
              retryable: true,
              cause: error,
            },
          );
        }
        throw error;
      }
      exit.postedAtEpoch = headEpoch;
      result.posted.push(exit.pubkey);
      metrics.exitsSubmitted.inc();
      log.info("voluntary exit posted", {
        validatorIndex: validator.index,
        epoch: Number(signed.message.epoch),
        deadline: exit.deadline,
        secondsLeft: timeLeft,
      });
    } catch (error) {
      if (!(error instanceof ExitNotPossibleError)) throw error;
      metrics.exitErrors.inc({ reason: error.reason });
      result.blocked.push({ pubkey: exit.pubkey, reason: error.reason, message: error.shortMessage });
      const near = timeLeft !== undefined && timeLeft < (this.options.warnBeforeSeconds ?? DAY_SECONDS);
      const fields = {
        name: error.name,
        reason: error.reason,
        error: error.shortMessage,
        earliestEpoch: error.earliestEpoch,
        deadline: exit.deadline,
        secondsLeft: timeLeft,
      };
      if (near) log.warn("exit deadline near and the exit cannot be made yet: retried next pass", fields);
      else log.info("exit not possible yet: retried next pass", fields);
    }
  }

  /** Reads the lists (and their deadlines) published between two blocks, keeping this operator's entries. */
  private async scan(state: ExitState, from: number, to: number): Promise<void> {
    const { publicClient } = this.modules;
    const address = this.options.deployment.contracts.accounting;
    const step = this.options.maxBlockRange ?? 10_000;
    for (let start = from; start <= to; start += step) {
      const end = Math.min(to, start + step - 1);
      const range = { address, fromBlock: BigInt(start), toBlock: BigInt(end) };
      const [sets, published] = await Promise.all([
        publicClient.getContractEvents({ ...range, abi: accountingAbi, eventName: "ExitRequestsSet" }),
        publicClient.getContractEvents({ ...range, abi: accountingAbi, eventName: "ExitRequestsPublished" }),
      ]);
      for (const log of sets) {
        const { exitRequestsHash, deadline } = log.args as { exitRequestsHash: Hex; deadline: bigint };
        state.deadlines[exitRequestsHash.toLowerCase()] = Number(deadline);
      }
      for (const log of published) {
        const { exitRequestsHash, data } = log.args as { exitRequestsHash: Hex; data: Hex };
        this.addList(state, data, state.deadlines[exitRequestsHash.toLowerCase()] ?? 0, exitRequestsHash);
      }
    }
  }

  private addList(state: ExitState, data: Hex, deadline: number, hash?: Hex): void {
    const listHash = (hash ?? keccak256(data)).toLowerCase() as Hex;
    if (deadline > 0) state.deadlines[listHash] = deadline;
    for (const entry of decodeExitList(data)) {
      if (entry.operatorId !== this.options.operatorId) continue;
      const known = state.exits[entry.pubkey];
      if (known && (known.done || known.listHash === listHash)) continue;
      state.exits[entry.pubkey] = { ...entry, listHash, deadline, postedAtEpoch: known?.postedAtEpoch };
      this.modules.logger.info("exit requested", {
        operatorId: entry.operatorId,
        keyIndex: entry.keyIndex,
        pubkey: entry.pubkey,
        listHash,
        deadline,
      });
    }
  }
}
