import { type Address, type Hex, isAddress } from "viem";
import { LOCAL_GENESIS_FORK_VERSION } from "../../../consensus/src/config.js";
import { InvalidKeysArgumentError } from "./errors.js";

/** A network deposits are signed for: its GENESIS_FORK_VERSION and the name deposit data files carry. */
export interface DepositNetwork {
  /** GENESIS_FORK_VERSION, 4 bytes, e.g. `0x00000000` for mainnet. */
  forkVersion: Hex;
  /** `network_name` of staking-deposit-cli's deposit data, e.g. `mainnet`. */
  networkName: string;
}

/**
 * Networks known by name. Genesis fork versions as in the networks' published configs (mainnet,
 * sepolia and hoodi as @lodestar/config 1.46 has them; holesky as staking-deposit-cli's settings).
 * `devnet` is the project's local chain (packages/consensus).
 */
export const NETWORKS = Object.freeze({
  mainnet: Object.freeze({ forkVersion: "0x00000000", networkName: "mainnet" }),
  sepolia: Object.freeze({ forkVersion: "0x90000069", networkName: "sepolia" }),
  holesky: Object.freeze({ forkVersion: "0x01017000", networkName: "holesky" }),
  hoodi: Object.freeze({ forkVersion: "0x10000910", networkName: "hoodi" }),
  devnet: Object.freeze({ forkVersion: LOCAL_GENESIS_FORK_VERSION, networkName: "tributary-devnet" }),
} satisfies Record<string, Readonly<DepositNetwork>>);

export type NetworkName = keyof typeof NETWORKS;

/** The known network whose genesis fork version is `forkVersion`, if any. */
export function networkByForkVersion(forkVersion: Hex): Readonly<DepositNetwork> | undefined {
  const wanted = forkVersion.toLowerCase();
  return Object.values(NETWORKS).find((network) => network.forkVersion === wanted);
}

/** `name (0xforkversion)` for messages; the name of a known network when the file gives none. */
export function describeNetwork(forkVersion: Hex, networkName?: string): string {
  const name = networkName ?? networkByForkVersion(forkVersion)?.networkName ?? "unknown network";
  return `${name} (${forkVersion.toLowerCase()})`;
}

/** Throws `InvalidKeysArgumentError` unless `forkVersion` is 4 bytes of hex. */
export function assertForkVersion(forkVersion: string): asserts forkVersion is Hex {
  if (!/^0x[0-9a-fA-F]{8}$/u.test(forkVersion))
    throw new InvalidKeysArgumentError("fork version", `"${forkVersion}" is not 4 bytes of 0x-prefixed hex`);
}

/** Prefix of withdrawal credentials that pay an execution-layer address (EIP-4895 type 0x01). */
export const ETH1_ADDRESS_WITHDRAWAL_PREFIX = 0x01;

/**
 * Type-0x01 withdrawal credentials of `withdrawalVault`: 0x01 ++ 11 zero bytes ++ the 20-byte
 * address. Every Tributary validator withdraws to the protocol's withdrawal vault.
 */
export function withdrawalCredentials(withdrawalVault: Address): Hex {
  if (!isAddress(withdrawalVault, { strict: false }))
    throw new InvalidKeysArgumentError("withdrawal vault", `"${withdrawalVault}" is not an address`);
  return `0x01${"00".repeat(11)}${withdrawalVault.slice(2).toLowerCase()}`;
}
