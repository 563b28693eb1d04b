import { BeaconClient } from "@tributary/daemon/beacon";
import { runExitDaemon, signExits as sign } from "@tributary/operator";
import type { Hex } from "viem";
import { usageError } from "../../exit.js";
import type { GlobalOptions } from "../../options.js";
import { output } from "../../output.js";
import { keysRefusal } from "./common.js";

/**
 * `tributary operator sign-exits --keystores <dir> --out <dir> [--pubkeys a,b] [--epoch n]`: exits
 * signed ahead of time (password from OPERATOR_KEYSTORE_PASSWORD) for the exit daemon's
 * --presigned-exits or any beacon node.
 */
export async function signExits(
  options: GlobalOptions & {
    keystores: string;
    out: string;
    beaconUrl: string;
    pubkeys?: string;
    epoch?: string;
  },
): Promise<void> {
  const password = process.env.OPERATOR_KEYSTORE_PASSWORD;
  if (!password) throw usageError("Set OPERATOR_KEYSTORE_PASSWORD to the keystores' password.");
  if (options.epoch !== undefined && !/^\d+$/.test(options.epoch))
    throw usageError(`--epoch "${options.epoch}" is not an epoch.`);
  const pubkeys = options.pubkeys
    ?.split(",")
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean) as Hex[] | undefined;
  let files: Awaited<ReturnType<typeof sign>>;
  try {
    files = await sign({
      beacon: new BeaconClient({ url: options.beaconUrl, attempts: 2 }),
      keystoresDir: options.keystores,
      password,
      outDir: options.out,
      pubkeys,
      epoch: options.epoch === undefined ? undefined : Number(options.epoch),
    });
  } catch (error) {
    throw keysRefusal(error);
  }
  output(
    options,
    files.length === 0
      ? "No validator of these keystores is known to the beacon chain yet: nothing signed."
      : [
          `Signed ${files.length} exits:`,
          ...files.map((f) => `  validator ${f.validatorIndex} ${f.pubkey} -> ${f.file}`),
        ].join("\n"),
    { action: "operator sign-exits", exits: files.map(({ exit: _, ...f }) => f) },
  );
}

/** `tributary operator exit-daemon [options]`: the exit daemon, with its own options (see its --help). */
export async function exitDaemon(argv: string[]): Promise<void> {
  process.exitCode = await runExitDaemon(argv);
}
