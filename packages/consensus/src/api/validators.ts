import type { routes } from "@lodestar/api";
import { ApiError } from "@lodestar/api/server";
import type { CachedBeaconStateFulu } from "@lodestar/state-transition";
import { getValidatorStatus } from "@lodestar/types";
import { fromHex } from "../hex.js";

type ValidatorId = string | number;

/** Index of a validator id (decimal index or 0x pubkey) in `state`, or null when unknown. */
export function validatorIndexOf(state: CachedBeaconStateFulu, id: ValidatorId): number | null {
  const count = state.validators.length;
  if (typeof id === "string" && id.startsWith("0x")) {
    if (!/^0x[0-9a-fA-F]{96}$/.test(id)) throw new ApiError(400, `Invalid validator id: ${id}`);
    const index = state.epochCtx.pubkeyCache.getIndex(fromHex(id));
    return index !== null && index < count ? index : null;
  }
  const index = typeof id === "number" ? id : /^\d+$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(index) || index < 0) throw new ApiError(400, `Invalid validator id: ${id}`);
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
