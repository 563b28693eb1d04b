/**
 * Two local chains for tests: Ethereum with the protocol deployed (a `LocalProtocol`) and a
 * remote anvil chain (31338), with both crosschain sides deployed and connected, trETH's bridge set
 * through the timelock, the relayers funded on both chains and Ethereum's message bridge holding a
 * float for remote batches' ETH. `committee` runs relayers in process, stepped by the test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpServer } from "@tributary/daemon/http";
import { createLogger } from "@tributary/daemon/log";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import { type CrosschainDeployment, parseCrosschainDeployment } from "@tributary/sdk";
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
import { freePort, type LocalProtocol } from "../../../contracts/lib/bench.js";
import {
  connectSides,
  deployHomeSide,
  deployRemoteSide,
  type HomeSide,
  type RemoteSide,
  setCrosschainBridgeData,
  throughTimelock,
} from "../../../contracts/lib/crosschain.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { Relayer, RelayerMetrics, startRelayerServer } from "../src/index.js";

export const REMOTE_CHAIN = 31338;
/** Development accounts of the committee (threshold 2). */
export const RELAYER_KEYS = [40, 41, 42];

export interface ChainPair {
  l1: LocalProtocol;
  l2Node: AnvilNode;
  home: HomeSide;
  remote: RemoteSide;
  rateFeed: Address;
  /** Both sides as the SDK takes them, with both RPC URLs. */
  crosschain: CrosschainDeployment;
  stop(): Promise<void>;
}

/** Deploys the remote side on a new anvil chain and connects it to `l1`'s protocol. */
export async function startChainPair(l1: LocalProtocol): Promise<ChainPair> {
  const l2Node = await startAnvil(await freePort(), [
    "--mnemonic",
    DEV_MNEMONIC,
    "--silent",
    "--chain-id",
    String(REMOTE_CHAIN),
  ]);
  const l2Client = createPublicClient({ transport: http(l2Node.url) });
  const deployerL1 = l1.wallet(DEV_ROLES.deployer);
  const deployerL2 = createWalletClient({
    account: devAccount(DEV_ROLES.deployer),
    transport: http(l2Node.url),
  });
  const { token, hashConsensus, timelock } = l1.deployment.contracts;
  const feedHash = await deployerL1.deployContract({
    abi: loadArtifact("TrETHRateFeed").abi,
    bytecode: loadArtifact("TrETHRateFeed").bytecode,
    args: [token, hashConsensus],
    chain: undefined,
  } as never);
  const rateFeed = (await l1.publicClient.waitForTransactionReceipt({ hash: feedHash }))
    .contractAddress as Address;
  const wethHash = await deployerL2.deployContract({
    abi: loadArtifact("WETH9").abi,
    bytecode: loadArtifact("WETH9").bytecode,
    chain: undefined,
  } as never);
  const l2Weth = (await l2Client.waitForTransactionReceipt({ hash: wethHash })).contractAddress as Address;
  const parameters = {
    relayers: RELAYER_KEYS.map((i) => devAccount(i).address),
    threshold: 2,
    reportPeriod: 86_400,
    maxChangeBps: 10,
    maxRateAge: 10 * 86_400,
    depositFeeBps: 10,
    bridgeLimit: parseEther("1000"),
    depositLimit: parseEther("1000"),
  };
  const home = await deployHomeSide(deployerL1, l1.publicClient, { token, rateFeed, parameters });
  const remote = await deployRemoteSide(deployerL2, l2Client, {
    weth: l2Weth,
    homeChainId: home.chainId,
    parameters,
  });
  await connectSides(
    { wallet: deployerL1, client: l1.publicClient, side: home },
    { wallet: deployerL2, client: l2Client, side: remote },
  );
  await throughTimelock(
    deployerL1,
    l1.publicClient,
    timelock,
    token,
    setCrosschainBridgeData(home.tokenBridge),
    "bridge",
  );
  // The relayers pay gas on both chains; Ethereum's bridge holds the float that pays batches' ETH
  // on a local network (a canonical bridge would carry it).
  for (const i of RELAYER_KEYS) {
    const params = [devAccount(i).address, numberToHex(parseEther("10"))];
    await l1.publicClient.request({ method: "anvil_setBalance" as never, params: params as never });
    await l2Client.request({ method: "anvil_setBalance" as never, params: params as never });
  }
  await l1.publicClient.request({
    method: "anvil_setBalance" as never,
    params: [home.messageBridge, numberToHex(parseEther("100"))] as never,
  });
  const crosschain = parseCrosschainDeployment({
    home: { ...home, rpcUrl: l1.url, token, rateFeed, startBlock: "0" },
    remote: { ...remote, rpcUrl: l2Node.url, startBlock: "0" },
  });
  return { l1, l2Node, home, remote, rateFeed, crosschain, stop: () => l2Node.stop() };
}

