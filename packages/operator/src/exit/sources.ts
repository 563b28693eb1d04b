/**
 * Where signed exits come from: a directory of EIP-2335 keystores (the exit is signed when needed)
 * or a directory of exits signed ahead of time (`tributary operator sign-exits`, for operators who
 * keep keys offline). Both index their directory once and decrypt or read lazily.
 */

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SecretKey } from "@chainsafe/blst";
import type { SignedVoluntaryExitJson } from "@tributary/daemon/beacon";
import type { Hex } from "viem";
import { loadKeystore } from "../keys/index.js";
import { ExitSourceError, NoExitKeyError } from "./errors.js";
import { type ExitDomainInput, signVoluntaryExit } from "./sign.js";

/** A validator to exit: its key and its index on the beacon chain. */
export interface ExitTarget {
  pubkey: Hex;
  validatorIndex: number;
}

export interface ExitSource {
  /** For logs: "keystores in DIR" or "pre-signed exits in DIR". */
  readonly description: string;
  /** Re-reads the directory (new files are picked up without a restart); returns how many it holds. */
  refresh(): Promise<number>;
  /** Whether it can give an exit for this validator. */
  has(target: ExitTarget): boolean;
  /** A signed exit for the validator, valid from `epoch` (a pre-signed one has its own epoch). */
  signedExit(target: ExitTarget, epoch: number, domain: ExitDomainInput): Promise<SignedVoluntaryExitJson>;
}

const lower = (hex: string) => hex.toLowerCase() as Hex;

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (cause) {
    throw new ExitSourceError(`The directory ${dir} cannot be read: ${(cause as Error).message}.`, cause);
  }
}

/**
 * EIP-2335 keystores in `dir` (any `*.json` with a `pubkey`), decrypted on first use with
 * `password` and kept in memory. A wrong password is `KeystorePasswordError` (from the keys module).
 */
export class KeystoreExitSource implements ExitSource {
  readonly description: string;
  private readonly files = new Map<Hex, string>();
  private readonly keys = new Map<Hex, SecretKey>();

  constructor(
    private readonly dir: string,
    private readonly password: string,
  ) {
    this.description = `keystores in ${dir}`;
  }

  async refresh(): Promise<number> {
    for (const name of await jsonFiles(this.dir)) {
      const path = join(this.dir, name);
      try {
        const parsed = JSON.parse(await readFile(path, "utf8")) as { pubkey?: unknown; crypto?: unknown };
        if (typeof parsed.pubkey === "string" && parsed.crypto)
          this.files.set(lower(`0x${parsed.pubkey.replace(/^0x/, "")}`), path);
      } catch {
        // Not a keystore (deposit data, notes): ignored.
      }
    }
    return this.files.size;
  }

  has(target: ExitTarget): boolean {
    return this.files.has(lower(target.pubkey));
  }

  /** The pubkeys of the keystores found. */
  pubkeys(): Hex[] {
    return [...this.files.keys()];
  }

  async signedExit(
    target: ExitTarget,
    epoch: number,
    domain: ExitDomainInput,
  ): Promise<SignedVoluntaryExitJson> {
    const pubkey = lower(target.pubkey);
    let key = this.keys.get(pubkey);
    if (!key) {
      const path = this.files.get(pubkey);
      if (!path) throw new NoExitKeyError(pubkey, this.description);
      key = await loadKeystore(path, this.password);
      this.keys.set(pubkey, key);
    }
    return signVoluntaryExit(key, { epoch, validatorIndex: target.validatorIndex }, domain);
  }
}

/** Exits signed ahead of time: `*.json` files in `dir`, each `{ message: { epoch, validator_index }, signature }`. */
export class PresignedExitSource implements ExitSource {
  readonly description: string;
  private readonly exits = new Map<number, SignedVoluntaryExitJson>();

  constructor(private readonly dir: string) {
    this.description = `pre-signed exits in ${dir}`;
  }

  async refresh(): Promise<number> {
    for (const name of await jsonFiles(this.dir)) {
      const exit = parseSignedExit(await readFile(join(this.dir, name), "utf8"));
      if (exit) this.exits.set(Number(exit.message.validator_index), exit);
    }
    return this.exits.size;
  }

  has(target: ExitTarget): boolean {
    return this.exits.has(target.validatorIndex);
  }

  async signedExit(target: ExitTarget): Promise<SignedVoluntaryExitJson> {
    const exit = this.exits.get(target.validatorIndex);
    if (!exit) throw new NoExitKeyError(target.pubkey, this.description);
    return exit;
  }
}

/** A signed exit in the standard JSON, or undefined for anything else. */
export function parseSignedExit(text: string): SignedVoluntaryExitJson | undefined {
  try {
    const value = JSON.parse(text) as {
      message?: { epoch?: unknown; validator_index?: unknown };
      signature?: unknown;
    };
    const { message, signature } = value;
    if (
      message &&
      typeof message.epoch === "string" &&
      /^\d+$/.test(message.epoch) &&
      typeof message.validator_index === "string" &&
      /^\d+$/.test(message.validator_index) &&
      typeof signature === "string" &&
      /^0x[0-9a-fA-F]{192}$/.test(signature)
    ) {
      return {
        message: { epoch: message.epoch, validator_index: message.validator_index },
        signature: lower(signature),
      };
    }
  } catch {
    // not JSON
  }
  return undefined;
}
