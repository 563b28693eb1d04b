import type { deneb, electra } from "@lodestar/types";
import type { Hex } from "../hex.js";

export type WithdrawalCredit = { address: Hex; amountGwei: bigint };

export type ExecutionBlockParams = {
  /** Timestamp the spec requires for the slot (compute_timestamp_at_slot). */
  timestamp: number;
  /** Priority fees of the block go here (the proposer's fee recipient). */
  feeRecipient: Hex;
  /** The spec's expected withdrawals for the slot, credited on the execution layer. */
  withdrawals: WithdrawalCredit[];
  /** Root of the parent beacon block, written to the EIP-4788 contract. */
  parentBeaconBlockRoot: Uint8Array;
};

export type ExecutionBlock = {
  /** Payload header fields of the mined block (parentHash, withdrawals and timestamp are set by the caller). */
  header: Omit<deneb.ExecutionPayloadHeader, "transactionsRoot" | "withdrawalsRoot">;
  requests: electra.ExecutionRequests;
};

/**
 * What the beacon chain needs from an execution node. Implementations speak JSON-RPC only
 * (anvil_* or hardhat_* methods), so any local dev node can stand behind it.
 */
export interface ExecutionLayer {
  chainId(): Promise<number>;
  /** Header of the current head block, to anchor genesis on. */
  headHeader(): Promise<ExecutionBlock["header"]>;
  /** Installs the EIP-4788/7002/7251 contracts and, when `depositContract` has no code, the deposit contract. */
  install(depositContract: Hex): Promise<void>;
  /** Starts reading deposit logs after this execution block number (persisted across restarts). */
  setDepositCursor(blockNumber: number): void;
  depositCursor(): number;
  /** Mines the block for a slot and returns its header and the requests it carries. */
  produceBlock(params: ExecutionBlockParams): Promise<ExecutionBlock>;
  hasBlock(blockHash: Uint8Array): Promise<boolean>;
  close(): Promise<void>;
}
