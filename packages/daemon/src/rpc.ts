/**
 * The execution-layer JSON-RPC: a viem transport that retries with the daemon's policy (`withRetry`:
 * exponential backoff with jitter, Retry-After, an abort signal) and counts every call, each call of
 * a JSON-RPC batch and each retry included; and the public and wallet clients over it.
 *
 * Retried: network failures, timeouts (the headers and the body within `timeoutMs`), HTTP 5xx, 408
 * and 429 (honouring Retry-After), bodies that are not JSON, and the JSON-RPC errors that mean "busy"
 * (-32603 internal error, -32005 limit exceeded, 429, -32007). Not retried: every other JSON-RPC
 * error (a revert, invalid params, nonce too low, ...) and other HTTP 4xx. Errors are viem's own
 * (so contract reverts decode as usual), thrown after the last attempt.
 *
 * eth_sendRawTransaction is retried like any call: a retry after a lost answer may be told
 * "already known" or "nonce too low", which the caller treats as sent (it holds the hash).
 */
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type EIP1193RequestFn,
  type Hex,
  HttpRequestError,
  http,
  type LocalAccount,
  type PublicClient,
  TimeoutError,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  type Transport,
  type WalletClient,
} from "viem";
import {
  DaemonError,
  errorMessage,
  type FailureReason,
  linkSignals,
  networkErrorCode,
  parseRetryAfter,
  type RetryInfo,
  sleep,
  withRetry,
} from "./retry.js";

/** Hooks the transport calls for metrics and logs; every one optional. */
export interface RpcHooks {
  /** A JSON-RPC call is sent (every attempt; each call of a batch). */
  onRequest?: ((method: string) => void) | undefined;
  /** A call's attempt failed (retried or not). */
  onError?: ((method: string, reason: FailureReason, error: unknown) => void) | undefined;
  /** The transport waits before calling again. */
  onRetry?: ((method: string, info: RetryInfo) => void) | undefined;
}

export interface RpcOptions {
  /** The execution node's JSON-RPC URL. */
  url: string;
  /** Per HTTP request, headers and body (default 30 s). */
  timeoutMs?: number | undefined;
  /** Attempts per call, the first included (default 4). */
  attempts?: number | undefined;
  /** Backoff: first wait (default 500 ms), doubling up to `maxDelayMs` (default 10 s), jittered. */
  baseDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** Longest Retry-After honoured (default 60 s). */
  maxRetryAfterMs?: number | undefined;
  /** Group the calls made in the same tick into one JSON-RPC batch (default true). */
  batch?: boolean | undefined;
  /** Stops every call and every wait (shutdown). */
  signal?: AbortSignal | undefined;
  hooks?: RpcHooks | undefined;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch | undefined;
  /** Jitter source (tests pass a fixed one). */
  random?: (() => number) | undefined;
}

/** Counters of a transport: compare two readings for "calls per report". */
export interface RpcStats {
  /** JSON-RPC calls sent, each call of a batch and each retry counted. */
  requests: number;
  /** Calls that failed (retried or not). */
  errors: number;
}

