import { BaseError, UnknownError } from "./base.js";
import { transportError } from "./rpc.js";

/**
 * Runs `fn` and rethrows what it throws as an SDK error (see `toTributaryError`). SDK errors pass
 * through as they are; for anything else the decoder (every custom error of the protocol and its
 * sentence) is imported then, on the first failure, so a bundler can leave it out of what a page
 * loads first. Should that import fail (the network is gone), a transport failure is still told
 * apart and anything else is an `UnknownError` with the cause kept.
 */
export async function withErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof BaseError) throw error;
    const decoder = await import("./decode.js").catch(() => undefined);
    throw decoder ? decoder.toTributaryError(error) : (transportError(error) ?? new UnknownError(error));
  }
}
