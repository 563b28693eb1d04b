import {
  generateMnemonic as generateBip39,
  mnemonicToEntropy,
  mnemonicToSeedSync as seedBip39,
} from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english";
import { InvalidMnemonicError } from "./errors.js";

/** 256 bits of entropy: 24 words, as staking-deposit-cli generates. */
export const MNEMONIC_STRENGTH_BITS = 256;
/** Word counts BIP-39 defines (128 to 256 bits of entropy in steps of 32). */
const WORD_COUNTS = [12, 15, 18, 21, 24] as const;

/** A fresh 24-word BIP-39 English mnemonic from the system's CSPRNG. Never log it. */
export function generateMnemonic(): string {
  return generateBip39(wordlist, MNEMONIC_STRENGTH_BITS);
}

/** The mnemonic as BIP-39 reads it: NFKD, lower case, single spaces. */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.normalize("NFKD").trim().toLowerCase().split(/\s+/u).join(" ");
}

/**
 * Throws `InvalidMnemonicError` unless `mnemonic` is a valid BIP-39 English mnemonic. The error
 * names the position of a wrong word, never the word itself.
 */
export function assertMnemonic(mnemonic: string): void {
  const normalized = normalizeMnemonic(mnemonic);
  const words = normalized === "" ? [] : normalized.split(" ");
  if (!(WORD_COUNTS as readonly number[]).includes(words.length))
    throw new InvalidMnemonicError(
      `${words.length} words, expected ${WORD_COUNTS.join(", ")} (24 by default)`,
    );
  const unknown = words.findIndex((word) => !wordlist.includes(word));
  if (unknown !== -1)
    throw new InvalidMnemonicError(`word ${unknown + 1} is not in the BIP-39 English wordlist`);
  try {
    mnemonicToEntropy(normalized, wordlist);
  } catch {
    throw new InvalidMnemonicError("checksum does not match (a word is wrong or out of order)");
  }
}

/** True when `mnemonic` is a valid BIP-39 English mnemonic. */
export function isValidMnemonic(mnemonic: string): boolean {
  try {
    assertMnemonic(mnemonic);
    return true;
  } catch {
    return false;
  }
}

/**
 * The 64-byte BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds) of a valid mnemonic and an optional
 * passphrase ("" by default, as staking-deposit-cli uses). Throws `InvalidMnemonicError` first.
 */
export function mnemonicToSeed(mnemonic: string, passphrase = ""): Uint8Array {
  assertMnemonic(mnemonic);
  return seedBip39(normalizeMnemonic(mnemonic), passphrase);
}
