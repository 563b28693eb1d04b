import type { routes } from "@lodestar/api";
import { ApiError } from "@lodestar/api/server";
import type { CachedBeaconStateFulu } from "@lodestar/state-transition";
import { getValidatorStatus } from "@lodestar/types";
import { fromHex } from "../hex.js";

type ValidatorId = string | number;

/** The largest id list a GET query may carry (the spec answers 414 beyond it). */
export const MAX_QUERY_IDS = 64;
const UINT64_MAX = 2n ** 64n - 1n;

/** The statuses a `status` filter may name: the specific ones and their general prefixes. */
const VALIDATOR_STATUSES = new Set([
  "pending_initialized",
  "pending_queued",
  "active_ongoing",
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
  "withdrawal_done",
  "pending",
  "active",
  "exited",
  "withdrawal",
]);

/** 400 for a status filter that names no validator status. */
export function checkStatuses(statuses: string[] | undefined): void {
  const bad = (statuses ?? []).filter((status) => !VALIDATOR_STATUSES.has(status));
  if (bad.length > 0) throw new ApiError(400, `Invalid validator status: ${bad.join(",")}`);
}

/** 414 for a GET query with more ids than the spec allows (POST has no such limit). */
export function checkQueryIds(ids: ValidatorId[] | undefined): void {
  if (ids !== undefined && ids.length > MAX_QUERY_IDS) {
    throw new ApiError(414, `Too many validator ids: ${ids.length}, at most ${MAX_QUERY_IDS} (use POST)`);
  }
}

/** Index of a validator id (decimal index or 0x pubkey) in `state`, or null when unknown. */
export function validatorIndexOf(state: CachedBeaconStateFulu, id: ValidatorId): number | null {
  const count = state.validators.length;
  if (typeof id === "string" && id.startsWith("0x")) {
    if (!/^0x[0-9a-fA-F]{96}$/.test(id)) throw new ApiError(400, `Invalid validator id: ${id}`);
    const index = state.epochCtx.pubkeyCache.getIndex(fromHex(id));
    return index !== null && index < count ? index : null;
  }
  const valid =
    typeof id === "number"
      ? Number.isInteger(id) && id >= 0
      : /^\d{1,20}$/.test(id) && BigInt(id) <= UINT64_MAX;
  if (!valid) throw new ApiError(400, `Invalid validator id: ${id}`);
  // Any uint64 is a well-formed index; one past the registry (up to 2^64-1) is simply not found.
  const index = Number(id);
  return index < count ? index : null;
}

export function validatorResponse(
  state: CachedBeaconStateFulu,
  index: number,
): routes.beacon.ValidatorResponse {
  const validator = state.validators.getReadonly(index).toValue();
  return {
    index,
    balance: state.balances.get(index),
    status: getValidatorStatus(validator, state.epochCtx.epoch),
    validator,
  };
}

function matchesStatus(status: string, filters: Set<string>): boolean {
  if (filters.size === 0) return true;
  return filters.has(status) || filters.has(status.split("_")[0] ?? status);
}

/** Validators selected by ids and/or statuses (general or specific), in index order when no ids are given. */
export function selectValidators(
  state: CachedBeaconStateFulu,
  ids: ValidatorId[] | undefined,
  statuses: string[] | undefined,
): routes.beacon.ValidatorResponse[] {
  const filters = new Set(statuses ?? []);
  const out: routes.beacon.ValidatorResponse[] = [];
  if (ids !== undefined && ids.length > 0) {
    const seen = new Set<number>();
    for (const id of ids) {
      const index = validatorIndexOf(state, id);
      if (index === null || seen.has(index)) continue;
      seen.add(index);
      const response = validatorResponse(state, index);
      if (matchesStatus(response.status, filters)) out.push(response);
    }
    return out;
  }
  const count = state.validators.length;
  for (let index = 0; index < count; index++) {
    const response = validatorResponse(state, index);
    if (matchesStatus(response.status, filters)) out.push(response);
  }
  return out;
}

export function selectBalances(state: CachedBeaconStateFulu, ids: ValidatorId[] | undefined) {
  if (ids === undefined || ids.length === 0) {
    const balances = state.balances.getAll();
    return balances.map((balance, index) => ({ index, balance }));
  }
  const out: Array<{ index: number; balance: number }> = [];
  for (const id of ids) {
    const index = validatorIndexOf(state, id);
    if (index !== null) out.push({ index, balance: state.balances.get(index) });
  }
  return out;
}
