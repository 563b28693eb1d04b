/**
 * Writes the benchmark's Ponder project into a directory: the files of `template/` (config, schema,
 * handlers, API), the figures they read (`bench.json`), and a link to the workspace's
 * `node_modules` so that `ponder`, `hono` and `viem` resolve from there.
 */
import { cpSync, existsSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi } from "viem";

const TEMPLATE = fileURLToPath(new URL("./template", import.meta.url));
const ROOT_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));

export interface PonderProject {
  rpcUrl: string;
  chainId: number;
  startBlock: number;
  /** PGlite directory. */
  pglite: string;
  contracts: { name: string; address: string; abi: Abi }[];
}

export function writePonderProject(dir: string, project: PonderProject): void {
  if (!existsSync(join(ROOT_MODULES, "ponder"))) {
    throw new Error(`ponder is not installed in ${ROOT_MODULES}: run npm install`);
  }
  cpSync(TEMPLATE, dir, { recursive: true });
  writeFileSync(join(dir, "bench.json"), JSON.stringify(project));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "tributary-bench-ponder", private: true, type: "module" }),
  );
  symlinkSync(ROOT_MODULES, join(dir, "node_modules"), "dir");
}

/** The Ponder CLI's entry point in the workspace's node_modules. */
export function ponderBin(): string {
  return join(ROOT_MODULES, "ponder", "dist", "esm", "bin", "ponder.js");
}
