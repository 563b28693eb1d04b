import {
  EFFECTIVE_BALANCE_INCREMENT,
  INACTIVITY_PENALTY_QUOTIENT_BELLATRIX,
  MAX_EFFECTIVE_BALANCE_ELECTRA,
  PARTICIPATION_FLAG_WEIGHTS,
  TIMELY_HEAD_FLAG_INDEX,
  TIMELY_SOURCE_FLAG_INDEX,
  TIMELY_TARGET_FLAG_INDEX,
  WEIGHT_DENOMINATOR,
} from "@lodestar/params";
import {
  beforeProcessEpoch,
  type CachedBeaconStateAltair,
  type CachedBeaconStateFulu,
  FLAG_ELIGIBLE_ATTESTER,
  FLAG_PREV_HEAD_ATTESTER_UNSLASHED,
  FLAG_PREV_SOURCE_ATTESTER_UNSLASHED,
  FLAG_PREV_TARGET_ATTESTER_UNSLASHED,
  hasMarkers,
  isInInactivityLeak,
} from "@lodestar/state-transition";
import {
  processInactivityUpdates,
  processJustificationAndFinalization,
} from "@lodestar/state-transition/epoch";
import type { rewards } from "@lodestar/types";

const SOURCE_WEIGHT = PARTICIPATION_FLAG_WEIGHTS[TIMELY_SOURCE_FLAG_INDEX] as number;
const TARGET_WEIGHT = PARTICIPATION_FLAG_WEIGHTS[TIMELY_TARGET_FLAG_INDEX] as number;
const HEAD_WEIGHT = PARTICIPATION_FLAG_WEIGHTS[TIMELY_HEAD_FLAG_INDEX] as number;

/** `a * b * c // d` without the float rounding of doubles past 2^53. */
const mulDiv = (a: number, b: number, c: number, d: number): number =>
  Number((BigInt(a) * BigInt(b) * BigInt(c)) / BigInt(d));

/**
 * Attestation rewards of the previous epoch of `state` (a state at an epoch's last slot, before its epoch
 * transition), exactly as that transition applies them: the spec's `get_flag_index_deltas` and
 * `get_inactivity_penalty_deltas` after `process_justification_and_finalization` and `process_inactivity_updates`,
 * run by Lodestar on a copy of the state. The sum of a validator's four components is the change of its balance
 * in `process_rewards_and_penalties`.
 *
 * Lodestar's own `computeAttestationsRewards` rounds to the nearest Gwei where the spec floors, reads the
 * inactivity scores before their update and uses the Altair inactivity quotient, so its figures can differ from
 * the balances by a few Gwei (and by more during an inactivity leak).
 */
export function computeEpochAttestationRewards(state: CachedBeaconStateFulu): rewards.AttestationsRewards {
  const work = state.clone();
  const cache = beforeProcessEpoch(work);
  processJustificationAndFinalization(work, cache);
  // Typed for Altair states; the Fulu state carries every field it reads.
  processInactivityUpdates(work as unknown as CachedBeaconStateAltair, cache);
  const leak = isInInactivityLeak(work);

  const active = cache.totalActiveStakeByIncrement;
  const { sourceStakeByIncrement, targetStakeByIncrement, headStakeByIncrement } =
    cache.prevEpochUnslashedStake;
  const flagReward = (baseReward: number, weight: number, participating: number) =>
    leak ? 0 : mulDiv(baseReward, weight, participating, active * WEIGHT_DENOMINATOR);

  const maxIncrements = MAX_EFFECTIVE_BALANCE_ELECTRA / EFFECTIVE_BALANCE_INCREMENT;
  const idealRewards: rewards.IdealAttestationsReward[] = [];
  for (let increments = 0; increments <= maxIncrements; increments++) {
    const baseReward = increments * cache.baseRewardPerIncrement;
    idealRewards.push({
      effectiveBalance: increments * EFFECTIVE_BALANCE_INCREMENT,
      head: flagReward(baseReward, HEAD_WEIGHT, headStakeByIncrement),
      target: flagReward(baseReward, TARGET_WEIGHT, targetStakeByIncrement),
      source: flagReward(baseReward, SOURCE_WEIGHT, sourceStakeByIncrement),
      inclusionDelay: 0,
      inactivity: 0,
    });
  }

  const inactivityDenominator = work.config.INACTIVITY_SCORE_BIAS * INACTIVITY_PENALTY_QUOTIENT_BELLATRIX;
  const totalRewards: rewards.TotalAttestationsReward[] = [];
  cache.flags.forEach((flag, index) => {
    if (!hasMarkers(flag, FLAG_ELIGIBLE_ATTESTER)) return;
    const increments = work.epochCtx.effectiveBalanceIncrements[index] ?? 0;
    const ideal = idealRewards[increments];
    if (ideal === undefined) return;
    const baseReward = increments * cache.baseRewardPerIncrement;
    const source = hasMarkers(flag, FLAG_PREV_SOURCE_ATTESTER_UNSLASHED)
      ? ideal.source
      : -Math.floor((baseReward * SOURCE_WEIGHT) / WEIGHT_DENOMINATOR);
    const targetHit = hasMarkers(flag, FLAG_PREV_TARGET_ATTESTER_UNSLASHED);
    const target = targetHit ? ideal.target : -Math.floor((baseReward * TARGET_WEIGHT) / WEIGHT_DENOMINATOR);
    const head = hasMarkers(flag, FLAG_PREV_HEAD_ATTESTER_UNSLASHED) ? ideal.head : 0;
    const inactivity = targetHit
      ? 0
      : -mulDiv(
          increments * EFFECTIVE_BALANCE_INCREMENT,
          work.inactivityScores.get(index),
          1,
          inactivityDenominator,
        );
    totalRewards.push({ validatorIndex: index, head, target, source, inclusionDelay: 0, inactivity });
  });
  return { idealRewards, totalRewards };
}
