/**
 * The exit daemon's entry: `npm run operator-exits -w @tributary/operator -- [options]` and
 * `tributary operator exit-daemon [options]` (see --help). Exit codes: 0 done (--once, a signal),
 * 1 a failure at startup, 2 a usage error.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BeaconClient } from "@tributary/daemon/beacon";
import { createLogger } from "@tributary/daemon/log";
import { createRpc } from "@tributary/daemon/rpc";
import { JsonStore } from "@tributary/daemon/store";
import { loadDeployment } from "@tributary/sdk/node";
import type { Hex, PublicClient } from "viem";
import { ConfigError, HelpRequested, parseExitConfig } from "./config.js";
import { type DirectExitList, ExitDaemon, initialExitState, parseExitState } from "./daemon.js";
import { ExitMetrics } from "./metrics.js";
import { startExitServer } from "./server.js";
import { KeystoreExitSource, PresignedExitSource } from "./sources.js";

/** Reads a direct exit list file: `{ "data": "0x…", "deadline": <unix seconds> }`. */
async function readDirectList(file: string): Promise<DirectExitList[]> {
  const parsed = JSON.parse(await readFile(file, "utf8")) as { data?: unknown; deadline?: unknown };
  if (typeof parsed.data !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(parsed.data))
    throw new ConfigError(`The exit list ${file} has no "data" (0x packed entries).`);
  return [{ data: parsed.data as Hex, deadline: Number(parsed.deadline ?? 0) }];
}

export async function runExitDaemon(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let config: ReturnType<typeof parseExitConfig>;
  try {
    config = parseExitConfig(argv, env);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.text}\n`);
      return 0;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, fields: { service: "operator-exits" } });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info("stopping", { signal });
      controller.abort();
    });
  }
  const metrics = new ExitMetrics();
  const rpc = createRpc({ url: config.rpcUrl, hooks: metrics.rpcHooks, signal: controller.signal });
  let deployment: ReturnType<typeof loadDeployment>;
  try {
    deployment = config.deploymentFile
      ? loadDeployment({ file: config.deploymentFile })
      : loadDeployment({ chainId: await rpc.publicClient.getChainId() });
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 2;
  }
  const beacon = new BeaconClient({
    url: config.beaconUrl,
    hooks: metrics.beaconHooks,
    signal: controller.signal,
  });
  const source = config.keystoresDir
    ? new KeystoreExitSource(config.keystoresDir, config.keystorePassword?.reveal() ?? "")
    : new PresignedExitSource(config.presignedDir as string);
  const fromBlock = config.fromBlock ?? Number(deployment.blockNumber);
  const store = new JsonStore({
    file: join(config.dataDir, `exits-${deployment.chainId}-${config.operatorId}.json`),
    version: 1,
    initial: () => initialExitState(fromBlock),
    validate: parseExitState,
    logger,
  });
  const daemon = new ExitDaemon(
    {
      operatorId: config.operatorId,
      deployment,
      fromBlock,
      warnBeforeSeconds: config.warnBeforeSeconds,
      pollIntervalMs: config.pollIntervalMs,
      dryRun: config.dryRun,
      directLists: config.exitListFile ? () => readDirectList(config.exitListFile as string) : undefined,
    },
    {
      beacon,
      publicClient: rpc.publicClient as PublicClient,
      source,
      store,
      logger,
      metrics,
      signal: controller.signal,
    },
  );
  try {
    const held = await source.refresh();
    logger.info("starting", {
      operatorId: config.operatorId,
      source: source.description,
      held,
      sources: config.sources,
      dryRun: config.dryRun,
    });
  } catch (error) {
    logger.error("cannot start", { error: (error as Error).message });
    return 1;
  }
  if (config.once) {
    const result = await daemon.tick();
    logger.info("pass done", { ...result });
    return 0;
  }
  const server = await startExitServer({
    host: config.httpHost,
    port: config.httpPort,
    registry: metrics.registry,
    health: () => daemon.health(),
  });
  logger.info("http server listening", { url: server.url });
  await daemon.run();
  await server.stop();
  return 0;
}
