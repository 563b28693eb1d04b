import { SecretKey } from "@chainsafe/blst";
import { type Address, bytesToHex, type Hex, hexToBytes } from "viem";
import { type DepositDataEntry, toDepositDataEntry, writeDepositData } from "./depositData.js";
import { ValidatorKeyDeriver } from "./derive.js";
import { InvalidKeysArgumentError } from "./errors.js";
import { createKeystores, type Keystore, type KeystoreKdf, writeKeystores } from "./keystore.js";
import { mnemonicToSeed } from "./mnemonic.js";
import { assertForkVersion, type DepositNetwork, withdrawalCredentials } from "./networks.js";
import { signingKeyPath } from "./path.js";
import { KeyWorkerPool } from "./pool.js";
import { DEPOSIT_AMOUNT_GWEI, depositDomain, type SignedDeposit, signDeposit } from "./signing.js";
import type { DerivedDeposit } from "./tasks.js";

/** staking-deposit-cli's shortest keystore password. */
export const MIN_KEYSTORE_PASSWORD_LENGTH = 8;

export interface GenerateValidatorKeysParameters {
  /** BIP-39 mnemonic. Never logged. */
  mnemonic: string;
  /** BIP-39 passphrase ("" by default, as staking-deposit-cli). */
  passphrase?: string | undefined;
  /** First validator index (EIP-2334 `m/12381/3600/{index}/0/0`). */
  startIndex: number;
  /** Number of validators. */
  count: number;
  /** The protocol's withdrawal vault: withdrawal credentials 0x01 ++ 11 zero bytes ++ this address. */
  withdrawalVault: Address;
  /** Network the deposits are signed for (see `NETWORKS`). */
  network: DepositNetwork;
  /** When set, `deposit_data-<unix seconds>.json` (and the keystores, if asked) are written here. */
  outDir?: string | undefined;
  /** Keystore password, required with `keystores`. */
  password?: string | undefined;
  /** Also make EIP-2335 keystores (returned, and written to `outDir` when set). */
  keystores?: boolean | undefined;
  /** Keystore KDF; standard scrypt by default. */
  kdf?: KeystoreKdf | undefined;
  /**
   * Worker pool for the keystore KDFs and the deposit signing. Without it, one of the machine's
   * size is started when keystores are asked for (and closed before returning); deposits alone
   * are signed in this thread.
   */
  pool?: KeyWorkerPool | undefined;
  /** Seconds since the epoch in the file names; now by default. */
  timestamp?: number | undefined;
}

/** One validator's key and deposit. `secretKey` signs: never print it. */
export interface ValidatorKey {
  index: number;
  path: string;
  pubkey: Hex;
  secretKey: SecretKey;
  depositData: DepositDataEntry;
}

export interface GenerateValidatorKeysReturnType {
  keys: ValidatorKey[];
  /** Keystores in the order of `keys`, when asked for. */
  keystores?: Keystore[] | undefined;
  /** Path of the deposit data file, when `outDir` was given. */
  depositDataPath?: string | undefined;
  /** Paths of the keystore files, when `outDir` was given and keystores asked for. */
  keystorePaths?: string[] | undefined;
}

/**
 * Derives validators `startIndex .. startIndex + count - 1` of a mnemonic (EIP-2333/2334), signs
 * their 32 ETH deposits to the protocol's withdrawal vault for `network`, and writes the deposit
 * data and, when asked, the keystores, as staking-deposit-cli names and lays them out.
 *
 * @example
 * const { keys, depositDataPath } = await generateValidatorKeys({
 *   mnemonic, startIndex: 0, count: 4, withdrawalVault: deployment.contracts.withdrawalVault,
 *   network: NETWORKS.hoodi, outDir: "validator_keys", keystores: true, password,
 * });
 */
