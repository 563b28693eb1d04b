import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesToHex, type Hex } from "viem";
import type { DepositNetwork } from "./networks.js";
import { pythonJson } from "./pythonJson.js";
import type { SignedDeposit } from "./signing.js";

/**
 * Version written in `deposit_cli_version`: the staking-deposit-cli release whose file format this
 * package writes. The Launchpad reads the field to accept or refuse a file.
 */
export const DEPOSIT_CLI_VERSION = "2.8.0";

/** One entry of a deposit data file, exactly as staking-deposit-cli writes it (hex without 0x). */
export interface DepositDataEntry {
  pubkey: string;
  withdrawal_credentials: string;
  /** Gwei: 32000000000. */
  amount: number;
  signature: string;
  deposit_message_root: string;
  deposit_data_root: string;
  /** GENESIS_FORK_VERSION, 8 hex digits. */
  fork_version: string;
  network_name: string;
  deposit_cli_version: string;
}

/** The fields of an entry, in the tool's order. */
export const DEPOSIT_DATA_FIELDS = [
  "pubkey",
  "withdrawal_credentials",
  "amount",
  "signature",
  "deposit_message_root",
  "deposit_data_root",
  "fork_version",
  "network_name",
  "deposit_cli_version",
] as const satisfies readonly (keyof DepositDataEntry)[];

/** Hex without the 0x prefix, as the tool writes it. */
export function bareHex(bytes: Uint8Array | Hex): string {
  return (typeof bytes === "string" ? bytes : bytesToHex(bytes)).slice(2).toLowerCase();
}

/** The deposit data entry of a signed deposit for `network`. */
export function toDepositDataEntry(deposit: SignedDeposit, network: DepositNetwork): DepositDataEntry {
  return {
    pubkey: bareHex(deposit.pubkey),
    withdrawal_credentials: bareHex(deposit.withdrawalCredentials),
    amount: deposit.amount,
    signature: bareHex(deposit.signature),
    deposit_message_root: bareHex(deposit.depositMessageRoot),
    deposit_data_root: bareHex(deposit.depositDataRoot),
    fork_version: bareHex(network.forkVersion),
    network_name: network.networkName,
    deposit_cli_version: DEPOSIT_CLI_VERSION,
  };
}

/** A deposit data file's text, laid out as the tool's (`json.dumps`). */
export function formatDepositData(entries: readonly DepositDataEntry[]): string {
  return pythonJson(
    entries.map((entry) => Object.fromEntries(DEPOSIT_DATA_FIELDS.map((f) => [f, entry[f]]))),
  );
}

export interface WriteDepositDataParameters {
  entries: readonly DepositDataEntry[];
  /** Folder to write into; created if missing. */
  outDir: string;
  /** Seconds since the epoch in the file name; now by default. */
  timestamp?: number | undefined;
}

/**
 * Writes `deposit_data-<unix seconds>.json` in `outDir` as staking-deposit-cli does (read-only,
 * mode 0440) and returns its path. Refuses to overwrite an existing file.
 */
export async function writeDepositData({
  entries,
  outDir,
  timestamp,
}: WriteDepositDataParameters): Promise<string> {
  const seconds = timestamp ?? Math.floor(Date.now() / 1000);
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `deposit_data-${seconds}.json`);
  await writeFile(path, formatDepositData(entries), { flag: "wx", mode: 0o440 });
  return path;
}
