/**
 * The beacon side of the waiting-time estimate, read from a standard Beacon API: the chain's clock
 * and spec, the activation-exit churn, the exit queue ahead, the sweep, and the protocol's own
 * validators (exiting, exitable, or not yet on the chain). Reads stay small on a mainnet-sized
 * registry: validators by id or by exit status, a probe of the registry size, and, above
 * FULL_SCAN_MAX_VALIDATORS, an evenly spaced sample for the active balance.
 */
import { formatEther } from "viem";
import type { BeaconReader, BeaconValidator } from "./beacon.js";
import {
  activationExitChurnLimit,
  type ExitQueueState,
  FAR_FUTURE_EPOCH,
  maxBig,
  sweepCycleSlots,
} from "./exitQueue.js";
import { type Arrival, type ExitTerms, epochAt, namedExitsArrival } from "./waitingTime.js";

/** Registries up to this size are read whole (active validators only) for the exact active balance. */
export const FULL_SCAN_MAX_VALIDATORS = 8_192n;
/** Validators sampled (evenly over the registry) to estimate the active balance of a larger one. */
export const ACTIVE_BALANCE_SAMPLE = 512n;
const GWEI = 10n ** 9n;
const ACTIVE_STATUSES = ["active_ongoing", "active_exiting", "active_slashed"];
/** Active validators whose exit epoch is set: the beacon exit queue. */
const EXITING_STATUSES = ["active_exiting", "active_slashed"];

/** The last exit list still within its deadline: how many validators it named, when, and its deadline. */
export interface NamedExits {
  count: bigint;
  /** Unix seconds the report that set it was applied. */
  setAt: bigint;
  /** Unix seconds by which operators exit them. */
  deadline: bigint;
}

export interface BeaconExits {
  exits: ExitTerms;
  inFlight: Arrival[];
  /** The basis text: source, method and figures. */
  detail: string;
}

