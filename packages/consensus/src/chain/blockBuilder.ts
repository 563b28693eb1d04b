import { BitArray } from "@chainsafe/ssz";
import {
  MAX_ATTESTATIONS_ELECTRA,
  MAX_COMMITTEES_PER_SLOT,
  SLOTS_PER_EPOCH,
  SYNC_COMMITTEE_SIZE,
} from "@lodestar/params";
import {
  type CachedBeaconStateFulu,
  computeEpochAtSlot,
  computeStartSlotAtEpoch,
  getBlockRootAtSlot,
} from "@lodestar/state-transition";
import type { altair, electra } from "@lodestar/types";

/**
 * Compressed G2 point at infinity. Blocks are produced with signature checks off (the simulated validators
 * sign nothing), so every aggregate carries this placeholder.
 */
export const EMPTY_SIGNATURE = Uint8Array.from([0xc0, ...new Uint8Array(95)]);

export type IsOnline = (validatorIndex: number) => boolean;

/**
 * One on-chain aggregate (EIP-7549) per slot from `fromSlot` to `slot - 1`, each carrying every online
 * member of every committee of that slot, newest first, at most MAX_ATTESTATIONS_ELECTRA.
 * `state` is the pre-state of the block at `slot` (already advanced to `slot`).
 */
export function buildAttestations(
  state: CachedBeaconStateFulu,
  slot: number,
  fromSlot: number,
  isOnline: IsOnline,
) {
  const attestations: electra.Attestation[] = [];
  const currentEpoch = computeEpochAtSlot(slot);
  const oldest = Math.max(
    fromSlot,
    slot - SLOTS_PER_EPOCH,
    0,
    computeStartSlotAtEpoch(Math.max(currentEpoch - 1, 0)),
  );
  for (let t = slot - 1; t >= oldest && attestations.length < MAX_ATTESTATIONS_ELECTRA; t--) {
    const attestation = buildSlotAttestation(state, t, isOnline);
    if (attestation !== null) attestations.push(attestation);
  }
  return attestations;
}

function buildSlotAttestation(
  state: CachedBeaconStateFulu,
  t: number,
  isOnline: IsOnline,
): electra.Attestation | null {
  const targetEpoch = computeEpochAtSlot(t);
  const committeeCount = state.epochCtx.getCommitteeCountPerSlot(targetEpoch);
  const committeeBits = BitArray.fromBitLen(MAX_COMMITTEES_PER_SLOT);
  const participation: boolean[] = [];
  for (let index = 0; index < committeeCount; index++) {
    const committee = state.epochCtx.getBeaconCommittee(t, index);
    const bits: boolean[] = [];
    let any = false;
    for (const validatorIndex of committee) {
      const online = isOnline(validatorIndex);
      bits.push(online);
      any ||= online;
    }
    // EIP-7549: each committee named in committee_bits needs at least one attester.
    if (!any) continue;
    committeeBits.set(index, true);
    participation.push(...bits);
  }
  if (participation.length === 0) return null;
  const currentEpoch = state.epochCtx.epoch;
  const source =
    targetEpoch === currentEpoch ? state.currentJustifiedCheckpoint : state.previousJustifiedCheckpoint;
  return {
    aggregationBits: BitArray.fromBoolArray(participation),
    committeeBits,
    data: {
      slot: t,
      index: 0,
      beaconBlockRoot: getBlockRootAtSlot(state, t),
      source: { epoch: source.epoch, root: source.root },
      target: { epoch: targetEpoch, root: getBlockRootAtSlot(state, computeStartSlotAtEpoch(targetEpoch)) },
    },
    signature: EMPTY_SIGNATURE,
  };
}

/** Sync aggregate for the block at the pre-state's slot: every online sync committee member signs. */
export function buildSyncAggregate(state: CachedBeaconStateFulu, isOnline: IsOnline): altair.SyncAggregate {
  const members = state.epochCtx.currentSyncCommitteeIndexed.validatorIndices;
  const bits = BitArray.fromBitLen(SYNC_COMMITTEE_SIZE);
  for (let i = 0; i < SYNC_COMMITTEE_SIZE; i++) {
    const member = members[i];
    if (member !== undefined && isOnline(member)) bits.set(i, true);
  }
  return { syncCommitteeBits: bits, syncCommitteeSignature: EMPTY_SIGNATURE };
}
