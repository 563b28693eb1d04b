import { type BeaconConfig, type ChainConfig, createBeaconConfig, createChainConfig } from "@lodestar/config";
import { mainnetChainConfig } from "@lodestar/config/configs";
import type { Root } from "@lodestar/types";
import { fromHex } from "./hex.js";

/** Mainnet's beacon deposit contract address; used as the default install address on the local EVM. */
export const MAINNET_DEPOSIT_CONTRACT = "0x00000000219ab540356cBB839Cbe05303d7705Fa";

export type ChainParams = {
  /** EVM chain id of the execution node (DEPOSIT_CHAIN_ID / DEPOSIT_NETWORK_ID). */
  depositChainId: number;
  /** Beacon deposit contract on the execution node. */
  depositContract: string;
  /** Slot length in seconds (mainnet: 12). */
  secondsPerSlot: number;
} & Partial<ChainTiming>;

/**
 * Chain-config (not preset) timing values that devnets and testnets shorten. They only move when a
 * validator may exit or withdraw; rewards, penalties and slashing come from the mainnet preset either way.
 */
export type ChainTiming = {
  /** SHARD_COMMITTEE_PERIOD: epochs a validator must be active before it may exit (mainnet 256, ~27 h). */
  shardCommitteePeriod: number;
  /** MIN_VALIDATOR_WITHDRAWABILITY_DELAY: epochs from exit to withdrawable (mainnet 256, ~27 h). */
  minValidatorWithdrawabilityDelay: number;
};

/** Mainnet's values (the default). */
export const MAINNET_TIMING: Readonly<ChainTiming> = Object.freeze({
  shardCommitteePeriod: mainnetChainConfig.SHARD_COMMITTEE_PERIOD,
  minValidatorWithdrawabilityDelay: mainnetChainConfig.MIN_VALIDATOR_WITHDRAWABILITY_DELAY,
});

/**
 * `--devnet-timing`: a deposit can go from activation to exit to full withdrawal in a few dozen epochs
 * (4 epochs ~ 26 minutes at 12 s slots) instead of ~530.
 */
export const DEVNET_TIMING: Readonly<ChainTiming> = Object.freeze({
  shardCommitteePeriod: 4,
  minValidatorWithdrawabilityDelay: 4,
});

/** The timing a chain runs with: its params' values, mainnet's where absent. */
export function chainTiming(params: Partial<ChainTiming>): ChainTiming {
  return {
    shardCommitteePeriod: params.shardCommitteePeriod ?? MAINNET_TIMING.shardCommitteePeriod,
    minValidatorWithdrawabilityDelay:
      params.minValidatorWithdrawabilityDelay ?? MAINNET_TIMING.minValidatorWithdrawabilityDelay,
  };
}

/** Genesis fork version of local chains, distinct from mainnet's so signatures cannot be replayed there. */
export const LOCAL_GENESIS_FORK_VERSION = "0x10000000";

/**
 * Mainnet chain config with every fork up to Fulu active from genesis (the current mainnet fork).
 * Only the deposit contract, chain id, fork versions, slot time and (when set) the timing of
 * `ChainTiming` differ from mainnet; `/eth/v1/config/spec` reports whatever this returns.
 */
export function createLocalChainConfig(params: ChainParams): ChainConfig {
  const timing = chainTiming(params);
  return createChainConfig({
    ...mainnetChainConfig,
    CONFIG_NAME: "tributary-local",
    MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: 1,
    MIN_GENESIS_TIME: 0,
    GENESIS_DELAY: 0,
    GENESIS_FORK_VERSION: fromHex(LOCAL_GENESIS_FORK_VERSION),
    ALTAIR_FORK_VERSION: fromHex("0x10000001"),
    ALTAIR_FORK_EPOCH: 0,
    BELLATRIX_FORK_VERSION: fromHex("0x10000002"),
    BELLATRIX_FORK_EPOCH: 0,
    CAPELLA_FORK_VERSION: fromHex("0x10000003"),
    CAPELLA_FORK_EPOCH: 0,
    DENEB_FORK_VERSION: fromHex("0x10000004"),
    DENEB_FORK_EPOCH: 0,
    ELECTRA_FORK_VERSION: fromHex("0x10000005"),
    ELECTRA_FORK_EPOCH: 0,
    FULU_FORK_VERSION: fromHex("0x10000006"),
    FULU_FORK_EPOCH: 0,
    GLOAS_FORK_VERSION: fromHex("0x10000007"),
    GLOAS_FORK_EPOCH: Number.POSITIVE_INFINITY,
    HEZE_FORK_VERSION: fromHex("0x10000008"),
    HEZE_FORK_EPOCH: Number.POSITIVE_INFINITY,
    TERMINAL_TOTAL_DIFFICULTY: BigInt(0),
    SECONDS_PER_SLOT: params.secondsPerSlot,
    SLOT_DURATION_MS: params.secondsPerSlot * 1000,
    DEPOSIT_CHAIN_ID: params.depositChainId,
    DEPOSIT_NETWORK_ID: params.depositChainId,
    DEPOSIT_CONTRACT_ADDRESS: fromHex(params.depositContract),
    SHARD_COMMITTEE_PERIOD: timing.shardCommitteePeriod,
    MIN_VALIDATOR_WITHDRAWABILITY_DELAY: timing.minValidatorWithdrawabilityDelay,
  });
}

export function createLocalBeaconConfig(params: ChainParams, genesisValidatorsRoot: Root): BeaconConfig {
  return createBeaconConfig(createLocalChainConfig(params), genesisValidatorsRoot);
}
