import type { routes } from "@lodestar/api";
import { ApiError, type ApplicationMethods } from "@lodestar/api/server";
import { MIN_SEED_LOOKAHEAD, SLOTS_PER_EPOCH } from "@lodestar/params";
import {
  type CachedBeaconStateFulu,
  computeEpochAtSlot,
  computeStartSlotAtEpoch,
  processSlots,
} from "@lodestar/state-transition";
import type { Chain } from "../chain/chain.js";
import { dependentRoot } from "../chain/events.js";
import { toHex } from "../hex.js";

type Methods = Partial<ApplicationMethods<routes.validator.Endpoints>>;

/**
 * A state whose proposer lookahead covers `epoch` (Fulu's `proposer_lookahead` holds the proposers of the
 * state's epoch and the next): the head advanced to the current epoch for the current and next epoch, the
 * retained state at the epoch's last slot for past epochs.
 */
function lookaheadState(chain: Chain, epoch: number): CachedBeaconStateFulu {
  const currentEpoch = computeEpochAtSlot(chain.processedSlot);
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > currentEpoch + MIN_SEED_LOOKAHEAD) {
    throw new ApiError(
      400,
      `Invalid epoch: ${epoch}; the current epoch is ${currentEpoch}, proposers are known up to epoch ${currentEpoch + MIN_SEED_LOOKAHEAD}`,
    );
  }
  if (epoch >= currentEpoch) {
    const head = chain.head;
    if (computeEpochAtSlot(head.slot) === currentEpoch) return head;
    return processSlots(head.clone(), computeStartSlotAtEpoch(currentEpoch)) as CachedBeaconStateFulu;
  }
  const state = chain.history.stateAtSlot(computeStartSlotAtEpoch(epoch + 1) - 1);
  if (state === null) throw new ApiError(404, `State of epoch ${epoch} is no longer retained`);
  return state;
}

/** `get_block_root_at_slot(state, slot)` with the head block for slots not yet reached. */
function blockRootAt(chain: Chain, state: CachedBeaconStateFulu, slot: number): Uint8Array {
  if (slot >= state.slot) return chain.history.latestBlockAtOrBefore(slot)?.root ?? chain.headBlock.root;
  return dependentRoot(state, slot);
}

function proposerDuties(chain: Chain, epoch: number, dependentSlot: number) {
  const state = lookaheadState(chain, epoch);
  const offset = (epoch - computeEpochAtSlot(state.slot)) * SLOTS_PER_EPOCH;
  const startSlot = computeStartSlotAtEpoch(epoch);
  const data: routes.validator.ProposerDuty[] = [];
  for (let i = 0; i < SLOTS_PER_EPOCH; i++) {
    const validatorIndex = state.proposerLookahead.get(offset + i);
    data.push({
      slot: startSlot + i,
      validatorIndex,
      pubkey: state.validators.getReadonly(validatorIndex).pubkey,
    });
  }
  return {
    data,
    meta: { executionOptimistic: false, dependentRoot: toHex(blockRootAt(chain, state, dependentSlot)) },
  };
}

export function dutyMethods(chain: Chain): Methods {
  return {
    async getProposerDuties({ epoch }) {
      return proposerDuties(chain, epoch, computeStartSlotAtEpoch(epoch) - 1);
    },
    async getProposerDutiesV2({ epoch }) {
      // After Fulu the lookahead is fixed one epoch earlier, so the dependent root moves back one epoch.
      return proposerDuties(chain, epoch, computeStartSlotAtEpoch(epoch - 1) - 1);
    },
  };
}
