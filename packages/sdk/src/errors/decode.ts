import { BaseError, UnknownError } from "./base.js";
import { ContractError, decodeContractError, revertDataOf } from "./contract.js";
import { Refusal } from "./refusal.js";
import { transportError } from "./rpc.js";

/**
 * Turns whatever a call threw into an SDK error: a protocol custom error (a revert, or a
 * pre-check's refusal) into a `ContractError` with its values and sentence; a transport failure
 * (unreachable node, timeout, 5xx, rate limit) into a retryable `RpcError`; an SDK error passes
 * through; anything else becomes `UnknownError` with the cause kept.
 */
export function toTributaryError(error: unknown): BaseError {
  if (error instanceof BaseError) return error;
  if (error instanceof Refusal) return new ContractError(error.errorName, error.args as never);
  const data = revertDataOf(error);
  if (data) {
    const decoded = decodeContractError(data, error);
    if (decoded) return decoded;
  }
  return transportError(error) ?? new UnknownError(error);
}
