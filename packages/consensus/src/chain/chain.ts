import "../hasher.js";
import { createHash } from "node:crypto";
import type { BeaconConfig } from "@lodestar/config";
import {
  ForkSeq,
  MAX_ATTESTER_SLASHINGS_ELECTRA,
  MAX_PROPOSER_SLASHINGS,
  MAX_VOLUNTARY_EXITS,
  SLOTS_PER_EPOCH,
} from "@lodestar/params";
import {
  type CachedBeaconStateElectra,
  type CachedBeaconStateFulu,
  computeEpochAtSlot,
  computeTimeAtSlot,
  DataAvailabilityStatus,
  ExecutionPayloadStatus,
  getExpectedWithdrawals,
  getRandaoMix,
  getVoluntaryExitValidity,
  isSlashableValidator,
  processSlots,
  stateTransition,
  VoluntaryExitValidity,
} from "@lodestar/state-transition";
import { type capella, type deneb, type electra, type fulu, type phase0, ssz } from "@lodestar/types";
import type { ExecutionBlock, ExecutionLayer } from "../el/types.js";
import { ConsensusError, ExecutionBlockError } from "../errors.js";
import { type Hex, toHex } from "../hex.js";
import type { Logger } from "../log.js";
import { ConsensusMetrics } from "../metrics.js";
import { buildAttestations, buildSyncAggregate, EMPTY_SIGNATURE } from "./blockBuilder.js";
import { isValidDepositSignature } from "./depositCheck.js";
import { doublePropose, doubleVote, OfflineSet } from "./faults.js";
import { ChainHistory, type StoredBlock } from "./history.js";

export type SlashingKind = "double-vote" | "double-propose";

export type ChainOptions = {
  /** Epochs for which epoch-boundary states stay queryable. */
  retainEpochs: number;
  /**
   * Fee recipient of every validator that registered none (genesis validators included), as a beacon node's
   * suggested fee recipient; also the fallback when the execution node rejects a registered one.
   */
  defaultFeeRecipient: Hex;
  genesisValidatorCount: number;
};

export type ChainModules = { log: Logger; el: ExecutionLayer; metrics?: ConsensusMetrics };

export type ChainAnchor = {
  state: CachedBeaconStateFulu;
  headBlock: StoredBlock;
  /** Latest slot already handled (equal to or after the head block's slot). */
  processedSlot: number;
  feeRecipients?: Array<[number, Hex]>;
};

/** Outcome of one slot: the block produced, or why there was none. */
export type SlotResult = { slot: number; root: Uint8Array | null; proposer: number };

/**
 * The beacon chain: one head, blocks produced slot by slot through Lodestar's state transition, the
 * operation pool (exits, slashings) and the fault settings. No fork choice: there is one proposer per slot.
 */
export class Chain {
  readonly config: BeaconConfig;
  readonly history: ChainHistory;
  readonly offline = new OfflineSet();
  readonly feeRecipients = new Map<number, Hex>();
  readonly metrics: ConsensusMetrics;
  head: CachedBeaconStateFulu;
  headBlock: StoredBlock;
  processedSlot: number;
  private lastAttestedSlot: number;
  private readonly exits = new Map<number, phase0.SignedVoluntaryExit>();
  private readonly slashings: Array<{ kind: SlashingKind; indices: number[] }> = [];

  constructor(
    anchor: ChainAnchor,
    private readonly opts: ChainOptions,
    private readonly modules: ChainModules,
  ) {
    this.head = anchor.state;
    this.config = anchor.state.config;
    this.headBlock = anchor.headBlock;
    this.processedSlot = anchor.processedSlot;
    this.lastAttestedSlot = anchor.processedSlot - 1;
    this.metrics = modules.metrics ?? new ConsensusMetrics();
    this.history = new ChainHistory(opts.retainEpochs);
    this.history.addBlock(anchor.headBlock, anchor.state);
    this.history.addBoundaryState(anchor.state);
    for (const [index, address] of anchor.feeRecipients ?? []) this.feeRecipients.set(index, address);
  }

  get genesisValidatorCount(): number {
    return this.opts.genesisValidatorCount;
  }

  get genesisTime(): number {
    return this.head.genesisTime;
  }

  /** The fee recipient registered through prepare_beacon_proposer, else the node's default. */
  feeRecipientOf(index: number): Hex {
    return this.feeRecipients.get(index) ?? this.opts.defaultFeeRecipient;
  }

