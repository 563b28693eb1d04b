/**
 * What a command runs against: a client on the RPC endpoint (JSON-RPC batching on, so that
 * concurrent reads share one round trip), the chain id checked against --chain, and the deployment.
 */
import { type Deployment, RpcError } from "@tributary/sdk";
import { toTributaryError } from "@tributary/sdk/errors";
import { loadDeployment } from "@tributary/sdk/node";
import { type Chain, createPublicClient, http, type PublicClient, type Transport } from "viem";
import { refused, usageError } from "./exit.js";
import type { GlobalOptions } from "./options.js";

/** The repository's deployments/ folder, from dist/<chunk>.js (three levels up is the repository). */
const DEPLOYMENTS_DIR = new URL("../../../deployments/", import.meta.url).pathname;

export interface Context {
  options: GlobalOptions;
  rpcUrl: string;
  chain: Chain;
  client: PublicClient<Transport, Chain>;
  transport: Transport;
  deployment: Deployment;
}

/** A chain object for an id viem may not know (anvil, a devnet): only what sending needs. */
function chainOf(id: number, rpcUrl: string): Chain {
  return {
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  };
}

function parseChainId(text: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) === 0) {
    throw usageError(`--chain "${text}" is not a chain id: give a positive whole number such as 1 or 31337.`);
  }
  return Number(text);
}

function parseRpcUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--rpc-url "${text}" is not a URL: give one such as http://127.0.0.1:8545.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`--rpc-url "${text}" is not an http(s) URL.`);
  }
  return text;
}

/**
 * Connects: one `eth_chainId` round trip, checked against --chain; then `beforeDeployment` (the
 * account, so that a development key is refused on a public chain before anything else); then the
 * deployment from --deployment or deployments/.
 */
export async function connect(
  options: GlobalOptions,
  beforeDeployment?: (chainId: number) => Promise<void>,
): Promise<Context> {
  const rpcUrl = parseRpcUrl(options.rpcUrl);
  const expected = options.chain === undefined ? undefined : parseChainId(options.chain);
  // Two quick retries: enough for a hiccup, short enough that a node that is down is said so at once.
  const transport = http(rpcUrl, { batch: true, retryCount: 2, retryDelay: 100, timeout: 15_000 });
  let chainId: number;
  try {
    chainId = await createPublicClient({ transport }).getChainId();
  } catch (error) {
    const converted = toTributaryError(error);
    throw converted instanceof RpcError ? new RpcError({ url: rpcUrl, cause: error }) : converted;
  }
  if (expected !== undefined && chainId !== expected) {
    throw refused(`Wrong network: ${rpcUrl} is chain ${chainId}, but --chain asks for chain ${expected}.`);
  }
  await beforeDeployment?.(chainId);
  let deployment: Deployment;
  if (options.deployment) {
    deployment = loadDeployment({ file: options.deployment });
    if (deployment.chainId !== chainId) {
      throw refused(
        `Wrong network: the deployment ${options.deployment} is for chain ${deployment.chainId}, but ${rpcUrl} is chain ${chainId}.`,
      );
    }
  } else {
    deployment = loadDeployment({ chainId, dir: DEPLOYMENTS_DIR });
  }
  const chain = chainOf(chainId, rpcUrl);
  const client = createPublicClient({ chain, transport }) as PublicClient<Transport, Chain>;
  return { options, rpcUrl, chain, client, transport, deployment };
}
