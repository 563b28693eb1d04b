import { SecretKey } from "@chainsafe/blst";
import { InvalidKeysArgumentError } from "./errors.js";
import { EIP2334_COIN_TYPE, EIP2334_PURPOSE, parsePath } from "./path.js";

/** EIP-2333 asks for at least 256 bits of seed. */
const MIN_SEED_BYTES = 32;

/** EIP-2333 master secret key of `seed` (HKDF_mod_r). */
export function deriveMasterKey(seed: Uint8Array): SecretKey {
  if (seed.length < MIN_SEED_BYTES)
    throw new InvalidKeysArgumentError(
      "seed",
      `${seed.length} bytes, EIP-2333 needs at least ${MIN_SEED_BYTES}`,
    );
  return SecretKey.deriveMasterEip2333(seed);
}

/** The secret key at `path` (e.g. `m/12381/3600/0/0/0`) under `seed`, one EIP-2333 step per level. */
export function deriveKeyAtPath(seed: Uint8Array, path: string): SecretKey {
  let key = deriveMasterKey(seed);
  for (const index of parsePath(path)) key = key.deriveChildEip2333(index);
  return key;
}

/**
 * Validator keys of one seed. The `m/12381/3600` node is derived once, so each validator costs only
 * its last three steps (signing key) or two (withdrawal key).
 */
export class ValidatorKeyDeriver {
  readonly #base: SecretKey;

  constructor(seed: Uint8Array) {
    this.#base = deriveMasterKey(seed)
      .deriveChildEip2333(EIP2334_PURPOSE)
      .deriveChildEip2333(EIP2334_COIN_TYPE);
  }

  /** Signing key of validator `index`: `m/12381/3600/{index}/0/0`. */
  signingKey(index: number): SecretKey {
    return this.withdrawalKey(index).deriveChildEip2333(0);
  }

  /** Withdrawal key of validator `index`: `m/12381/3600/{index}/0`. */
  withdrawalKey(index: number): SecretKey {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** 32)
      throw new InvalidKeysArgumentError("validator index", `${index} is not an integer in [0, 2^32)`);
    return this.#base.deriveChildEip2333(index).deriveChildEip2333(0);
  }
}
