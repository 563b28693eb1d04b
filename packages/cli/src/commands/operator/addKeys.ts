import { readFile } from "node:fs/promises";
import { BeaconClient } from "@tributary/daemon/beacon";
import { depositForkVersion, planAddKeys, sendAddKeys } from "@tributary/operator";
import { refused, usageError } from "../../exit.js";
import { formatEth } from "../../format.js";
import { output } from "../../output.js";
import { parseAmount } from "../../parse.js";
import { confirm, interactive } from "../../prompt.js";
import { progress } from "../../state.js";
import { connectSigner } from "../../transaction.js";
import { keysRefusal, type OperatorOptions, operatorIdOf } from "./common.js";

/**
 * `tributary operator add-keys --deposit-data <file> [--bond <eth> | --auto-bond]`: the whole file
 * is checked before anything is sent (network, credentials, signatures, duplicates, keys already
 * used, bond); keys go in chunks, one transaction each; a re-run skips keys already added.
 */
export async function addKeys(
  options: OperatorOptions & {
    depositData: string;
    bond?: string;
    autoBond: boolean;
    chunkSize: string;
    beaconUrl?: string;
  },
): Promise<void> {
  if (options.bond !== undefined && options.autoBond)
    throw usageError("Give --bond or --auto-bond, not both.");
  const bond = options.bond === undefined ? undefined : parseAmount(options.bond, "bond", "ETH");
  const chunkSize = Number(options.chunkSize);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 500)
    throw usageError(`--chunk-size "${options.chunkSize}" is not a whole number from 1 to 500.`);
  let text: string;
  try {
    text = await readFile(options.depositData, "utf8");
  } catch (error) {
    throw usageError(
      `The deposit data file ${options.depositData} cannot be read: ${(error as Error).message}.`,
    );
  }
  const context = await connectSigner(options);
  const { client, wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const beacon = options.beaconUrl ? new BeaconClient({ url: options.beaconUrl, attempts: 2 }) : undefined;
  const forkVersion = await depositForkVersion(deployment.chainId, beacon);
  let plan: Awaited<ReturnType<typeof planAddKeys>>;
  try {
    plan = await planAddKeys(client, {
      deployment,
      operatorId,
      depositData: text,
      forkVersion,
      bond,
      autoBond: options.autoBond,
    });
  } catch (error) {
    throw keysRefusal(error);
  }
  const summary = `Add ${plan.toAdd.length} keys of ${plan.deposits.length} in ${options.depositData} to operator ${operatorId}${plan.skipped.length > 0 ? ` (${plan.skipped.length} already added, skipped)` : ""}, posting ${formatEth(plan.bond)} ETH of bond (the registry needs ${formatEth(plan.requiredBond)} ETH), in ${Math.ceil(plan.toAdd.length / chunkSize)} transactions.`;
  if (plan.toAdd.length === 0) {
    output(
      options,
      `Every key of ${options.depositData} is already added to operator ${operatorId}: nothing to do.`,
      {
        action: "operator add-keys",
        operatorId,
        added: [],
        skipped: plan.skipped,
        hashes: [],
      },
    );
    return;
  }
  if (!options.json) process.stdout.write(`${summary}\n`);
  if (!options.yes) {
    if (!interactive())
      throw usageError("No terminal to ask for a confirmation on: pass --yes to send without one.");
    if (!(await confirm("Send?"))) throw refused("You declined.");
  }
  progress.sent = true;
  const result = await sendAddKeys(wallet, plan, {
    deployment,
    keysPerTransaction: chunkSize,
    onProgress: ({ chunk, chunks, keys, hash }) => {
      if (!options.json) process.stdout.write(`  ${chunk}/${chunks}: ${keys} keys in ${hash}\n`);
    },
  });
  output(
    options,
    `Added ${result.added.length} keys to operator ${operatorId} in ${result.hashes.length} transactions.`,
    {
      action: "operator add-keys",
      operatorId,
      added: result.added,
      skipped: plan.skipped,
      hashes: result.hashes,
      bond: plan.bond,
      requiredBond: plan.requiredBond,
    },
  );
}