  /** Queues a voluntary exit after checking it (signature included) against the head state, as a beacon node does. */
  submitVoluntaryExit(exit: phase0.SignedVoluntaryExit): VoluntaryExitValidity {
    const state = processSlots(
      this.head.clone(),
      Math.max(this.processedSlot, this.head.slot),
    ) as CachedBeaconStateFulu;
    const validity = getVoluntaryExitValidity(ForkSeq.fulu, state, exit, true);
    if (validity === VoluntaryExitValidity.valid) {
      this.exits.set(exit.message.validatorIndex, exit);
      this.modules.log.info("voluntary exit queued", {
        validatorIndex: exit.message.validatorIndex,
        validity,
      });
    }
    return validity;
  }

  pendingExits(): phase0.SignedVoluntaryExit[] {
    return [...this.exits.values()];
  }

  /** Fault injection: slash `indices` in the next block by a conflicting vote or (one validator) a double proposal. */
  slash(kind: SlashingKind, indices: number[]): void {
    if (indices.length === 0) throw new ConsensusError("nothing to slash", { kind });
    if (kind === "double-propose" && indices.length !== 1) {
      throw new ConsensusError("a double proposal slashes one validator", { indices });
    }
    const count = this.head.validators.length;
    const bad = indices.filter((i) => !Number.isInteger(i) || i < 0 || i >= count);
    if (bad.length > 0)
      throw new ConsensusError("unknown validator index", { indices: bad, validatorCount: count });
    this.slashings.push({ kind, indices });
    this.modules.log.info("slashing queued", { kind, count: indices.length });
  }

  /** Produces the block for `slot` (or records an empty slot when its proposer is offline). */
  async produceSlot(slot: number): Promise<SlotResult> {
    if (slot <= this.processedSlot) {
      throw new ConsensusError("slot already processed", { slot, processedSlot: this.processedSlot });
    }
    const pre = processSlots(this.head.clone(), slot) as CachedBeaconStateFulu;
    const proposer = pre.epochCtx.getBeaconProposer(slot);
    const slashed = pre.validators.getReadonly(proposer).slashed;
    if (!this.offline.isOnline(proposer) || slashed) {
      // A slashed proposer's block would be invalid (process_block_header), so its slot stays empty too.
      this.modules.log.info("slot missed", {
        slot,
        proposer,
        reason: slashed ? "proposer slashed" : "proposer offline",
      });
      this.metrics.slots.inc({ outcome: slashed ? "proposer_slashed" : "proposer_offline" });
      this.finishSlot(slot, pre);
      return { slot, root: null, proposer };
    }

    const elBlock = await this.executionBlock(pre, slot, proposer);
    if (elBlock === null) {
      this.metrics.slots.inc({ outcome: "execution_error" });
      this.finishSlot(slot, pre);
      return { slot, root: null, proposer };
    }
    const block = this.buildBlock(pre, slot, proposer, elBlock);
    const signed: fulu.SignedBeaconBlock = { message: block, signature: EMPTY_SIGNATURE };
    let post: CachedBeaconStateFulu;
    try {
      post = stateTransition(pre, signed, {
        verifyStateRoot: false,
        verifyProposer: false,
        verifySignatures: false,
        executionPayloadStatus: ExecutionPayloadStatus.valid,
        dataAvailabilityStatus: DataAvailabilityStatus.Available,
      }) as CachedBeaconStateFulu;
    } catch (cause) {
      throw new ConsensusError(
        `state transition rejected a produced block: ${(cause as Error).message}`,
        { slot, proposer },
        { cause },
      );
    }
    block.stateRoot = post.hashTreeRoot();
    const header: phase0.BeaconBlockHeader = {
      slot,
      proposerIndex: proposer,
      parentRoot: block.parentRoot,
      stateRoot: block.stateRoot,
      // process_block_header just hashed the body into the state's latest block header.
      bodyRoot: post.latestBlockHeader.bodyRoot,
    };
    // A block and its header share one root (the header carries the body's root).
    const root = ssz.phase0.BeaconBlockHeader.hashTreeRoot(header);
    this.headBlock = { slot, root, header: { message: header, signature: EMPTY_SIGNATURE }, block: signed };
    this.head = post;
    this.history.addBlock(this.headBlock, post);
    this.lastAttestedSlot = slot - 1;
    this.metrics.slots.inc({ outcome: "proposed" });
    this.finishSlot(slot, post);
    this.modules.log.debug("block produced", {
      slot,
      proposer,
      root: toHex(root),
      attestations: block.body.attestations.length,
      deposits: block.body.executionRequests.deposits.length,
      exits: block.body.voluntaryExits.length,
    });
    return { slot, root, proposer };
  }

