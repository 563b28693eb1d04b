/**
 * `npm run oracle -- [options]`: runs one oracle committee member (see README.md and --help).
 * Exit codes: 0 done (--once, --dry-run, a signal), 1 a failure at startup, 2 a usage error.
 */

import { AccountError, resolveAccount } from "@tributary/daemon/account";
import { createLogger } from "@tributary/daemon/log";
import { createRpc } from "@tributary/daemon/rpc";
import { loadDeployment } from "@tributary/sdk/node";
import { configFromProcess } from "./config.js";
import { ChainMismatchError, createOracle } from "./daemon.js";
import { reportJson } from "./member/member.js";
import { Metrics } from "./metrics.js";
import { startServer } from "./server.js";

async function main(): Promise<number> {
  const config = configFromProcess();
  const logger = createLogger({ level: config.logLevel, fields: { service: "oracle" } });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info("stopping", { signal });
      controller.abort();
    });
  }
  let deployment: ReturnType<typeof loadDeployment>;
  try {
    const chainId = config.deploymentFile
      ? undefined
      : await createRpc({ url: config.rpcUrl }).publicClient.getChainId();
    deployment = loadDeployment(config.deploymentFile ? { file: config.deploymentFile } : { chainId });
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 2;
  }
  let account: Awaited<ReturnType<typeof resolveAccount>>;
  try {
    account = await resolveAccount(config.account, { chainId: deployment.chainId, logger });
  } catch (error) {
    if (error instanceof AccountError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const metrics = new Metrics();
  let oracle: Awaited<ReturnType<typeof createOracle>>;
  try {
    oracle = await createOracle({
      beaconUrl: config.beaconUrl,
      rpcUrl: config.rpcUrl,
      deployment,
      account,
      dataDir: config.dataDir,
      logger,
      metrics,
      pollIntervalMs: config.pollIntervalMs,
      lowBalanceWei: config.lowBalanceWei,
      dryRun: config.dryRun,
      maxRetries: config.maxRetries,
      requestTimeoutMs: config.requestTimeoutMs,
      peers: config.peerUrls,
      signal: controller.signal,
    });
  } catch (error) {
    if (error instanceof ChainMismatchError) {
      logger.error("the nodes do not serve the deployment's chain", { error: error.message });
      return 1;
    }
    logger.error("cannot start", { error: (error as Error).message });
    return 1;
  }

  if (config.dryRun) {
    // The report for the current frame, once its reference slot is final; nothing is sent.
    for (;;) {
      const outcome = await oracle.step();
      const computed = oracle.member.lastComputed;
      if (computed) {
        process.stdout.write(`${JSON.stringify(reportJson(computed), null, 2)}\n`);
        return 0;
      }
      if (config.once || controller.signal.aborted) {
        logger.info("no report to print: the current frame's reference slot is not final yet", { outcome });
        return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, config.pollIntervalMs));
    }
  }
  if (config.once) {
    const outcome = await oracle.step();
    return outcome === "error" ? 1 : 0;
  }
  const server = await startServer({
    host: config.httpHost,
    port: config.httpPort,
    dataDir: config.dataDir,
    metrics,
    health: () => oracle.health(),
    logger,
  });
  logger.info("http server listening", { url: server.url });
  await oracle.run();
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
