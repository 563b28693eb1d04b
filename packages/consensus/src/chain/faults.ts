import type { CachedBeaconStateFulu } from "@lodestar/state-transition";
import { type electra, type phase0, ssz } from "@lodestar/types";
import { EMPTY_SIGNATURE } from "./blockBuilder.js";

/** Validators taken offline: they neither attest, sign sync aggregates nor propose. */
export class OfflineSet {
  private readonly offline = new Set<number>();

  isOnline = (index: number): boolean => !this.offline.has(index);

  setOffline(indices: number[], offline: boolean): void {
    for (const i of indices) {
      if (offline) this.offline.add(i);
      else this.offline.delete(i);
    }
  }

  list(): number[] {
    return [...this.offline].sort((a, b) => a - b);
  }
}

function distinctRoot(tag: number): Uint8Array {
  const root = new Uint8Array(32);
  root[31] = tag;
  root[0] = 0xde;
  return root;
}

/**
 * Two conflicting votes (same target epoch, different head) signed by every validator in `indices`: an
 * attester slashing that slashes the whole set in one block (one double vote when the set has one member).
 */
export function doubleVote(state: CachedBeaconStateFulu, indices: number[]): electra.AttesterSlashing {
  const attestingIndices = [...new Set(indices)].sort((a, b) => a - b);
  const epoch = state.epochCtx.epoch;
  const data = (tag: number): phase0.AttestationDataBigint => ({
    slot: BigInt(Math.max(state.slot - 1, 0)),
    index: BigInt(0),
    beaconBlockRoot: distinctRoot(tag),
    source: {
      epoch: BigInt(state.currentJustifiedCheckpoint.epoch),
      root: state.currentJustifiedCheckpoint.root,
    },
    target: { epoch: BigInt(epoch), root: distinctRoot(tag + 100) },
  });
  return {
    attestation1: { attestingIndices, data: data(1), signature: EMPTY_SIGNATURE },
    attestation2: { attestingIndices, data: data(2), signature: EMPTY_SIGNATURE },
  };
}

/** Two different block headers for one slot by one proposer: a proposer slashing. */
export function doublePropose(state: CachedBeaconStateFulu, proposerIndex: number): phase0.ProposerSlashing {
  const header = (tag: number): phase0.SignedBeaconBlockHeaderBigint => ({
    message: {
      slot: BigInt(state.slot),
      proposerIndex,
      parentRoot: ssz.Root.defaultValue(),
      stateRoot: distinctRoot(tag),
      bodyRoot: distinctRoot(tag + 1),
    },
    signature: EMPTY_SIGNATURE,
  });
  return { signedHeader1: header(1), signedHeader2: header(3) };
}
