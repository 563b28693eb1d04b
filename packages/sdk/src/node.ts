/**
 * Node.js-only helpers: deployments read from disk (browsers pass a `Deployment` object instead) and
 * Web3 Secret Storage keystores decrypted with `node:crypto`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type CrosschainDeployment, parseCrosschainDeployment } from "./crosschain/deployment.js";
import type { Deployment } from "./deployment.js";
import { InvalidArgumentError } from "./errors/base.js";

export {
  type DecryptKeystoreErrorType,
  type DecryptKeystoreParameters,
  type DecryptKeystoreReturnType,
  decryptKeystore,
  InvalidKeystoreError,
  type InvalidKeystoreErrorType,
  KeystorePasswordError,
  type KeystorePasswordErrorType,
} from "./node/keystore.js";

/** The repository's `deployments/` folder, where the deploy script writes `<chainId>.json`. */
export const DEFAULT_DEPLOYMENTS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "deployments",
);

/**
 * Reads a deployment: from `file` when given, else `<dir>/<chainId>.json` (default: the
 * repository's `deployments/`, where `npm start` and the deploy script write it).
 */
export function loadDeployment(options: { chainId?: number; file?: string; dir?: string }): Deployment {
  const file = options.file
    ? resolve(options.file)
    : join(options.dir ?? DEFAULT_DEPLOYMENTS_DIR, `${options.chainId ?? "unknown"}.json`);
  if (!existsSync(file)) {
    throw new InvalidArgumentError(
      "deployment",
      options.file
        ? `The deployment file ${file} does not exist.`
        : `No deployment of Tributary is known for chain ${options.chainId}: ${file} does not exist (run \`npm start\` or the deploy script, or pass a deployment file).`,
      { docsPath: "deployments" },
    );
  }
  let parsed: Deployment;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Deployment;
  } catch (cause) {
    throw new InvalidArgumentError("deployment", `The deployment file ${file} is not valid JSON.`, { cause });
  }
  if (!parsed?.contracts?.token || typeof parsed.chainId !== "number") {
    throw new InvalidArgumentError(
      "deployment",
      `The deployment file ${file} has no chainId or no trETH address.`,
    );
  }
  if (options.chainId !== undefined && parsed.chainId !== options.chainId) {
    throw new InvalidArgumentError(
      "deployment",
      `The deployment file ${file} is for chain ${parsed.chainId}, not chain ${options.chainId}.`,
    );
  }
  return parsed;
}

/**
 * Reads the crosschain deployment (both sides of trETH's bridge): from `file` when given, else
 * `<dir>/crosschain.json` (default: the repository's `deployments/`, where `npm start -- --with-l2`
 * writes it). Returns undefined when no file is given and the default one does not exist; throws
 * `InvalidArgumentError` naming what is wrong otherwise.
 */
export function loadCrosschainDeployment(
  options: { file?: string; dir?: string } = {},
): CrosschainDeployment | undefined {
  const file = options.file
    ? resolve(options.file)
    : join(options.dir ?? DEFAULT_DEPLOYMENTS_DIR, "crosschain.json");
  if (!existsSync(file)) {
    if (!options.file) return undefined;
    throw new InvalidArgumentError("crosschain", `The crosschain deployment file ${file} does not exist.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new InvalidArgumentError(
      "crosschain",
      `The crosschain deployment file ${file} is not valid JSON.`,
      {
        cause,
      },
    );
  }
  return parseCrosschainDeployment(parsed, file);
}
