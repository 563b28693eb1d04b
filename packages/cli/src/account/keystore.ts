/**
 * Web3 Secret Storage (version 3) keystores, the JSON that geth, Foundry (`cast wallet`) and
 * MetaMask exports write: a key derived from the password with scrypt or PBKDF2-HMAC-SHA256, the
 * private key encrypted with AES-128-CTR under its first 16 bytes, and a MAC
 * keccak256(derivedKey[16..32] ++ ciphertext) that tells a wrong password from a right one.
 */
import { createDecipheriv, pbkdf2, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { bytesToHex, concat, type Hex, keccak256 } from "viem";
import { CliError, ExitCode } from "../exit.js";

const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

interface KeystoreV3 {
  version: number;
  address?: string;
  crypto: {
    cipher: string;
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: string;
    kdfparams: Record<string, unknown>;
    mac: string;
  };
}

function invalid(file: string, why: string): CliError {
  return new CliError(
    `The keystore ${file} is not a usable Web3 Secret Storage v3 file: ${why}.`,
    ExitCode.usage,
  );
}

function hexField(value: unknown, file: string, name: string): Buffer {
  if (typeof value !== "string" || !/^(0x)?([0-9a-fA-F]{2})*$/.test(value)) {
    throw invalid(file, `${name} is not hexadecimal`);
  }
  return Buffer.from(value.replace(/^0x/, ""), "hex");
}

function numberField(params: Record<string, unknown>, name: string, file: string): number {
  const value = params[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(file, `kdfparams.${name} is not a positive whole number`);
  }
  return value;
}

/** Checks the shape of a parsed keystore; `file` names it in the sentences. */
function asKeystore(parsed: unknown, file: string): KeystoreV3 {
  const object = parsed as Partial<KeystoreV3> & { Crypto?: KeystoreV3["crypto"] };
  const crypto = object?.crypto ?? object?.Crypto;
  if (!object || typeof object !== "object" || !crypto) throw invalid(file, "it has no crypto section");
  if (object.version !== 3) throw invalid(file, `its version is ${String(object.version)}, not 3`);
  if (crypto.cipher !== "aes-128-ctr") throw invalid(file, `cipher ${crypto.cipher} is not aes-128-ctr`);
  if (crypto.kdf !== "scrypt" && crypto.kdf !== "pbkdf2") {
    throw invalid(file, `key derivation ${crypto.kdf} is neither scrypt nor pbkdf2`);
  }
  return { ...object, crypto } as KeystoreV3;
}

/**
 * Decrypts a keystore's private key with `password` (and returns the address the file names, if
 * any). Throws a usage error for a malformed file and for a wrong password (the MAC does not match).
 */
export async function decryptKeystore(
  parsed: unknown,
  password: string,
  file = "file",
): Promise<{ privateKey: Hex; address: string | undefined }> {
  const { crypto, address } = asKeystore(parsed, file);
  const params = crypto.kdfparams;
  const salt = hexField(params.salt, file, "kdfparams.salt");
  const dklen = numberField(params, "dklen", file);
  if (dklen < 32) throw invalid(file, `kdfparams.dklen is ${dklen}, below 32`);
  const secret = Buffer.from(password.normalize("NFKC"), "utf8");
  let derived: Buffer;
  if (crypto.kdf === "scrypt") {
    const n = numberField(params, "n", file);
    const r = numberField(params, "r", file);
    const p = numberField(params, "p", file);
    // scrypt needs 128 * n * r bytes; node's default cap (32 MiB) is below the standard n = 2^18.
    try {
      derived = await scryptAsync(secret, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
    } catch (cause) {
      // OpenSSL also refuses n >= 2^(16 r), e.g. n = 2^18 with r = 1.
      throw invalid(
        file,
        `its scrypt parameters (n ${n}, r ${r}, p ${p}) are refused: ${(cause as Error).message}`,
      );
    }
  } else {
    if (params.prf !== "hmac-sha256")
      throw invalid(file, `pbkdf2 prf ${String(params.prf)} is not hmac-sha256`);
    derived = await pbkdf2Async(secret, salt, numberField(params, "c", file), dklen, "sha256");
  }
  const ciphertext = hexField(crypto.ciphertext, file, "ciphertext");
  const mac = keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)]));
  if (mac.slice(2).toLowerCase() !== crypto.mac.replace(/^0x/, "").toLowerCase()) {
    throw new CliError(`Wrong password for the keystore ${file} (its MAC does not match).`, ExitCode.usage);
  }
  const iv = hexField(crypto.cipherparams?.iv, file, "cipherparams.iv");
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw invalid(file, `the decrypted key has ${key.length} bytes, not 32`);
  return { privateKey: bytesToHex(key), address: typeof address === "string" ? address : undefined };
}
