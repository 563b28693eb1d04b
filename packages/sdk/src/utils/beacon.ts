/**
 * The few standard Beacon API reads the waiting-time estimate needs (any beacon node: no
 * client-specific route). Amounts are gwei, epochs and indices bigints. Validator lists are read
 * with `POST /eth/v1/beacon/states/{state_id}/validators` (ids and statuses in the body, no URL
 * length limit), falling back to `GET ...?id=` in batches of 64 on nodes without the POST route.
 */
import { BaseError, RpcError } from "../errors/base.js";
import { type BeaconSpec, beaconSpecFrom } from "./exitQueue.js";

/** Ids per POST request: keeps each answer small (about 0.5 MB of JSON) on any node. */
const IDS_PER_POST = 1_000;
/** Ids per GET request: the Beacon API spec's limit for the `id` query parameter. */
const IDS_PER_GET = 64;
/** Indices probed per request while bracketing the registry size. */
const PROBES_PER_REQUEST = 256;

export interface BeaconValidator {
  index: bigint;
  pubkey: string;
  /** One of the Beacon API's statuses: pending_initialized, ..., withdrawal_done. */
  status: string;
  /** Gwei. */
  balance: bigint;
  /** Gwei. */
  effectiveBalance: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
}

export interface BeaconReader {
  genesisTime(): Promise<bigint>;
  spec(): Promise<{ spec: BeaconSpec; fromNode: string[] }>;
  /** The head block's slot and state root (the state every validator read then uses). */
  head(): Promise<{ slot: bigint; stateRoot: string }>;
  /**
   * Validators of `stateId` by ids (indices or pubkeys; unknown ones are left out) and/or statuses
   * (specific or general: "active", "exited", ...). Without ids: every validator with those statuses.
   */
  validators(
    stateId: string,
    query: { ids?: readonly string[]; statuses?: readonly string[] },
  ): Promise<BeaconValidator[]>;
  /** The number of validators in `stateId`'s registry (found by probing indices, a few requests). */
  registrySize(stateId: string): Promise<bigint>;
  /** Requests sent so far, as "METHOD path" (for the basis). */
  readonly sent: string[];
}

interface ValidatorJson {
  index: string;
  balance: string;
  status: string;
  validator: {
    pubkey: string;
    effective_balance: string;
    activation_epoch: string;
    exit_epoch: string;
    withdrawable_epoch: string;
  };
}

function toValidator(v: ValidatorJson): BeaconValidator {
  return {
    index: BigInt(v.index),
    pubkey: v.validator.pubkey.toLowerCase(),
    status: v.status,
    balance: BigInt(v.balance),
    effectiveBalance: BigInt(v.validator.effective_balance),
    // FAR_FUTURE_EPOCH (2^64 - 1) parses to the same bigint as the constant.
    activationEpoch: BigInt(v.validator.activation_epoch),
    exitEpoch: BigInt(v.validator.exit_epoch),
    withdrawableEpoch: BigInt(v.validator.withdrawable_epoch),
  };
}

/** Statuses a node answers when it lacks a route (or the method on it). */
const NO_ROUTE = new Set([404, 405, 501]);

