/**
 * What guardians serve over HTTP and the depositor (or an operator's `tributary operator status`)
 * reads. Numbers that can exceed 2^53 (block numbers) are decimal strings; hex is 0x-prefixed.
 *
 * - `GET  /v1/vettings`: this guardian's signatures for every operator whose vetted count should
 *   change (`VetSignature[]`), each over the operator's `keysNonce` at the finalized block.
 * - `GET  /v1/operators/{id}`: `OperatorVetting`, what this guardian vets of that operator and why
 *   it stops where it stops.
 * - `POST /v1/deposit-signature` with a `DepositSignatureRequest`: a `DepositSignature` over the
 *   deposit contract's root at the guardian's latest block, or an error `{ error, detail }`.
 * - `GET  /v1/status`, `/health`, `/metrics`.
 */
import type { Address, Hex } from "viem";
import type { RefusalReason } from "./checks.js";

export interface VetSignature {
  operatorId: number;
  vettedKeys: number;
  keysNonce: number;
  guardian: Address;
  /** EIP-712 `Vet(operatorId, vettedKeys, keysNonce)` of DepositSecurity, 65 bytes. */
  signature: Hex;
  /** The finalized block the guardian read. */
  block: string;
}

export interface OperatorVetting {
  operatorId: number;
  totalKeys: number;
  depositedKeys: number;
  /** Vetted count on chain. */
  vettedKeys: number;
  /** The count this guardian signs. */
  vettable: number;
  keysNonce: number;
  /** The first key this guardian refuses, which stops the count. */
  blocked: { index: number; pubkey: Hex; reason: RefusalReason; detail: string } | null;
  /** The finalized block it checked at. */
  block: string;
}

export interface DepositSignatureRequest {
  operatorIds: number[];
  counts: number[];
}

export interface DepositSignature {
  guardian: Address;
  depositRoot: Hex;
  /** Deposits the contract had taken at that root. */
  depositCount: number;
  nonce: number;
  allocationHash: Hex;
  /** The block at which root and nonce were read. */
  block: string;
  /** EIP-712 `Deposit(depositRoot, nonce, allocationHash)` of DepositSecurity, 65 bytes. */
  signature: Hex;
}

/** Why a guardian refuses to sign a deposit (the `error` of the HTTP error body). */
export type DepositRefusal =
  | "bad_request"
  | "paused"
  | "not_synced"
  | "keys_not_vetted"
  | "key_refused"
  | "share_cap"
  | "not_a_guardian";
