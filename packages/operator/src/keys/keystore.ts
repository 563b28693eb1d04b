import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decrypt, type IKeystore, schemaValidationErrors } from "@chainsafe/bls-keystore";
import { SecretKey } from "@chainsafe/blst";
import { InvalidKeystoreError, KeystorePasswordError } from "./errors.js";
import type { KeyWorkerPool } from "./pool.js";
import { pythonJson } from "./pythonJson.js";
import { createKeystoreObject } from "./runTask.js";
import type { KeystoreKdf } from "./tasks.js";

export type { IKeystore as Keystore } from "@chainsafe/bls-keystore";
export type { KeystoreKdf } from "./tasks.js";

/** What one keystore encrypts. */
export interface KeystoreInput {
  secretKey: SecretKey;
  /** EIP-2334 path of the key, e.g. `m/12381/3600/0/0/0`. */
  path: string;
}

export interface CreateKeystoresParameters {
  keys: readonly KeystoreInput[];
  password: string;
  /** Standard scrypt (n = 2^18) by default. */
  kdf?: KeystoreKdf | undefined;
  /** `description` of each keystore; "" as staking-deposit-cli writes. */
  description?: string | undefined;
  /** Runs the KDFs in parallel, one per worker; in this thread, one after the other, without. */
  pool?: KeyWorkerPool | undefined;
}

/**
 * EIP-2335 keystores of `keys` (version 4, aes-128-ctr, sha256 checksum, fresh salt, IV and UUID),
 * in the order of `keys`. The password is NFKD-normalized and stripped of control codes (EIP-2335).
 */
export async function createKeystores({
  keys,
  password,
  kdf = "scrypt",
  description = "",
  pool,
}: CreateKeystoresParameters): Promise<IKeystore[]> {
  const tasks = keys.map(({ secretKey, path }) => ({
    kind: "keystore" as const,
    secretKey: secretKey.toBytes(),
    pubkey: secretKey.toPublicKey().toBytes(),
    path,
    password,
    kdf,
    description,
  }));
  if (pool) return Promise.all(tasks.map((task) => pool.run(task)));
  const out: IKeystore[] = [];
  for (const task of tasks) out.push(await createKeystoreObject(task));
  return out;
}

/** `keystore-m_12381_3600_{i}_0_0-<unix seconds>.json`, staking-deposit-cli's file name of a keystore. */
export function keystoreFileName(path: string, timestamp: number): string {
  return `keystore-${path.replaceAll("/", "_")}-${timestamp}.json`;
}

/** A keystore's file text, laid out as the tool's (`json.dumps`). */
export function formatKeystore(keystore: IKeystore): string {
  return pythonJson(keystore);
}

/**
 * Writes each keystore to `outDir` under its staking-deposit-cli file name, read-only (mode 0440)
 * as the tool does, and returns the paths. Refuses to overwrite an existing file.
 */
export async function writeKeystores(
  keystores: readonly IKeystore[],
  outDir: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const keystore of keystores) {
    const path = join(outDir, keystoreFileName(keystore.path, timestamp));
    await writeFile(path, formatKeystore(keystore), { flag: "wx", mode: 0o440 });
    paths.push(path);
  }
  return paths;
}

/**
 * Decrypts an EIP-2335 keystore (a file path, its JSON text or the parsed object) and returns its
 * secret key. Throws `KeystorePasswordError` for a wrong password and `InvalidKeystoreError` for
 * anything that is not a version-4 keystore or whose key does not match its `pubkey`.
 * The KDF runs in this thread (about a second at the standard scrypt cost).
 */
export async function loadKeystore(source: string | object, password: string): Promise<SecretKey> {
  const { keystore, name } = await readKeystore(source);
  let secret: Uint8Array;
  try {
    secret = await decrypt(keystore, password);
  } catch (error) {
    // The library's one refusal of a checksum that does not match the password's derived key.
    if ((error as Error).message === "Invalid password") throw new KeystorePasswordError(name);
    throw new InvalidKeystoreError(name, (error as Error).message, error);
  }
  let secretKey: SecretKey;
  try {
    secretKey = SecretKey.fromBytes(secret);
  } catch (cause) {
    throw new InvalidKeystoreError(name, "the decrypted secret is not a BLS12-381 secret key", cause);
  }
  if (
    keystore.pubkey &&
    Buffer.from(secretKey.toPublicKey().toBytes()).toString("hex") !== keystore.pubkey.toLowerCase()
  )
    throw new InvalidKeystoreError(name, "the decrypted key does not match the keystore's pubkey");
  return secretKey;
}

async function readKeystore(source: string | object): Promise<{ keystore: IKeystore; name: string }> {
  let name = "(object)";
  let data: unknown = source;
  if (typeof source === "string") {
    const isText = source.trimStart().startsWith("{");
    name = isText ? "(JSON text)" : source;
    let text = source;
    if (!isText) {
      try {
        text = await readFile(source, "utf8");
      } catch (cause) {
        throw new InvalidKeystoreError(
          name,
          `cannot read the file (${(cause as NodeJS.ErrnoException).code})`,
          cause,
        );
      }
    }
    try {
      data = JSON.parse(text);
    } catch (cause) {
      throw new InvalidKeystoreError(name, "not JSON", cause);
    }
  }
  const errors = schemaValidationErrors(data);
  if (errors)
    throw new InvalidKeystoreError(
      name,
      `not an EIP-2335 keystore (${errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")})`,
    );
  const keystore = data as IKeystore;
  if (keystore.version !== 4) throw new InvalidKeystoreError(name, `version ${keystore.version}, expected 4`);
  const kdf = keystore.crypto.kdf.function as string;
  if (kdf !== "scrypt" && kdf !== "pbkdf2") throw new InvalidKeystoreError(name, `unknown kdf "${kdf}"`);
  return { keystore, name };
}
