/**
 * The Beacon API client's options, hooks and the values it returns. Numbers: slots, epochs,
 * indices, gwei amounts and block numbers are JS numbers; roots and hashes lowercase 0x-hex.
 */
import type { Address, Hex } from "viem";
import type { DaemonError, FailureReason, RetryInfo } from "./retry.js";

/** Hooks a client calls for metrics and logs; every one optional. */
export interface RequestHooks {
  /** An HTTP request is sent (every attempt, retries included). `route` is the path template. */
  onRequest?: ((route: string) => void) | undefined;
  /** An attempt failed (whether or not it is retried). */
  onError?: ((route: string, reason: FailureReason, error: DaemonError) => void) | undefined;
  /** The client waits before another attempt. */
  onRetry?: ((route: string, info: RetryInfo) => void) | undefined;
}

export interface BeaconClientOptions {
  /** Base URL of the beacon node, e.g. http://127.0.0.1:5052 (a path prefix is kept). */
  url: string;
  /**
   * Per-request timeout (default 30 s). JSON routes: the whole request. The SSZ state: until the
   * headers arrive, then between two chunks of the body (a state download may take longer than
   * the timeout as long as bytes keep coming).
   */
  timeoutMs?: number | undefined;
  /** Attempts per call, the first included (default 4). */
  attempts?: number | undefined;
  /** Backoff: first wait (default 500 ms), doubling up to `maxDelayMs` (default 10 s), jittered. */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** Longest Retry-After honoured (default 60 s). */
  maxRetryAfterMs?: number | undefined;
  /** Largest SSZ state accepted (default 2 GiB; mainnet states are about 300 MB). */
  maxStateBytes?: number | undefined;
  /** Stops every call: the request in flight and the waits between attempts (shutdown). */
  signal?: AbortSignal | undefined;
  hooks?: RequestHooks | undefined;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch | undefined;
  /** Jitter source (tests pass a fixed one). */
  random?: (() => number) | undefined;
}

/** Options of one call. */
export interface CallOptions {
  /** Stops this call (besides the client's own signal). */
  signal?: AbortSignal | undefined;
}

/** A slot number, a 0x root, or a named block/state: "head", "genesis", "finalized", "justified". */
export type BlockId = number | "head" | "genesis" | "finalized" | "justified" | Hex;

export interface Genesis {
  /** Unix seconds. */
  genesisTime: number;
  genesisValidatorsRoot: Hex;
  genesisForkVersion: Hex;
}

export interface Spec {
  secondsPerSlot: number;
  slotsPerEpoch: number;
  /** Every constant the node lists, as it sent them (decimal or hex strings). */
  raw: Record<string, unknown>;
}

export interface FinalityCheckpoints {
  finalizedEpoch: number;
  finalizedRoot: Hex;
  currentJustifiedEpoch: number;
  currentJustifiedRoot: Hex;
  previousJustifiedEpoch: number;
  previousJustifiedRoot: Hex;
  /** The node's `execution_optimistic` flag, when it sends one. */
  executionOptimistic: boolean | undefined;
}

export interface BlockHeader {
  slot: number;
  root: Hex;
  proposerIndex: number;
  stateRoot: Hex;
  parentRoot: Hex;
  bodyRoot: Hex;
  /** Whether the block is on the node's canonical chain, when it says. */
  canonical: boolean | undefined;
  /** Whether the block is finalized, when the node says. */
  finalized: boolean | undefined;
}

export interface Withdrawal {
  index: number;
  validatorIndex: number;
  address: Address;
  amountGwei: number;
}

export interface ExecutionPayloadSummary {
  blockNumber: number;
  blockHash: Hex;
  feeRecipient: Address;
  /** Empty before Capella. */
  withdrawals: Withdrawal[];
}

export interface BeaconBlock {
  /** The fork the node names (`version`), e.g. "electra". */
  fork: string;
  slot: number;
  proposerIndex: number;
  parentRoot: Hex;
  stateRoot: Hex;
  /** Null before the Merge (Bellatrix). */
  executionPayload: ExecutionPayloadSummary | null;
}

export interface StateSsz {
  /** The fork of the state (the Eth-Consensus-Version header); undefined if the node sent none. */
  fork: string | undefined;
  /** The state's SSZ serialisation. */
  bytes: Uint8Array;
}

export interface SyncStatus {
  headSlot: number;
  syncDistance: number;
  isSyncing: boolean;
  isOptimistic: boolean | undefined;
  elOffline: boolean | undefined;
}

/** A validator's status as the Beacon API names it. */
export type ValidatorStatus =
  | "pending_initialized"
  | "pending_queued"
  | "active_ongoing"
  | "active_exiting"
  | "active_slashed"
  | "exited_unslashed"
  | "exited_slashed"
  | "withdrawal_possible"
  | "withdrawal_done";

/** One validator of GET /eth/v1/beacon/states/{state_id}/validators. Epochs: `Infinity` for FAR_FUTURE_EPOCH. */
export interface ValidatorInfo {
  index: number;
  balanceGwei: number;
  status: ValidatorStatus;
  pubkey: Hex;
  withdrawalCredentials: Hex;
  effectiveBalanceGwei: number;
  slashed: boolean;
  activationEligibilityEpoch: number;
  activationEpoch: number;
  exitEpoch: number;
  withdrawableEpoch: number;
}

/** A signed voluntary exit in the Beacon API's JSON (decimal strings, 0x signature). */
export interface SignedVoluntaryExitJson {
  message: { epoch: string; validator_index: string };
  signature: Hex;
}
