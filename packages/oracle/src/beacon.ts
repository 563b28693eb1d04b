/**
 * A client of the standard Beacon API (https://ethereum.github.io/beacon-APIs/): the few routes the
 * oracle reads, over `fetch` (keep-alive), each request retried with backoff (`withRetry`) under a
 * per-request timeout, each response's shape checked. Works against any beacon node (Lighthouse,
 * Teku, Prysm, Nimbus, Lodestar) and the project's embedded one alike: nothing node-specific.
 *
 * Numbers: slots, epochs, indices, gwei amounts and block numbers are JS numbers (exact below 2^53;
 * a larger value is a malformed response). Roots and hashes are lowercase 0x-hex.
 */
import type { Address, Hex } from "viem";
import {
  AbortedError,
  type FailureReason,
  networkErrorCode,
  OracleError,
  parseRetryAfter,
  type RetryInfo,
  withRetry,
} from "./retry.js";

/** Hooks a client calls for metrics and logs; every one optional. */
export interface RequestHooks {
  /** An HTTP request is sent (every attempt, retries included). `route` is the path template. */
  onRequest?: ((route: string) => void) | undefined;
  /** An attempt failed (whether or not it is retried). */
  onError?: ((route: string, reason: FailureReason, error: OracleError) => void) | undefined;
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

/** The beacon node answered with an HTTP error status. Retryable for 5xx, 429 and 408. */
export class BeaconHttpError extends OracleError {
  override name = "BeaconHttpError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly status: number,
    /** The node's own message (`message` of its JSON error body, else the start of the body). */
    readonly nodeMessage: string,
    retryAfterMs: number | undefined,
  ) {
    const retryable = status >= 500 || status === 429 || status === 408;
    super(`The beacon node answered HTTP ${status} to GET ${url}${nodeMessage ? `: ${nodeMessage}` : ""}`, {
      retryable,
      reason: status >= 500 ? "http_5xx" : status === 429 ? "http_429" : "http_4xx",
      retryAfterMs,
    });
  }
}

/** No answer within the timeout (or no progress in a body for that long). Retryable. */
export class BeaconTimeoutError extends OracleError {
  override name = "BeaconTimeoutError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly timeoutMs: number,
    readonly phase: "response" | "body",
  ) {
    super(
      phase === "response"
        ? `The beacon node did not answer GET ${url} within ${timeoutMs} ms.`
        : `The beacon node stopped sending the body of GET ${url} for ${timeoutMs} ms.`,
      { retryable: true, reason: "timeout" },
    );
  }
}

/** The connection failed: refused, reset, closed mid-body, DNS. Retryable. */
export class BeaconNetworkError extends OracleError {
  override name = "BeaconNetworkError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    const what = code ?? (cause instanceof Error ? cause.message : String(cause));
    super(`The beacon node could not be reached for GET ${url} (${what}).`, {
      retryable: true,
      reason: "network",
      cause,
    });
  }
}

/**
 * The body is not what the Beacon API defines: not JSON, truncated, or a field missing or of the
 * wrong type (`field` names it, e.g. `data.message.body.execution_payload.withdrawals[2].amount`).
 * Retryable: a node restarting or a proxy in trouble can send such a body once.
 */
export class BeaconMalformedResponse extends OracleError {
  override name = "BeaconMalformedResponse";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly field: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`The beacon node's answer to GET ${url} is malformed: ${field} ${problem}.`, {
      retryable: true,
      reason: "malformed",
      cause,
    });
  }
}

