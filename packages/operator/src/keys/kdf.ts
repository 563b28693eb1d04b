import { defaultPbkdfModule, defaultScryptModule, type IKdfModule } from "@chainsafe/bls-keystore";
import { InvalidKeysArgumentError } from "./errors.js";
import type { KeystoreKdf } from "./tasks.js";

/** EIP-2335's scrypt cost, as staking-deposit-cli uses: n = 2^18, r = 8, p = 1, 32-byte key. */
export const STANDARD_SCRYPT = Object.freeze({ n: 2 ** 18, r: 8, p: 1, dklen: 32 });
/** EIP-2335's PBKDF2 cost: 2^18 rounds of HMAC-SHA256, 32-byte key. */
export const STANDARD_PBKDF2 = Object.freeze({ c: 2 ** 18, dklen: 32 });

/** The KDF module (fresh random 32-byte salt) of a keystore KDF setting. */
export function kdfModule(kdf: KeystoreKdf): Pick<IKdfModule, "function" | "params"> {
  const setting = typeof kdf === "string" ? { function: kdf } : kdf;
  if (setting.function === "scrypt") {
    const base = defaultScryptModule();
    const n = "n" in setting ? setting.n : STANDARD_SCRYPT.n;
    if (!Number.isInteger(Math.log2(n)) || n < 2)
      throw new InvalidKeysArgumentError("scrypt n", `${n} is not a power of two above 1`);
    return {
      function: "scrypt",
      params: {
        ...base.params,
        dklen: STANDARD_SCRYPT.dklen,
        n,
        r: ("r" in setting ? setting.r : undefined) ?? STANDARD_SCRYPT.r,
        p: ("p" in setting ? setting.p : undefined) ?? STANDARD_SCRYPT.p,
      },
    };
  }
  if (setting.function === "pbkdf2") {
    const base = defaultPbkdfModule();
    const c = "c" in setting ? setting.c : STANDARD_PBKDF2.c;
    if (!Number.isSafeInteger(c) || c < 1)
      throw new InvalidKeysArgumentError("pbkdf2 c", `${c} is not a positive integer`);
    return { function: "pbkdf2", params: { ...base.params, dklen: STANDARD_PBKDF2.dklen, c } };
  }
  throw new InvalidKeysArgumentError(
    "kdf",
    `"${(setting as { function: string }).function}" is neither scrypt nor pbkdf2`,
  );
}
