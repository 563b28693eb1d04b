/**
 * A client of the standard Beacon API (https://ethereum.github.io/beacon-APIs/): the few routes the
 * daemons read, over `fetch` (keep-alive), each request retried with backoff (`withRetry`) under a
 * per-request timeout, each response's shape checked. Works against any beacon node (Lighthouse,
 * Teku, Prysm, Nimbus, Lodestar) and the project's embedded one alike: nothing node-specific.
 *
 * Numbers: slots, epochs, indices, gwei amounts and block numbers are JS numbers (exact below 2^53;
 * a larger value is a malformed response). Roots and hashes are lowercase 0x-hex.
 */
import type { Address, Hex } from "viem";
import { DECIMAL, IdleTimer, nodeMessage, type ReadContext, readBody, Shape } from "./beaconBody.js";
import {
  BeaconHttpError,
  BeaconMalformedResponse,
  BeaconNetworkError,
  BeaconTimeoutError,
  BeaconUnsupportedResponse,
} from "./beaconErrors.js";
import type {
  BeaconBlock,
  BeaconClientOptions,
  BlockHeader,
  BlockId,
  CallOptions,
  ExecutionPayloadSummary,
  FinalityCheckpoints,
  Genesis,
  SignedVoluntaryExitJson,
  Spec,
  StateSsz,
  SyncStatus,
  ValidatorInfo,
  ValidatorStatus,
} from "./beaconTypes.js";
import {
  AbortedError,
  DaemonError,
  linkSignals,
  networkErrorCode,
  parseRetryAfter,
  withRetry,
} from "./retry.js";

/** FAR_FUTURE_EPOCH (2^64 - 1) as sent: read as `Infinity`. */
const FAR_FUTURE_EPOCH = "18446744073709551615";

function epochOrFar(s: Shape, value: unknown, field: string): number {
  return value === FAR_FUTURE_EPOCH ? Number.POSITIVE_INFINITY : s.uint(value, field);
}

export * from "./beaconErrors.js";
export type * from "./beaconTypes.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 10_000;
/** 2 GiB: several times a mainnet state (about 300 MB with 1.1M validators). */
const DEFAULT_MAX_STATE_BYTES = 2 ** 31;
const SSZ = "application/octet-stream";

/** A POST request's JSON body. */
interface PostBody {
  json: string;
}

/** Validator statuses of the Beacon API (the spec's `ValidatorStatus`). */
export const VALIDATOR_STATUSES = [
  "pending_initialized",
  "pending_queued",
  "active_ongoing",
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
  "withdrawal_done",
] as const;