/** The node cannot serve what is asked in the form asked (no SSZ, a state too large). Not retryable. */
export class BeaconUnsupportedResponse extends OracleError {
  override name = "BeaconUnsupportedResponse";
  constructor(
    readonly route: string,
    readonly url: string,
    why: string,
  ) {
    super(`The beacon node's answer to GET ${url} cannot be used: ${why}.`, {
      retryable: false,
      reason: "malformed",
    });
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 10_000;
/** 2 GiB: several times a mainnet state (about 300 MB with 1.1M validators). */
const DEFAULT_MAX_STATE_BYTES = 2 ** 31;
/** Characters of an error body kept in messages. */
const NODE_MESSAGE_CHARS = 300;
const SSZ = "application/octet-stream";

const HEX = /^0x([0-9a-fA-F]{2})*$/;
const DECIMAL = /^\d+$/;

/** What a response reader gets besides the response. */
interface ReadContext {
  /** The URL requested, without credentials. */
  url: string;
  shape: Shape;
  /** Resets the idle timeout (a chunk of the body arrived). */
  touch: () => void;
}

/** Checks the shape of one JSON response, naming the field that is wrong. */
class Shape {
  constructor(
    private readonly route: string,
    private readonly url: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new BeaconMalformedResponse(this.route, this.url, field, problem);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      this.fail(field, "is not an object");
    return value as Record<string, unknown>;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, "is not an array");
    return value;
  }

  /** A uint64 sent as a decimal string (numbers are accepted too), below 2^53. */
  uint(value: unknown, field: string): number {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
    if (typeof value !== "string" || !DECIMAL.test(value)) {
      this.fail(field, `is not a decimal integer (${JSON.stringify(value)?.slice(0, 40)})`);
    }
    const number = Number(value);
    if (!Number.isSafeInteger(number)) this.fail(field, `is ${value}, above 2^53`);
    return number;
  }

  hex(value: unknown, field: string, bytes: number): Hex {
    if (typeof value !== "string" || !HEX.test(value) || value.length !== 2 + 2 * bytes) {
      this.fail(field, `is not ${bytes} bytes of 0x-hex (${JSON.stringify(value)?.slice(0, 80)})`);
    }
    return value.toLowerCase() as Hex;
  }

  bool(value: unknown, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "is not a boolean");
    return value;
  }

  optionalBool(value: unknown, field: string): boolean | undefined {
    return value === undefined ? undefined : this.bool(value, field);
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string" || value === "") this.fail(field, "is not a non-empty string");
    return value;
  }
}

function encodeId(id: BlockId | string, what: string): string {
  if (typeof id === "number") {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`${what} ${id} is not a slot number`);
    return String(id);
  }
  if (!/^(head|genesis|finalized|justified|\d+|0x[0-9a-fA-F]{64})$/.test(id)) {
    throw new RangeError(
      `${what} "${id}" is not head, genesis, finalized, justified, a slot or a 32-byte 0x root`,
    );
  }
  return id;
}

/** The URL without credentials, for messages. */
function displayUrl(url: URL): string {
  const copy = new URL(url);
  copy.username = "";
  copy.password = "";
  return copy.toString();
}

/**
 * A Beacon API client. Every method retries retryable failures (network, timeout, 5xx, 429 with
 * Retry-After, malformed or truncated bodies) and throws a named `OracleError` otherwise or after
 * the last attempt: `BeaconHttpError`, `BeaconTimeoutError`, `BeaconNetworkError`,
 * `BeaconMalformedResponse`, `BeaconUnsupportedResponse`, `AbortedError`.
 *
 * @example
 * const beacon = new BeaconClient({ url: "http://127.0.0.1:5052", hooks: metrics.beaconHooks });
 * const { finalizedEpoch } = await beacon.finalityCheckpoints();
 * const before = beacon.requests;
 * const { fork, bytes } = await beacon.stateSsz(refSlot);
 * log.info("state read", { fork, bytes: bytes.length, requests: beacon.requests - before });
 */
export class BeaconClient {
  /** HTTP requests sent so far, retries included (compare two readings for "calls per report"). */
  requests = 0;
  /** Attempts that failed so far (retried or not). */
  errors = 0;

  private readonly base: URL;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly maxStateBytes: number;

