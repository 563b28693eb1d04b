import { SLOTS_PER_EPOCH, SLOTS_PER_HISTORICAL_ROOT } from "@lodestar/params";
import { type CachedBeaconStateFulu, processSlots } from "@lodestar/state-transition";
import { type fulu, type phase0, ssz } from "@lodestar/types";
import { toHex } from "../hex.js";

export type StoredBlock = {
  slot: number;
  root: Uint8Array;
  header: phase0.SignedBeaconBlockHeader;
  /** Full block as an object, for recent slots (and the head). */
  block?: fulu.SignedBeaconBlock;
  /** Full block as SSZ bytes, once it left the recent window (about 2-3 KB against ~10x that as objects). */
  blockBytes?: Uint8Array;
};

/** Post-states by slot for this many recent slots; older slots keep only epoch-boundary states. */
export const RECENT_STATE_SLOTS = 2 * SLOTS_PER_EPOCH;
/** Blocks and headers are kept for this many slots (the span of the state's `block_roots`). */
export const BLOCK_HISTORY_SLOTS = SLOTS_PER_HISTORICAL_ROOT;

/**
 * What a non-archive beacon node keeps: full blocks (and their headers) for SLOTS_PER_HISTORICAL_ROOT slots,
 * post-states for recent slots, and for `retainEpochs` epochs the post-state at each epoch's first and last
 * slot. The genesis block and state are kept for good.
 */
export class ChainHistory {
  private readonly blocks = new Map<string, StoredBlock>();
  private readonly rootBySlot = new Map<number, string>();
  private readonly slotByStateRoot = new Map<string, number>();
  private readonly recentStates = new Map<number, CachedBeaconStateFulu>();
  private readonly boundaryStates = new Map<number, CachedBeaconStateFulu>();
  /** Slots below these were already pruned from the recent states, boundary states and headers. */
  private recentPrunedBelow = 0;
  private boundaryPrunedBelow = 0;
  private headersPrunedBelow = 0;
  private highestBlockSlot = 0;

  constructor(readonly retainEpochs: number) {}

  addBlock(block: StoredBlock, postState: CachedBeaconStateFulu): void {
    const rootHex = toHex(block.root);
    this.blocks.set(rootHex, block);
    this.rootBySlot.set(block.slot, rootHex);
    this.slotByStateRoot.set(toHex(block.header.message.stateRoot), block.slot);
    this.recentStates.set(block.slot, postState);
    this.highestBlockSlot = Math.max(this.highestBlockSlot, block.slot);
  }

  /** Records the state at an epoch boundary slot (first or last slot of an epoch). */
  addBoundaryState(state: CachedBeaconStateFulu): void {
    this.boundaryStates.set(state.slot, state);
    this.slotByStateRoot.set(toHex(state.hashTreeRoot()), state.slot);
  }

  /**
   * Drops what fell out of the retention windows since the last call. Each window is walked from where the
   * previous call stopped, so a slot costs O(1) however long the header history is.
   */
  prune(headSlot: number): void {
    const recentCutoff = headSlot - RECENT_STATE_SLOTS;
    for (; this.recentPrunedBelow < recentCutoff; this.recentPrunedBelow++) {
      this.recentStates.delete(this.recentPrunedBelow);
      const rootHex = this.rootBySlot.get(this.recentPrunedBelow);
      const block = rootHex === undefined ? undefined : this.blocks.get(rootHex);
      if (block?.block !== undefined) {
        block.blockBytes = ssz.fulu.SignedBeaconBlock.serialize(block.block);
        block.block = undefined;
      }
    }
    const oldestBoundary = headSlot - this.retainEpochs * SLOTS_PER_EPOCH;
    for (; this.boundaryPrunedBelow < oldestBoundary; this.boundaryPrunedBelow++) {
      // The genesis state stays queryable ("genesis" state id).
      if (this.boundaryPrunedBelow !== 0) this.boundaryStates.delete(this.boundaryPrunedBelow);
    }
    const headerCutoff = headSlot - BLOCK_HISTORY_SLOTS + 1;
    for (; this.headersPrunedBelow < headerCutoff; this.headersPrunedBelow++) {
      // The genesis block stays (the "genesis" block id), as the genesis state does.
      if (this.headersPrunedBelow === 0) continue;
      const rootHex = this.rootBySlot.get(this.headersPrunedBelow);
      if (rootHex === undefined) continue;
      const block = this.blocks.get(rootHex);
      this.rootBySlot.delete(this.headersPrunedBelow);
      this.blocks.delete(rootHex);
      if (block) this.slotByStateRoot.delete(toHex(block.header.message.stateRoot));
    }
    if (this.slotByStateRoot.size > 4 * SLOTS_PER_HISTORICAL_ROOT) {
      for (const [root, slot] of this.slotByStateRoot) {
        if (slot !== 0 && slot < oldestBoundary && slot < headerCutoff) this.slotByStateRoot.delete(root);
      }
    }
  }

