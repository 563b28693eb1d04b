import type { routes } from "@lodestar/api";
import { ApiError, type ApplicationMethods } from "@lodestar/api/server";
import {
  EPOCHS_PER_SYNC_COMMITTEE_PERIOD,
  SLOTS_PER_EPOCH,
  SYNC_COMMITTEE_SUBNET_COUNT,
  SYNC_COMMITTEE_SUBNET_SIZE,
} from "@lodestar/params";
import { computeEpochAtSlot, computeStartSlotAtEpoch } from "@lodestar/state-transition";
import type { Chain } from "../chain/chain.js";
import { resolveState } from "./resolve.js";

type Methods = Partial<ApplicationMethods<routes.beacon.Endpoints>>;

const meta = (finalized: boolean) => ({ executionOptimistic: false, finalized });

/** `epoch` of a query, checked to be one whose committees `stateEpoch` knows (previous, current or next). */
function committeeEpoch(stateEpoch: number, epoch: number | undefined): number {
  if (epoch === undefined) return stateEpoch;
  if (!Number.isSafeInteger(epoch) || epoch < stateEpoch - 1 || epoch > stateEpoch + 1) {
    throw new ApiError(
      400,
      `Epoch ${epoch} out of range: a state at epoch ${stateEpoch} knows the committees of epochs ${Math.max(0, stateEpoch - 1)} to ${stateEpoch + 1}`,
    );
  }
  return epoch;
}

/**
 * State reads that an oracle, a dashboard or an exit tool needs beyond validators and balances: the Electra
 * queues, Fulu's proposer lookahead, and the committees of a state.
 */
export function stateReadMethods(chain: Chain): Methods {
  const version = (slot: number) => chain.config.getForkName(slot);
  return {
    async getPendingDeposits({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return {
        data: state.pendingDeposits.toValue(),
        meta: { ...meta(finalized), version: version(state.slot) },
      };
    },
    async getPendingPartialWithdrawals({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return {
        data: state.pendingPartialWithdrawals.toValue(),
        meta: { ...meta(finalized), version: version(state.slot) },
      };
    },
    async getPendingConsolidations({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return {
        data: state.pendingConsolidations.toValue(),
        meta: { ...meta(finalized), version: version(state.slot) },
      };
    },
    async getProposerLookahead({ stateId }) {
      const { state, finalized } = resolveState(chain, stateId);
      return {
        data: state.proposerLookahead.toValue(),
        meta: { ...meta(finalized), version: version(state.slot) },
      };
    },
    async getEpochCommittees({ stateId, epoch, index, slot }) {
      const { state, finalized } = resolveState(chain, stateId);
      const stateEpoch = computeEpochAtSlot(state.slot);
      const target = committeeEpoch(stateEpoch, epoch);
      const startSlot = computeStartSlotAtEpoch(target);
      if (slot !== undefined && (slot < startSlot || slot >= startSlot + SLOTS_PER_EPOCH)) {
        throw new ApiError(400, `Slot ${slot} is not in epoch ${target}`);
      }
      const shuffling = state.epochCtx.getShufflingAtEpoch(target);
      if (index !== undefined && (!Number.isSafeInteger(index) || index >= shuffling.committeesPerSlot)) {
        throw new ApiError(
          400,
          `Committee index ${index} out of range: epoch ${target} has ${shuffling.committeesPerSlot} committees per slot`,
        );
      }
      const data: routes.beacon.EpochCommitteeResponse[] = [];
      shuffling.committees.forEach((slotCommittees, slotInEpoch) => {
        const committeeSlot = startSlot + slotInEpoch;
        if (slot !== undefined && slot !== committeeSlot) return;
        slotCommittees.forEach((committee, committeeIndex) => {
          if (index !== undefined && index !== committeeIndex) return;
          data.push({ index: committeeIndex, slot: committeeSlot, validators: Array.from(committee) });
        });
      });
      return { data, meta: meta(finalized) };
    },
    async getEpochSyncCommittees({ stateId, epoch }) {
      const { state, finalized } = resolveState(chain, stateId);
      const stateEpoch = computeEpochAtSlot(state.slot);
      const target = epoch ?? stateEpoch;
      const period = Math.floor(stateEpoch / EPOCHS_PER_SYNC_COMMITTEE_PERIOD);
      const targetPeriod = Number.isSafeInteger(target)
        ? Math.floor(target / EPOCHS_PER_SYNC_COMMITTEE_PERIOD)
        : -1;
      if (targetPeriod !== period && targetPeriod !== period + 1) {
        throw new ApiError(
          400,
          `Epoch ${target} out of range: a state at epoch ${stateEpoch} knows the sync committees of periods ${period} and ${period + 1}`,
        );
      }
      const validators = Array.from(state.epochCtx.getIndexedSyncCommitteeAtEpoch(target).validatorIndices);
      const validatorAggregates: number[][] = [];
      for (let i = 0; i < SYNC_COMMITTEE_SUBNET_COUNT; i++) {
        validatorAggregates.push(
          validators.slice(i * SYNC_COMMITTEE_SUBNET_SIZE, (i + 1) * SYNC_COMMITTEE_SUBNET_SIZE),
        );
      }
      return { data: { validators, validatorAggregates }, meta: meta(finalized) };
    },
  };
}
