import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

/** A compiled contract as Hardhat writes it under `contracts/artifacts/`. */
export interface Artifact {
  contractName: string;
  abi: Abi;
  bytecode: Hex;
}

export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");

/** Contracts the deployer uses, by name, with the source they come from. */
const SOURCES = {
  TrETH: "src/token/TrETH.sol",
  WETH9: "src/external/WETH9.sol",
  DepositContract: "src/deposit/DepositContract.sol",
  DepositSecurity: "src/deposit/DepositSecurity.sol",
  OperatorRegistry: "src/operators/OperatorRegistry.sol",
  WithdrawalVault: "src/vaults/WithdrawalVault.sol",
  TributaryProxy: "src/proxy/TributaryProxy.sol",
  TributaryTimelock: "src/governance/TributaryTimelock.sol",
  WithdrawalQueue: "src/withdrawals/WithdrawalQueue.sol",
  HashConsensus: "src/oracle/HashConsensus.sol",
  Accounting: "src/accounting/Accounting.sol",
  RewardsDistributor: "src/accounting/RewardsDistributor.sol",
  TributaryGovernor: "src/governance/TributaryGovernor.sol",
} as const;

export type ContractName = keyof typeof SOURCES;

function findArtifactFile(name: ContractName): string {
  const path = join(ARTIFACTS_DIR, SOURCES[name], `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(
      `artifact for ${name} not found at ${path}: run \`npx hardhat build\` in contracts/ first`,
    );
  }
  return path;
}

const cache = new Map<ContractName, Artifact>();

/** Loads a compiled contract's ABI and creation bytecode. */
export function loadArtifact(name: ContractName): Artifact {
  const hit = cache.get(name);
  if (hit) return hit;
  const json = JSON.parse(readFileSync(findArtifactFile(name), "utf8")) as Artifact;
  const artifact = { contractName: json.contractName, abi: json.abi, bytecode: json.bytecode };
  cache.set(name, artifact);
  return artifact;
}
