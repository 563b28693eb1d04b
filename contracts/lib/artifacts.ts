import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as abis from "@tributary/sdk/abis";
import type { Abi, Hex } from "viem";

/**
 * A contract the deployer creates: its creation bytecode from the build artifact and its ABI from
 * the SDK's generated bindings (the repository's one copy of the ABIs).
 */
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
  TrETHRateFeed: "src/feeds/TrETHRateFeed.sol",
  Morpho: "@morpho-org/morpho-blue/src/Morpho.sol",
  TrETHMorphoOracle: "src/defi/TrETHMorphoOracle.sol",
  FixedRateIrm: "src/defi/FixedRateIrm.sol",
  MessageBridge: "src/crosschain/MessageBridge.sol",
  TokenBridge: "src/crosschain/TokenBridge.sol",
  BridgedTrETH: "src/crosschain/BridgedTrETH.sol",
  RateSender: "src/crosschain/RateSender.sol",
  RateReceiver: "src/crosschain/RateReceiver.sol",
  RemoteDepositPool: "src/crosschain/RemoteDepositPool.sol",
  RemoteStakeReceiver: "src/crosschain/RemoteStakeReceiver.sol",
  GovernanceRelay: "src/crosschain/GovernanceRelay.sol",
} as const;

export type ContractName = keyof typeof SOURCES;

/** The SDK's ABI of each contract. */
const ABIS: Record<ContractName, Abi> = {
  TrETH: abis.trETHAbi,
  WETH9: abis.wethAbi,
  DepositContract: abis.depositContractAbi,
  DepositSecurity: abis.depositSecurityAbi,
  OperatorRegistry: abis.operatorRegistryAbi,
  WithdrawalVault: abis.withdrawalVaultAbi,
  TributaryProxy: abis.proxyAbi,
  TributaryTimelock: abis.timelockAbi,
  WithdrawalQueue: abis.withdrawalQueueAbi,
  HashConsensus: abis.hashConsensusAbi,
  Accounting: abis.accountingAbi,
  RewardsDistributor: abis.rewardsDistributorAbi,
  TributaryGovernor: abis.governorAbi,
  TrETHRateFeed: abis.rateFeedAbi,
  Morpho: abis.morphoAbi,
  TrETHMorphoOracle: abis.morphoOracleAbi,
  FixedRateIrm: abis.fixedRateIrmAbi,
  MessageBridge: abis.messageBridgeAbi,
  TokenBridge: abis.tokenBridgeAbi,
  BridgedTrETH: abis.bridgedTrETHAbi,
  RateSender: abis.rateSenderAbi,
  RateReceiver: abis.rateReceiverAbi,
  RemoteDepositPool: abis.remoteDepositPoolAbi,
  RemoteStakeReceiver: abis.remoteStakeReceiverAbi,
  GovernanceRelay: abis.governanceRelayAbi,
};

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

/** A contract's ABI (from the SDK) and creation bytecode (from the build). */
export function loadArtifact(name: ContractName): Artifact {
  const hit = cache.get(name);
  if (hit) return hit;
  const json = JSON.parse(readFileSync(findArtifactFile(name), "utf8")) as { bytecode: Hex };
  const artifact = { contractName: name, abi: ABIS[name], bytecode: json.bytecode };
  cache.set(name, artifact);
  return artifact;
}
