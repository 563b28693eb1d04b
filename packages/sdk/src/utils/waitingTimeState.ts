/**
 * The reads behind a waiting-time estimate that do not depend on the request: the queue, the
 * buffer, the vault, the share rate, the oracle's frame schedule, the recent vault inflow, the
 * last exit list and the beacon chain's exit terms. Read once, they serve any number of requests
 * (`estimateWaitingTime`'s `state`), pinned to one block.
 *
 * Round trips: the latest block with the frame schedule; then one multicall of every view, the
 * vault's balance and the recent `Rebased` logs together; one more only when an exit list is
 * still within its deadline, or when the node leaves block times out of its logs.
 */
import { type Address, type Chain, type Client, formatEther, type Hex, type Transport } from "viem";
import { getBalance, getBlock, getContractEvents } from "viem/actions";
import type { Deployment } from "../deployment.js";
import * as accountingAbi from "../generated/accounting.js";
import * as hashConsensusAbi from "../generated/hashConsensus.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { beaconReader } from "./beacon.js";
import { beaconExits, type NamedExits } from "./beaconExits.js";
import { MAINNET_BEACON_SPEC, sweepCycleSlots } from "./exitQueue.js";
import { blockTimes } from "./logs.js";
import { readMany } from "./read.js";
import type { ReportSchedule } from "./reportSchedule.js";
import { type Arrival, type ExitTerms, namedExitsArrival } from "./waitingTime.js";

/** Reports whose vault pulls give the recent inflow (skimmed rewards, EL rewards). */
const INFLOW_REPORTS = 8;
/**
 * Without a beacon node, the sweep is sized for a mainnet-scale registry: about a million
 * validators owed a withdrawal (mainnet had ~1.0-1.1 million active validators in 2025).
 */
const ASSUMED_SWEEP_VALIDATORS = 1_000_000n;
const GWEI = 10n ** 9n;

/** The chain side of the state: everything read from the execution node. */
export interface WaitingTimeChainState {
  /** The block every read is pinned to. */
  blockNumber: bigint;
  /** Unix seconds of that block: "now" for the estimate. */
  now: bigint;
  /** The deployment's withdrawal queue (the state belongs to that deployment). */
  withdrawalQueue: Address;
  schedule: ReportSchedule;
  /** Accounting `shareRate`: wei per share, 1e27 scale. */
  shareRate: bigint;
  lastRequestId: bigint;
  lastFinalizedRequestId: bigint;
  /** trETH `bufferedEther` and `withdrawalReserve`, wei. */
  buffered: bigint;
  reserve: bigint;
  /** The withdrawal vault's balance, wei. */
  vault: bigint;
  /** OperatorRegistry `totalActiveValidators`. */
  activeValidators: bigint;
  /** Accounting `limits().exitDeadline`, seconds. */
  exitDeadline: bigint;
  /** Recent vault inflow: `wei` pulled over `seconds` by the last `reports` reports (after the first). */
  inflow: { wei: bigint; seconds: bigint; reports: number };
  /** The last exit list still within its deadline, if any. */
  named: NamedExits | null;
}

/** The beacon side: exit terms, the protocol's validators already exiting, and where they came from. */
export interface WaitingTimeBeaconTerms {
  /** The Beacon API the terms were read from; undefined: the mainnet spec and stated assumptions. */
  beaconUrl: string | undefined;
  exits: ExitTerms;
  inFlight: Arrival[];
  /** The "beacon chain" part of the basis, in words. */
  detail: string;
}

export type WaitingTimeState = WaitingTimeChainState & { beacon: WaitingTimeBeaconTerms };

