import type { ValidatorView } from "../state/types.js";
import type { DepositedKey, ProtocolValidator } from "./types.js";

/**
 * Pairs each deposited key with its validator in the state. The state reader returns the validators
 * found in the order of the pubkeys it was given (absent ones left out), so one walk pairs them; a
 * list in another order falls back to a lookup by pubkey.
 */
export function matchValidators(
  keys: readonly DepositedKey[],
  found: readonly ValidatorView[],
): ProtocolValidator[] {
  const out = new Array<ProtocolValidator>(keys.length);
  let j = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as DepositedKey;
    const next = found[j];
    if (next !== undefined && next.pubkey === key.pubkey) {
      out[i] = { key, view: next };
      j++;
    } else {
      out[i] = { key, view: undefined };
    }
  }
  if (j === found.length) return out;
  const byPubkey = new Map(found.map((v) => [v.pubkey.toLowerCase(), v]));
  return keys.map((key) => ({ key, view: byPubkey.get(key.pubkey) }));
}
