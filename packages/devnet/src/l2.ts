/**
 * The remote chain of `npm start -- --with-l2`: a second anvil with its own chain id, the
 * crosschain contracts on both sides (the bridged token at its CREATE2 address), trETH's ERC-7802
 * bridge set by governance, and the relayer committee's accounts funded on both chains. The
 * relayers themselves are daemons the devnet starts with the others.
 *
 * Local chains have no canonical bridge to carry ETH: Ethereum's message bridge holds a float that
 * pays the ETH of the remote deposit pool's batches, as the canonical bridge would deliver it. What
 * the float paid out equals what the remote bridge holds, which the crosschain scenario checks.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CrosschainDeployment } from "@tributary/sdk";
import type { wethAbi } from "@tributary/sdk/abis";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  numberToHex,
  type PublicClient,
  parseEther,
} from "viem";
import { type AnvilNode, startAnvil } from "../../../contracts/lib/anvil.js";
import { loadArtifact } from "../../../contracts/lib/artifacts.js";
import {
  type CrosschainParameters,
  connectSides,
  deployHomeSide,
  deployRemoteSide,
  type HomeSide,
  handOverToGovernance,
  type RemoteSide,
  setCrosschainBridgeData,
  throughTimelock,
} from "../../../contracts/lib/crosschain.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { REPO_ROOT } from "./processes.js";

/** The remote chain's id on the devnet. */
export const REMOTE_CHAIN_ID = 31338;
/** Development accounts of the relayer committee (threshold 2). */
export const RELAYER_ACCOUNTS = [15, 16, 17] as const;
/** ETH in Ethereum's message bridge, paying remote batches' ETH (see above). */
export const BRIDGE_FLOAT = parseEther("10000");

export interface RemoteChain {
  node: AnvilNode;
  rpcUrl: string;
  publicClient: PublicClient;
  crosschain: CrosschainDeployment;
  crosschainFile: string;
}

/**
 * Keeps the remote chain's clock on Ethereum's: the devnet's beacon chain runs in virtual time
 * (fast mode), and a relayed rate's age is only meaningful if both chains tell the same time.
 * Every `intervalMs`, the remote chain's time is set to Ethereum's latest block time when behind.
 */
export function followClock(home: PublicClient, remote: PublicClient, intervalMs = 500): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        const [h, r] = await Promise.all([home.getBlock(), remote.getBlock()]);
        if (h.timestamp > r.timestamp) {
          await remote.request({
            method: "evm_setNextBlockTimestamp",
            params: [numberToHex(h.timestamp)],
          } as never);
          await remote.request({ method: "evm_mine", params: [] } as never);
        }
      } catch {
        // a node restarting or stopping: the next tick tries again
      } finally {
        busy = false;
      }
    })();
  }, intervalMs);
  return () => clearInterval(timer);
}

export async function startRemoteChain(o: {
  port: number;
  dataDir: string;
  home: { publicClient: PublicClient; rpcUrl: string };
  token: Address;
  timelock: Address;
  rateFeed: Address;
  /** Seconds between two reports (one frame, in the beacon chain's time). */
  reportPeriod: number;
}): Promise<RemoteChain> {
  const node = await startAnvil(o.port, [
    "--mnemonic",
    DEV_MNEMONIC,
    "--silent",
    "--chain-id",
    String(REMOTE_CHAIN_ID),
  ]);
  try {
    const publicClient = createPublicClient({ transport: http(node.url) }) as PublicClient;
    const homeWallet = createWalletClient({
      account: devAccount(DEV_ROLES.deployer),
      transport: http(o.home.rpcUrl),
    });
    const remoteWallet = createWalletClient({
      account: devAccount(DEV_ROLES.deployer),
      transport: http(node.url),
    });
    const homeStart = await o.home.publicClient.getBlockNumber();
    const { abi, bytecode } = loadArtifact("WETH9");
    const wethHash = await remoteWallet.deployContract({
      abi: abi as typeof wethAbi,
      bytecode,
      chain: undefined,
    });
    const weth = (await publicClient.waitForTransactionReceipt({ hash: wethHash }))
      .contractAddress as Address;
    const parameters: CrosschainParameters = {
      relayers: RELAYER_ACCOUNTS.map((i) => devAccount(i).address),
      threshold: 2,
      reportPeriod: o.reportPeriod,
      // The devnet's limit on a report's rise is 0.075%: 0.1% leaves room for rounding.
      maxChangeBps: 10,
      // Three frames without a rate: the deposit pool stops.
      maxRateAge: 3 * o.reportPeriod,
      depositFeeBps: 10,
      bridgeLimit: parseEther("10000"),
      depositLimit: parseEther("10000"),
    };
    const home = await deployHomeSide(homeWallet, o.home.publicClient, {
      token: o.token,
      rateFeed: o.rateFeed,
      parameters,
    });
    const remote = await deployRemoteSide(remoteWallet, publicClient, {
      weth,
      homeChainId: home.chainId,
      parameters,
    });
    await connectSides(
      { wallet: homeWallet, client: o.home.publicClient, side: home },
      { wallet: remoteWallet, client: publicClient, side: remote },
    );
    await throughTimelock(
      homeWallet,
      o.home.publicClient,
      o.timelock,
      o.token,
      setCrosschainBridgeData(home.tokenBridge),
      "crosschain bridge",
    );
    // Both sides to governance: the timelock on Ethereum; the remote contracts accept the remote
    // governance relay's ownership in the batch the timelock relays (the relayers deliver it).
    await handOverToGovernance(
      { wallet: homeWallet, client: o.home.publicClient, side: home },
      { wallet: remoteWallet, client: publicClient, side: remote },
      o.timelock,
    );
    const setBalance = (client: PublicClient, address: Address, wei: bigint) =>
      client.request({ method: "anvil_setBalance", params: [address, numberToHex(wei)] } as never);
    await setBalance(o.home.publicClient, home.messageBridge, BRIDGE_FLOAT);
    for (const i of RELAYER_ACCOUNTS) {
      await setBalance(o.home.publicClient, devAccount(i).address, parseEther("100"));
      await setBalance(publicClient, devAccount(i).address, parseEther("100"));
    }
    const crosschain: CrosschainDeployment = {
      home: {
        ...home,
        rpcUrl: o.home.rpcUrl,
        token: o.token,
        rateFeed: o.rateFeed,
        startBlock: homeStart.toString(),
      },
      remote: { ...remote, rpcUrl: node.url, startBlock: "0" },
    };
    const crosschainFile = join(o.dataDir, "deployment", "crosschain.json");
    const text = `${JSON.stringify(crosschain, null, 2)}\n`;
    writeFileSync(crosschainFile, text);
    mkdirSync(join(REPO_ROOT, "deployments"), { recursive: true });
    writeFileSync(join(REPO_ROOT, "deployments", "crosschain.json"), text);
    return { node, rpcUrl: node.url, publicClient, crosschain, crosschainFile };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
