/**
 * Which side of a crosschain deployment a client is on (its `chain`, else one `eth_chainId`). Apart
 * from the deployment's parsing, so that checking a deployment needs no RPC code.
 */
import type { Chain, Client, Transport } from "viem";
import { getChainId } from "viem/actions";
import { InvalidArgumentError } from "../errors/base.js";
import { type CrosschainDeployment, type CrosschainRemoteSide, crosschainSide } from "./deployment.js";

/** The side of `crosschain` the client's chain is: its `chain`, else one `eth_chainId`. */
export async function clientSide(
  client: Client<Transport, Chain | undefined>,
  crosschain: CrosschainDeployment,
): Promise<"home" | "remote"> {
  return crosschainSide(crosschain, client.chain?.id ?? (await getChainId(client)));
}

/** `InvalidArgumentError` unless the client is on the remote chain: `action` runs only there. */
export async function requireRemote(
  client: Client<Transport, Chain | undefined>,
  crosschain: CrosschainDeployment,
  action: string,
): Promise<CrosschainRemoteSide> {
  if ((await clientSide(client, crosschain)) !== "remote") {
    throw new InvalidArgumentError(
      "crosschain",
      `${action} runs on the remote chain (chain ${crosschain.remote.chainId}), not on Ethereum (chain ${crosschain.home.chainId}).`,
      { docsPath: "crosschain" },
    );
  }
  return crosschain.remote;
}