  constructor(private readonly options: BeaconClientOptions) {
    const base = new URL(options.url);
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      throw new RangeError(`The beacon URL ${displayUrl(base)} is not http(s).`);
    }
    // fetch refuses URLs with credentials: send them as basic authentication.
    this.authorization =
      base.username || base.password
        ? `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString("base64")}`
        : undefined;
    base.username = "";
    base.password = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
    this.maxStateBytes = options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
  }

  /** The node's URL (credentials removed). */
  get url(): string {
    return this.base.toString();
  }

  /** GET /eth/v1/beacon/genesis */
  async genesis(call?: CallOptions): Promise<Genesis> {
    return this.json("/eth/v1/beacon/genesis", "eth/v1/beacon/genesis", call, (body, s) => {
      const data = s.object(s.object(body, "body").data, "data");
      return {
        genesisTime: s.uint(data.genesis_time, "data.genesis_time"),
        genesisValidatorsRoot: s.hex(data.genesis_validators_root, "data.genesis_validators_root", 32),
        genesisForkVersion: s.hex(data.genesis_fork_version, "data.genesis_fork_version", 4),
      };
    });
  }

  /** GET /eth/v1/config/spec: the timing the oracle needs, and every constant as sent. */
  async spec(call?: CallOptions): Promise<Spec> {
    return this.json("/eth/v1/config/spec", "eth/v1/config/spec", call, (body, s) => {
      const data = s.object(s.object(body, "body").data, "data");
      return {
        secondsPerSlot: s.uint(data.SECONDS_PER_SLOT, "data.SECONDS_PER_SLOT"),
        slotsPerEpoch: s.uint(data.SLOTS_PER_EPOCH, "data.SLOTS_PER_EPOCH"),
        raw: data,
      };
    });
  }

  /** GET /eth/v1/beacon/states/{state_id}/finality_checkpoints */
  async finalityCheckpoints(stateId: BlockId = "head", call?: CallOptions): Promise<FinalityCheckpoints> {
    const id = encodeId(stateId, "state id");
    return this.json(
      "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
      `eth/v1/beacon/states/${id}/finality_checkpoints`,
      call,
      (body, s) => {
        const top = s.object(body, "body");
        const data = s.object(top.data, "data");
        const checkpoint = (name: string) => {
          const value = s.object(data[name], `data.${name}`);
          return {
            epoch: s.uint(value.epoch, `data.${name}.epoch`),
            root: s.hex(value.root, `data.${name}.root`, 32),
          };
        };
        const finalized = checkpoint("finalized");
        const current = checkpoint("current_justified");
        const previous = checkpoint("previous_justified");
        return {
          finalizedEpoch: finalized.epoch,
          finalizedRoot: finalized.root,
          currentJustifiedEpoch: current.epoch,
          currentJustifiedRoot: current.root,
          previousJustifiedEpoch: previous.epoch,
          previousJustifiedRoot: previous.root,
          executionOptimistic: s.optionalBool(top.execution_optimistic, "execution_optimistic"),
        };
      },
    );
  }

  /** GET /eth/v1/beacon/headers/{block_id}; null when the node has no such block (404: an empty slot). */
  async header(blockId: BlockId, call?: CallOptions): Promise<BlockHeader | null> {
    const id = encodeId(blockId, "block id");
    return this.json(
      "/eth/v1/beacon/headers/{block_id}",
      `eth/v1/beacon/headers/${id}`,
      call,
      (body, s) => {
        const top = s.object(body, "body");
        const data = s.object(top.data, "data");
        const message = s.object(s.object(data.header, "data.header").message, "data.header.message");
        return {
          slot: s.uint(message.slot, "data.header.message.slot"),
          root: s.hex(data.root, "data.root", 32),
          proposerIndex: s.uint(message.proposer_index, "data.header.message.proposer_index"),
          stateRoot: s.hex(message.state_root, "data.header.message.state_root", 32),
          parentRoot: s.hex(message.parent_root, "data.header.message.parent_root", 32),
          bodyRoot: s.hex(message.body_root, "data.header.message.body_root", 32),
          canonical: s.optionalBool(data.canonical, "data.canonical"),
          finalized: s.optionalBool(top.finalized, "finalized"),
        };
      },
      true,
    );
  }

  /**
   * GET /eth/v2/beacon/blocks/{block_id} (JSON): the fields the report reads. Null when the node
   * has no such block (404: an empty slot).
   */
  async block(blockId: BlockId, call?: CallOptions): Promise<BeaconBlock | null> {
    const id = encodeId(blockId, "block id");
    return this.json(
      "/eth/v2/beacon/blocks/{block_id}",
      `eth/v2/beacon/blocks/${id}`,
      call,
      (body, s) => {
        const top = s.object(body, "body");
        const message = s.object(s.object(top.data, "data").message, "data.message");
        const blockBody = s.object(message.body, "data.message.body");
        let executionPayload: ExecutionPayloadSummary | null = null;
        if (blockBody.execution_payload !== undefined) {
          const at = "data.message.body.execution_payload";
          const payload = s.object(blockBody.execution_payload, at);
          const withdrawals =
            payload.withdrawals === undefined ? [] : s.array(payload.withdrawals, `${at}.withdrawals`);
          executionPayload = {
            blockNumber: s.uint(payload.block_number, `${at}.block_number`),
            blockHash: s.hex(payload.block_hash, `${at}.block_hash`, 32),
            feeRecipient: s.hex(payload.fee_recipient, `${at}.fee_recipient`, 20) as Address,
            withdrawals: withdrawals.map((raw, i) => {
              const w = s.object(raw, `${at}.withdrawals[${i}]`);
              return {
                index: s.uint(w.index, `${at}.withdrawals[${i}].index`),
                validatorIndex: s.uint(w.validator_index, `${at}.withdrawals[${i}].validator_index`),
                address: s.hex(w.address, `${at}.withdrawals[${i}].address`, 20) as Address,
                amountGwei: s.uint(w.amount, `${at}.withdrawals[${i}].amount`),
              };
            }),
          };
        }
        return {
          fork: s.string(top.version, "version"),
          slot: s.uint(message.slot, "data.message.slot"),
          proposerIndex: s.uint(message.proposer_index, "data.message.proposer_index"),
          parentRoot: s.hex(message.parent_root, "data.message.parent_root", 32),
          stateRoot: s.hex(message.state_root, "data.message.state_root", 32),
          executionPayload,
        };
      },
      true,
    );
  }

  /** GET /eth/v1/node/syncing */
  async nodeSyncing(call?: CallOptions): Promise<SyncStatus> {
    return this.json("/eth/v1/node/syncing", "eth/v1/node/syncing", call, (body, s) => {
      const data = s.object(s.object(body, "body").data, "data");
      return {
        headSlot: s.uint(data.head_slot, "data.head_slot"),
        syncDistance: s.uint(data.sync_distance, "data.sync_distance"),
        isSyncing: s.bool(data.is_syncing, "data.is_syncing"),
        isOptimistic: s.optionalBool(data.is_optimistic, "data.is_optimistic"),
        elOffline: s.optionalBool(data.el_offline, "data.el_offline"),
      };
    });
  }

  /**
   * GET /eth/v2/debug/beacon/states/{state_id} as SSZ (Accept: application/octet-stream). The body
   * is read into one buffer: allocated once at the Content-Length when the node sends one (and the
   * length checked), else grown in place. `timeoutMs` bounds the wait for the headers and each gap
   * between chunks, not the whole download.
   */
  async stateSsz(stateId: BlockId, call?: CallOptions): Promise<StateSsz> {
    const id = encodeId(stateId, "state id");
    const route = "/eth/v2/debug/beacon/states/{state_id}";
    const read = async (response: Response, { url, shape: s, touch }: ReadContext): Promise<StateSsz> => {
      const type = response.headers.get("content-type") ?? "";
      if (!type.toLowerCase().startsWith(SSZ)) {
        await response.body?.cancel();
        throw new BeaconUnsupportedResponse(route, url, `it is ${type || "untyped"}, not ${SSZ} (SSZ)`);
      }
      const lengthHeader = response.headers.get("content-length");
      let expected: number | undefined;
      if (lengthHeader !== null) {
        if (!DECIMAL.test(lengthHeader)) s.fail("header Content-Length", `is not a number (${lengthHeader})`);
        expected = Number(lengthHeader);
        if (expected > this.maxStateBytes) {
          await response.body?.cancel();
          throw new BeaconUnsupportedResponse(
            route,
            url,
            `its Content-Length ${expected} is above the ${this.maxStateBytes} bytes allowed`,
          );
        }
      }
      const bytes = await readBody(response, expected, this.maxStateBytes, { route, url, shape: s, touch });
      return { fork: response.headers.get("eth-consensus-version") ?? undefined, bytes };
    };
    return this.request(
      route,
      `eth/v2/debug/beacon/states/${id}`,
      SSZ,
      call,
      read,
      false,
    ) as Promise<StateSsz>;
  }

  /** A JSON route: the body parsed and checked by `parse`; null on 404 when `nullOn404`. */
  private json<T>(
    route: string,
    path: string,
    call: CallOptions | undefined,
    parse: (body: unknown, shape: Shape) => T,
    nullOn404: true,
  ): Promise<T | null>;
  private json<T>(
    route: string,
    path: string,
    call: CallOptions | undefined,
    parse: (body: unknown, shape: Shape) => T,
  ): Promise<T>;
  private json<T>(
    route: string,
    path: string,
    call: CallOptions | undefined,
    parse: (body: unknown, shape: Shape) => T,
    nullOn404 = false,
  ): Promise<T | null> {
    const read = async (response: Response, { url, shape }: ReadContext): Promise<T> => {
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new BeaconMalformedResponse(
          route,
          url,
          "body",
          `is not JSON (${text.length} characters: ${JSON.stringify(text.slice(0, 60))})`,
          cause,
        );
      }
      return parse(body, shape);
    };
    return nullOn404
      ? this.request(route, path, "application/json", call, read, true)
      : (this.request(route, path, "application/json", call, read, false) as Promise<T>);
  }

  /**
   * One GET through withRetry: a fresh timeout per attempt, errors turned into named ones and
   * counted. `read` consumes the body of a 2xx response (inside the timeout).
   */
  private request<T>(
    route: string,
    path: string,
    accept: string,
    call: CallOptions | undefined,
    read: (response: Response, context: ReadContext) => Promise<T>,
    nullOn404: boolean,
  ): Promise<T | null> {
    const target = new URL(path, this.base);
    const url = displayUrl(target);
    const signals = [this.options.signal, call?.signal].filter((s): s is AbortSignal => s !== undefined);
    const outer =
      signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    const hooks = this.options.hooks;
    return withRetry(
      async () => {
        this.requests++;
        hooks?.onRequest?.(route);
        try {
          return await this.attempt(route, target, url, accept, outer, read, nullOn404);
        } catch (error) {
          this.errors++;
          if (error instanceof OracleError) hooks?.onError?.(route, error.reason, error);
          throw error;
        }
      },
      {
        attempts: this.options.attempts ?? DEFAULT_ATTEMPTS,
        baseDelayMs: this.options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
        maxDelayMs: this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
        maxRetryAfterMs: this.options.maxRetryAfterMs,
        signal: outer,
        random: this.options.random,
        onRetry: hooks?.onRetry ? (info) => hooks.onRetry?.(route, info) : undefined,
      },
    );
  }

  private async attempt<T>(
    route: string,
    target: URL,
    url: string,
    accept: string,
    outer: AbortSignal | undefined,
    read: (response: Response, context: ReadContext) => Promise<T>,
    nullOn404: boolean,
  ): Promise<T | null> {
    const timer = new IdleTimer(this.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timer.signal]) : timer.signal;
    const headers: Record<string, string> = { accept };
    if (this.authorization) headers.authorization = this.authorization;
    try {
      const response = await this.fetchFn(target, { headers, signal });
      if (response.status === 404 && nullOn404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        const text = await response.text().catch(() => "");
        throw new BeaconHttpError(
          route,
          url,
          response.status,
          nodeMessage(text),
          parseRetryAfter(response.headers.get("retry-after")),
        );
      }
      // SSZ bodies: the timeout becomes an idle timeout, reset by each chunk.
      timer.phase = "body";
      if (accept === SSZ) timer.idle = true;
      return await read(response, { url, shape: new Shape(route, url), touch: () => timer.touch() });
    } catch (error) {
      if (outer?.aborted) throw new AbortedError(`GET ${url}`, error);
      if (timer.fired) throw new BeaconTimeoutError(route, url, this.timeoutMs, timer.phase);
      if (error instanceof OracleError) throw error;
      // fetch fails with a TypeError ("fetch failed", "terminated") whose cause has the socket's code.
      const code = networkErrorCode(error);
      if (code !== undefined || error instanceof TypeError)
        throw new BeaconNetworkError(route, url, code, error);
      throw error;
    } finally {
      timer.clear();
    }
  }
}

