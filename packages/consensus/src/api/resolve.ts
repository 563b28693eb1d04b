import { ApiError } from "@lodestar/api/server";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import type { CachedBeaconStateFulu } from "@lodestar/state-transition";
import type { Chain } from "../chain/chain.js";
import { BLOCK_HISTORY_SLOTS, RECENT_STATE_SLOTS, type StoredBlock } from "../chain/history.js";

export const ROOT_HEX = /^0x[0-9a-fA-F]{64}$/;

export type ResolvedState = { state: CachedBeaconStateFulu; finalized: boolean };

function parseSlot(id: string | number, kind: string): number {
  const slot = typeof id === "number" ? id : /^\d+$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(slot) || slot < 0) throw new ApiError(400, `Invalid ${kind} id: ${id}`);
  return slot;
}

function isFinalized(chain: Chain, slot: number): boolean {
  return slot <= chain.head.finalizedCheckpoint.epoch * SLOTS_PER_EPOCH;
}

/**
 * Resolves a Beacon API state id: head, genesis, finalized, justified, a slot or a state root. Every id
 * names a post-state: a slot's state is after that slot's block, a state root comes back as the state with that
 * root, and finalized/justified are the state at the checkpoint's epoch start slot, i.e. the post-state of the
 * checkpoint block when the block is at that slot (advanced through the empty slots otherwise, as a beacon
 * node's checkpoint state).
 */
export function resolveState(chain: Chain, stateId: string | number): ResolvedState {
  let slot: number;
  if (stateId === "head") return { state: chain.head, finalized: isFinalized(chain, chain.head.slot) };
  if (stateId === "genesis") slot = 0;
  else if (stateId === "finalized") slot = chain.head.finalizedCheckpoint.epoch * SLOTS_PER_EPOCH;
  else if (stateId === "justified") slot = chain.head.currentJustifiedCheckpoint.epoch * SLOTS_PER_EPOCH;
  else if (typeof stateId === "string" && stateId.startsWith("0x")) {
    if (!ROOT_HEX.test(stateId)) throw new ApiError(400, `Invalid state id: ${stateId}`);
    const found = chain.history.slotOfStateRoot(stateId);
    if (found === undefined) throw new ApiError(404, `State not found: ${stateId}`);
    slot = found;
  } else slot = parseSlot(stateId, "state");
  if (slot > chain.processedSlot) throw new ApiError(404, `State not found: slot ${slot} is in the future`);
  const state = chain.history.stateAtSlot(slot);
  if (state === null) {
    throw new ApiError(
      404,
      `State not available: slot ${slot} is no longer retained (this node keeps the states of the last ${RECENT_STATE_SLOTS} slots, of the first and last slot of each of the last ${chain.history.retainEpochs} epochs, and genesis)`,
    );
  }
  return { state, finalized: isFinalized(chain, slot) };
}

/** Resolves a Beacon API block id: head, genesis, finalized, justified, a slot or a block root. */
export function resolveBlock(
  chain: Chain,
  blockId: string | number,
): { block: StoredBlock; finalized: boolean } {
  let block: StoredBlock | undefined;
  if (blockId === "head") block = chain.headBlock;
  else if (blockId === "genesis") block = chain.history.blockAtSlot(0);
  else if (blockId === "finalized" || blockId === "justified") {
    const checkpoint =
      blockId === "finalized" ? chain.head.finalizedCheckpoint : chain.head.currentJustifiedCheckpoint;
    const root = checkpoint.root.every((b) => b === 0) ? chain.history.blockAtSlot(0)?.root : checkpoint.root;
    block =
      root === undefined ? undefined : chain.history.blockByRoot(`0x${Buffer.from(root).toString("hex")}`);
  } else if (typeof blockId === "string" && blockId.startsWith("0x")) {
    if (!ROOT_HEX.test(blockId)) throw new ApiError(400, `Invalid block id: ${blockId}`);
    block = chain.history.blockByRoot(blockId);
  } else {
    const slot = parseSlot(blockId, "block");
    block = chain.history.blockAtSlot(slot);
  }
  if (block === undefined) {
    throw new ApiError(
      404,
      `Block not found: ${blockId} (this node keeps the blocks of the last ${BLOCK_HISTORY_SLOTS} slots and genesis; an empty slot has none)`,
    );
  }
  return { block, finalized: isFinalized(chain, block.slot) };
}
