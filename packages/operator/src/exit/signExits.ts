/**
 * Exits signed ahead of time, for operators who keep keys offline: one file per validator,
 * `exit_<index>_<pubkey prefix>.json` in the standard JSON `{ message: { epoch, validator_index },
 * signature }`, for the exit daemon's `--presigned-exits` (or any beacon node's pool). Under
 * EIP-7044 such an exit stays valid across forks.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BeaconClient, SignedVoluntaryExitJson } from "@tributary/daemon/beacon";
import type { Hex } from "viem";
import { readChainInfo } from "./daemon.js";
import { ExitSourceError } from "./errors.js";
import { KeystoreExitSource } from "./sources.js";

export interface SignExitsParameters {
  beacon: BeaconClient;
  keystoresDir: string;
  password: string;
  outDir: string;
  /** Only these pubkeys (default: every keystore whose validator the beacon chain knows). */
  pubkeys?: readonly Hex[] | undefined;
  /** The exit's epoch (default: the head's). An exit is valid from its epoch on. */
  epoch?: number | undefined;
}

export interface SignedExitFile {
  pubkey: Hex;
  validatorIndex: number;
  file: string;
  exit: SignedVoluntaryExitJson;
}

export async function signExits(parameters: SignExitsParameters): Promise<SignedExitFile[]> {
  const { beacon } = parameters;
  const source = new KeystoreExitSource(parameters.keystoresDir, parameters.password);
  await source.refresh();
  const chain = await readChainInfo(beacon);
  const epoch =
    parameters.epoch ?? Math.floor(((await beacon.header("head"))?.slot ?? 0) / chain.slotsPerEpoch);
  const wanted = parameters.pubkeys?.map((p) => p.toLowerCase() as Hex) ?? source.pubkeys();
  if (wanted.length === 0) throw new ExitSourceError(`No keystores in ${parameters.keystoresDir}.`);
  const validators = await beacon.validators("head", wanted);
  await mkdir(parameters.outDir, { recursive: true });
  const out: SignedExitFile[] = [];
  for (const validator of validators) {
    const target = { pubkey: validator.pubkey, validatorIndex: validator.index };
    if (!source.has(target)) continue;
    const exit = await source.signedExit(target, epoch, chain.domain);
    const file = join(parameters.outDir, `exit_${validator.index}_${validator.pubkey.slice(2, 10)}.json`);
    await writeFile(file, `${JSON.stringify(exit, null, 2)}\n`, { mode: 0o600 });
    out.push({ pubkey: validator.pubkey, validatorIndex: validator.index, file, exit });
  }
  return out;
}
