import type { IKeystore } from "@chainsafe/bls-keystore";
import type { Hex } from "viem";

/** KDF settings of a keystore: the standard costs by name, or explicit ones (lower for tests). */
export type KeystoreKdf =
  | "scrypt"
  | "pbkdf2"
  | { function: "scrypt"; n: number; r?: number | undefined; p?: number | undefined }
  | { function: "pbkdf2"; c: number };

/** Encrypt one secret key into an EIP-2335 keystore object. */
export interface KeystoreTask {
  kind: "keystore";
  secretKey: Uint8Array;
  pubkey: Uint8Array;
  path: string;
  password: string;
  kdf: KeystoreKdf;
  description: string;
}

/** One bare scrypt call through the keystore library's own scrypt function (for the benchmark). */
export interface ScryptTask {
  kind: "scrypt";
  password: Uint8Array;
  salt: Uint8Array;
  n: number;
  r: number;
  p: number;
  dklen: number;
}

/** Derive and sign the deposits of validators `startIndex .. startIndex + count - 1`. */
export interface DepositsTask {
  kind: "deposits";
  seed: Uint8Array;
  startIndex: number;
  count: number;
  withdrawalCredentials: Hex;
  forkVersion: Hex;
}

/** One validator's result of a `DepositsTask`: its secret key bytes and signed deposit. */
export interface DerivedDeposit {
  index: number;
  secretKey: Uint8Array;
  pubkey: Uint8Array;
  signature: Uint8Array;
  depositMessageRoot: Uint8Array;
  depositDataRoot: Uint8Array;
}

export type Task = KeystoreTask | ScryptTask | DepositsTask;

export type TaskResult<T extends Task> = T extends KeystoreTask
  ? IKeystore
  : T extends ScryptTask
    ? Uint8Array
    : T extends DepositsTask
      ? DerivedDeposit[]
      : never;
