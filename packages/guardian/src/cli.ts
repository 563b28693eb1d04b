/**
 * `npm run guardian -- [options]` and `npm run depositor -- [options]` (see README.md and --help).
 * Exit codes: 0 done (--once, a signal), 1 a failure at startup, 2 a usage error.
 */
import { AccountError, resolveAccount } from "@tributary/daemon/account";
import { BeaconClient } from "@tributary/daemon/beacon";
import { startHttpServer } from "@tributary/daemon/http";
import { createLogger } from "@tributary/daemon/log";
import { runLoop } from "@tributary/daemon/loop";
import { commonOptions, defineCommand, integer, urlList } from "@tributary/daemon/options";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import { loadDeployment } from "@tributary/sdk/node";
import { Depositor } from "./depositor.js";
import { Guardian } from "./guardian.js";
import { DepositorMetrics, GuardianMetrics } from "./metrics.js";
import { startGuardianServer } from "./server.js";

/** First block of the beacon deposit contract on public networks (its deployment). */
export const DEPOSIT_CONTRACT_BLOCKS: Record<number, bigint> = {
  1: 11_052_984n,
  11155111: 1_273_020n,
  17000: 0n,
  560048: 0n,
};

const guardianCommand = defineCommand({
  name: "guardian",
  description:
    "Tributary guardian: vets operators' keys (lengths, BLS deposit signature, no earlier deposit, no duplicate), signs the deposit contract's root for the depositor, and pauses deposits when it sees a front-run.",
  envPrefix: "GUARDIAN",
  keyPurpose: "the guardian's key",
  options: {
    ...commonOptions("GUARDIAN", { httpPort: "9110", dataDir: ".data/guardian" }),
    depositContractBlock: {
      flag: "--deposit-contract-block <n>",
      env: "GUARDIAN_DEPOSIT_CONTRACT_BLOCK",
      description:
        "first block of the beacon deposit contract's logs (default: its deployment on known networks, else 0)",
      default: undefined,
      parse: integer(0, Number.MAX_SAFE_INTEGER),
    },
  },
});

const depositorCommand = defineCommand({
  name: "depositor",
  description:
    "Tributary depositor: submits vettings signed by a guardian quorum, and deposits buffered ETH into validators in batches, each bound to the deposit contract root a guardian quorum signed.",
  envPrefix: "DEPOSITOR",
  keyPurpose: "the depositor's key (it pays the gas)",
  options: {
    ...commonOptions("DEPOSITOR", { httpPort: "9120", dataDir: ".data/depositor" }),
    guardianUrls: {
      flag: "--guardian-urls <urls>",
      env: "DEPOSITOR_GUARDIAN_URLS",
      description: "every guardian's HTTP server, comma-separated",
      default: "http://127.0.0.1:9110",
      parse: urlList,
    },
    maxDepositsPerTx: {
      flag: "--max-deposits-per-tx <n>",
      env: "DEPOSITOR_MAX_DEPOSITS_PER_TX",
      description: "most validators deposited in one transaction",
      default: "32",
      parse: integer(1, 500),
    },
  },
});

async function main(which: string | undefined): Promise<number> {
  if (which !== "guardian" && which !== "depositor") {
    process.stderr.write("Usage: cli.ts guardian|depositor [options] (--help for each)\n");
    return 2;
  }
  const command = which === "guardian" ? guardianCommand : depositorCommand;
  const parsed = command.fromProcess(process.argv.slice(3));
  const { values, account: source } = parsed;
  const logger = createLogger({ level: values.logLevel, fields: { service: which } });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info("stopping", { signal });
      controller.abort();
    });
  }
  const metrics = which === "guardian" ? new GuardianMetrics() : new DepositorMetrics();
  const rpc = createRpc({
    url: values.rpcUrl,
    timeoutMs: values.requestTimeoutMs,
    attempts: values.maxRetries + 1,
    hooks: metrics.rpcHooks,
    signal: controller.signal,
  });
  let chainId: number;
  let deployment: ReturnType<typeof loadDeployment>;
  try {
    chainId = await rpc.publicClient.getChainId();
    deployment = loadDeployment(values.deploymentFile ? { file: values.deploymentFile } : { chainId });
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  if (deployment.chainId !== chainId) {
    process.stderr.write(
      `Error: the RPC node is on chain ${chainId}; the deployment file is for chain ${deployment.chainId}.\n`,
    );
    return 1;
  }
  let account: Awaited<ReturnType<typeof resolveAccount>>;
  try {
    account = await resolveAccount(source, { chainId, logger, envPrefix: which.toUpperCase() });
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!account) return 2;
  const wallet = rpc.walletClient(account, chainForId(chainId, values.rpcUrl));
  const beacon = new BeaconClient({
    url: values.beaconUrl,
    timeoutMs: values.requestTimeoutMs,
    attempts: values.maxRetries + 1,
    hooks: metrics.beaconHooks,
    signal: controller.signal,
  });
  const finalizedBlock = async () => {
    const block = await beacon.block("finalized");
    const number = block?.executionPayload?.blockNumber;
    return number === undefined ? undefined : BigInt(number);
  };

  if (which === "guardian") {
    const guardianValues = values as typeof values & { depositContractBlock?: number };
    const guardian = new Guardian({
      publicClient: rpc.publicClient,
      wallet,
      beacon,
      deployment,
      dataDir: values.dataDir,
      depositContractBlock:
        guardianValues.depositContractBlock !== undefined
          ? BigInt(guardianValues.depositContractBlock)
          : (DEPOSIT_CONTRACT_BLOCKS[chainId] ?? 0n),
      logger,
      metrics: metrics as GuardianMetrics,
    });
    try {
      await guardian.init();
    } catch (error) {
      logger.error("cannot start", { error: (error as Error).message });
      return 1;
    }
    if (values.once) {
      await guardian.step();
      process.stdout.write(`${JSON.stringify(guardian.status(), null, 2)}\n`);
      return 0;
    }
    const server = await startGuardianServer({
      guardian,
      metrics: metrics as GuardianMetrics,
      logger,
      host: values.httpHost,
      port: values.httpPort,
    });
    logger.info("http server listening", { url: server.url });
    await runLoop(() => guardian.step(), {
      pollIntervalMs: values.pollIntervalMs,
      signal: controller.signal,
      logger,
      what: "guardian step",
    });
    await server.close();
    return 0;
  }

  const depositorValues = values as typeof values & { guardianUrls: string[]; maxDepositsPerTx: number };
  const depositor = new Depositor({
    publicClient: rpc.publicClient,
    wallet,
    deployment,
    guardianUrls: depositorValues.guardianUrls,
    maxDepositsPerTx: depositorValues.maxDepositsPerTx,
    dataDir: values.dataDir,
    requestTimeoutMs: values.requestTimeoutMs,
    logger,
    metrics: metrics as DepositorMetrics,
    finalizedBlock,
    signal: controller.signal,
  });
  await depositor.init();
  if (values.once) {
    const outcome = await depositor.step();
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    return outcome.kind === "failed" ? 1 : 0;
  }
  const server = await startHttpServer({
    host: values.httpHost,
    port: values.httpPort,
    metrics,
    logger,
    health: () => depositor.health(),
    routes: [],
  });
  logger.info("http server listening", { url: server.url });
  await runLoop(() => depositor.step(), {
    pollIntervalMs: values.pollIntervalMs,
    signal: controller.signal,
    logger,
    what: "depositor step",
  });
  await server.close();
  return 0;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
