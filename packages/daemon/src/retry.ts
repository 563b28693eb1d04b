/**
 * Retries with exponential backoff and jitter, and the classification of failures the daemon's
 * clients share: retryable (the node is down, slow, overloaded, or sent a broken body: trying again
 * later may work) or not (the node refused the request itself: trying again gives the same answer).
 *
 * Every error the daemons' clients throw is a `DaemonError`: a named error that says whether it is
 * `retryable` and why it happened as a bounded metric label (`reason`).
 */

/** Why a request failed, a bounded set usable as a metric label. */
export type FailureReason =
  /** Connection refused or reset, DNS failure, socket closed mid-body. */
  | "network"
  /** No answer (or no progress) within the request timeout. */
  | "timeout"
  /** HTTP 5xx. */
  | "http_5xx"
  /** HTTP 429 Too Many Requests. */
  | "http_429"
  /** Any other HTTP 4xx (404 included). */
  | "http_4xx"
  /** The body is not what the API defines: not JSON, a missing or mistyped field, truncated. */
  | "malformed"
  /** A JSON-RPC error object (the request reached the node, which answered with an error). */
  | "rpc_error"
  /** Stopped by the caller's AbortSignal (shutdown). */
  | "aborted"
  /** Anything not classified above. */
  | "unknown";

/** Every failure reason, to publish each metric label at zero from the start. */
export const FAILURE_REASONS: readonly FailureReason[] = [
  "network",
  "timeout",
  "http_5xx",
  "http_429",
  "http_4xx",
  "malformed",
  "rpc_error",
  "aborted",
  "unknown",
];

export interface DaemonErrorParameters {
  retryable: boolean;
  reason: FailureReason;
  cause?: unknown;
  /** Milliseconds the server asked to wait before trying again (HTTP Retry-After). */
  retryAfterMs?: number | undefined;
}

/** The base of the daemons' named errors: retryable or not, with a metric label. */
export class DaemonError extends Error {
  override name = "DaemonError";
  readonly retryable: boolean;
  readonly reason: FailureReason;
  readonly retryAfterMs: number | undefined;
  /** How many attempts were made before this error was thrown; set by `withRetry`. */
  attempts: number | undefined;

  constructor(message: string, parameters: DaemonErrorParameters) {
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.retryable = parameters.retryable;
    this.reason = parameters.reason;
    this.retryAfterMs = parameters.retryAfterMs;
  }
}

/** The caller's AbortSignal fired (shutdown): never retried. */
export class AbortedError extends DaemonError {
  override name = "AbortedError";
  constructor(what: string, cause?: unknown) {
    super(`${what} was stopped (the abort signal fired).`, { retryable: false, reason: "aborted", cause });
  }
}

/** A server asked to wait longer (Retry-After) than `maxRetryAfterMs` allows. */
export class RetryAfterTooLongError extends DaemonError {
  override name = "RetryAfterTooLongError";
  constructor(
    readonly retryAfterMsAsked: number,
    readonly maxRetryAfterMs: number,
    cause: unknown,
  ) {
    super(
      `The server asked to wait ${retryAfterMsAsked} ms before trying again, more than the ${maxRetryAfterMs} ms allowed: ${errorMessage(cause)}`,
      { retryable: false, reason: reasonOf(cause), cause },
    );
  }
}

/** Error codes of Node's sockets and undici that mean "the network failed, try again". */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** The Node/undici error code anywhere in an error's cause chain (fetch wraps them in a TypeError). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The message of an error, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The failure reason of any error: an `DaemonError`'s own, else guessed from its kind. */
export function reasonOf(error: unknown): FailureReason {
  if (error instanceof DaemonError) return error.reason;
  if (networkErrorCode(error)) return "network";
  if (error instanceof SyntaxError) return "malformed";
  return "unknown";
}

/**
 * Whether trying again may succeed: an `DaemonError` says so itself; a socket-level failure and a
 * body that is not JSON are retryable; anything else (a bug, an unexpected exception) is not.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DaemonError) return error.retryable;
  return reasonOf(error) === "network" || reasonOf(error) === "malformed";
}

/**
 * Milliseconds to wait from an HTTP `Retry-After` header: delta-seconds ("120") or an HTTP date.
 * Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 for the first retry): base * 2^(retry - 1), capped at
 * `maxDelayMs`, with "equal jitter" (a uniform draw in the upper half) so that members retrying
 * after the same failure do not come back in step.
 */