/** Reads the chain side of the state (see the module comment for the round trips). */
export async function readWaitingTimeChainState(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
): Promise<WaitingTimeChainState> {
  const c = deployment.contracts;
  const fromBlock = BigInt(deployment.blockNumber);
  const schedule = [
    { address: c.hashConsensus, abi: hashConsensusAbi.getChainConfig, functionName: "getChainConfig" },
    { address: c.hashConsensus, abi: hashConsensusAbi.getFrameConfig, functionName: "getFrameConfig" },
  ] as const;
  // The frame schedule is read beside the block (at the latest block) only to size the Rebased
  // scan, so that the scan goes out with the pinned reads; the pinned schedule is checked below.
  const [block, [latestChain, latestFrame]] = await Promise.all([
    getBlock(client),
    readMany(client, schedule),
  ]);
  const blockNumber = block.number;
  const rebasedLogs = (windowBlocks: bigint) =>
    getContractEvents(client, {
      address: c.token,
      abi: trETHAbi.Rebased,
      eventName: "Rebased",
      fromBlock: blockNumber > fromBlock + windowBlocks ? blockNumber - windowBlocks : fromBlock,
      toBlock: blockNumber,
    });
  const guessedWindow = inflowWindowBlocks(latestChain[0], latestFrame[1]);
  const [views, vault, guessedRebased] = await Promise.all([
    readMany(
      client,
      [
        ...schedule,
        {
          address: c.accounting,
          abi: accountingAbi.lastProcessedRefSlot,
          functionName: "lastProcessedRefSlot",
        },
        { address: c.accounting, abi: accountingAbi.limits, functionName: "limits" },
        { address: c.accounting, abi: accountingAbi.exitRequests, functionName: "exitRequests" },
        { address: c.accounting, abi: accountingAbi.shareRate, functionName: "shareRate" },
        { address: c.token, abi: trETHAbi.bufferedEther, functionName: "bufferedEther" },
        { address: c.token, abi: trETHAbi.withdrawalReserve, functionName: "withdrawalReserve" },
        { address: c.withdrawalQueue, abi: withdrawalQueueAbi.lastRequestId, functionName: "lastRequestId" },
        {
          address: c.withdrawalQueue,
          abi: withdrawalQueueAbi.lastFinalizedRequestId,
          functionName: "lastFinalizedRequestId",
        },
        {
          address: c.operatorRegistry,
          abi: operatorRegistryAbi.totalActiveValidators,
          functionName: "totalActiveValidators",
        },
      ] as const,
      blockNumber,
    ),
    getBalance(client, { address: c.withdrawalVault, blockNumber }),
    rebasedLogs(guessedWindow),
  ]);
  const [
    chainConfig,
    frameConfig,
    lastProcessedRefSlot,
    limits,
    [listHash, listDeadline],
    shareRate,
    buffered,
    reserve,
    lastRequestId,
    lastFinalizedRequestId,
    activeValidators,
  ] = views;
  const schedulePinned: ReportSchedule = {
    slotsPerEpoch: chainConfig[0],
    secondsPerSlot: chainConfig[1],
    genesisTime: chainConfig[2],
    initialEpoch: frameConfig[0],
    epochsPerFrame: frameConfig[1],
    lastProcessedRefSlot,
  };
  const now = block.timestamp;

  // The frame schedule changed between the latest block and the pinned one: scan again.
  const window = inflowWindowBlocks(schedulePinned.slotsPerEpoch, schedulePinned.epochsPerFrame);
  const rebased = window === guessedWindow ? guessedRebased : await rebasedLogs(window);
  const recent = rebased.slice(-INFLOW_REPORTS);
  const firstLog = recent[0];
  const lastLog = recent[recent.length - 1];

  // ---- the last exit list still within its deadline (Accounting.exitRequests, ExitRequestsSet)
  const exitListSet = async () => {
    if (listDeadline <= now) return undefined;
    const sets = await getContractEvents(client, {
      address: c.accounting,
      abi: accountingAbi.ExitRequestsSet,
      eventName: "ExitRequestsSet",
      fromBlock,
      toBlock: blockNumber,
    });
    return sets.reverse().find((e) => e.args.exitRequestsHash === listHash);
  };
  const [times, set] = await Promise.all([
    recent.length >= 2 && firstLog && lastLog ? blockTimes(client, [firstLog, lastLog]) : undefined,
    exitListSet(),
  ]);
  let inflow = { wei: 0n, seconds: 0n, reports: Math.max(recent.length - 1, 0) };
  if (times && firstLog && lastLog) {
    const t0 = times.get(firstLog.blockNumber) as bigint;
    const t1 = times.get(lastLog.blockNumber) as bigint;
    const wei = recent.slice(1).reduce((sum, log) => sum + (log.args.received ?? 0n), 0n);
    inflow = { ...inflow, wei, seconds: t1 - t0 };
  }
  let named: NamedExits | null = null;
  if (set?.args.count) {
    const setAt = (await blockTimes(client, [set])).get(set.blockNumber) as bigint;
    named = { count: set.args.count, setAt, deadline: listDeadline };
  }
  return {
    blockNumber,
    now,
    withdrawalQueue: c.withdrawalQueue,
    schedule: schedulePinned,
    shareRate,
    lastRequestId,
    lastFinalizedRequestId,
    buffered,
    reserve,
    vault,
    activeValidators,
    exitDeadline: BigInt(limits.exitDeadline),
    inflow,
    named,
  };
}

/** Blocks that `INFLOW_REPORTS` frames span at one block per slot. */
function inflowWindowBlocks(slotsPerEpoch: bigint, epochsPerFrame: bigint): bigint {
  return BigInt(INFLOW_REPORTS) * epochsPerFrame * slotsPerEpoch;
}