/** An HTTP request to the execution node took longer than the timeout (headers or body). */
export class RpcTimeoutError extends DaemonError {
  override name = "RpcTimeoutError";
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(`The execution node did not answer within ${timeoutMs} ms (${url}).`, {
      retryable: true,
      reason: "timeout",
    });
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 10_000;
/** Calls per JSON-RPC batch: below the limits common providers set. */
const BATCH_SIZE = 100;

/** JSON-RPC error codes that mean "busy, try later". */
const BUSY_CODES: ReadonlySet<number> = new Set([
  -32603, // internal error
  -32005, // limit exceeded
  -32007, // a provider's request limit
  429,
]);

/** What an error of a call means: retry or not, its metric label, the wait the server asked. */
export function classifyRpcError(error: unknown): {
  retryable: boolean;
  reason: FailureReason;
  retryAfterMs: number | undefined;
} {
  let httpError: HttpRequestError | undefined;
  let code: number | undefined;
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current instanceof DaemonError) {
      return { retryable: current.retryable, reason: current.reason, retryAfterMs: current.retryAfterMs };
    }
    if ((current as { name?: unknown }).name === "AbortError") {
      return { retryable: false, reason: "aborted", retryAfterMs: undefined };
    }
    if (current instanceof TimeoutError)
      return { retryable: true, reason: "timeout", retryAfterMs: undefined };
    if (current instanceof HttpRequestError && !httpError) httpError = current;
    const value = (current as { code?: unknown }).code;
    if (typeof value === "number" && code === undefined) code = value;
    current = (current as { cause?: unknown }).cause;
  }
  if (httpError?.status !== undefined) {
    const status = httpError.status;
    const retryAfterMs = parseRetryAfter(httpError.headers?.get("retry-after"));
    if (status >= 500) return { retryable: true, reason: "http_5xx", retryAfterMs };
    if (status === 429) return { retryable: true, reason: "http_429", retryAfterMs };
    return { retryable: status === 408, reason: "http_4xx", retryAfterMs };
  }
  if (code !== undefined && code !== -1) {
    return { retryable: BUSY_CODES.has(code), reason: "rpc_error", retryAfterMs: undefined };
  }
  if (httpError) {
    // No status: fetch failed (socket) or the body was not JSON.
    const syntax = walkFind(httpError, (e) => e instanceof SyntaxError);
    if (syntax) return { retryable: true, reason: "malformed", retryAfterMs: undefined };
    return { retryable: true, reason: "network", retryAfterMs: undefined };
  }
  if (networkErrorCode(error)) return { retryable: true, reason: "network", retryAfterMs: undefined };
  return { retryable: false, reason: "unknown", retryAfterMs: undefined };
}

function walkFind(error: unknown, predicate: (e: unknown) => boolean): unknown {
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth++) {
    if (predicate(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * A fetch that reads the whole body within `timeoutMs` of sending (viem's own timeout stops at the
 * headers), then hands viem a response over the bytes read. The shutdown signal aborts it too.
 */
function fetchWithDeadline(
  fetchFn: typeof fetch,
  timeoutMs: number,
  url: string,
  shutdown: AbortSignal | undefined,
): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new RpcTimeoutError(url, timeoutMs));
    }, timeoutMs);
    const linked = linkSignals([init?.signal ?? undefined, shutdown, controller.signal]);
    const signal = linked.signal ?? controller.signal;
    try {
      const response = await fetchFn(input, { ...init, signal });
      const body = await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (timedOut) throw new RpcTimeoutError(url, timeoutMs);
      throw error;
    } finally {
      clearTimeout(timer);
      linked.dispose();
    }
  };
}

/** The URL without credentials or query, for messages. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(the RPC URL)";
  }
}

/**
 * A viem transport over HTTP with the daemon's retry policy and counters.
 *
 * @example
 * const { transport, stats } = createRpcTransport({ url, hooks: metrics.rpcHooks, signal: shutdown });
 * const client = createPublicClient({ transport });
 */
