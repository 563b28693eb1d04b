/**
 * `npm run indexer -- [options]` (see README.md and --help): indexes the protocol into PGlite (or
 * PostgreSQL with --database-url) and serves the analytics API, /health and /metrics.
 * Exit codes: 0 done (--once, a signal), 1 a failure at startup, 2 a usage error.
 */

import { join } from "node:path";
import { serve } from "@hono/node-server";
import { BeaconClient } from "@tributary/daemon/beacon";
import { createLogger } from "@tributary/daemon/log";
import { commonOptions, defineCommand, integer, url } from "@tributary/daemon/options";
import { backoffDelay, errorMessage, sleep } from "@tributary/daemon/retry";
import { createRpc } from "@tributary/daemon/rpc";
import { type Deployment, estimateWaitingTime } from "@tributary/sdk";
import { uniswapV3PoolAbi } from "@tributary/sdk/abis";
import { loadDeployment } from "@tributary/sdk/node";
import type { PublicClient } from "viem";
import { createApi } from "./api/app.js";
import { openDatabase, redactDatabaseUrl } from "./db.js";
import { Indexer } from "./indexer.js";
import { IndexerMetrics } from "./metrics.js";

const common = commonOptions("INDEXER", { httpPort: "9300", dataDir: ".data/indexer", pollInterval: "2" });
const { keystore: _keystore, devAccount: _devAccount, ...shared } = common;

const command = defineCommand({
  name: "indexer",
  description:
    "Tributary indexer and analytics API: the protocol's events into SQL (embedded PGlite, or PostgreSQL with --database-url), reorg-safe and restart-safe, served over HTTP with an OpenAPI document at /openapi.json.",
  envPrefix: "INDEXER",
  options: {
    ...shared,
    beaconUrl: {
      ...shared.beaconUrl,
      description:
        "Beacon API of a consensus node, for the validators' balances at each report's reference slot (none: no snapshots)",
      default: undefined,
      parse: url,
    },
    databaseUrl: {
      flag: "--database-url <url>",
      env: "INDEXER_DATABASE_URL",
      description:
        "a PostgreSQL server (postgres://user:password@host:port/db); default: PGlite under --data-dir",
      default: undefined,
      parse: (text: string) => text,
    },
    logChunk: {
      flag: "--log-chunk <blocks>",
      env: "INDEXER_LOG_CHUNK",
      description: "most blocks per eth_getLogs during the backfill (lowered when the node refuses a range)",
      default: "10000",
      parse: integer(1, 10_000_000),
    },
    logsPerRange: {
      flag: "--logs-per-range <logs>",
      env: "INDEXER_LOGS_PER_RANGE",
      description: "logs aimed at per backfill eth_getLogs: ranges are sized from the last one's density",
      default: "10000",
      parse: integer(1, 1_000_000),
    },
    prefetch: {
      flag: "--prefetch <ranges>",
      env: "INDEXER_PREFETCH",
      description:
        "backfill log queries in flight ahead of the writes (1 for a node that allows one call at a time)",
      default: "3",
      parse: integer(1, 32),
    },
  },
});

