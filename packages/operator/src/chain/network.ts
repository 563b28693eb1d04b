/** The genesis fork version deposits are signed for: from the Beacon API, or the chain's known value. */
import type { BeaconClient } from "@tributary/daemon/beacon";
import type { Hex } from "viem";
import { UnknownNetworkError } from "../errors.js";
import { NETWORKS } from "../keys/index.js";

/** Execution chain ids of the networks whose genesis fork version is known. */
export const FORK_VERSION_BY_CHAIN_ID: Readonly<Record<number, Hex>> = Object.freeze({
  1: NETWORKS.mainnet.forkVersion as Hex,
  11155111: NETWORKS.sepolia.forkVersion as Hex,
  17000: NETWORKS.holesky.forkVersion as Hex,
  560048: NETWORKS.hoodi.forkVersion as Hex,
  31337: NETWORKS.devnet.forkVersion as Hex,
  1337: NETWORKS.devnet.forkVersion as Hex,
});

/**
 * GENESIS_FORK_VERSION of the beacon chain: `GET /eth/v1/beacon/genesis` when a Beacon API is
 * given (the authority), else the known value for the execution chain id.
 */
export async function depositForkVersion(chainId: number, beacon?: BeaconClient | undefined): Promise<Hex> {
  if (beacon) return (await beacon.genesis()).genesisForkVersion;
  const known = FORK_VERSION_BY_CHAIN_ID[chainId];
  if (!known) throw new UnknownNetworkError(chainId);
  return known;
}