/** An abort after `ms`: for the whole request, or, once `idle` is set, since the last `touch()`. */
class IdleTimer {
  readonly signal: AbortSignal;
  fired = false;
  idle = false;
  phase: "response" | "body" = "response";
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.fired = true;
    this.controller.abort(new Error(`timeout after ${this.ms} ms`));
  }

  touch(): void {
    if (!this.idle || this.fired) return;
    this.timer.refresh();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** The `message` of a Beacon API error body ({"code": 503, "message": "..."}), else its start. */
function nodeMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === "string") return parsed.message.slice(0, NODE_MESSAGE_CHARS);
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, NODE_MESSAGE_CHARS).trim();
}

/**
 * Reads a body into one buffer: preallocated when the length is known, else a resizable buffer
 * grown in place (V8 reserves `maxBytes` of address space, commits pages as it grows). Checks the
 * length against `expected`.
 */
async function readBody(
  response: Response,
  expected: number | undefined,
  maxBytes: number,
  { route, url, shape, touch }: ReadContext & { route: string },
): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) throw new BeaconMalformedResponse(route, url, "body", "is empty");
  const buffer = (
    expected !== undefined
      ? new ArrayBuffer(expected)
      : new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(
          Math.min(INITIAL_UNKNOWN_LENGTH_BYTES, maxBytes),
          {
            maxByteLength: maxBytes,
          },
        )
  ) as ResizableArrayBuffer;
  let view = new Uint8Array(buffer);
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    touch();
    if (length + value.length > buffer.byteLength) {
      if (expected !== undefined) {
        await reader.cancel();
        shape.fail("body", `is longer than its Content-Length ${expected}`);
      }
      if (length + value.length > maxBytes) {
        await reader.cancel();
        throw new BeaconUnsupportedResponse(route, url, `the body is above the ${maxBytes} bytes allowed`);
      }
      buffer.resize(Math.min(maxBytes, Math.max(length + value.length, buffer.byteLength * 2)));
      view = new Uint8Array(buffer);
    }
    view.set(value, length);
    length += value.length;
  }
  if (expected !== undefined) {
    if (length !== expected) shape.fail("body", `has ${length} bytes, not its Content-Length ${expected}`);
    return view;
  }
  // Shrunk in place (a fixed-length copy would cost a copy of the whole state): the view's
  // `buffer` stays a resizable ArrayBuffer, which typed arrays and DataViews read as any other.
  buffer.resize(length);
  return new Uint8Array(buffer, 0, length);
}

const INITIAL_UNKNOWN_LENGTH_BYTES = 1 << 20;

/** ES2024 resizable buffers (Node 22), beyond the ES2023 library the project compiles against. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
type ResizableArrayBufferConstructor = new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;
