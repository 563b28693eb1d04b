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
};

/** Genesis fork version of local chains, distinct from mainnet's so signatures cannot be replayed there. */
export const LOCAL_GENESIS_FORK_VERSION = "0x10000000";

/**
 * Mainnet chain config with every fork up to Fulu active from genesis (the current mainnet fork).
 * Only the deposit contract, chain id, fork versions and slot time differ from mainnet.
 */
export function createLocalChainConfig(params: ChainParams): ChainConfig {
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
    TERMINAL_TOTAL_DIFFICULTY: BigInt(0),
    SECONDS_PER_SLOT: params.secondsPerSlot,
    SLOT_DURATION_MS: params.secondsPerSlot * 1000,
    DEPOSIT_CHAIN_ID: params.depositChainId,
    DEPOSIT_NETWORK_ID: params.depositChainId,
    DEPOSIT_CONTRACT_ADDRESS: fromHex(params.depositContract),
  });
}

export function createLocalBeaconConfig(params: ChainParams, genesisValidatorsRoot: Root): BeaconConfig {
  return createBeaconConfig(createLocalChainConfig(params), genesisValidatorsRoot);
}
