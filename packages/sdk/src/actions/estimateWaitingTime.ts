import { type Chain, type Client, formatEther, type Hex, type Transport } from "viem";
import { getBalance, getBlock, getContractEvents } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import * as accountingAbi from "../generated/accounting.js";
import * as hashConsensusAbi from "../generated/hashConsensus.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { beaconReader } from "../utils/beacon.js";
import { beaconExits, type NamedExits } from "../utils/beaconExits.js";
import { MAINNET_BEACON_SPEC, sweepCycleSlots } from "../utils/exitQueue.js";
import { readMany } from "../utils/read.js";
import { type ReportSchedule, slotAt } from "../utils/reportSchedule.js";
import {
  type Arrival,
  type BasisPart,
  type ExitTerms,
  namedExitsArrival,
  type PathResult,
  solvePath,
  VALIDATOR_BALANCE_WEI,
  type WaitingTimeInputs,
} from "../utils/waitingTime.js";

export type { BasisPart } from "../utils/waitingTime.js";

/** Reports whose vault pulls give the recent inflow (skimmed rewards, EL rewards). */
const INFLOW_REPORTS = 8;
/**
 * Without a beacon node, the sweep is sized for a mainnet-scale registry: about a million
 * validators owed a withdrawal (mainnet had ~1.0-1.1 million active validators in 2025).
 */
const ASSUMED_SWEEP_VALIDATORS = 1_000_000n;
const GWEI = 10n ** 9n;

export type EstimateWaitingTimeParameters = DeploymentParameter & {
  /** A standard Beacon API endpoint; without it the mainnet spec and stated assumptions are used. */
  beaconUrl?: string | undefined;
  /** The fetch used for the Beacon API (default: the global one). */
  fetch?: typeof fetch | undefined;
} & (
    | {
        /** An existing withdrawal request. */
        requestId: bigint;
        amount?: undefined;
        unit?: undefined;
      }
    | {
        /** An amount not yet requested, in wei of `unit`. */
        amount: bigint;
        /** "eth" (default): ETH to withdraw; "shares": trETH to redeem. */
        unit?: "eth" | "shares" | undefined;
        requestId?: undefined;
      }
  );

export type EstimateWaitingTimeReturnType = {
  /** The request is finalized already: the wait is 0 and `claimable` can be claimed now. */
  finalized: boolean;
  /** Wei the ticket pays (finalized and not claimed), else 0. */
  claimable: bigint;
  /** Seconds from now until the request is finalized: the range. Infinity if no bound was found. */
  minSeconds: number;
  maxSeconds: number;
  /** Unix seconds (chain time) of the bounds. */
  earliest: number;
  latest: number;
  /** Wei that every request up to this one needs (the queue ahead plus this request). */
  ethNeeded: bigint;
  /** Whether validators must exit for the ETH (on the latest path). */
  exitsNeeded: boolean;
  /** Each part of the estimate, the data behind it and what it adds to the latest bound. */
  basis: BasisPart[];
};

export type EstimateWaitingTimeErrorType =
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | ContractError
  | UnknownErrorType;

/**
 * How long until a withdrawal request is finalized (and its ticket claimable), or would be for an
 * amount requested now, as a range, from chain data: the queue ahead, the ETH the next reports
 * have (buffer, vault, skimmed rewards expected from the recent vault inflow), validators already
 * exiting, the exits a report would name, the beacon exit queue and withdrawal sweep, and the
 * oracle's frame schedule. With `beaconUrl` the exit queue, churn and sweep come from the beacon
 * node (standard Beacon API); without it, from the mainnet spec with the assumptions stated in
 * `basis`. Not counted: new stake (the depositor may deposit it), exits others add to the beacon
 * exit queue after now, missed frames.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { estimateWaitingTime } from "@tributary/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const wait = await estimateWaitingTime(client, { requestId: 1n, deployment });
 * console.log(`${wait.minSeconds / 3600}-${wait.maxSeconds / 3600} hours`);
 * for (const { part, detail } of wait.basis) console.log(`${part}: ${detail}`);
 */
