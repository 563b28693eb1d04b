/**
 * The few standard Beacon API reads the waiting-time estimate needs (any beacon node: no
 * client-specific route). Amounts are gwei, epochs and indices bigints.
 */
import { BaseError, RpcError } from "../errors/base.js";
import { type BeaconSpec, beaconSpecFrom, FAR_FUTURE_EPOCH } from "./exitQueue.js";

/** Pubkeys per `/validators?id=` request: keeps the query string well under common URL limits. */
const IDS_PER_REQUEST = 64;

export interface BeaconValidator {
  index: bigint;
  pubkey: string;
  status: string;
  /** Gwei. */
  balance: bigint;
  /** Gwei. */
  effectiveBalance: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
}

export interface BeaconReader {
  genesisTime(): Promise<bigint>;
  spec(): Promise<{ spec: BeaconSpec; fromNode: string[] }>;
  headSlot(): Promise<bigint>;
  /** `GET /eth/v1/beacon/states/head/validators?status=...`. */
  validatorsByStatus(statuses: string[]): Promise<BeaconValidator[]>;
  /** `GET /eth/v1/beacon/states/head/validators?id=...` (pubkeys; unknown ones are left out). */
  validatorsByPubkey(pubkeys: readonly string[]): Promise<BeaconValidator[]>;
}

interface ValidatorJson {
  index: string;
  balance: string;
  status: string;
  validator: { pubkey: string; effective_balance: string; exit_epoch: string; withdrawable_epoch: string };
}

function toValidator(v: ValidatorJson): BeaconValidator {
  return {
    index: BigInt(v.index),
    pubkey: v.validator.pubkey.toLowerCase(),
    status: v.status,
    balance: BigInt(v.balance),
    effectiveBalance: BigInt(v.validator.effective_balance),
    exitEpoch:
      v.validator.exit_epoch === String(FAR_FUTURE_EPOCH) ? FAR_FUTURE_EPOCH : BigInt(v.validator.exit_epoch),
    withdrawableEpoch: BigInt(v.validator.withdrawable_epoch),
  };
}

export function beaconReader(baseUrl: string, fetchFn: typeof fetch = fetch): BeaconReader {
  const base = baseUrl.replace(/\/+$/, "");
  async function get<T>(path: string): Promise<T> {
    const url = `${base}${path}`;
    let response: Response;
    try {
      response = await fetchFn(url, { headers: { accept: "application/json" } });
    } catch (cause) {
      throw new RpcError({ url: base, cause, details: `GET ${path} failed.` });
    }
    if (response.status >= 500 || response.status === 429) {
      throw new RpcError({ url: base, details: `GET ${path} answered ${response.status}.` });
    }
    if (!response.ok) {
      throw new BaseError(`The beacon node at ${base} refused GET ${path} (${response.status}).`, {
        docsPath: "waiting-time",
      });
    }
    return ((await response.json()) as { data: T }).data;
  }
  return {
    async genesisTime() {
      return BigInt((await get<{ genesis_time: string }>("/eth/v1/beacon/genesis")).genesis_time);
    },
    async spec() {
      return beaconSpecFrom(await get<Record<string, unknown>>("/eth/v1/config/spec"));
    },
    async headSlot() {
      const head = await get<{ header: { message: { slot: string } } }>("/eth/v1/beacon/headers/head");
      return BigInt(head.header.message.slot);
    },
    async validatorsByStatus(statuses) {
      const list = await get<ValidatorJson[]>(
        `/eth/v1/beacon/states/head/validators?status=${statuses.join(",")}`,
      );
      return list.map(toValidator);
    },
    async validatorsByPubkey(pubkeys) {
      const out: BeaconValidator[] = [];
      for (let i = 0; i < pubkeys.length; i += IDS_PER_REQUEST) {
        const ids = pubkeys.slice(i, i + IDS_PER_REQUEST).join(",");
        const list = await get<ValidatorJson[]>(`/eth/v1/beacon/states/head/validators?id=${ids}`);
        out.push(...list.map(toValidator));
      }
      return out;
    },
  };
}