export function backoffDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** Resolves after `ms`, or rejects with `AbortedError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal, what = "waiting"): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError(what, signal.reason));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError(what, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * One signal that fires when any of `signals` does, with `dispose()` to detach its listeners
 * (long-lived signals such as the shutdown one would otherwise collect a listener per request).
 */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal | undefined;
  dispose: () => void;
} {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return { signal: present[0], dispose: () => {} };
  const controller = new AbortController();
  const listeners: [AbortSignal, () => void][] = [];
  const dispose = () => {
    for (const [source, listener] of listeners) source.removeEventListener("abort", listener);
    listeners.length = 0;
  };
  for (const source of present) {
    if (source.aborted) {
      dispose();
      controller.abort(source.reason);
      break;
    }
    const listener = () => {
      dispose();
      controller.abort(source.reason);
    };
    source.addEventListener("abort", listener, { once: true });
    listeners.push([source, listener]);
  }
  return { signal: controller.signal, dispose };
}

export interface RetryInfo {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Attempts allowed in all. */
  attempts: number;
  /** The wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Attempts in all, the first included (>= 1): `--max-retries` + 1. */
  attempts: number;
  /** Wait before the first retry (before jitter); doubles for each retry. */
  baseDelayMs: number;
  /** Cap of the exponential wait. */
  maxDelayMs: number;
  /**
   * Longest Retry-After honoured (default 60 s). A server asking for more ends the retries with
   * `RetryAfterTooLongError` rather than holding the daemon.
   */
  maxRetryAfterMs?: number | undefined;
  /** Stops the wait between attempts (and is passed to `fn` to stop the attempt itself). */
  signal?: AbortSignal | undefined;
  /** Called before each wait (for logs and metrics). */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Which errors to retry; default `isRetryable`. */
  retryable?: ((error: unknown) => boolean) | undefined;
  /** The wait a failed attempt's server asked for; default the error's `retryAfterMs`. */
  retryAfterMs?: ((error: unknown) => number | undefined) | undefined;
  /** Uniform draw in [0, 1) for the jitter; default Math.random (tests pass a fixed one). */
  random?: (() => number) | undefined;
}

/** Default Retry-After cap. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Calls `fn` until it resolves, waiting with exponential backoff and jitter between attempts.
 * A non-retryable error is thrown at once; after the last attempt, the last error is thrown (an
 * `DaemonError` gets its `attempts` set). A retryable error with `retryAfterMs` (HTTP 429 or 503
 * with Retry-After) waits at least that long. The signal stops the wait with `AbortedError`.
 *
 * @example
 * const body = await withRetry((attempt, signal) => fetchJson(url, signal), {
 *   attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, signal: shutdown,
 *   onRetry: ({ attempt, delayMs, error }) => log.warn("retrying", { attempt, delayMs, error }),
 * });
 */
export async function withRetry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  const retryable = options.retryable ?? isRetryable;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new AbortedError("The request", options.signal.reason);
    try {
      return await fn(attempt, options.signal);
    } catch (error) {
      if (options.signal?.aborted && !(error instanceof AbortedError)) {
        throw new AbortedError("The request", error);
      }
      if (error instanceof DaemonError) error.attempts = attempt;
      if (attempt >= attempts || !retryable(error)) throw error;
      const retryAfterMs = options.retryAfterMs
        ? options.retryAfterMs(error)
        : (error as { retryAfterMs?: unknown }).retryAfterMs;
      let delayMs = backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs, options.random);
      if (typeof retryAfterMs === "number") {
        if (retryAfterMs > maxRetryAfterMs) {
          const tooLong = new RetryAfterTooLongError(retryAfterMs, maxRetryAfterMs, error);
          tooLong.attempts = attempt;
          throw tooLong;
        }
        delayMs = Math.max(delayMs, retryAfterMs);
      }
      options.onRetry?.({ attempt, attempts, delayMs, error });
      await sleep(delayMs, options.signal, "Waiting to retry");
    }
  }
}
