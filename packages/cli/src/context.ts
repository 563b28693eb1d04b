/**
 * What a command runs against: a client on the RPC endpoint (JSON-RPC batching on, so that
 * concurrent reads share one round trip), the chain id checked against --chain, and the deployment.
 */
import { type CrosschainDeployment, type Deployment, RpcError } from "@tributary/sdk";
import { toTributaryError } from "@tributary/sdk/errors";
import { loadCrosschainDeployment, loadDeployment } from "@tributary/sdk/node";
import { type Chain, createPublicClient, http, type PublicClient, type Transport } from "viem";
import { refused, usageError } from "./exit.js";
import type { GlobalOptions } from "./options.js";

/** The repository's deployments/ folder, from dist/<chunk>.js (three levels up is the repository). */
const DEPLOYMENTS_DIR = new URL("../../../deployments/", import.meta.url).pathname;

/** The local node `npm start` runs. */
const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

interface Connection {
  options: GlobalOptions;
  rpcUrl: string;
  chain: Chain;
  client: PublicClient<Transport, Chain>;
  transport: Transport;
}

/** A command on Ethereum, where the protocol is deployed. */
export interface Context extends Connection {
  deployment: Deployment;
  /** The crosschain deployment, when one is known. */
  crosschain?: CrosschainDeployment | undefined;
  /** Why deployments/crosschain.json could not be read, if it exists but is broken. */
  crosschainError?: unknown;
}

/** A command on trETH's remote chain: bridged trETH, the relayed rate, the deposit pool. */
export interface RemoteContext extends Connection {
  crosschain: CrosschainDeployment;
}

export type AnyContext = ({ side: "home" } & Context) | ({ side: "remote" } & RemoteContext);

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
 * The crosschain deployment: --crosschain (whose errors are the command's), else
 * deployments/crosschain.json when it exists (whose errors matter only to a command that needs it).
 */
function crosschainOf(options: GlobalOptions): { crosschain?: CrosschainDeployment; error?: unknown } {
  if (options.crosschain) return { crosschain: loadCrosschainDeployment({ file: options.crosschain }) };
  try {
    return { crosschain: loadCrosschainDeployment({ dir: DEPLOYMENTS_DIR }) };
  } catch (error) {
    return { error };
  }
}

/**
 * Connects: one `eth_chainId` round trip, checked against --chain; then `beforeDeployment` (the
 * account, so that a development key is refused on a public chain before anything else); then,
 * on trETH's remote chain, the crosschain deployment, else the deployment from --deployment or
 * deployments/. Without --rpc-url, a --chain that names the remote chain connects to the RPC URL
 * the crosschain deployment records for it.
 */
export async function connectAny(
  options: GlobalOptions,
  beforeDeployment?: (chainId: number) => Promise<void>,
): Promise<AnyContext> {
  const expected = options.chain === undefined ? undefined : parseChainId(options.chain);
  const { crosschain, error: crosschainError } = crosschainOf(options);
  const recorded =
    expected === undefined
      ? undefined
      : [crosschain?.home, crosschain?.remote].find((side) => side?.chainId === expected)?.rpcUrl;
  const rpcUrl = parseRpcUrl(options.rpcUrl ?? recorded ?? DEFAULT_RPC_URL);
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
  const chain = chainOf(chainId, rpcUrl);
  const client = createPublicClient({ chain, transport }) as PublicClient<Transport, Chain>;
  if (crosschain && chainId === crosschain.remote.chainId && !options.deployment) {
    return { side: "remote", options, rpcUrl, chain, client, transport, crosschain };
  }
  let deployment: Deployment;
  if (options.deployment) {
    deployment = loadDeployment({ file: options.deployment });
    if (deployment.chainId !== chainId) {
      throw refused(
        `Wrong network: the deployment ${options.deployment} is for chain ${deployment.chainId}, but ${rpcUrl} is chain ${chainId}.`,
      );
    }
  } else {
    try {
      deployment = loadDeployment({ chainId, dir: DEPLOYMENTS_DIR });
    } catch (error) {
      // No deployment here: the chain may be the remote one of a crosschain file that is broken.
      throw crosschainError ?? error;
    }
  }
  return { side: "home", options, rpcUrl, chain, client, transport, deployment, crosschain, crosschainError };
}

/** What a command that runs on Ethereum only says on the remote chain. */
export function remoteRefusal(context: RemoteContext): Error {
  const { home, remote } = context.crosschain;
  return refused(
    `Chain ${remote.chainId} is trETH's remote chain: there the CLI runs status, stake and bridge. This command runs on Ethereum (chain ${home.chainId}); bring trETH back first with \`tributary --chain ${remote.chainId} bridge <trETH>\`.`,
  );
}

/** `connectAny` for a command that runs on Ethereum only. */
export async function connect(
  options: GlobalOptions,
  beforeDeployment?: (chainId: number) => Promise<void>,
): Promise<Context> {
  const context = await connectAny(options, beforeDeployment);
  if (context.side === "remote") throw remoteRefusal(context);
  return context;
}