export function beaconReader(baseUrl: string, fetchFn: typeof fetch = fetch): BeaconReader {
  const base = baseUrl.replace(/\/+$/, "");
  const sent: string[] = [];
  let postWorks: boolean | undefined;

  async function request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const url = `${base}${path}`;
    const label = `${method} ${path.split("?")[0]}`;
    if (!sent.includes(label)) sent.push(label);
    let response: Response;
    try {
      response = await fetchFn(url, {
        method,
        headers:
          body === undefined
            ? { accept: "application/json" }
            : { accept: "application/json", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new RpcError({ url: base, cause, details: `${method} ${path} failed.` });
    }
    if (method === "POST" && NO_ROUTE.has(response.status)) {
      throw new NoRouteError(response.status);
    }
    if (response.status >= 500 || response.status === 429) {
      throw new RpcError({ url: base, details: `${method} ${path} answered ${response.status}.` });
    }
    if (!response.ok) {
      throw new BaseError(`The beacon node at ${base} refused ${method} ${path} (${response.status}).`, {
        docsPath: "waiting-time",
        details: await response.text().catch(() => undefined),
      });
    }
    return ((await response.json()) as { data: T }).data;
  }
  const get = <T>(path: string) => request<T>("GET", path);

  /** One POST, or the same query as GETs when the node has no POST route. */
  async function query(stateId: string, ids: readonly string[] | undefined, statuses: readonly string[]) {
    const path = `/eth/v1/beacon/states/${stateId}/validators`;
    if (postWorks !== false) {
      try {
        const body = { ...(ids ? { ids } : {}), ...(statuses.length > 0 ? { statuses } : {}) };
        const list = await request<ValidatorJson[]>("POST", path, body);
        postWorks = true;
        return list;
      } catch (error) {
        if (!(error instanceof NoRouteError)) throw error;
        postWorks = false;
      }
    }
    const status = statuses.length > 0 ? `status=${statuses.join(",")}` : "";
    if (!ids) return get<ValidatorJson[]>(`${path}${status ? `?${status}` : ""}`);
    const out: ValidatorJson[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_GET) {
      const id = `id=${ids.slice(i, i + IDS_PER_GET).join(",")}`;
      out.push(...(await get<ValidatorJson[]>(`${path}?${id}${status ? `&${status}` : ""}`)));
    }
    return out;
  }

  async function validators(
    stateId: string,
    { ids, statuses = [] }: { ids?: readonly string[]; statuses?: readonly string[] },
  ): Promise<BeaconValidator[]> {
    if (!ids) return (await query(stateId, undefined, statuses)).map(toValidator);
    const out: BeaconValidator[] = [];
    const batch = postWorks === false ? IDS_PER_GET : IDS_PER_POST;
    for (let i = 0; i < ids.length; i += batch) {
      out.push(...(await query(stateId, ids.slice(i, i + batch), statuses)).map(toValidator));
    }
    return out;
  }

  return {
    sent,
    async genesisTime() {
      return BigInt((await get<{ genesis_time: string }>("/eth/v1/beacon/genesis")).genesis_time);
    },
    async spec() {
      return beaconSpecFrom(await get<Record<string, unknown>>("/eth/v1/config/spec"));
    },
    async head() {
      const head = await get<{ header: { message: { slot: string; state_root: string } } }>(
        "/eth/v1/beacon/headers/head",
      );
      return { slot: BigInt(head.header.message.slot), stateRoot: head.header.message.state_root };
    },
    validators,
    async registrySize(stateId) {
      const exists = async (indices: bigint[]) =>
        new Set((await validators(stateId, { ids: indices.map(String) })).map((v) => v.index));
      // Indices are dense (0 .. size - 1): bracket the size between an index that exists (`lo`) and
      // one that does not (`hi`), first with powers of two, then with evenly spaced probes.
      const bracket = async (probes: bigint[], lo: bigint, hi: bigint): Promise<[bigint, bigint]> => {
        const present = await exists(probes);
        for (const p of probes) {
          if (present.has(p) && p > lo) lo = p;
          if (!present.has(p) && p < hi) hi = p;
        }
        return [lo, hi];
      };
      const powers = [0n, ...Array.from({ length: 41 }, (_, k) => 2n ** BigInt(k))];
      let [lo, hi] = await bracket(powers, -1n, 2n ** 41n);
      while (hi - lo > 1n) {
        const step = (hi - lo + BigInt(PROBES_PER_REQUEST) - 1n) / BigInt(PROBES_PER_REQUEST);
        const probes: bigint[] = [];
        for (let i = lo + step; i < hi; i += step) probes.push(i);
        [lo, hi] = await bracket(probes, lo, hi);
      }
      return hi;
    },
  };
}

/** A POST the node does not serve (then the reader falls back to GET). */
class NoRouteError extends Error {
  constructor(readonly status: number) {
    super(`no POST route (${status})`);
  }
}