/** The beacon chain's terms for exits, from `beacon` (see the module comment). */
export async function beaconExits(input: {
  beacon: BeaconReader;
  beaconUrl: string;
  now: bigint;
  /** The protocol's deposited validator pubkeys. */
  pubkeys: readonly string[];
  exitDeadline: bigint;
  named: NamedExits | null;
  /** HashConsensus's clock, compared with the node's. */
  chain: { genesisTime: bigint; secondsPerSlot: bigint };
}): Promise<BeaconExits> {
  const { beacon, now, pubkeys, named } = input;
  const [genesis, { spec, fromNode }, head] = await Promise.all([
    beacon.genesisTime(),
    beacon.spec(),
    beacon.head(),
  ]);
  // Every validator read is of the head block's state (by slot, which every node resolves).
  const stateId = head.slot.toString();
  const epoch = head.slot / spec.SLOTS_PER_EPOCH;
  const registrySize = await beacon.registrySize(stateId);

  // ---- the active balance, for the churn
  let totalActive: bigint;
  let activeCount: bigint;
  let churnMethod: string;
  if (registrySize <= FULL_SCAN_MAX_VALIDATORS) {
    const active = await beacon.validators(stateId, { statuses: ACTIVE_STATUSES });
    totalActive = active.reduce((sum, v) => sum + v.effectiveBalance, 0n);
    activeCount = BigInt(active.length);
    churnMethod = `exact: the effective balances of all ${activeCount} active validators (statuses ${ACTIVE_STATUSES.join(", ")})`;
  } else {
    const n = ACTIVE_BALANCE_SAMPLE;
    const ids = Array.from(
      { length: Number(n) },
      (_, k) => ((2n * BigInt(k) + 1n) * registrySize) / (2n * n),
    );
    const sample = await beacon.validators(stateId, { ids: ids.map(String) });
    const active = sample.filter((v) => v.status.startsWith("active_"));
    totalActive = (active.reduce((sum, v) => sum + v.effectiveBalance, 0n) * registrySize) / n;
    activeCount = (BigInt(active.length) * registrySize) / n;
    const capAbove = spec.MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT * spec.CHURN_LIMIT_QUOTIENT;
    churnMethod = `estimated from ${n} validators sampled evenly over the registry (${active.length} active), scaled to its ${registrySize} validators; the churn is at its cap whenever the active balance exceeds ${formatEther(capAbove * GWEI)} ETH${
      totalActive > 2n * capAbove
        ? ", and the estimate is over twice that"
        : ", which the estimate is close to: the churn may differ"
    }`;
  }
  const churn = activationExitChurnLimit(totalActive, spec);

  // ---- the exit queue ahead
  const exiting = (await beacon.validators(stateId, { statuses: EXITING_STATUSES })).filter(
    (v) => v.exitEpoch !== FAR_FUTURE_EPOCH && v.exitEpoch > epoch,
  );
  let queue: ExitQueueState = { earliestExitEpoch: 0n, exitBalanceToConsume: 0n };
  if (exiting.length > 0) {
    const last = exiting.reduce((m, v) => maxBig(m, v.exitEpoch), 0n);
    const used = exiting.filter((v) => v.exitEpoch === last).reduce((s, v) => s + v.effectiveBalance, 0n);
    queue = { earliestExitEpoch: last, exitBalanceToConsume: used < churn ? churn - used : 0n };
  }
  const sweepSlots = sweepCycleSlots(activeCount, registrySize, spec);
  const exits: ExitTerms = {
    spec,
    beaconGenesis: genesis,
    queue,
    churn,
    sweepSlots,
    exitDeadline: input.exitDeadline,
    available: 0n,
  };

  // ---- the protocol's validators
  const ours = await beacon.validators(stateId, { ids: pubkeys });
  const inFlight: Arrival[] = [];
  const sweepSeconds = sweepSlots * spec.SECONDS_PER_SLOT;
  const epochSeconds = spec.SLOTS_PER_EPOCH * spec.SECONDS_PER_SLOT;
  const timeOf = (e: bigint) => genesis + e * epochSeconds;
  const count = (status: string) => ours.filter((v) => v.status === status).length;
  let withEth = 0;
  for (const v of ours) {
    if (v.exitEpoch === FAR_FUTURE_EPOCH || v.balance === 0n) continue;
    withEth++;
    const from = maxBig(timeOf(v.withdrawableEpoch), now);
    inFlight.push({
      amount: v.balance * GWEI,
      earliest: from,
      latest: from + sweepSeconds,
      detail: `validator ${v.index} (${v.status}, exit epoch ${v.exitEpoch}, withdrawable epoch ${v.withdrawableEpoch})`,
    });
  }
  // Exitable: active and not exiting, or queued for activation (activation epoch known).
  const canExit = (v: BeaconValidator) =>
    v.exitEpoch === FAR_FUTURE_EPOCH &&
    (v.status === "active_ongoing" ||
      (v.status === "pending_queued" && v.activationEpoch !== FAR_FUTURE_EPOCH));
  const exitable = ours
    .filter(canExit)
    .map((v) => maxBig(epoch, v.activationEpoch + spec.SHARD_COMMITTEE_PERIOD))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  // ---- the last exit list: validators it named that have not started to exit count as exits to come
  let namedText = "no exit list within its deadline";
  if (named && named.count > 0n) {
    // Exits initiated since the list was set leave no earlier than this epoch.
    const since = epochAt(exits, named.setAt) + 1n + spec.MAX_SEED_LOOKAHEAD;
    const started = BigInt(
      ours.filter((v) => v.exitEpoch !== FAR_FUTURE_EPOCH && v.exitEpoch >= since).length,
    );
    const pending = named.count > started ? named.count - started : 0n;
    const taken = pending < BigInt(exitable.length) ? pending : BigInt(exitable.length);
    // The named ones are taken to be those that could exit soonest.
    exitable.splice(0, Number(taken));
    if (pending > 0n) {
      inFlight.push(
        namedExitsArrival(
          exits,
          pending,
          now,
          named.deadline,
          `${pending} validators named by the last report's exit list (${named.count} named, ${started} of ours exiting since; deadline ${new Date(Number(named.deadline) * 1000).toISOString()})`,
        ),
      );
    }
    namedText = `the last exit list named ${named.count}, ${started} of ours started exiting since (exit epoch ${since} or later), so ${pending} are counted as exits to come`;
  }
  const young = exitable.filter((e) => e > epoch).length;
  exits.available = BigInt(exitable.length);
  exits.exitableEpochs = exitable;

  const clock =
    genesis !== input.chain.genesisTime || spec.SECONDS_PER_SLOT !== input.chain.secondsPerSlot
      ? ` Note: the node's clock (genesis ${genesis}, ${spec.SECONDS_PER_SLOT} s slots) differs from HashConsensus.getChainConfig (genesis ${input.chain.genesisTime}, ${input.chain.secondsPerSlot} s slots): exit and sweep times follow the node, report times the contract.`
      : "";
  const detail = `From the beacon node at ${input.beaconUrl} (standard Beacon API: ${beacon.sent.join(", ")}), state at head slot ${head.slot} (epoch ${epoch}); spec values ${
    fromNode.length > 0 ? "from /eth/v1/config/spec" : "mainnet (the node gave none)"
  }. Registry of ${registrySize} validators (found by probing indices). Active balance ${formatEther(totalActive * GWEI)} ETH over ${activeCount} active validators (${churnMethod}), so an exit churn of ${formatEther(churn * GWEI)} ETH per epoch (get_activation_exit_churn_limit). Exit queue: ${exiting.length} validators exiting (statuses ${EXITING_STATUSES.join(", ")}), the last at epoch ${queue.earliestExitEpoch}. Sweep cycle: ${sweepSlots} slots (${activeCount} validators / MAX_WITHDRAWALS_PER_PAYLOAD, ${registrySize} / MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP). Protocol validators (deposited keys from KeyAdded events, looked up by pubkey): ${pubkeys.length} deposited, ${ours.length} on the beacon chain (${count("pending_initialized")} pending_initialized, ${count("pending_queued")} pending_queued, ${count("active_ongoing")} active_ongoing, ${count("active_exiting") + count("active_slashed")} exiting, ${count("exited_unslashed") + count("exited_slashed") + count("withdrawal_possible")} exited with a balance, ${count("withdrawal_done")} withdrawal_done); ${withEth} with ETH still to come; ${exitable.length} can be named for exit${
    young > 0
      ? ` (${young} only after SHARD_COMMITTEE_PERIOD = ${spec.SHARD_COMMITTEE_PERIOD} epochs from activation)`
      : ""
  }; ${namedText}.${pubkeys.length > ours.length ? ` ${pubkeys.length - ours.length} deposited keys are not on the beacon chain (deposit not processed yet, or invalid) and are not counted.` : ""}${clock}`;
  return { exits, inFlight, detail };
}