export async function generateValidatorKeys(
  parameters: GenerateValidatorKeysParameters,
): Promise<GenerateValidatorKeysReturnType> {
  const { startIndex, count, network, outDir, password, keystores = false } = parameters;
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex + count > 2 ** 32)
    throw new InvalidKeysArgumentError("start index", `${startIndex} is not an integer in [0, 2^32 - count]`);
  if (!Number.isInteger(count) || count < 1)
    throw new InvalidKeysArgumentError("count", `${count} is not a positive integer`);
  assertForkVersion(network.forkVersion);
  if (keystores && (password === undefined || password.length < MIN_KEYSTORE_PASSWORD_LENGTH))
    throw new InvalidKeysArgumentError(
      "password",
      `keystores need a password of at least ${MIN_KEYSTORE_PASSWORD_LENGTH} characters`,
    );
  const credentials = withdrawalCredentials(parameters.withdrawalVault);
  const seed = mnemonicToSeed(parameters.mnemonic, parameters.passphrase);
  const timestamp = parameters.timestamp ?? Math.floor(Date.now() / 1000);

  const ownPool = keystores && !parameters.pool ? new KeyWorkerPool() : undefined;
  const pool = parameters.pool ?? ownPool;
  try {
    const derived = pool
      ? await deriveDepositsOnPool(pool, seed, startIndex, count, credentials, network.forkVersion)
      : deriveDepositsHere(seed, startIndex, count, credentials, network.forkVersion);
    const keys = derived.map(({ index, secretKey, deposit }) => ({
      index,
      path: signingKeyPath(index),
      pubkey: bytesToHex(deposit.pubkey),
      secretKey,
      depositData: toDepositDataEntry(deposit, network),
    }));

    const result: GenerateValidatorKeysReturnType = { keys };
    if (keystores) {
      result.keystores = await createKeystores({
        keys,
        password: password as string,
        kdf: parameters.kdf,
        pool,
      });
      if (outDir) result.keystorePaths = await writeKeystores(result.keystores, outDir, timestamp);
    }
    if (outDir)
      result.depositDataPath = await writeDepositData({
        entries: keys.map((k) => k.depositData),
        outDir,
        timestamp,
      });
    return result;
  } finally {
    await ownPool?.close();
  }
}

interface Derived {
  index: number;
  secretKey: SecretKey;
  deposit: SignedDeposit;
}

/** Derivation and signing in this thread. */
export function deriveDepositsHere(
  seed: Uint8Array,
  startIndex: number,
  count: number,
  credentials: Hex,
  forkVersion: Hex,
): Derived[] {
  const deriver = new ValidatorKeyDeriver(seed);
  const domain = depositDomain(forkVersion);
  const credentialBytes = hexToBytes(credentials);
  return Array.from({ length: count }, (_, i) => {
    const index = startIndex + i;
    const secretKey = deriver.signingKey(index);
    return {
      index,
      secretKey,
      deposit: signDeposit(secretKey, secretKey.toPublicKey().toBytes(), credentialBytes, domain),
    };
  });
}

/** Derivation and signing split in one contiguous chunk per worker. */
export async function deriveDepositsOnPool(
  pool: KeyWorkerPool,
  seed: Uint8Array,
  startIndex: number,
  count: number,
  credentials: Hex,
  forkVersion: Hex,
): Promise<Derived[]> {
  const chunk = Math.ceil(count / pool.size);
  const tasks: Promise<DerivedDeposit[]>[] = [];
  for (let start = startIndex; start < startIndex + count; start += chunk)
    tasks.push(
      pool.run({
        kind: "deposits",
        seed,
        startIndex: start,
        count: Math.min(chunk, startIndex + count - start),
        withdrawalCredentials: credentials,
        forkVersion,
      }),
    );
  const credentialBytes = hexToBytes(credentials);
  return (await Promise.all(tasks)).flat().map((d) => ({
    index: d.index,
    secretKey: SecretKey.fromBytes(d.secretKey),
    deposit: {
      pubkey: d.pubkey,
      withdrawalCredentials: credentialBytes,
      amount: DEPOSIT_AMOUNT_GWEI,
      signature: d.signature,
      depositMessageRoot: d.depositMessageRoot,
      depositDataRoot: d.depositDataRoot,
    },
  }));
}
