/**
 * Web3 Secret Storage (version 3) keystores, the JSON that geth, Foundry (`cast wallet`) and
 * MetaMask exports write: a key derived from the password with scrypt or PBKDF2-HMAC-SHA256, the
 * private key encrypted with AES-128-CTR under the derived key's first 16 bytes, and a MAC
 * keccak256(derivedKey[16..32] ++ ciphertext) that tells a wrong password from a right one.
 *
 * Node.js only (`node:crypto`). Pure decoding: reading the file and asking for the password are the
 * caller's.
 */
import { createDecipheriv, pbkdf2, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { type Address, bytesToHex, concat, type Hex, keccak256 } from "viem";
import { InvalidArgumentError } from "../errors/base.js";

const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** Bytes of a secp256k1 private key. */
const PRIVATE_KEY_BYTES = 32;
/** The derived key holds the AES-128 key (16 bytes) and the MAC key (16 bytes). */
const MIN_DERIVED_KEY_BYTES = 32;

interface KeystoreCrypto {
  cipher: string;
  cipherparams: { iv?: unknown };
  ciphertext: unknown;
  kdf: string;
  kdfparams: Record<string, unknown>;
  mac: unknown;
}

export type InvalidKeystoreErrorType = InvalidKeystoreError & { name: "InvalidKeystoreError" };
/** The keystore is not a usable Web3 Secret Storage v3 file (`reason` says why). */
export class InvalidKeystoreError extends InvalidArgumentError {
  override name = "InvalidKeystoreError";
  readonly file: string;
  readonly reason: string;
  constructor({ file, reason, cause }: { file: string; reason: string; cause?: unknown }) {
    super("keystore", `The keystore ${file} is not a usable Web3 Secret Storage v3 file: ${reason}.`, {
      cause,
    });
    this.file = file;
    this.reason = reason;
  }
}

export type KeystorePasswordErrorType = KeystorePasswordError & { name: "KeystorePasswordError" };
/** The password does not open the keystore: the MAC computed with it differs from the file's. */
export class KeystorePasswordError extends InvalidArgumentError {
  override name = "KeystorePasswordError";
  readonly file: string;
  constructor({ file }: { file: string }) {
    super("keystore", `Wrong password for the keystore ${file} (its MAC does not match).`);
    this.file = file;
  }
}

export type DecryptKeystoreErrorType = InvalidKeystoreErrorType | KeystorePasswordErrorType;

export interface DecryptKeystoreParameters {
  /** How sentences name the keystore (its path); default "file". */
  name?: string | undefined;
}

export interface DecryptKeystoreReturnType {
  /** 0x-prefixed, 32 bytes. */
  privateKey: Hex;
  /** The address the file names (0x-prefixed as written), if any; not checked against the key. */
  address: Address | undefined;
}

function hexField(value: unknown, file: string, name: string): Buffer {
  if (typeof value !== "string" || !/^(0x)?([0-9a-fA-F]{2})*$/.test(value)) {
    throw new InvalidKeystoreError({ file, reason: `${name} is not hexadecimal` });
  }
  return Buffer.from(value.replace(/^0x/, ""), "hex");
}

function numberField(params: Record<string, unknown>, name: string, file: string): number {
  const value = params[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidKeystoreError({ file, reason: `kdfparams.${name} is not a positive whole number` });
  }
  return value;
}

/** The crypto section of a parsed keystore, its shape checked. */
function cryptoSection(parsed: unknown, file: string): { crypto: KeystoreCrypto; address: unknown } {
  const object = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    version?: unknown;
    address?: unknown;
    crypto?: KeystoreCrypto;
    Crypto?: KeystoreCrypto;
  };
  // geth once wrote "Crypto"; readers accept both.
  const crypto = object.crypto ?? object.Crypto;
  if (typeof crypto !== "object" || crypto === null) {
    throw new InvalidKeystoreError({ file, reason: "it has no crypto section" });
  }
  if (object.version !== 3) {
    throw new InvalidKeystoreError({ file, reason: `its version is ${String(object.version)}, not 3` });
  }
  if (crypto.cipher !== "aes-128-ctr") {
    throw new InvalidKeystoreError({ file, reason: `cipher ${String(crypto.cipher)} is not aes-128-ctr` });
  }
  if (crypto.kdf !== "scrypt" && crypto.kdf !== "pbkdf2") {
    throw new InvalidKeystoreError({
      file,
      reason: `key derivation ${String(crypto.kdf)} is neither scrypt nor pbkdf2`,
    });
  }
  if (typeof crypto.kdfparams !== "object" || crypto.kdfparams === null) {
    throw new InvalidKeystoreError({ file, reason: "it has no kdfparams" });
  }
  return { crypto, address: object.address };
}