/**
 * The beacon chain's exit queue, churn and sweep, and the protocol's validators already exiting:
 * from the Beacon API at `beaconUrl` (and the protocol's deposited keys), or, without one, from
 * the mainnet spec with the assumptions the detail states (no I/O then).
 */
export async function readWaitingTimeBeaconTerms(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  chain: WaitingTimeChainState,
  beaconUrl: string | undefined,
  fetchFn?: typeof fetch,
): Promise<WaitingTimeBeaconTerms> {
  const { now, named, schedule } = chain;
  if (beaconUrl !== undefined) {
    const registry = deployment.contracts.operatorRegistry;
    const pubkeys = await depositedPubkeys(
      client,
      registry,
      BigInt(deployment.blockNumber),
      chain.blockNumber,
    );
    const beacon = await beaconExits({
      beacon: beaconReader(beaconUrl, fetchFn),
      beaconUrl,
      now,
      pubkeys,
      exitDeadline: chain.exitDeadline,
      named,
      chain: { genesisTime: schedule.genesisTime, secondsPerSlot: schedule.secondsPerSlot },
    });
    return { beaconUrl, ...beacon };
  }
  const spec = { ...MAINNET_BEACON_SPEC, SECONDS_PER_SLOT: schedule.secondsPerSlot };
  spec.SLOTS_PER_EPOCH = schedule.slotsPerEpoch;
  const churn = spec.MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT;
  const sweepSlots = sweepCycleSlots(ASSUMED_SWEEP_VALIDATORS, ASSUMED_SWEEP_VALIDATORS, spec);
  const count = named?.count ?? 0n;
  const active = chain.activeValidators;
  const exits: ExitTerms = {
    spec,
    beaconGenesis: schedule.genesisTime,
    queue: { earliestExitEpoch: 0n, exitBalanceToConsume: 0n },
    churn,
    sweepSlots,
    exitDeadline: chain.exitDeadline,
    available: active > count ? active - count : 0n,
  };
  const inFlight: Arrival[] = [];
  if (named) {
    // Named by the last report and due by its deadline: counted as exits still to come.
    inFlight.push(
      namedExitsArrival(
        exits,
        named.count,
        now,
        named.deadline,
        `${named.count} validators named by the last report's exit list (deadline ${iso(named.deadline)})`,
      ),
    );
  }
  const detail = `No beacon node given: mainnet spec constants (Electra), the exit churn at its cap of ${formatEther(churn * GWEI)} ETH per epoch (mainnet's active balance is far above the 16.7M ETH where it binds), an empty beacon exit queue ahead (a real backlog adds to both bounds), a sweep cycle of ${sweepSlots} slots sized for about ${ASSUMED_SWEEP_VALIDATORS} validators, validators already exiting unknown except the ${count} named by an exit list still within its deadline, and every active protocol validator (OperatorRegistry.totalActiveValidators) able to exit at once.`;
  return { beaconUrl, exits, inFlight, detail };
}

/** The protocol's deposited validator pubkeys: KeyAdded events of keys below each operator's deposited count. */
async function depositedPubkeys(
  client: Client<Transport, Chain | undefined>,
  registry: Hex,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<string[]> {
  const added = await getContractEvents(client, {
    address: registry,
    abi: operatorRegistryAbi.KeyAdded,
    eventName: "KeyAdded",
    fromBlock,
    toBlock,
  });
  // The latest key at each (operator, index): removed keys' slots may be filled again.
  const keys = new Map<string, { operatorId: bigint; index: bigint; pubkey: string }>();
  for (const e of added) {
    const { operatorId, index, pubkey } = e.args;
    if (operatorId === undefined || index === undefined || pubkey === undefined) continue;
    keys.set(`${operatorId}:${index}`, { operatorId, index, pubkey: pubkey.toLowerCase() });
  }
  const ids = [...new Set([...keys.values()].map((k) => k.operatorId))];
  if (ids.length === 0) return [];
  const operators = await readMany(
    client,
    ids.map((id) => ({
      address: registry,
      abi: operatorRegistryAbi.getOperator,
      functionName: "getOperator" as const,
      args: [id] as const,
    })),
    toBlock,
  );
  const deposited = new Map(ids.map((id, i) => [id, BigInt(operators[i]?.depositedKeys ?? 0)]));
  return [...keys.values()].filter((k) => k.index < (deposited.get(k.operatorId) ?? 0n)).map((k) => k.pubkey);
}

export function iso(unix: bigint): string {
  return new Date(Number(unix) * 1000).toISOString().replace(".000Z", "Z");
}
