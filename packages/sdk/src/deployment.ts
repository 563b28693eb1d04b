import type { Address, Chain, Client, Transport } from "viem";
import { DeploymentNotFoundError } from "./errors/base.js";
import { deployments } from "./generated/deployments.js";

/** Addresses of one deployment of the protocol. */
export interface DeploymentContracts {
  /** trETH: the token, the ERC-4626 vault and the ERC-7540 redemption entry point. */
  token: Address;
  weth: Address;
  /** The beacon chain deposit contract. */
  depositContract: Address;
  operatorRegistry: Address;
  operatorRegistryImplementation: Address;
  depositSecurity: Address;
  depositSecurityImplementation: Address;
  /** Every validator's withdrawal address and fee recipient (withdrawals, priority fees, MEV). */
  withdrawalVault: Address;
  withdrawalVaultImplementation: Address;
  timelock: Address;
  /** ERC-721 withdrawal tickets. */
  withdrawalQueue: Address;
  /** Oracle committee: members agree on each frame's report hash. */
  hashConsensus: Address;
  /** Applies agreed reports (rewards, losses, fees, finalization, exit requests). */
  accounting: Address;
  /** Operators claim their commission (trETH) here with Merkle proofs. */
  rewardsDistributor: Address;
  rewardsDistributorImplementation: Address;
  /** trETH-voting Governor. */
  governor: Address;
}

/** Who holds what once the deployment is done. */
export interface DeploymentHandover {
  /** The deployer also proposes, cancels and executes on the timelock (development only). */
  devAdmin: boolean;
  /** Anyone executes a ready timelock operation (else the Governor only). */
  openExecution: boolean;
  /** Seconds. */
  timelockDelay: string;
  emergencyCommittee: Address;
  treasury: Address;
  /** Wei staked for the dead shares. */
  seed: string;
  /** The Governor's quorum floor, trETH wei. */
  minimumQuorum: string;
}

/** The oracle committee as deployed: members, quorum and the frames of the beacon chain it follows. */
export interface DeploymentOracle {
  members: Address[];
  /** Matching votes a report needs. */
  quorum: number;
  slotsPerEpoch: number;
  secondsPerSlot: number;
  /** The beacon chain's genesis time, unix seconds, decimal. */
  genesisTime: string;
  /** First epoch of frame 0; its reference slot is the last slot of the epoch before. */
  initialEpoch: number;
  epochsPerFrame: number;
}

/** The sanity limits every report is checked against, and the named preset they come from. */
export interface DeploymentLimits {
  /** "mainnet" (the contract's defaults) or "devnet" (local chains only). */
  preset: string;
  treasuryFeeBps: number;
  maxAnnualClGrowthBps: number;
  maxLossBps: number;
  /** 1e-9 of the rate. */
  maxRateIncreasePerReport: number;
  maxCommissionBps: number;
  /** Seconds. */
  exitDeadline: number;
  /** Wei, decimal. */
  missedExitPenalty: string;
}

/** trETH's integrations on the chain: its rate feed, its Uniswap v3 pool and its lending market. */
export interface DeploymentDefi {
  /** `TrETHRateFeed`: Chainlink `AggregatorV3Interface` and `getRate()` over the token's own rate. */
  rateFeed: Address;
  uniswap?:
    | {
        factory: Address;
        positionManager: Address;
        swapRouter: Address;
        quoter: Address;
        /** The trETH/WETH pool. */
        pool: Address;
        /** Its fee tier, hundredths of a basis point (100 = 0.01%). */
        fee: number;
      }
    | undefined;
  /** The Morpho Blue market with trETH as collateral and WETH as the loan. */
  morpho?:
    | {
        morpho: Address;
        /** `TrETHMorphoOracle`: the token's rate, Morpho's 1e36 scale. */
        oracle: Address;
        irm: Address;
        /** Liquidation LTV, 1e18 scale, decimal. */
        lltv: string;
        marketId: `0x${string}`;
        loanToken: Address;
        collateralToken: Address;
      }
    | undefined;
}

/** A deployment as the deploy script writes it to `deployments/<chainId>.json`. */
export interface Deployment {
  chainId: number;
  deployer: Address;
  /** Block of the last deployment transaction, decimal: event scans start here. */
  blockNumber: string;
  /** Block of the first deployment transaction, decimal. */
  startBlock?: string | undefined;
  contracts: DeploymentContracts;
  guardians: Address[];
  guardianQuorum: number;
  handover: DeploymentHandover;
  /** The oracle committee at deployment (files written before it was recorded lack it). */
  oracle?: DeploymentOracle | undefined;
  /** The sanity limits at deployment (files written before they were recorded lack them). */
  limits?: DeploymentLimits | undefined;
  /** trETH's DeFi integrations, once deployed (`npm run deploy-defi`). */
  defi?: DeploymentDefi | undefined;
}

/** Parameter every action takes: the deployment to use, else the published one of the client's chain. */
export interface DeploymentParameter {
  deployment?: Deployment | undefined;
}

/**
 * The deployment an action uses: the one passed in, else the published deployment of the client's
 * chain. Throws `DeploymentNotFoundError` when there is neither.
 */
export function resolveDeployment(
  client: Client<Transport, Chain | undefined>,
  deployment?: Deployment | undefined,
): Deployment {
  if (deployment) return deployment;
  const chainId = client.chain?.id;
  const known = chainId === undefined ? undefined : deployments[chainId];
  if (!known) throw new DeploymentNotFoundError({ chainId });
  return known;
}

/** The published deployment on `chainId`, if any. */
export function getDeployment(chainId: number): Deployment | undefined {
  return deployments[chainId];
}
