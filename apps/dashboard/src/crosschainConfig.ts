/**
 * Checks config.json's `crosschain`. Its own chunk, loaded only when a remote chain is configured:
 * the stake page of a network without one carries none of it.
 */
import { type CrosschainDeployment, parseCrosschainDeployment } from "@tributary/sdk";
import { ConfigError } from "./config.js";

export function checkCrosschain(value: unknown, chainId: number): CrosschainDeployment {
  let crosschain: CrosschainDeployment;
  try {
    crosschain = parseCrosschainDeployment(value, "config.json's crosschain");
  } catch (error) {
    throw new ConfigError((error as Error).message.split("\n")[0] ?? "crosschain is malformed");
  }
  if (!/^https?:\/\//.test(crosschain.remote.rpcUrl ?? "")) {
    throw new ConfigError("crosschain.remote.rpcUrl must be the remote chain's http(s) RPC URL");
  }
  if (crosschain.home.chainId !== chainId) {
    throw new ConfigError(
      `crosschain.home is chain ${crosschain.home.chainId}, but the dashboard is on chain ${chainId}`,
    );
  }
  return crosschain;
}