  /** `state` is the state at `slot`: the block's post-state, or the advanced pre-state of an empty slot. */
  private finishSlot(slot: number, state: CachedBeaconStateFulu): void {
    this.processedSlot = slot;
    if (slot % SLOTS_PER_EPOCH === 0 || (slot + 1) % SLOTS_PER_EPOCH === 0) {
      this.history.addBoundaryState(state);
    }
    this.history.prune(slot);
  }

  /**
   * Mines the slot's execution block. No answer of the execution node stops the chain: when it fails before
   * mining with a registered fee recipient, the block is tried once more with the default one; otherwise (or
   * when that fails too) the slot stays empty. Each failure is logged and counted.
   */
  private async executionBlock(
    pre: CachedBeaconStateFulu,
    slot: number,
    proposer: number,
  ): Promise<SlotExecution | null> {
    const timestamp = computeTimeAtSlot(this.config, slot, pre.genesisTime);
    const { expectedWithdrawals } = getExpectedWithdrawals(
      ForkSeq.fulu,
      pre as unknown as CachedBeaconStateElectra,
    );
    const produce = (feeRecipient: Hex) =>
      this.modules.el.produceBlock({
        timestamp,
        feeRecipient,
        withdrawals: expectedWithdrawals.map((w) => ({
          address: toHex(w.address),
          amountGwei: BigInt(w.amount),
        })),
        parentBeaconBlockRoot: this.headBlock.root,
      });
    const feeRecipient = this.feeRecipientOf(proposer);
    try {
      return { elBlock: await produce(feeRecipient), feeRecipient, timestamp, expectedWithdrawals };
    } catch (error) {
      const fallback = this.opts.defaultFeeRecipient;
      const retry = error instanceof ExecutionBlockError && !error.mined && feeRecipient !== fallback;
      this.executionFailed(error, { slot, proposer, feeRecipient, retry });
      if (!retry) return null;
      try {
        const elBlock = await produce(fallback);
        return { elBlock, feeRecipient: fallback, timestamp, expectedWithdrawals };
      } catch (again) {
        this.executionFailed(again, { slot, proposer, feeRecipient: fallback, retry: false });
        return null;
      }
    }
  }

  private executionFailed(
    error: unknown,
    fields: { slot: number; proposer: number; feeRecipient: Hex; retry: boolean },
  ): void {
    const mined = error instanceof ExecutionBlockError ? error.mined : true;
    this.metrics.executionErrors.inc({ fallback: fields.retry ? "default_fee_recipient" : "empty_slot" });
    this.modules.log.error(
      fields.retry
        ? "execution node rejected the block; trying again with the default fee recipient"
        : "execution node failed; the slot stays empty",
      {
        ...fields,
        // When the failure came after the block was mined, the slot's withdrawal credits may already be on
        // the execution side and are credited again with the next block that carries them.
        mined,
        error,
        cause: (error as Error).cause,
      },
    );
  }

  private buildBlock(
    pre: CachedBeaconStateFulu,
    slot: number,
    proposer: number,
    { elBlock, feeRecipient, timestamp, expectedWithdrawals }: SlotExecution,
  ): fulu.BeaconBlock {
    const epoch = computeEpochAtSlot(slot);
    this.checkDeposits(pre, elBlock.requests.deposits);
    const executionPayload: deneb.ExecutionPayload = {
      ...elBlock.header,
      parentHash: pre.latestExecutionPayloadHeader.blockHash,
      feeRecipient: ssz.ExecutionAddress.fromJson(feeRecipient),
      prevRandao: getRandaoMix(pre, epoch),
      timestamp,
      transactions: [],
      withdrawals: expectedWithdrawals,
    };
    return {
      slot,
      proposerIndex: proposer,
      parentRoot: this.headBlock.root,
      stateRoot: new Uint8Array(32),
      body: {
        randaoReveal: simulatedRandaoReveal(slot),
        eth1Data: pre.eth1Data.toValue(),
        graffiti: new Uint8Array(32),
        proposerSlashings: this.takeProposerSlashings(pre),
        attesterSlashings: this.takeAttesterSlashings(pre),
        attestations: buildAttestations(pre, slot, this.lastAttestedSlot + 1, this.offline.isOnline),
        deposits: [],
        voluntaryExits: this.takeExits(pre),
        syncAggregate: buildSyncAggregate(pre, this.offline.isOnline),
        executionPayload,
        blsToExecutionChanges: [],
        blobKzgCommitments: [],
        executionRequests: elBlock.requests,
      },
    };
  }

