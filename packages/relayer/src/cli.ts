/**
 * `npm run relayer -- [options]` (see README.md and --help).
 * Exit codes: 0 done (--once, a signal), 1 a failure at startup, 2 a usage error.
 */
import { AccountError, resolveAccount } from "@tributary/daemon/account";
import { createLogger } from "@tributary/daemon/log";
import { runLoop } from "@tributary/daemon/loop";
import {
  commonOptions,
  defineCommand,
  ether,
  nonEmpty,
  seconds,
  url,
  urlList,
} from "@tributary/daemon/options";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import type { CrosschainDeployment } from "@tributary/sdk";
import { loadCrosschainDeployment } from "@tributary/sdk/node";
import type { BlockTag } from "viem";
import { RelayerMetrics } from "./metrics.js";
import { Relayer } from "./relayer.js";
import { startRelayerServer } from "./server.js";

const blockTag = (text: string): BlockTag => {
  if (text !== "finalized" && text !== "safe" && text !== "latest")
    throw new Error("is not a block tag: finalized, safe or latest");
  return text;
};

const {
  beaconUrl: _beacon,
  deploymentFile: _deployment,
  ...common
} = commonOptions("RELAYER", {
  httpPort: "9140",
  dataDir: ".data/relayer",
  pollInterval: "4",
});

const command = defineCommand({
  name: "relayer",
  description:
    "Tributary relayer, a member of the bridge's relayer committee: signs the messages it reads on either chain's bridge, executes those a quorum signed, retries the ones that wait, relays each report's rate and sends the remote deposit pool's batches.",
  envPrefix: "RELAYER",
  keyPurpose: "the relayer's key (a committee member; it pays the gas on both chains)",
  options: {
    ...common,
    rpcUrl: { ...common.rpcUrl, description: "JSON-RPC of an Ethereum execution node" },
    remoteRpcUrl: {
      flag: "--remote-rpc-url <url>",
      env: "RELAYER_REMOTE_RPC_URL",
      description: "JSON-RPC of a node of the remote chain",
      default: "http://127.0.0.1:9545",
      parse: url,
    },
    crosschainFile: {
      flag: "--crosschain <file>",
      env: "RELAYER_CROSSCHAIN",
      description: "the crosschain deployment JSON (both sides' contracts)",
      default: "deployments/crosschain.json",
      parse: nonEmpty,
    },
    homeBlockTag: {
      flag: "--home-block-tag <tag>",
      env: "RELAYER_HOME_BLOCK_TAG",
      description: "Ethereum blocks read up to: finalized (a message is relayed once final), safe or latest",
      default: "finalized",
      parse: blockTag,
    },
    remoteBlockTag: {
      flag: "--remote-block-tag <tag>",
      env: "RELAYER_REMOTE_BLOCK_TAG",
      description: "remote chain blocks read up to (latest on a local chain, where nothing finalizes)",
      default: "finalized",
      parse: blockTag,
    },
    peerUrls: {
      flag: "--peer-urls <urls>",
      env: "RELAYER_PEER_URLS",
      description: "the other relayers' HTTP servers, comma-separated (their signatures make the quorum)",
      default: "",
      parse: urlList,
    },
    batchIntervalMs: {
      flag: "--batch-interval <seconds>",
      env: "RELAYER_BATCH_INTERVAL",
      description: "longest wait of a remote deposit before its batch leaves for Ethereum",
      default: "3600",
      parse: seconds(0, 30 * 86_400),
    },
    batchSize: {
      flag: "--batch-size <eth>",
      env: "RELAYER_BATCH_SIZE",
      description: "a batch leaves at once from this much WETH",
      default: "32",
      parse: ether,
    },
  },
});

async function main(): Promise<number> {
  const { values, account: source } = command.fromProcess(process.argv.slice(2));
  const logger = createLogger({ level: values.logLevel, fields: { service: "relayer" } });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info("stopping", { signal });
      controller.abort();
    });
  }
  const metrics = new RelayerMetrics();
  let deployment: CrosschainDeployment;
  try {
    const loaded = loadCrosschainDeployment({ file: values.crosschainFile });
    if (!loaded) throw new Error(`the crosschain deployment ${values.crosschainFile} does not exist`);
    deployment = loaded;
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  const rpcOf = (rpcUrl: string) =>
    createRpc({
      url: rpcUrl,
      timeoutMs: values.requestTimeoutMs,
      attempts: values.maxRetries + 1,
      hooks: metrics.rpcHooks,
      signal: controller.signal,
    });
  const homeRpc = rpcOf(values.rpcUrl);
  const remoteRpc = rpcOf(values.remoteRpcUrl);
  try {
    const [homeId, remoteId] = await Promise.all([
      homeRpc.publicClient.getChainId(),
      remoteRpc.publicClient.getChainId(),
    ]);
    for (const [side, id, expected] of [
      ["--rpc-url", homeId, deployment.home.chainId],
      ["--remote-rpc-url", remoteId, deployment.remote.chainId],
    ] as const) {
      if (id !== expected)
        throw new Error(`${side} is on chain ${id}; the crosschain deployment says ${expected}`);
    }
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  let account: Awaited<ReturnType<typeof resolveAccount>>;
  try {
    account = await resolveAccount(source, {
      chainId: deployment.home.chainId,
      logger,
      envPrefix: "RELAYER",
    });
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!account) return 2;
  const { home, remote } = deployment;
  const relayer = new Relayer({
    home: {
      name: "home",
      chainId: home.chainId,
      publicClient: homeRpc.publicClient,
      wallet: homeRpc.walletClient(account, chainForId(home.chainId, values.rpcUrl)),
      messageBridge: home.messageBridge,
      blockTag: values.homeBlockTag,
      fromBlock: BigInt(home.startBlock),
      rateSender: home.rateSender,
      rateFeed: home.rateFeed,
    },
    remote: {
      name: "remote",
      chainId: remote.chainId,
      publicClient: remoteRpc.publicClient,
      wallet: remoteRpc.walletClient(account, chainForId(remote.chainId, values.remoteRpcUrl)),
      messageBridge: remote.messageBridge,
      blockTag: values.remoteBlockTag,
      fromBlock: BigInt(remote.startBlock),
      depositPool: remote.depositPool,
    },
    signer: account,
    peers: values.peerUrls,
    dataDir: values.dataDir,
    logger,
    metrics,
    batchIntervalMs: values.batchIntervalMs,
    batchSize: values.batchSize,
    requestTimeoutMs: values.requestTimeoutMs,
  });
  logger.info("relayer", { address: relayer.address, home: home.chainId, remote: remote.chainId });
  if (values.once) {
    await relayer.step();
    process.stdout.write(`${JSON.stringify({ relayer: relayer.address, waiting: relayer.waiting })}\n`);
    return 0;
  }
  const server = await startRelayerServer({
    host: values.httpHost,
    port: values.httpPort,
    relayer,
    metrics,
    logger,
  });
  logger.info("http server listening", { url: server.url });
  await runLoop(() => relayer.step(), {
    pollIntervalMs: values.pollIntervalMs,
    signal: controller.signal,
    logger,
    what: "relayer step",
  });
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