async function main(): Promise<number> {
  const { values } = command.fromProcess(process.argv.slice(2));
  const logger = createLogger({ level: values.logLevel, fields: { service: "indexer" } });
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info("stopping", { signal });
      controller.abort();
    });
  }
  const metrics = new IndexerMetrics();
  const rpc = createRpc({
    url: values.rpcUrl,
    timeoutMs: values.requestTimeoutMs,
    attempts: values.maxRetries + 1,
    hooks: metrics.rpcHooks,
    signal: controller.signal,
    // Backfill queries run side by side: a JSON-RPC batch would make the node answer them in one.
    batch: false,
  });
  let deployment: ReturnType<typeof loadDeployment>;
  try {
    const chainId = await rpc.publicClient.getChainId();
    deployment = loadDeployment(values.deploymentFile ? { file: values.deploymentFile } : { chainId });
    if (deployment.chainId !== chainId) {
      throw new Error(
        `the RPC node is on chain ${chainId}; the deployment file is for chain ${deployment.chainId}`,
      );
    }
  } catch (error) {
    process.stderr.write(`Error: ${errorMessage(error)}\n`);
    return 1;
  }
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase({ url: values.databaseUrl, dataDir: join(values.dataDir, "pglite") });
  } catch (error) {
    process.stderr.write(`Error: ${errorMessage(error)}\n`);
    return 1;
  }
  logger.info("database open", { database: database.where });
  const beacon = values.beaconUrl
    ? new BeaconClient({
        url: values.beaconUrl,
        timeoutMs: values.requestTimeoutMs,
        attempts: values.maxRetries + 1,
        hooks: metrics.beaconHooks,
        signal: controller.signal,
      })
    : undefined;
  const indexer = new Indexer({
    database,
    publicClient: rpc.publicClient,
    deployment,
    beacon,
    logger,
    metrics,
    chunk: BigInt(values.logChunk),
    logsPerRange: values.logsPerRange,
    prefetch: values.prefetch,
  });
  try {
    await indexer.init();
  } catch (error) {
    logger.error("cannot start", { error: errorMessage(error) });
    await database.close();
    return 1;
  }
  if (values.once) {
    await indexer.sync();
    process.stdout.write(`${JSON.stringify({ block: indexer.position?.number.toString() ?? null })}\n`);
    await database.close();
    return 0;
  }

  let lastSuccess = Date.now();
  let lastError: string | undefined;
  const waitCache = new Map<string, { at: number; value: Promise<unknown> }>();
  const app = createApi({
    database,
    deployment,
    metrics,
    estimateWait: (amount) => {
      const key = amount.toString();
      const hit = waitCache.get(key);
      if (hit && Date.now() - hit.at < 12_000) return hit.value;
      // Kept 12 s, and at most 256 amounts: the oldest goes first.
      for (const [k, entry] of waitCache) if (Date.now() - entry.at >= 12_000) waitCache.delete(k);
      if (waitCache.size >= 256) waitCache.delete(waitCache.keys().next().value as string);
      const value = estimateWaitingTime(rpc.publicClient, {
        amount,
        deployment,
        beaconUrl: values.beaconUrl,
      });
      waitCache.set(key, { at: Date.now(), value });
      return value;
    },
    dexPrice: deployment.defi?.uniswap ? dexPrice(rpc.publicClient, deployment) : undefined,
    health: async () => {
      const head = indexer.head?.number;
      const cursor = indexer.position?.number;
      const lag = head !== undefined && cursor !== undefined ? Number(head - cursor) : null;
      const stale = Date.now() - lastSuccess > Math.max(60_000, values.pollIntervalMs * 20);
      return {
        healthy: !stale,
        cursor: cursor?.toString() ?? null,
        head: head?.toString() ?? null,
        lagBlocks: lag,
        ...(lastError ? { lastError } : {}),
      };
    },
  });
  const server = serve({ fetch: app.fetch, hostname: values.httpHost, port: values.httpPort });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : values.httpPort;
  logger.info("api listening", {
    url: `http://${values.httpHost}:${port}`,
    openapi: `http://${values.httpHost}:${port}/openapi.json`,
    database: values.databaseUrl ? redactDatabaseUrl(values.databaseUrl) : database.where,
  });

  let failures = 0;
  while (!controller.signal.aborted) {
    let idle = false;
    try {
      const result = await indexer.step();
      idle = result.kind === "idle";
      if (result.kind === "backfill" || result.kind === "reorg") {
        logger.info(result.kind, {
          from: result.from?.toString(),
          to: result.to?.toString(),
          events: result.events,
          ...(result.depth !== undefined ? { depth: result.depth } : {}),
        });
      }
      failures = 0;
      lastSuccess = Date.now();
      lastError = undefined;
    } catch (error) {
      if (controller.signal.aborted) break;
      failures++;
      lastError = errorMessage(error);
      logger.error("indexer step failed", { error: lastError, failures });
    }
    const delay =
      failures > 0
        ? backoffDelay(failures, values.pollIntervalMs, values.pollIntervalMs * 10)
        : idle
          ? values.pollIntervalMs
          : 0;
    if (delay > 0) await sleep(delay, controller.signal).catch(() => undefined);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`Error: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);

/** The trETH/WETH pool's price (ETH per trETH) from its slot0, read at most every 12 s. */
function dexPrice(client: PublicClient, deployment: Deployment) {
  const uniswap = deployment.defi?.uniswap as NonNullable<NonNullable<Deployment["defi"]>["uniswap"]>;
  const trETHIsToken0 = BigInt(deployment.contracts.token) < BigInt(deployment.contracts.weth);
  let cached: { at: number; value: Promise<{ price: number; pool: string }> } | undefined;
  return () => {
    if (cached && Date.now() - cached.at < 12_000) return cached.value;
    const value = client
      .readContract({ address: uniswap.pool, abi: uniswapV3PoolAbi, functionName: "slot0" })
      .then(([sqrtPriceX96]) => {
        const price = (Number(sqrtPriceX96) / 2 ** 96) ** 2;
        return { price: trETHIsToken0 ? price : 1 / price, pool: uniswap.pool };
      });
    value.catch(() => {
      cached = undefined;
    });
    cached = { at: Date.now(), value };
    return value;
  };
}