  /** The full block of a retained header, or null when only the header is known (a restored chain's anchor). */
  fullBlock(block: StoredBlock): fulu.SignedBeaconBlock | null {
    if (block.block !== undefined) return block.block;
    return block.blockBytes === undefined ? null : ssz.fulu.SignedBeaconBlock.deserialize(block.blockBytes);
  }

  /** The full block as SSZ bytes, or null when only the header is known. */
  fullBlockBytes(block: StoredBlock): Uint8Array | null {
    if (block.blockBytes !== undefined) return block.blockBytes;
    return block.block === undefined ? null : ssz.fulu.SignedBeaconBlock.serialize(block.block);
  }

  /** Number and SSZ bytes of the full blocks held (for the benchmark's memory figures). */
  blockStats(): { blocks: number; serializedBlocks: number; serializedBytes: number } {
    let serializedBlocks = 0;
    let serializedBytes = 0;
    for (const block of this.blocks.values()) {
      if (block.blockBytes === undefined) continue;
      serializedBlocks++;
      serializedBytes += block.blockBytes.length;
    }
    return { blocks: this.blocks.size, serializedBlocks, serializedBytes };
  }

  blockByRoot(root: string): StoredBlock | undefined {
    return this.blocks.get(root.toLowerCase());
  }

  blockAtSlot(slot: number): StoredBlock | undefined {
    const root = this.rootBySlot.get(slot);
    return root === undefined ? undefined : this.blocks.get(root);
  }

  /** Most recent block at or before `slot` that is still retained. */
  latestBlockAtOrBefore(slot: number): StoredBlock | undefined {
    for (let s = slot; s >= Math.max(0, slot - SLOTS_PER_HISTORICAL_ROOT); s--) {
      const block = this.blockAtSlot(s);
      if (block) return block;
    }
    return undefined;
  }

  /** The retained block whose parent is `parentRoot` (the chain has no forks, so at most one). */
  latestChildOf(parentSlot: number, parentRoot: string): StoredBlock | undefined {
    const maxSlot = this.maxSlot;
    for (let s = parentSlot + 1; s <= Math.min(maxSlot, parentSlot + SLOTS_PER_HISTORICAL_ROOT); s++) {
      const block = this.blockAtSlot(s);
      if (block)
        return toHex(block.header.message.parentRoot) === parentRoot.toLowerCase() ? block : undefined;
    }
    return undefined;
  }

  private get maxSlot(): number {
    return this.highestBlockSlot;
  }

  slotOfStateRoot(root: string): number | undefined {
    return this.slotByStateRoot.get(root.toLowerCase());
  }

  /**
   * The state at `slot`: the post-state of the slot's block, or for an empty slot the previous state advanced
   * through that slot (process_slots). Null when it is no longer retained.
   */
  stateAtSlot(slot: number): CachedBeaconStateFulu | null {
    const boundary = this.boundaryStates.get(slot);
    if (boundary) return boundary;
    for (let s = slot; s >= slot - RECENT_STATE_SLOTS && s >= 0; s--) {
      const state = this.recentStates.get(s);
      if (!state) continue;
      if (s === slot) return state;
      return processSlots(state.clone(), slot) as CachedBeaconStateFulu;
    }
    return null;
  }
}