/**
 * Relayer `i` of the committee (its signing key `RELAYER_KEYS[i]`) on both chains, from `dataDir`,
 * with its signature server on `port`. With `remoteUrl`, its remote-chain calls go through the
 * daemons' own RPC client (retries, deadlines) at that URL, as in production; else straight to
 * the node.
 */
export async function startTestRelayer(
  pair: ChainPair,
  i: number,
  o: { port: number; peers: string[]; dataDir: string; remoteUrl?: string },
): Promise<{ relayer: Relayer; server: HttpServer }> {
  const signer = devAccount(RELAYER_KEYS[i] as number);
  const remoteRpc = o.remoteUrl
    ? createRpc({ url: o.remoteUrl, timeoutMs: 2_000, attempts: 2, baseDelayMs: 20 })
    : undefined;
  const logger = createLogger({
    level: process.env.RELAYER_TEST_LOG === "debug" ? "debug" : "warn",
    fields: { service: `relayer-${i}` },
  });
  const metrics = new RelayerMetrics({ defaultMetrics: false });
  const relayer = new Relayer({
    home: {
      name: "home",
      chainId: pair.home.chainId,
      publicClient: pair.l1.publicClient,
      wallet: createWalletClient({ account: signer, transport: http(pair.l1.url) }),
      messageBridge: pair.home.messageBridge,
      blockTag: "latest",
      fromBlock: 0n,
      rateSender: pair.home.rateSender,
      rateFeed: pair.rateFeed,
    },
    remote: {
      name: "remote",
      chainId: pair.remote.chainId,
      publicClient:
        (remoteRpc?.publicClient as PublicClient | undefined) ??
        createPublicClient({ transport: http(pair.l2Node.url) }),
      wallet: remoteRpc
        ? remoteRpc.walletClient(signer, chainForId(REMOTE_CHAIN, o.remoteUrl as string))
        : createWalletClient({ account: signer, transport: http(pair.l2Node.url) }),
      messageBridge: pair.remote.messageBridge,
      blockTag: "latest",
      fromBlock: 0n,
      depositPool: pair.remote.depositPool,
    },
    signer,
    peers: o.peers,
    dataDir: o.dataDir,
    logger,
    metrics,
    batchIntervalMs: 0,
    batchSize: 1n,
  });
  const server = await startRelayerServer({ host: "127.0.0.1", port: o.port, relayer, metrics, logger });
  return { relayer, server };
}

/**
 * The whole committee in process, each relayer with its signature server (peers know each other by
 * URL): `step()` runs one round of each relayer, in turn.
 */
export async function committee(pair: ChainPair): Promise<{ step(): Promise<void>; stop(): Promise<void> }> {
  const ports: number[] = [];
  for (const _ of RELAYER_KEYS) ports.push(await freePort());
  const dirs = RELAYER_KEYS.map((_, i) => mkdtempSync(join(tmpdir(), `relayer-${i}-`)));
  const started = await Promise.all(
    RELAYER_KEYS.map((_, i) =>
      startTestRelayer(pair, i, {
        port: ports[i] as number,
        peers: ports.filter((_, p) => p !== i).map((port) => `http://127.0.0.1:${port}`),
        dataDir: dirs[i] as string,
      }),
    ),
  );
  return {
    async step() {
      for (const { relayer } of started) await relayer.step();
    },
    async stop() {
      await Promise.all(started.map(({ server }) => server.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
