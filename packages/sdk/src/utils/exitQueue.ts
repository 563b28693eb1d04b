/**
 * The beacon chain's exit queue and withdrawal sweep, as the consensus specs (Electra) define them,
 * with the constants as plain inputs so that a beacon node's `/eth/v1/config/spec` can replace the
 * mainnet values. Balances are in gwei, the consensus layer's unit. No I/O here.
 */

/** The consensus-spec values the waiting-time estimate uses. */
export interface BeaconSpec {
  SECONDS_PER_SLOT: bigint;
  SLOTS_PER_EPOCH: bigint;
  /** Epochs between an exit's initiation epoch and the earliest exit epoch, minus one. */
  MAX_SEED_LOOKAHEAD: bigint;
  /** Epochs between the exit epoch and the withdrawable epoch. */
  MIN_VALIDATOR_WITHDRAWABILITY_DELAY: bigint;
  /** Withdrawals per execution payload (per slot). */
  MAX_WITHDRAWALS_PER_PAYLOAD: bigint;
  /** Validators the sweep looks at per slot, at most. */
  MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP: bigint;
  /** Gwei. */
  MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA: bigint;
  /** Gwei. */
  MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT: bigint;
  CHURN_LIMIT_QUOTIENT: bigint;
  /** Gwei. */
  EFFECTIVE_BALANCE_INCREMENT: bigint;
}

/** Mainnet preset and configuration (consensus-specs, Electra). */
export const MAINNET_BEACON_SPEC: Readonly<BeaconSpec> = Object.freeze({
  SECONDS_PER_SLOT: 12n,
  SLOTS_PER_EPOCH: 32n,
  MAX_SEED_LOOKAHEAD: 4n,
  MIN_VALIDATOR_WITHDRAWABILITY_DELAY: 256n, // ~27.3 hours
  MAX_WITHDRAWALS_PER_PAYLOAD: 16n,
  MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP: 16_384n,
  MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA: 128_000_000_000n, // 128 ETH
  MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT: 256_000_000_000n, // 256 ETH
  CHURN_LIMIT_QUOTIENT: 65_536n,
  EFFECTIVE_BALANCE_INCREMENT: 1_000_000_000n, // 1 ETH
});

/** The larger of two bigints (`Math.max` takes numbers only). */
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The smaller of two bigints (`Math.min` takes numbers only). */
export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The spec's `FAR_FUTURE_EPOCH`: an exit epoch not set. */
export const FAR_FUTURE_EPOCH = 2n ** 64n - 1n;

/**
 * `get_balance_churn_limit`: max(MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA, total active balance /
 * CHURN_LIMIT_QUOTIENT), rounded down to a whole EFFECTIVE_BALANCE_INCREMENT. Gwei per epoch.
 */
export function balanceChurnLimit(
  totalActiveBalance: bigint,
  spec: BeaconSpec = MAINNET_BEACON_SPEC,
): bigint {
  const byStake = totalActiveBalance / spec.CHURN_LIMIT_QUOTIENT;
  const churn = maxBig(byStake, spec.MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA);
  return churn - (churn % spec.EFFECTIVE_BALANCE_INCREMENT);
}

/**
 * `get_activation_exit_churn_limit`: the balance churn limit capped at
 * MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT. Gwei of exits processed per epoch.
 */
export function activationExitChurnLimit(
  totalActiveBalance: bigint,
  spec: BeaconSpec = MAINNET_BEACON_SPEC,
): bigint {
  const churn = balanceChurnLimit(totalActiveBalance, spec);
  return minBig(churn, spec.MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT);
}

/** The beacon state's exit queue: `earliest_exit_epoch` and `exit_balance_to_consume` (gwei). */
export interface ExitQueueState {
  earliestExitEpoch: bigint;
  exitBalanceToConsume: bigint;
}

/**
 * `compute_exit_epoch_and_update_churn` for exits of `balances` (gwei each, in order) initiated in
 * `currentEpoch`: returns the exit epoch of each and the queue state after them. `churn` is the
 * activation-exit churn limit per epoch ({@link activationExitChurnLimit}).
 */
export function computeExitEpochs(
  queue: ExitQueueState,
  currentEpoch: bigint,
  balances: readonly bigint[],
  churn: bigint,
  spec: BeaconSpec = MAINNET_BEACON_SPEC,
): { exitEpochs: bigint[]; queue: ExitQueueState } {
  let { earliestExitEpoch: stateEarliest, exitBalanceToConsume: stateToConsume } = queue;
  const exitEpochs: bigint[] = [];
  for (const exitBalance of balances) {
    // compute_activation_exit_epoch(current epoch)
    const activationExitEpoch = currentEpoch + 1n + spec.MAX_SEED_LOOKAHEAD;
    let earliest = stateEarliest > activationExitEpoch ? stateEarliest : activationExitEpoch;
    let toConsume = stateEarliest < earliest ? churn : stateToConsume;
    if (exitBalance > toConsume) {
      const toProcess = exitBalance - toConsume;
      const additionalEpochs = (toProcess - 1n) / churn + 1n;
      earliest += additionalEpochs;
      toConsume += additionalEpochs * churn;
    }
    stateToConsume = toConsume - exitBalance;
    stateEarliest = earliest;
    exitEpochs.push(earliest);
  }
  return { exitEpochs, queue: { earliestExitEpoch: stateEarliest, exitBalanceToConsume: stateToConsume } };
}

/**
 * Slots the withdrawal sweep takes to visit every validator once, at most: each slot it pays up to
 * MAX_WITHDRAWALS_PER_PAYLOAD withdrawals and looks at no more than
 * MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP validators, so with `withdrawing` validators owed a
 * withdrawal (skimmed rewards or a full exit) among `total`, a validator waits at most
 * max(ceil(withdrawing / MAX_WITHDRAWALS_PER_PAYLOAD), ceil(total / MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP))
 * slots after it becomes withdrawable (and at least 0).
 */
export function sweepCycleSlots(
  withdrawing: bigint,
  total: bigint,
  spec: BeaconSpec = MAINNET_BEACON_SPEC,
): bigint {
  const byPayload = ceilDiv(withdrawing, spec.MAX_WITHDRAWALS_PER_PAYLOAD);
  const byScan = ceilDiv(total, spec.MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP);
  return maxBig(byPayload, byScan);
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/**
 * Reads the values above from a beacon node's `/eth/v1/config/spec` answer (decimal strings);
 * keys it lacks keep their mainnet value. Returns the spec and the keys taken from the node.
 */
export function beaconSpecFrom(data: Record<string, unknown>): { spec: BeaconSpec; fromNode: string[] } {
  const spec: BeaconSpec = { ...MAINNET_BEACON_SPEC };
  const fromNode: string[] = [];
  for (const key of Object.keys(spec) as (keyof BeaconSpec)[]) {
    const value = data[key];
    if (typeof value === "string" && /^\d+$/.test(value)) {
      spec[key] = BigInt(value);
      fromNode.push(key);
    }
  }
  return { spec, fromNode };
}
