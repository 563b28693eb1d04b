import { type Chain, type Client, formatEther, isAddressEqual, type Transport } from "viem";
import { getContractEvents } from "viem/actions";
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
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { blockTimes } from "../utils/logs.js";
import { tryReadMany } from "../utils/read.js";
import { slotAt } from "../utils/reportSchedule.js";
import {
  type BasisPart,
  type PathResult,
  solvePath,
  VALIDATOR_BALANCE_WEI,
  type WaitingTimeInputs,
} from "../utils/waitingTime.js";
import {
  iso,
  readWaitingTimeBeaconTerms,
  readWaitingTimeChainState,
  type WaitingTimeState,
} from "../utils/waitingTimeState.js";

export type { BasisPart } from "../utils/waitingTime.js";

const GWEI = 10n ** 9n;

export type EstimateWaitingTimeParameters = DeploymentParameter & {
  /** A standard Beacon API endpoint; without it the mainnet spec and stated assumptions are used. */
  beaconUrl?: string | undefined;
  /** The fetch used for the Beacon API (default: the global one). */
  fetch?: typeof fetch | undefined;
  /**
   * The state every estimate shares, read beforehand by `getWaitingTimeState` (with its own
   * `beaconUrl`): estimating several requests then reads only each request's own data, pinned to
   * the state's block. Without it, the state is read here.
   */
  state?: WaitingTimeState | undefined;
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
 * // Several requests: read the shared state once.
 * const state = await getWaitingTimeState(client, { deployment });
 * const waits = await Promise.all([1n, 2n].map((requestId) => estimateWaitingTime(client, { requestId, deployment, state })));
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
  const { state } = parameters;
  if (state && beaconUrl !== undefined && state.beacon.beaconUrl !== beaconUrl) {
    throw new InvalidArgumentError(
      "beaconUrl",
      `The state was read ${state.beacon.beaconUrl ? `from the beacon node at ${state.beacon.beaconUrl}` : "without a beacon node"}, not from ${beaconUrl}: pass the same beaconUrl to getWaitingTimeState.`,
    );
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  if (state && !isAddressEqual(state.withdrawalQueue, deployment.contracts.withdrawalQueue)) {
    throw new InvalidArgumentError(
      "state",
      `The state was read for the withdrawal queue ${state.withdrawalQueue}, not this deployment's ${deployment.contracts.withdrawalQueue}.`,
    );
  }
  const c = deployment.contracts;
  return withErrors(async () => {
    const chain = state ?? (await readWaitingTimeChainState(client, deployment));
    const { now, schedule, shareRate, lastRequestId, blockNumber } = chain;
    const lastFinalized = chain.lastFinalizedRequestId;
    const fromBlock = BigInt(deployment.blockNumber);
    const basis: BasisPart[] = [];

    // ---- the request and the queue ahead: its status, its cost and its event read together
    let need: bigint;
    let requestSlot: bigint;
    if (requestId !== undefined) {
      if (requestId > lastRequestId) {
        throw new InvalidArgumentError(
          "requestId",
          `Request ${requestId} does not exist: the last request is ${lastRequestId}.`,
        );
      }
      const queue = c.withdrawalQueue;
      const [[statusRead, costRead], [event]] = await Promise.all([
        // finalizationCost reverts for a finalized request: read with the status, failures kept.
        tryReadMany(
          client,
          [
            {
              address: queue,
              abi: withdrawalQueueAbi.getRequestStatus,
              functionName: "getRequestStatus",
              args: [requestId],
            },
            {
              address: queue,
              abi: withdrawalQueueAbi.finalizationCost,
              functionName: "finalizationCost",
              args: [requestId, shareRate],
            },
          ] as const,
          blockNumber,
        ),
        getContractEvents(client, {
          address: c.token,
          abi: trETHAbi.RedeemRequest,
          eventName: "RedeemRequest",
          args: { requestId },
          fromBlock,
          toBlock: blockNumber,
        }),
      ]);
      if (statusRead.status === "failure") throw statusRead.error;
      const status = statusRead.result;
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
      if (costRead.status === "failure") throw costRead.error;
      const [cost] = costRead.result;
      need = cost;
      const requestedAt = event
        ? ((await blockTimes(client, [event])).get(event.blockNumber) as bigint)
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
      const queued = lastRequestId > lastFinalized;
      const reads =
        queued || unit === "shares"
          ? await tryReadMany(
              client,
              [
                {
                  address: c.withdrawalQueue,
                  abi: withdrawalQueueAbi.finalizationCost,
                  functionName: "finalizationCost",
                  // Not used when nothing is unfinalized (the queue refuses an id already finalized).
                  args: [queued ? lastRequestId : 0n, shareRate],
                },
                {
                  address: c.token,
                  abi: trETHAbi.convertToAssets,
                  functionName: "convertToAssets",
                  args: [unit === "shares" ? (amount as bigint) : 0n],
                },
              ] as const,
              blockNumber,
            )
          : undefined;
      let ahead = 0n;
      let own = amount as bigint;
      if (reads) {
        const [aheadRead, valueRead] = reads;
        if (queued) {
          if (aheadRead.status === "failure") throw aheadRead.error;
          [ahead] = aheadRead.result;
        }
        if (unit === "shares") {
          if (valueRead.status === "failure") throw valueRead.error;
          own = valueRead.result;
        }
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

    // ---- beacon chain: exit queue, churn, sweep, the protocol's validators already exiting
    const beacon =
      state?.beacon ??
      (await readWaitingTimeBeaconTerms(client, deployment, chain, beaconUrl, parameters.fetch));
    const { exits } = beacon;
    const inFlight = [...beacon.inFlight];
    basis.push({ part: "beacon chain", seconds: 0, detail: beacon.detail });

    // ---- ETH at the next report
    const { buffered, reserve, vault } = chain;
    const { wei: skimWei, seconds: skimSeconds } = chain.inflow;
    const perDay = skimSeconds > 0n ? (skimWei * 86_400n) / skimSeconds : 0n;
    // Deposits take the buffer above the reserve in whole validators (32 ETH each): the rest stays.
    const bufferMin =
      buffered > reserve ? reserve + ((buffered - reserve) % VALIDATOR_BALANCE_WEI) : buffered;
    basis.push({
      part: "ETH available",
      seconds: 0,
      detail: `Buffer ${formatEther(buffered)} ETH (trETH.bufferedEther), of which ${formatEther(bufferMin)} ETH stays for withdrawals whatever the depositor does (withdrawalReserve ${formatEther(reserve)} ETH for unfinalized requests, plus what is left of the rest after whole 32 ETH deposits; only the earliest bound counts the whole buffer); vault ${formatEther(vault)} ETH (pulled by the next report; EL rewards above the per-report rate limit may wait for a later one); expected vault inflow ${formatEther(perDay)} ETH/day from the last ${chain.inflow.reports} reports' pulls (trETH Rebased events; earliest bound only).`,
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
