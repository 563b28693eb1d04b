import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Address } from "viem";

export const FIXTURES = new URL("./fixtures/", import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** The staking-deposit-cli run of the fixtures (see fixtures/staking-deposit-cli/README.md). */
export const DEPOSIT_CLI_RUN = Object.freeze({
  mnemonic: "satisfy suit expire castle fluid must electric genuine aim clock such under basic rabbit method",
  password: "anothertest",
  withdrawalAddress: "0x71C7656EC7ab88b098defB751B7401B5f6d8976F",
  network: Object.freeze({ forkVersion: "0x00001020", networkName: "goerli" }),
  keystore: "staking-deposit-cli/keystore-m_12381_3600_0_0_0-1669709160.json",
  depositData: "staking-deposit-cli/deposit_data-1669709160.json",
} as const);

/** A test mnemonic (BIP-39's all-"abandon" 24-word vector). Never deposit to it. */
export const TEST_MNEMONIC = `${"abandon ".repeat(23)}art`;
/** A withdrawal vault address for tests. */
export const TEST_VAULT: Address = "0x00000000000000000000000000000000000000aa";

const sha256 = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const zeros = (n: number) => Buffer.alloc(n);

/**
 * deposit_data_root computed by hand, exactly as the beacon deposit contract's `deposit` does:
 * pubkey_root = sha256(pubkey ++ 16 zero bytes); signature_root = sha256(sha256(sig[0:64]) ++
 * sha256(sig[64:] ++ 32 zero bytes)); node = sha256(sha256(pubkey_root ++ withdrawal_credentials)
 * ++ sha256(amount as 8 little-endian bytes ++ 24 zero bytes ++ signature_root)).
 */
export function contractDepositDataRoot(
  pubkey: Buffer,
  withdrawalCredentials: Buffer,
  amountGwei: number,
  signature: Buffer,
): Buffer {
  const amount = Buffer.alloc(8);
  amount.writeBigUInt64LE(BigInt(amountGwei));
  const pubkeyRoot = sha256(pubkey, zeros(16));
  const signatureRoot = sha256(sha256(signature.subarray(0, 64)), sha256(signature.subarray(64), zeros(32)));
  return sha256(sha256(pubkeyRoot, withdrawalCredentials), sha256(amount, zeros(24), signatureRoot));
}

/**
 * hash_tree_root(DepositMessage) by hand: the same tree without the signature, the amount's leaf
 * paired with a zero leaf (padding to four leaves).
 */
export function handDepositMessageRoot(
  pubkey: Buffer,
  withdrawalCredentials: Buffer,
  amountGwei: number,
): Buffer {
  const amount = Buffer.alloc(8);
  amount.writeBigUInt64LE(BigInt(amountGwei));
  const pubkeyRoot = sha256(pubkey, zeros(16));
  return sha256(sha256(pubkeyRoot, withdrawalCredentials), sha256(amount, zeros(24), zeros(32)));
}
