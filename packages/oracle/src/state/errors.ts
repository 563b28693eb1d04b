/** What is wrong with the bytes or the request, so callers can decide whether asking the node again can help. */
export type StateReadErrorCode =
  /** The fork name is not one whose state layout this reader knows. */
  | "unknown_fork"
  /** The bytes end before a field the layout says is there. */
  | "truncated"
  /** An SSZ offset points backwards, past the end, or not where the fixed part ends. */
  | "bad_offset"
  /** A list's byte length is not a whole number of elements, or two lists that must match differ. */
  | "bad_length"
  /** A number does not fit the reader's range (an epoch or balance above 2^53 that is not FAR_FUTURE). */
  | "bad_value"
  /** A pubkey asked for is not 48 bytes of hex. */
  | "bad_pubkey";

/**
 * A beacon state could not be read. `details` carries the values involved (offsets, lengths, fork).
 * `retryable` is true when the bytes themselves are malformed (a truncated or corrupted body may come out
 * right when fetched again) and false when the request cannot succeed as asked (unknown fork, bad pubkey).
 */
export class StateReadError extends Error {
  override readonly name = "StateReadError";
  readonly code: StateReadErrorCode;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(
    code: StateReadErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details;
    this.retryable = code !== "unknown_fork" && code !== "bad_pubkey";
  }
}
