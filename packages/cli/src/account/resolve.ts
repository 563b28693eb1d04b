/**
 * The account that signs: --keystore, else --dev-account, else TRIBUTARY_PRIVATE_KEY. A key is
 * never printed, not even in an error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Hex, LocalAccount } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { CliError, ExitCode, refused, usageError } from "../exit.js";
import type { GlobalOptions } from "../options.js";
import { interactive, promptHidden } from "../prompt.js";
import { decryptKeystore } from "./keystore.js";

/** The public test mnemonic that anvil and Hardhat fund: its keys are known to everyone. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/**
 * Chain ids of development chains (anvil, Hardhat, and the local remote chain of `npm start --
 * --with-l2`), the only ones --dev-account works on.
 */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 31338, 1337];
const MAX_DEV_INDEX = 1_000;

/** Whether any way to sign was given (flags or environment). */
export function hasAccount(options: GlobalOptions): boolean {
  return Boolean(options.keystore || options.devAccount !== undefined || process.env.TRIBUTARY_PRIVATE_KEY);
}

async function fromKeystore(file: string): Promise<LocalAccount> {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (cause) {
    throw new CliError(`The keystore ${file} cannot be read: ${(cause as Error).message}.`, ExitCode.usage);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usageError(`The keystore ${file} is not JSON.`);
  }
  let password = process.env.TRIBUTARY_KEYSTORE_PASSWORD;
  if (password === undefined) {
    if (!interactive()) {
      throw usageError(
        `The keystore ${file} needs its password: set TRIBUTARY_KEYSTORE_PASSWORD (no terminal to ask on).`,
      );
    }
    password = await promptHidden(`Password for ${file}: `);
  }
  const { privateKey, address } = await decryptKeystore(parsed, password, file);
  const account = privateKeyToAccount(privateKey);
  if (address && account.address.toLowerCase() !== `0x${address.replace(/^0x/, "")}`.toLowerCase()) {
    throw usageError(
      `The keystore ${file} names address 0x${address.replace(/^0x/, "")}, but its key is that of ${account.address}.`,
    );
  }
  return account;
}

function fromDevIndex(text: string, chainId: number): LocalAccount {
  if (!/^\d+$/.test(text) || Number(text) >= MAX_DEV_INDEX) {
    throw usageError(`--dev-account "${text}" is not an account index: give a whole number from 0 to 999.`);
  }
  if (!DEV_CHAIN_IDS.includes(chainId)) {
    throw refused(
      `--dev-account is refused on chain ${chainId}: its keys are public, so it works only on development chains (${DEV_CHAIN_IDS.join(", ")}). Use --keystore or TRIBUTARY_PRIVATE_KEY.`,
    );
  }
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: Number(text) });
}

function fromEnvironment(value: string): LocalAccount {
  const hex = value.trim().replace(/^0x/, "");
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw usageError(
      "TRIBUTARY_PRIVATE_KEY is not a private key: expected 64 hexadecimal digits (with or without 0x).",
    );
  }
  try {
    return privateKeyToAccount(`0x${hex}` as Hex);
  } catch {
    throw usageError("TRIBUTARY_PRIVATE_KEY is not a valid secp256k1 private key.");
  }
}

/** The signing account, or a usage error saying how to give one. */
export async function resolveAccount(options: GlobalOptions, chainId: number): Promise<LocalAccount> {
  if (options.keystore && options.devAccount !== undefined) {
    throw usageError("Give either --keystore or --dev-account, not both.");
  }
  if (options.keystore) return fromKeystore(options.keystore);
  if (options.devAccount !== undefined) return fromDevIndex(options.devAccount, chainId);
  const fromEnv = process.env.TRIBUTARY_PRIVATE_KEY;
  if (fromEnv) return fromEnvironment(fromEnv);
  throw usageError(
    "This command needs an account: pass --keystore <file>, set TRIBUTARY_PRIVATE_KEY, or on a development chain pass --dev-account <index>.",
  );
}
