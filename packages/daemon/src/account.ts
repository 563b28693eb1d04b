/**
 * A daemon's signing account from its config: an encrypted keystore (decrypted by the SDK's
 * `decryptKeystore`), `<PREFIX>_PRIVATE_KEY`, or a development account of the public test mnemonic
 * (only on development chains). The key is registered with the logger for redaction and never
 * appears in an error.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { decryptKeystore, InvalidKeystoreError, KeystorePasswordError } from "@tributary/sdk/node";
import type { Hex, LocalAccount } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import type { Logger, Secret } from "./log.js";

/** Where a daemon's signing key comes from. */
export type AccountSource =
  | { kind: "keystore"; file: string; password: Secret | undefined }
  | { kind: "privateKey"; privateKey: Secret }
  | { kind: "dev"; index: number }
  /** No key: a daemon that only reads (e.g. the oracle's --dry-run). */
  | { kind: "none" };

/** Chain ids where --dev-account is accepted (anvil, Hardhat): its keys are public. */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];
/** The public test mnemonic anvil and Hardhat fund. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The account cannot be had: unreadable keystore, wrong password, bad key, dev account off a dev chain. */
export class AccountError extends Error {
  override name = "AccountError";
  /** A usage error: the process ends with 2. */
  readonly exitCode = 2;
}

export interface ResolveAccountOptions {
  /** The chain the daemon runs on (--dev-account is refused off development chains). */
  chainId: number;
  /**
   * Prefix of the daemon's environment variables: `${envPrefix}_PRIVATE_KEY`,
   * `${envPrefix}_KEYSTORE_PASSWORD` (named in errors). Default "ORACLE".
   */
  envPrefix?: string | undefined;
  /** Registers the key so that no log line ever holds it. */
  logger?: Logger | undefined;
  /**
   * Asks for the keystore's password when `${envPrefix}_KEYSTORE_PASSWORD` is unset. Default: a hidden
   * prompt when stdin and stderr are terminals, else an `AccountError`.
   */
  prompt?: ((question: string) => Promise<string>) | undefined;
}

/**
 * The signing account, or undefined for `{ kind: "none" }` (--dry-run without a key).
 *
 * @example
 * const account = await resolveAccount(config.account, { chainId, logger });
 */
export async function resolveAccount(
  source: AccountSource,
  options: ResolveAccountOptions,
): Promise<LocalAccount | undefined> {
  switch (source.kind) {
    case "none":
      return undefined;
    case "privateKey":
      return fromPrivateKey(
        source.privateKey.reveal() as Hex,
        `${options.envPrefix ?? "ORACLE"}_PRIVATE_KEY`,
        options.logger,
      );
    case "dev":
      return fromDevIndex(source.index, options);
    case "keystore":
      return fromKeystore(source.file, source.password?.reveal(), options);
  }
}

function fromPrivateKey(key: Hex, origin: string, logger: Logger | undefined): LocalAccount {
  let account: LocalAccount;
  try {
    account = privateKeyToAccount(key);
  } catch {
    // No cause: the library's message may quote the key.
    throw new AccountError(`${origin} is not a valid secp256k1 private key.`);
  }
  logger?.redact(key);
  return account;
}

function fromDevIndex(index: number, options: ResolveAccountOptions): LocalAccount {
  if (!DEV_CHAIN_IDS.includes(options.chainId)) {
    throw new AccountError(
      `--dev-account is refused on chain ${options.chainId}: its keys are public, so it works only on development chains (${DEV_CHAIN_IDS.join(", ")}). Use --keystore or ${options.envPrefix ?? "ORACLE"}_PRIVATE_KEY.`,
    );
  }
  const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (key) options.logger?.redact(Buffer.from(key).toString("hex"));
  return account;
}

async function fromKeystore(
  file: string,
  password: string | undefined,
  options: ResolveAccountOptions,
): Promise<LocalAccount> {
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (cause) {
    throw new AccountError(`The keystore ${file} cannot be read: ${(cause as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AccountError(`The keystore ${file} is not JSON.`);
  }
  let secret = password;
  if (secret === undefined) {
    const prompt = options.prompt ?? (interactive() ? promptHidden : undefined);
    if (!prompt) {
      throw new AccountError(
        `The keystore ${file} needs its password: set ${options.envPrefix ?? "ORACLE"}_KEYSTORE_PASSWORD (no terminal to ask on).`,
      );
    }
    secret = await prompt(`Password for ${file}: `);
  }
  let decrypted: Awaited<ReturnType<typeof decryptKeystore>>;
  try {
    decrypted = await decryptKeystore(parsed, secret, { name: file });
  } catch (error) {
    if (error instanceof InvalidKeystoreError || error instanceof KeystorePasswordError) {
      throw new AccountError(error.shortMessage);
    }
    throw error;
  }
  const account = fromPrivateKey(decrypted.privateKey, `The key in the keystore ${file}`, options.logger);
  if (decrypted.address && decrypted.address.toLowerCase() !== account.address.toLowerCase()) {
    throw new AccountError(
      `The keystore ${file} names address ${decrypted.address}, but its key is that of ${account.address}.`,
    );
  }
  return account;
}

/** Whether a person can answer: stdin and stderr are terminals. */
function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Reads a line on the terminal without echoing it. Ctrl-C ends the process with 130. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolvePassword) => {
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          resolvePassword(value);
          return;
        }
        if (char === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}