  private checkDeposits(pre: CachedBeaconStateFulu, deposits: electra.DepositRequest[]): void {
    for (const deposit of deposits) {
      const known = pre.epochCtx.pubkeyCache.getIndex(deposit.pubkey) !== null;
      if (known || isValidDepositSignature(this.config, deposit)) {
        this.modules.log.info("deposit request", {
          index: deposit.index,
          pubkey: toHex(deposit.pubkey),
          amountGwei: deposit.amount,
          topUp: known,
        });
      } else {
        this.modules.log.warn("deposit with invalid signature: the state transition will drop it", {
          index: deposit.index,
          pubkey: toHex(deposit.pubkey),
          amountGwei: deposit.amount,
        });
      }
    }
  }

  private takeExits(pre: CachedBeaconStateFulu): phase0.SignedVoluntaryExit[] {
    const included: phase0.SignedVoluntaryExit[] = [];
    for (const [index, exit] of this.exits) {
      if (included.length >= MAX_VOLUNTARY_EXITS) break;
      const validity = getVoluntaryExitValidity(ForkSeq.fulu, pre, exit, false);
      if (validity === VoluntaryExitValidity.valid) {
        included.push(exit);
        this.exits.delete(index);
      } else if (
        validity !== VoluntaryExitValidity.earlyEpoch &&
        validity !== VoluntaryExitValidity.shortTimeActive
      ) {
        if (validity !== VoluntaryExitValidity.pendingWithdrawals) {
          this.exits.delete(index);
          this.modules.log.warn("voluntary exit dropped", { validatorIndex: index, validity });
        }
      }
    }
    return included;
  }

  private slashable(pre: CachedBeaconStateFulu, index: number): boolean {
    return isSlashableValidator(pre.validators.getReadonly(index), pre.epochCtx.epoch);
  }

  private takeProposerSlashings(pre: CachedBeaconStateFulu): phase0.ProposerSlashing[] {
    const out: phase0.ProposerSlashing[] = [];
    for (let i = 0; i < this.slashings.length && out.length < MAX_PROPOSER_SLASHINGS; i++) {
      const pending = this.slashings[i];
      const index = pending?.indices[0];
      if (pending?.kind !== "double-propose" || index === undefined) continue;
      this.slashings.splice(i--, 1);
      if (this.slashable(pre, index)) out.push(doublePropose(pre, index));
      else
        this.modules.log.warn("validator not slashable; double proposal dropped", { validatorIndex: index });
    }
    return out;
  }

  private takeAttesterSlashings(pre: CachedBeaconStateFulu): electra.AttesterSlashing[] {
    const i = this.slashings.findIndex((s) => s.kind === "double-vote");
    const pending = this.slashings[i];
    if (pending === undefined || MAX_ATTESTER_SLASHINGS_ELECTRA < 1) return [];
    this.slashings.splice(i, 1);
    const indices = pending.indices.filter((index) => this.slashable(pre, index));
    if (indices.length === 0) {
      this.modules.log.warn("no slashable validator in set; double vote dropped", {
        indices: pending.indices,
      });
      return [];
    }
    return [doubleVote(pre, indices)];
  }
}

/** What the execution node produced for a slot, and with which fee recipient. */
type SlotExecution = {
  elBlock: ExecutionBlock;
  feeRecipient: Hex;
  timestamp: number;
  expectedWithdrawals: capella.Withdrawal[];
};

/** Stand-in for the proposer's RANDAO reveal (signatures are not simulated): distinct per slot, seeded. */
function simulatedRandaoReveal(slot: number): Uint8Array {
  const seed = createHash("sha256").update(`randao ${slot}`).digest();
  const reveal = new Uint8Array(96);
  reveal.set(seed, 0);
  reveal.set(seed, 32);
  reveal.set(seed, 64);
  return reveal;
}