export function createRpcTransport(options: RpcOptions): { transport: Transport; stats: RpcStats } {
  const stats: RpcStats = { requests: 0, errors: 0 };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const inner = http(options.url, {
    batch: options.batch === false ? false : { batchSize: BATCH_SIZE },
    retryCount: 0,
    // The body is read whole by the fetch below (under its deadline); viem then decodes it in one
    // piece. Its default 10 MB cap would refuse a large eth_getLogs answer, and its chunked reading
    // costs a backfill about a tenth of its time.
    maxResponseBodySize: false,
    // The deadline below covers the body too; viem's own stays as a backstop.
    timeout: timeoutMs + 1_000,
    // The shutdown signal reaches the request through the fetch below, not through viem: viem builds
    // a fetch Request on the signal it is given, and fetch only lets go of a Request's abort
    // listener when the Request is collected, so a long-lived signal would pile up one per call
    // (a signal per call instead would also split viem's batches, which it keys by signal).
    fetchFn: fetchWithDeadline(options.fetch ?? fetch, timeoutMs, displayUrl(options.url), options.signal),
  });
  const hooks = options.hooks;
  const signal = options.signal;
  const transport: Transport = (parameters) => {
    const base = inner({ ...parameters, retryCount: 0 });
    const request: EIP1193RequestFn = (args, overrides) =>
      withRetry(
        async () => {
          stats.requests++;
          hooks?.onRequest?.(args.method);
          try {
            return await base.request(args, { ...overrides, retryCount: 0 });
          } catch (error) {
            stats.errors++;
            hooks?.onError?.(args.method, classifyRpcError(error).reason, error);
            throw error;
          }
        },
        {
          attempts: options.attempts ?? DEFAULT_ATTEMPTS,
          baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
          maxDelayMs: options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
          maxRetryAfterMs: options.maxRetryAfterMs,
          signal,
          random: options.random,
          retryable: (error) => classifyRpcError(error).retryable,
          retryAfterMs: (error) => classifyRpcError(error).retryAfterMs,
          onRetry: hooks?.onRetry ? (info) => hooks.onRetry?.(args.method, info) : undefined,
        },
      ) as never;
    return { ...base, config: { ...base.config, retryCount: 0 }, request };
  };
  return { transport, stats };
}

/** A chain object for a chain id (the daemon needs its id, not its metadata). */
export function chainForId(chainId: number, url: string): Chain {
  return defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

export interface Rpc {
  /** Reads (and waits for receipts). */
  publicClient: PublicClient<Transport, Chain | undefined>;
  /** A wallet client that signs with `account` locally and sends through the same transport. */
  walletClient(account: LocalAccount, chain: Chain): WalletClient<Transport, Chain, LocalAccount>;
  stats: RpcStats;
}

/**
 * The public client and a wallet client factory over one retrying transport (one set of counters).
 * `chain` is optional for reads; writes need it (build it with `chainForId` from `eth_chainId`).
 *
 * @example
 * const rpc = createRpc({ url: config.rpcUrl, hooks: metrics.rpcHooks, signal });
 * const chainId = await rpc.publicClient.getChainId();
 * const wallet = rpc.walletClient(account, chainForId(chainId, config.rpcUrl));
 */
export function createRpc(options: RpcOptions & { chain?: Chain | undefined }): Rpc {
  const { transport, stats } = createRpcTransport(options);
  const publicClient = createPublicClient({ chain: options.chain, transport }) as PublicClient<
    Transport,
    Chain | undefined
  >;
  return {
    publicClient,
    stats,
    walletClient: (account, chain) => createWalletClient({ account, chain, transport }),
  };
}

/** A short description of a failed call for logs (viem's messages run over many lines). */
export function describeRpcError(error: unknown): string {
  const short = (error as { shortMessage?: unknown }).shortMessage;
  return typeof short === "string" ? short : errorMessage(error);
}

/**
 * The receipt of a sent transaction, asked for every `pollMs` until it is there: unlike viem's
 * `waitForTransactionReceipt`, it needs no new block to be announced after the transaction's (a
 * quiet chain or a skipped block notification cannot hold it), and the signal stops it.
 */
export async function waitForReceipt(
  client: Pick<PublicClient, "getTransactionReceipt">,
  hash: Hex,
  options: {
    pollMs?: number | undefined;
    timeoutMs?: number | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<TransactionReceipt> {
  const pollMs = options.pollMs ?? 1_000;
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const receipt = await client.getTransactionReceipt({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    });
    if (receipt) return receipt;
    if (Date.now() > deadline) {
      throw new DaemonError(`Transaction ${hash} has no receipt after ${options.timeoutMs ?? 600_000} ms.`, {
        reason: "timeout",
        retryable: false,
      });
    }
    await sleep(pollMs, options.signal, "Waiting for a receipt");
  }
}
