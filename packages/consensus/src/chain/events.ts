import { EventEmitter } from "node:events";
import { routes } from "@lodestar/api";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import {
  type CachedBeaconStateFulu,
  computeEpochAtSlot,
  computeStartSlotAtEpoch,
  getBlockRootAtSlot,
} from "@lodestar/state-transition";
import { toHex } from "../hex.js";
import type { Chain, SlotResult } from "./chain.js";

export type BeaconEvent = routes.events.BeaconEvent;

/**
 * Root of the block at `slot` as `get_block_root_at_slot` reads it from `state`, with the genesis block root in
 * the case of underflow (the Beacon API's duty dependent roots).
 */
export function dependentRoot(state: CachedBeaconStateFulu, slot: number): Uint8Array {
  return getBlockRootAtSlot(state, Math.max(0, slot));
}

/**
 * The chain's events in the Beacon API's terms (`/eth/v1/events`): `block` and `head` for each block produced
 * (one chain, so every block becomes the head), `finalized_checkpoint` when a block moves finality. A slot
 * whose proposer is offline produces no block and no event, as on a real network.
 */
export class ChainEvents {
  private readonly emitter = new EventEmitter();
  private lastHeadSlot: number;
  private lastFinalizedEpoch: number;

  constructor(chain: Chain) {
    this.lastHeadSlot = chain.headBlock.slot;
    this.lastFinalizedEpoch = chain.head.finalizedCheckpoint.epoch;
    // One listener per open event stream; streams are few, but a dashboard may open several.
    this.emitter.setMaxListeners(0);
  }

  subscribe(listener: (event: BeaconEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount("event");
  }

  /** Emits what slot `result` changed. Called by the slot loop after each slot. */
  afterSlot(chain: Chain, result: SlotResult): void {
    if (result.root === null) return;
    const head = chain.head;
    const slot = result.slot;
    if (this.subscriberCount === 0) {
      // Nothing to build the payloads for; only the state the next events are computed against moves on.
      this.lastHeadSlot = slot;
      this.lastFinalizedEpoch = head.finalizedCheckpoint.epoch;
      return;
    }
    const block = toHex(result.root);
    const state = toHex(chain.headBlock.header.message.stateRoot);
    const epoch = computeEpochAtSlot(slot);
    this.emit({ type: routes.events.EventType.block, message: { slot, block, executionOptimistic: false } });
    this.emit({
      type: routes.events.EventType.head,
      message: {
        slot,
        block,
        state,
        epochTransition: computeEpochAtSlot(this.lastHeadSlot) !== epoch,
        previousDutyDependentRoot: toHex(dependentRoot(head, computeStartSlotAtEpoch(epoch - 1) - 1)),
        currentDutyDependentRoot: toHex(dependentRoot(head, computeStartSlotAtEpoch(epoch) - 1)),
        executionOptimistic: false,
      },
    });
    this.lastHeadSlot = slot;

    const finalized = head.finalizedCheckpoint;
    if (finalized.epoch > this.lastFinalizedEpoch) {
      this.lastFinalizedEpoch = finalized.epoch;
      // The state the `finalized` state id names: the state at the checkpoint epoch's first slot (the
      // checkpoint block's post-state when that slot has a block).
      const checkpointState = chain.history.stateAtSlot(finalized.epoch * SLOTS_PER_EPOCH);
      this.emit({
        type: routes.events.EventType.finalizedCheckpoint,
        message: {
          block: toHex(finalized.root),
          state: toHex(checkpointState ? checkpointState.hashTreeRoot() : new Uint8Array(32)),
          epoch: finalized.epoch,
          executionOptimistic: false,
        },
      });
    }
  }

  private emit(event: BeaconEvent): void {
    this.emitter.emit("event", event);
  }
}
