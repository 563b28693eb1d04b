import type { routes } from "@lodestar/api";
import { ApiError, type ApplicationMethods } from "@lodestar/api/server";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import {
  type CachedBeaconStateFulu,
  computeBlockRewards,
  computeSyncCommitteeRewards,
  processSlots,
} from "@lodestar/state-transition";
import { type rewards, ssz } from "@lodestar/types";
import type { Chain } from "../chain/chain.js";
import type { StoredBlock } from "../chain/history.js";
import { toHex } from "../hex.js";
import { computeEpochAttestationRewards } from "./attestationRewards.js";
import { resolveBlock } from "./resolve.js";
import { validatorIndexOf } from "./validators.js";

type Methods = Partial<ApplicationMethods<routes.beacon.Endpoints>>;

const meta = (finalized: boolean) => ({ executionOptimistic: false, finalized });

/** Rewards of a block or an epoch never change once known (one chain, no reorgs): the last few are kept. */
class RecentResults<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly size: number) {}
  async get(key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const value = await compute();
    this.entries.set(key, value);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}

/** The state a block was applied to: its parent's post-state advanced to the block's slot. */
function preStateOf(chain: Chain, block: StoredBlock): CachedBeaconStateFulu {
  if (block.slot === 0) throw new ApiError(404, "The genesis block has no proposer rewards");
  const parent = chain.history.stateAtSlot(block.slot - 1);
  if (parent === null) {
    throw new ApiError(404, `State before block at slot ${block.slot} is no longer retained`);
  }
  const pre = processSlots(parent.clone(), block.slot) as CachedBeaconStateFulu;
  // process_slot filled the parent header's state root: its root is the block's parent root.
  const parentRoot = ssz.phase0.BeaconBlockHeader.hashTreeRoot(pre.latestBlockHeader.toValue());
  if (toHex(parentRoot) !== toHex(block.header.message.parentRoot)) {
    throw new ApiError(500, `Pre-state of block at slot ${block.slot} does not match its parent root`);
  }
  return pre;
}

function fullBlock(chain: Chain, blockId: string | number) {
  const { block, finalized } = resolveBlock(chain, blockId);
  const full = chain.history.fullBlock(block);
  if (full === null)
    throw new ApiError(404, `Block body not available (a restored chain's anchor): ${blockId}`);
  return { stored: block, message: full.message, finalized };
}

/** Indices named by a request body (indices or pubkeys); unknown validators are left out, malformed ids are 400. */
function requestedIndices(
  state: CachedBeaconStateFulu,
  ids: Array<string | number> | undefined,
): Set<number> | null {
  if (ids === undefined || ids.length === 0) return null;
  const out = new Set<number>();
  for (const id of ids) {
    const index = validatorIndexOf(state, id);
    if (index !== null) out.add(index);
  }
  return out;
}

/**
 * The rewards routes, computed with Lodestar's reward functions over the states this chain produced: the
 * proposer's reward for a block, each sync committee member's reward for a block, and each validator's
 * attestation rewards and penalties for an epoch.
 */
export function rewardMethods(chain: Chain): Methods {
  // Each computation replays part of the state transition (an epoch transition at 100,000 validators is about
  // half a second), so a dashboard polling the same block or epoch pays it once.
  const blockRewards = new RecentResults<rewards.BlockRewards>(64);
  const syncRewards = new RecentResults<rewards.SyncCommitteeRewards>(64);
  const epochRewards = new RecentResults<rewards.AttestationsRewards>(4);
  return {
    async getBlockRewards({ blockId }) {
      const { stored, message, finalized } = fullBlock(chain, blockId);
      const data = await blockRewards.get(toHex(stored.root), () =>
        computeBlockRewards(chain.config, message, preStateOf(chain, stored)),
      );
      return { data, meta: meta(finalized) };
    },
    async getSyncCommitteeRewards({ blockId, validatorIds }) {
      const { stored, message, finalized } = fullBlock(chain, blockId);
      const wanted = requestedIndices(chain.head, validatorIds);
      const all = await syncRewards.get(toHex(stored.root), () => {
        const pre = preStateOf(chain, stored);
        return computeSyncCommitteeRewards(chain.config, pre.epochCtx.pubkeyCache, message, pre);
      });
      const data = wanted === null ? all : all.filter((r) => wanted.has(r.validatorIndex));
      return { data, meta: meta(finalized) };
    },
    async getAttestationsRewards({ epoch, validatorIds }) {
      if (!Number.isSafeInteger(epoch) || epoch < 0) throw new ApiError(400, `Invalid epoch: ${epoch}`);
      // Attestations for `epoch` can be included until the end of the next epoch; the rewards are those the
      // epoch transition after it applies, read from the state at the last slot before that transition.
      const slot = (epoch + 2) * SLOTS_PER_EPOCH - 1;
      if (slot > chain.processedSlot) {
        throw new ApiError(
          404,
          `Epoch ${epoch} not yet rewarded: its rewards are known after slot ${slot}, the chain is at slot ${chain.processedSlot}`,
        );
      }
      const state = chain.history.stateAtSlot(slot);
      if (state === null || state.slot !== slot) {
        throw new ApiError(404, `State at slot ${slot} (end of epoch ${epoch + 1}) is no longer retained`);
      }
      const wanted = requestedIndices(state, validatorIds);
      const computed = await epochRewards.get(String(epoch), async () =>
        computeEpochAttestationRewards(state),
      );
      const totalRewards =
        wanted === null
          ? computed.totalRewards
          : computed.totalRewards.filter((r) => wanted.has(r.validatorIndex));
      const finalized = slot <= chain.head.finalizedCheckpoint.epoch * SLOTS_PER_EPOCH;
      return { data: { idealRewards: computed.idealRewards, totalRewards }, meta: meta(finalized) };
    },
  };
}
