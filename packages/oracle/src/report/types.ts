import type { Address, Hex } from "viem";
import type { ValidatorView } from "../state/types.js";
import type { AccountingState } from "./accountingMath.js";

/** A key the registry deposited: operator, its key index, the 48-byte pubkey (lowercase hex). */
export interface DepositedKey {
  operatorId: number;
  keyIndex: number;
  pubkey: string;
}

/** A deposited key and what the beacon state at the reference slot says of it (absent: not seen). */
export interface ProtocolValidator {
  key: DepositedKey;
  view: ValidatorView | undefined;
}

/**
 * What the frame's beacon blocks say, for slots in (fromSlot, toSlot]: the withdrawals paid to the
 * vault (EIP-4895, from each block's execution payload) and who proposed each block.
 */
export interface FrameHistory {
  fromSlot: number;
  toSlot: number;
  /** Sum of every withdrawal paid to the vault, whoever the validator, gwei. */
  vaultWithdrawalsGwei: bigint;
  /** Withdrawals to the vault by validator index, gwei. */
  withdrawnGwei: ReadonlyMap<number, number>;
  /** Blocks proposed by validator index. */
  proposals: ReadonlyMap<number, number>;
}

/** Per-operator sums at a reference slot: what the next report measures rewards from. */
export interface OperatorSnapshot {
  /** Validators seen on the beacon chain. */
  seen: number;
  /** Their total balance, gwei. */
  balanceGwei: bigint;
}

export interface Snapshot {
  refSlot: number;
  operators: Record<string, OperatorSnapshot>;
}

/** An operator as the registry holds it at the reference block. */
export interface OperatorState {
  id: number;
  rewardAddress: Address;
  commissionBps: number;
  depositedKeys: number;
  exitedKeys: number;
  withdrawnKeys: number;
  bondShares: bigint;
}

/** One entry of the cumulative rewards tree: [operatorId, account, cumulative trETH shares]. */
export interface TreeEntry {
  operatorId: number;
  account: Address;
  shares: bigint;
}

/** The rewards tree as last published, and the reports whose commission it already allocates. */
export interface RewardsTreeState {
  /** Reference slot of the last report whose commission shares the tree allocates (0: none). */
  allocatedThroughRefSlot: number;
  /** Root as the distributor checks it (the full root; the contract keeps its first 152 bits). */
  root: Hex;
  entries: TreeEntry[];
}

/** A report the contract applied: its commission, split by operator, waits for the next tree. */
export interface AppliedCommission {
  refSlot: number;
  /** trETH shares minted for the operators (the ReportApplied event's commissionShares). */
  commissionShares: bigint;
  /** The report's commission by operator id, wei (sums to the report's operatorCommission). */
  split: Record<string, bigint>;
}

/** An entry of an exit list (see IAccounting.publishExitRequests). */
export interface ExitEntry {
  operatorId: number;
  keyIndex: number;
  /** The operator's cumulative exited count that meets this request. */
  targetExited: number;
  pubkey: string;
  validatorIndex: number;
}

/** A withdrawal request queue's state at the reference block. */
export interface QueueState {
  lastRequestId: bigint;
  lastFinalizedRequestId: bigint;
}

/** Everything a report is computed from; all of it read at the reference slot's block. */
export interface ReportInput {
  refSlot: number;
  /** Epoch of the reference slot. */
  refEpoch: number;
  slotsPerEpoch: number;
  consensusVersion: bigint;
  validators: readonly ProtocolValidator[];
  history: FrameHistory;
  /** Operator sums at the last processed reference slot (empty before the first report). */
  previous: Snapshot;
  operators: readonly OperatorState[];
  accounting: AccountingState;
  /** The token's ETH balance (its buffer). */
  tokenBalance: bigint;
  /** EL rewards the last applied report stated and did not pull (held back in the vault). */
  heldBackElRewards: bigint;
  queue: QueueState;
  /** ETH (and shares) that finalizing up to `lastRequestId` at `rate` costs: the queue's finalizationCost. */
  finalizationCost: (lastRequestId: bigint, rate: bigint) => Promise<bigint>;
  tree: RewardsTreeState;
  /** The last applied report's commission, when the tree does not yet allocate it. */
  unallocated: AppliedCommission | undefined;
  /** The latest exit list a report named (entries), if any. */
  previousExitList: readonly ExitEntry[];
  /** SHARD_COMMITTEE_PERIOD: epochs a validator serves before it may exit. */
  shardCommitteePeriod: number;
}