async function deriveKey(crypto: KeystoreCrypto, password: string, file: string): Promise<Buffer> {
  const params = crypto.kdfparams;
  const salt = hexField(params.salt, file, "kdfparams.salt");
  const dklen = numberField(params, "dklen", file);
  if (dklen < MIN_DERIVED_KEY_BYTES) {
    throw new InvalidKeystoreError({ file, reason: `kdfparams.dklen is ${dklen}, below 32` });
  }
  const secret = Buffer.from(password.normalize("NFKC"), "utf8");
  if (crypto.kdf === "pbkdf2") {
    if (params.prf !== "hmac-sha256") {
      throw new InvalidKeystoreError({ file, reason: `pbkdf2 prf ${String(params.prf)} is not hmac-sha256` });
    }
    return pbkdf2Async(secret, salt, numberField(params, "c", file), dklen, "sha256");
  }
  const n = numberField(params, "n", file);
  const r = numberField(params, "r", file);
  const p = numberField(params, "p", file);
  try {
    // scrypt needs 128 * n * r bytes; node's default cap (32 MiB) is below the standard n = 2^18.
    return await scryptAsync(secret, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  } catch (cause) {
    // OpenSSL also refuses n >= 2^(16 r), e.g. n = 2^18 with r = 1.
    throw new InvalidKeystoreError({
      file,
      reason: `its scrypt parameters (n ${n}, r ${r}, p ${p}) are refused: ${(cause as Error).message}`,
      cause,
    });
  }
}

/**
 * Decrypts the private key of a parsed Web3 Secret Storage v3 keystore with `password` (normalised
 * to NFKC, as geth does). scrypt and PBKDF2-HMAC-SHA256 key derivations, AES-128-CTR.
 *
 * Throws `InvalidKeystoreError` for a malformed file (naming the field) and `KeystorePasswordError`
 * when the MAC does not match (a wrong password). Neither message holds the password or the key.
 *
 * @example
 * import { readFileSync } from "node:fs";
 * import { decryptKeystore } from "@tributary/sdk/node";
 * import { privateKeyToAccount } from "viem/accounts";
 *
 * const file = "keystore.json";
 * const { privateKey } = await decryptKeystore(JSON.parse(readFileSync(file, "utf8")), password, { name: file });
 * const account = privateKeyToAccount(privateKey);
 */
export async function decryptKeystore(
  keystore: unknown,
  password: string,
  parameters: DecryptKeystoreParameters = {},
): Promise<DecryptKeystoreReturnType> {
  const file = parameters.name ?? "file";
  const { crypto, address } = cryptoSection(keystore, file);
  const ciphertext = hexField(crypto.ciphertext, file, "ciphertext");
  const expectedMac = hexField(crypto.mac, file, "mac");
  const iv = hexField(crypto.cipherparams?.iv, file, "cipherparams.iv");
  const derived = await deriveKey(crypto, password, file);
  const mac = keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)]));
  if (mac !== bytesToHex(expectedMac)) throw new KeystorePasswordError({ file });
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== PRIVATE_KEY_BYTES) {
    throw new InvalidKeystoreError({ file, reason: `the decrypted key has ${key.length} bytes, not 32` });
  }
  return {
    privateKey: bytesToHex(key),
    address: typeof address === "string" ? (`0x${address.replace(/^0x/, "")}` as Address) : undefined,
  };
}