/** Ids per GET of validators: short enough for any node's URL limit (48-byte pubkeys are 98 characters). */
const VALIDATOR_IDS_PER_REQUEST = 30;

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
 * Retry-After, malformed or truncated bodies) and throws a named `DaemonError` otherwise or after
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

  /** GET /eth/v1/config/spec: the timing a daemon needs, and every constant as sent. */
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

  /**
   * GET /eth/v1/beacon/states/{state_id}/validators?id=…: the validators among `ids` (0x pubkeys or
   * indices) the state knows, in the node's order; unknown ids are simply absent. Long lists go in
   * several requests.
   */
  async validators(
    stateId: BlockId,
    ids: readonly (Hex | number)[],
    call?: CallOptions,
  ): Promise<ValidatorInfo[]> {
    const state = encodeId(stateId, "state id");
    for (const id of ids) {
      if (typeof id === "number" ? !Number.isSafeInteger(id) || id < 0 : !/^0x[0-9a-fA-F]{96}$/.test(id))
        throw new RangeError(`validator id ${id} is neither an index nor a 48-byte 0x pubkey`);
    }
    const out: ValidatorInfo[] = [];
    for (let i = 0; i < ids.length; i += VALIDATOR_IDS_PER_REQUEST) {
      const chunk = ids.slice(i, i + VALIDATOR_IDS_PER_REQUEST).map(String);
      const page = await this.json(
        "/eth/v1/beacon/states/{state_id}/validators",
        `eth/v1/beacon/states/${state}/validators?id=${chunk.join(",")}`,
        call,
        (body, s) =>
          s.array(s.object(body, "body").data, "data").map((raw, j) => {
            const at = `data[${j}]`;
            const v = s.object(raw, at);
            const validator = s.object(v.validator, `${at}.validator`);
            const status = s.string(v.status, `${at}.status`);
            if (!(VALIDATOR_STATUSES as readonly string[]).includes(status))
              s.fail(`${at}.status`, `is not a validator status (${status})`);
            return {
              index: s.uint(v.index, `${at}.index`),
              balanceGwei: s.uint(v.balance, `${at}.balance`),
              status: status as ValidatorStatus,
              pubkey: s.hex(validator.pubkey, `${at}.validator.pubkey`, 48),
              withdrawalCredentials: s.hex(
                validator.withdrawal_credentials,
                `${at}.validator.withdrawal_credentials`,
                32,
              ),
              effectiveBalanceGwei: s.uint(validator.effective_balance, `${at}.validator.effective_balance`),
              slashed: s.bool(validator.slashed, `${at}.validator.slashed`),
              activationEligibilityEpoch: epochOrFar(
                s,
                validator.activation_eligibility_epoch,
                `${at}.validator.activation_eligibility_epoch`,
              ),
              activationEpoch: epochOrFar(s, validator.activation_epoch, `${at}.validator.activation_epoch`),
              exitEpoch: epochOrFar(s, validator.exit_epoch, `${at}.validator.exit_epoch`),
              withdrawableEpoch: epochOrFar(
                s,
                validator.withdrawable_epoch,
                `${at}.validator.withdrawable_epoch`,
              ),
            };
          }),
      );
      out.push(...page);
    }
    return out;
  }

  /**
   * POST /eth/v1/beacon/pool/voluntary_exits: submits a signed voluntary exit to the node's pool.
   * A 400 (the node judged it invalid: not active long enough, already exiting, bad signature) is a
   * `BeaconHttpError` with the node's message, not retried; 5xx and network failures are.
   */
  async submitVoluntaryExit(exit: SignedVoluntaryExitJson, call?: CallOptions): Promise<void> {
    const route = "/eth/v1/beacon/pool/voluntary_exits";
    await this.request(
      route,
      "eth/v1/beacon/pool/voluntary_exits",
      "application/json",
      call,
      async (response) => {
        await response.body?.cancel();
        return true;
      },
      false,
      { json: JSON.stringify(exit) },
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
    post?: PostBody,
  ): Promise<T | null> {
    const target = new URL(path, this.base);
    const url = displayUrl(target);
    const { signal: outer, dispose } = linkSignals([this.options.signal, call?.signal]);
    const hooks = this.options.hooks;
    return withRetry(
      async () => {
        this.requests++;
        hooks?.onRequest?.(route);
        try {
          return await this.attempt(route, target, url, accept, outer, read, nullOn404, post);
        } catch (error) {
          this.errors++;
          if (error instanceof DaemonError) hooks?.onError?.(route, error.reason, error);
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
    ).finally(dispose);
  }

  private async attempt<T>(
    route: string,
    target: URL,
    url: string,
    accept: string,
    outer: AbortSignal | undefined,
    read: (response: Response, context: ReadContext) => Promise<T>,
    nullOn404: boolean,
    post?: PostBody,
  ): Promise<T | null> {
    const timer = new IdleTimer(this.timeoutMs);
    const linked = linkSignals([outer, timer.signal]);
    const signal = linked.signal ?? timer.signal;
    const headers: Record<string, string> = { accept };
    if (this.authorization) headers.authorization = this.authorization;
    if (post) headers["content-type"] = "application/json";
    const method = post ? "POST" : "GET";
    try {
      const response = await this.fetchFn(
        target,
        post ? { method, headers, signal, body: post.json } : { headers, signal },
      );
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
          method,
        );
      }
      // SSZ bodies: the timeout becomes an idle timeout, reset by each chunk.
      timer.phase = "body";
      if (accept === SSZ) {
        timer.idle = true;
        timer.touch();
      }
      return await read(response, { url, shape: new Shape(route, url), touch: () => timer.touch() });
    } catch (error) {
      if (outer?.aborted) throw new AbortedError(`${method} ${url}`, error);
      if (timer.fired) throw new BeaconTimeoutError(route, url, this.timeoutMs, timer.phase);
      if (error instanceof DaemonError) throw error;
      // fetch fails with a TypeError ("fetch failed", "terminated") whose cause has the socket's code.
      const code = networkErrorCode(error);
      if (code !== undefined || error instanceof TypeError)
        throw new BeaconNetworkError(route, url, code, error);
      throw error;
    } finally {
      timer.clear();
      linked.dispose();
    }
  }
}