export async function estimateWaitingTime(
  client: Client<Transport, Chain | undefined>,
  parameters: EstimateWaitingTimeParameters,
): Promise<EstimateWaitingTimeReturnType> {
  const { requestId, amount, unit = "eth", beaconUrl } = parameters;
  if (requestId === undefined && amount === undefined) {
    throw new InvalidArgumentError("requestId", "Pass either `requestId` or `amount`.");
  }
  if (requestId !== undefined && requestId <= 0n) {
    throw new InvalidArgumentError("requestId", `Request ids start at 1; got ${requestId}.`);
  }
  if (amount !== undefined && amount <= 0n) {
    throw new InvalidArgumentError("amount", `The amount must be positive; got ${amount}.`);
  }
  if (unit !== "eth" && unit !== "shares") {
    throw new InvalidArgumentError("unit", `The unit is "eth" or "shares"; got ${String(unit)}.`);
  }
  if (beaconUrl !== undefined && !/^https?:\/\/\S+$/.test(beaconUrl)) {
    throw new InvalidArgumentError("beaconUrl", `The beacon URL must be http(s)://...; got ${beaconUrl}.`);
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  const c = deployment.contracts;
  return withErrors(async () => {
    const block = await getBlock(client);
    const now = block.timestamp;
    const [chainConfig, frameConfig, lastProcessedRefSlot, limits, exitList, shareRate] = await readMany(
      client,
      [
        { address: c.hashConsensus, abi: hashConsensusAbi.getChainConfig, functionName: "getChainConfig" },
        { address: c.hashConsensus, abi: hashConsensusAbi.getFrameConfig, functionName: "getFrameConfig" },
        {
          address: c.accounting,
          abi: accountingAbi.lastProcessedRefSlot,
          functionName: "lastProcessedRefSlot",
        },
        { address: c.accounting, abi: accountingAbi.limits, functionName: "limits" },
        { address: c.accounting, abi: accountingAbi.exitRequests, functionName: "exitRequests" },
        { address: c.accounting, abi: accountingAbi.shareRate, functionName: "shareRate" },
      ] as const,
      block.number,
    );
    const [buffered, reserve, lastRequestId, lastFinalized, active, shareValue] = await readMany(
      client,
      [
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
        {
          address: c.token,
          abi: trETHAbi.convertToAssets,
          functionName: "convertToAssets",
          args: [unit === "shares" && amount !== undefined ? amount : 0n],
        },
      ] as const,
      block.number,
    );
    const vault = await getBalance(client, { address: c.withdrawalVault, blockNumber: block.number });
    const schedule: ReportSchedule = {
      slotsPerEpoch: chainConfig[0],
      secondsPerSlot: chainConfig[1],
      genesisTime: chainConfig[2],
      initialEpoch: frameConfig[0],
      epochsPerFrame: frameConfig[1],
      lastProcessedRefSlot,
    };
    const fromBlock = BigInt(deployment.blockNumber);
    const basis: BasisPart[] = [];

    // ---- the request and the queue ahead
    let need: bigint;
    let requestSlot: bigint;
    if (requestId !== undefined) {
      if (requestId > lastRequestId) {
        throw new InvalidArgumentError(
          "requestId",
          `Request ${requestId} does not exist: the last request is ${lastRequestId}.`,
        );
      }
      const status = await readMany(
        client,
        [
          {
            address: c.withdrawalQueue,
            abi: withdrawalQueueAbi.getRequestStatus,
            functionName: "getRequestStatus",
            args: [requestId],
          },
        ] as const,
        block.number,
      ).then(([s]) => s);
      if (status.finalized) {
        const claimable = status.claimed ? 0n : status.claimableAssets;
        return {
          finalized: true,
          claimable,
          minSeconds: 0,
          maxSeconds: 0,
          earliest: Number(now),
          latest: Number(now),
          ethNeeded: 0n,
          exitsNeeded: false,
          basis: [
            {
              part: "finalized",
              seconds: 0,
              detail: `Finalized by the report applied at ${iso(status.finalizedAt)} (WithdrawalQueue.getRequestStatus); ${
                status.claimed ? "already claimed" : `${formatEther(claimable)} ETH claimable now`
              }.`,
            },
          ],
        };
      }
      const [cost] = await readMany(
        client,
        [
          {
            address: c.withdrawalQueue,
            abi: withdrawalQueueAbi.finalizationCost,
            functionName: "finalizationCost",
            args: [requestId, shareRate],
          },
        ] as const,
        block.number,
      ).then(([r]) => r);
      need = cost;
      const [event] = await getContractEvents(client, {
        address: c.token,
        abi: trETHAbi.RedeemRequest,
        eventName: "RedeemRequest",
        args: { requestId },
        fromBlock,
      });
      const requestedAt = event?.blockNumber
        ? (await getBlock(client, { blockNumber: event.blockNumber })).timestamp
        : now;
      requestSlot = slotAt(schedule, requestedAt);
      basis.push({
        part: "queue",
        seconds: 0,
        detail: `${formatEther(cost)} ETH finalizes requests ${lastFinalized + 1n}-${requestId} (${
          requestId - lastFinalized - 1n
        } ahead of this one, ${formatEther(status.sharesAhead)} trETH ahead), at the current share rate (WithdrawalQueue.finalizationCost); requested at ${iso(requestedAt)} (slot ${requestSlot}).`,
      });
    } else {
      const own = unit === "shares" ? shareValue : (amount as bigint);
      let ahead = 0n;
      if (lastRequestId > lastFinalized) {
        [[ahead]] = await readMany(
          client,
          [
            {
              address: c.withdrawalQueue,
              abi: withdrawalQueueAbi.finalizationCost,
              functionName: "finalizationCost",
              args: [lastRequestId, shareRate],
            },
          ] as const,
          block.number,
        );
      }
      need = ahead + own;
      requestSlot = slotAt(schedule, now) + 1n;
      basis.push({
        part: "queue",
        seconds: 0,
        detail: `${formatEther(ahead)} ETH for the ${lastRequestId - lastFinalized} unfinalized requests ahead (WithdrawalQueue.finalizationCost at the current share rate) + ${formatEther(own)} ETH for this amount (${
          unit === "shares" ? `${formatEther(amount as bigint)} trETH at convertToAssets` : "given in ETH"
        }), requested now (slot ${requestSlot}).`,
      });
    }

    // ---- recent vault inflow, from the reports' pulls (trETH Rebased events)
    const frameSeconds = schedule.epochsPerFrame * schedule.slotsPerEpoch * schedule.secondsPerSlot;
    const windowBlocks = BigInt(INFLOW_REPORTS) * (frameSeconds / schedule.secondsPerSlot);
    const rebased = await getContractEvents(client, {
      address: c.token,
      abi: trETHAbi.Rebased,
      eventName: "Rebased",
      fromBlock: block.number > fromBlock + windowBlocks ? block.number - windowBlocks : fromBlock,
      toBlock: block.number,
    });
    const recent = rebased.slice(-INFLOW_REPORTS);
    let skimWei = 0n;
    let skimSeconds = 0n;
    if (recent.length >= 2) {
      const firstLog = recent[0];
      const lastLog = recent[recent.length - 1];
      const [t0, t1] = await Promise.all(
        [firstLog, lastLog].map(
          async (log) => (await getBlock(client, { blockNumber: log?.blockNumber as bigint })).timestamp,
        ),
      );
      skimWei = recent.slice(1).reduce((sum, log) => sum + (log.args.received ?? 0n), 0n);
      skimSeconds = (t1 as bigint) - (t0 as bigint);
    }
    const perDay = skimSeconds > 0n ? (skimWei * 86_400n) / skimSeconds : 0n;

    // ---- the last exit list still within its deadline (Accounting.exitRequests, ExitRequestsSet)
    const [listHash, listDeadline] = exitList;
    let named: NamedExits | null = null;
    if (listDeadline > now) {
      const sets = await getContractEvents(client, {
        address: c.accounting,
        abi: accountingAbi.ExitRequestsSet,
        eventName: "ExitRequestsSet",
        fromBlock,
        toBlock: block.number,
      });
      const set = sets.reverse().find((e) => e.args.exitRequestsHash === listHash);
      if (set?.args.count) {
        const setAt = (await getBlock(client, { blockNumber: set.blockNumber })).timestamp;
        named = { count: set.args.count, setAt, deadline: listDeadline };
      }
    }

    // ---- beacon chain: exit queue, churn, sweep, the protocol's validators already exiting
    const inFlight: Arrival[] = [];
    let exits: ExitTerms;
    if (beaconUrl !== undefined) {
      const pubkeys = await depositedPubkeys(client, c.operatorRegistry, fromBlock, block.number);
      const beacon = await beaconExits({
        beacon: beaconReader(beaconUrl, parameters.fetch),
        beaconUrl,
        now,
        pubkeys,
        exitDeadline: BigInt(limits.exitDeadline),
        named,
        chain: { genesisTime: schedule.genesisTime, secondsPerSlot: schedule.secondsPerSlot },
      });
      exits = beacon.exits;
      inFlight.push(...beacon.inFlight);
      basis.push({ part: "beacon chain", seconds: 0, detail: beacon.detail });
    } else {
      const spec = { ...MAINNET_BEACON_SPEC, SECONDS_PER_SLOT: schedule.secondsPerSlot };
      spec.SLOTS_PER_EPOCH = schedule.slotsPerEpoch;
      const churn = spec.MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT;
      const sweepSlots = sweepCycleSlots(ASSUMED_SWEEP_VALIDATORS, ASSUMED_SWEEP_VALIDATORS, spec);
      const count = named?.count ?? 0n;
      exits = {
        spec,
        beaconGenesis: schedule.genesisTime,
        queue: { earliestExitEpoch: 0n, exitBalanceToConsume: 0n },
        churn,
        sweepSlots,
        exitDeadline: BigInt(limits.exitDeadline),
        available: active > count ? active - count : 0n,
      };
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
      basis.push({
        part: "beacon chain",
        seconds: 0,
        detail: `No beacon node given: mainnet spec constants (Electra), the exit churn at its cap of ${formatEther(churn * GWEI)} ETH per epoch (mainnet's active balance is far above the 16.7M ETH where it binds), an empty beacon exit queue ahead (a real backlog adds to both bounds), a sweep cycle of ${sweepSlots} slots sized for about ${ASSUMED_SWEEP_VALIDATORS} validators, validators already exiting unknown except the ${count} named by an exit list still within its deadline, and every active protocol validator (OperatorRegistry.totalActiveValidators) able to exit at once.`,
      });
    }

    // ---- ETH at the next report
    // Deposits take the buffer above the reserve in whole validators (32 ETH each): the rest stays.
    const bufferMin =
      buffered > reserve ? reserve + ((buffered - reserve) % VALIDATOR_BALANCE_WEI) : buffered;
    basis.push({
      part: "ETH available",
      seconds: 0,
      detail: `Buffer ${formatEther(buffered)} ETH (trETHAbi.bufferedEther), of which ${formatEther(bufferMin)} ETH stays for withdrawals whatever the depositor does (withdrawalReserve ${formatEther(reserve)} ETH for unfinalized requests, plus what is left of the rest after whole 32 ETH deposits; only the earliest bound counts the whole buffer); vault ${formatEther(vault)} ETH (pulled by the next report; EL rewards above the per-report rate limit may wait for a later one); expected vault inflow ${formatEther(perDay)} ETH/day from the last ${Math.max(recent.length - 1, 0)} reports' pulls (trETH Rebased events; earliest bound only).`,
    });

    const inputs: WaitingTimeInputs = {
      now,
      schedule,
      requestSlot,
      need,
      bufferMin,
      bufferMax: buffered,
      vault,
      skimWei,
      skimSeconds,
      inFlight,
      exits,
    };
    const early = solvePath(inputs, "earliest");
    const late = solvePath(inputs, "latest");
    basis.push(...describe(inputs, early, late));
    const minSeconds = early.time === null ? Number.POSITIVE_INFINITY : Number(early.time - now);
    const maxSeconds = late.time === null ? Number.POSITIVE_INFINITY : Number(late.time - now);
    return {
      finalized: false,
      claimable: 0n,
      minSeconds,
      maxSeconds,
      earliest: Number(now) + minSeconds,
      latest: Number(now) + maxSeconds,
      ethNeeded: need,
      exitsNeeded: late.plan !== null,
      basis,
    };
  });
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

function iso(unix: bigint): string {
  return new Date(Number(unix) * 1000).toISOString().replace(".000Z", "Z");
}

/** The parts of the two bounds in words, with what each adds to the latest. */
function describe(inp: WaitingTimeInputs, early: PathResult, late: PathResult): BasisPart[] {
  const parts: BasisPart[] = [];
  const s = inp.schedule;
  const first = late.first;
  parts.push({
    part: "next report",
    seconds: Number(first.deadlineTime - inp.now),
    detail: `The first report that can include this request is for reference slot ${first.refSlot} (frames of ${s.epochsPerFrame} epochs from HashConsensus.getFrameConfig; last applied: slot ${s.lastProcessedRefSlot}): not before its reference slot at ${iso(first.refTime)}, at the latest by its processing deadline (slot ${first.deadlineSlot}) at ${iso(first.deadlineTime)}.`,
  });
  for (const a of inp.inFlight) {
    parts.push({
      part: "exiting validators",
      seconds: 0,
      detail: `${formatEther(a.amount)} ETH from ${a.detail} reaches the vault between ${iso(a.earliest)} and ${iso(a.latest)} (withdrawable epoch, then up to a sweep cycle).`,
    });
  }
  const plan = late.plan;
  if (plan) {
    const underWay = inp.inFlight.reduce((sum, a) => sum + a.amount, 0n);
    parts.push({
      part: "exits named",
      seconds: 0,
      detail: `The ETH falls short by ${formatEther(inp.need - inp.bufferMin - inp.vault - underWay)} ETH (counting only the reserved buffer, the vault and exits under way): that report names ${plan.wanted} validators (32 ETH each)${
        plan.validators < plan.wanted ? `, but only ${plan.validators} protocol validators can exit` : ""
      }.${
        !early.plan
          ? " Earliest path: no exits needed."
          : early.plan.validators === 0n
            ? " Earliest path: no protocol validator can exit either."
            : ` Earliest path: ${early.plan.validators} validators, named at ${iso(early.plan.namedAt)}, ETH in the vault at ${iso(early.plan.arrival)}.`
      }`,
    });
  }
  if (plan && plan.validators > 0n) {
    const t = inp.exits;
    const epochSeconds = t.spec.SLOTS_PER_EPOCH * t.spec.SECONDS_PER_SLOT;
    const exitAt = t.beaconGenesis + plan.exitEpoch * epochSeconds;
    parts.push({
      part: "operator exit deadline",
      seconds: Number(t.exitDeadline),
      detail: `Operators exit named validators within ${Number(t.exitDeadline) / 3600} hours (Accounting.limits().exitDeadline), after which anyone forces the exit through EIP-7002; 0 on the earliest path.`,
    });
    const eligibleWait = plan.initiatedAt - (plan.namedAt + t.exitDeadline);
    if (eligibleWait > 0n) {
      parts.push({
        part: "exit eligibility",
        seconds: Number(eligibleWait),
        detail: `The validators named include some active for less than SHARD_COMMITTEE_PERIOD (${t.spec.SHARD_COMMITTEE_PERIOD} epochs): they can exit from ${iso(plan.initiatedAt)}.`,
      });
    }
    parts.push({
      part: "beacon exit queue",
      seconds: Number(exitAt - plan.initiatedAt),
      detail: `Exits initiated at ${iso(plan.initiatedAt)} leave at epoch ${plan.exitEpoch} (compute_exit_epoch_and_update_churn: ${1n + t.spec.MAX_SEED_LOOKAHEAD} epochs of lookahead, then ${formatEther(t.churn * GWEI)} ETH per epoch behind a queue ending at epoch ${t.queue.earliestExitEpoch}).`,
    });
    parts.push({
      part: "withdrawability delay",
      seconds: Number(t.spec.MIN_VALIDATOR_WITHDRAWABILITY_DELAY * epochSeconds),
      detail: `MIN_VALIDATOR_WITHDRAWABILITY_DELAY: ${t.spec.MIN_VALIDATOR_WITHDRAWABILITY_DELAY} epochs from exit to withdrawable epoch ${plan.withdrawableEpoch}.`,
    });
    parts.push({
      part: "withdrawal sweep",
      seconds: Number(t.sweepSlots * t.spec.SECONDS_PER_SLOT),
      detail: `Up to one sweep cycle of ${t.sweepSlots} slots (MAX_WITHDRAWALS_PER_PAYLOAD = ${t.spec.MAX_WITHDRAWALS_PER_PAYLOAD} per slot) until the balance is in the vault, at ${iso(plan.arrival)} at the latest; 0 on the earliest path.`,
    });
  }
  const fmt = (r: PathResult) =>
    r.finalizing
      ? `the report for reference slot ${r.finalizing.refSlot}`
      : `no report within reach (the protocol's validators cannot cover it)`;
  const lateFinal = late.finalizing;
  parts.push({
    part: "finalizing report",
    seconds:
      lateFinal && plan && plan.validators > 0n
        ? Number(lateFinal.deadlineTime - plan.arrival)
        : lateFinal
          ? Number(lateFinal.deadlineTime - first.deadlineTime)
          : 0,
    detail: `Earliest: ${fmt(early)}, applied at its reference slot${early.time === null ? "" : ` (${iso(early.time)})`}. Latest: ${fmt(late)}, applied by its processing deadline${late.time === null ? "" : ` (${iso(late.time)})`}. Not counted: new stake, exits others add to the beacon queue after now, missed frames.`,
  });
  return parts;
}
