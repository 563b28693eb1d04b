import {
  HttpRequestError,
  RpcRequestError,
  TimeoutError,
  UserRejectedRequestError,
  BaseError as ViemBaseError,
  WebSocketRequestError,
} from "viem";
import { BaseError, RpcError } from "./base.js";

/** JSON-RPC codes that mean "try again later": limit exceeded, internal error, resource unavailable. */
const RETRYABLE_RPC_CODES = new Set([-32005, -32603, -32002, 429]);

/**
 * A transport failure (unreachable node, timeout, 5xx, rate limit) as a retryable `RpcError`, a
 * request the wallet rejected as a `BaseError`; undefined for anything else.
 */
export function transportError(error: unknown): BaseError | undefined {
  if (error instanceof ViemBaseError) {
    const transport = error.walk(
      (e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError,
    ) as HttpRequestError | TimeoutError | undefined;
    if (transport) {
      const status = (transport as HttpRequestError).status;
      if (status === undefined || status >= 429 || transport instanceof TimeoutError) {
        return new RpcError({
          url: (transport as HttpRequestError).url,
          cause: error,
          details: transport.shortMessage,
        });
      }
    }
    const rpc = error.walk((e) => e instanceof RpcRequestError) as RpcRequestError | undefined;
    if (rpc && RETRYABLE_RPC_CODES.has(rpc.code)) {
      return new RpcError({ url: rpc.url, cause: error, details: rpc.shortMessage });
    }
    if (error.walk((e) => e instanceof UserRejectedRequestError)) {
      return new BaseError("The wallet rejected the request.", { cause: error });
    }
  }
  if (error instanceof Error && /ECONNREFUSED|fetch failed|ENOTFOUND|socket hang up/.test(error.message)) {
    return new RpcError({ cause: error });
  }
  return undefined;
}
