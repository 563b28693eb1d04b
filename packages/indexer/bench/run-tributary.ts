/**
 * The backfill benchmark's run of Tributary's indexer, in a process of its own so that its peak
 * memory is the indexer's alone: `run-tributary.ts <rpc url> <deployment.json> <pglite dir> [chunk]`.
 *
 * Opens (and migrates) the PGlite database in the directory, then times `sync()` from the
 * deployment's first block to the head, over the same retrying JSON-RPC transport as the CLI. Prints
 * one JSON line: the seconds of the sync, the rows written (events, transfers, balances) and the
 * process's peak resident memory.
 *
 * `run-tributary.ts --init <pglite dir>` only creates and migrates the database (PGlite's initdb),
 * and prints that process's peak resident memory.
 */
import { readFileSync } from "node:fs";
import { createLogger } from "@tributary/daemon/log";
import { createRpc } from "@tributary/daemon/rpc";
import type { Deployment } from "@tributary/sdk";
import { openDatabase } from "../src/db.js";
import { Indexer } from "../src/indexer.js";

if (process.argv[2] === "--init") {
  const dataDir = process.argv[3];
  if (!dataDir) throw new Error("usage: run-tributary.ts --init <pglite dir>");
  const started = performance.now();
  const database = await openDatabase({ dataDir });
  await database.close();
  process.stdout.write(
    `${JSON.stringify({ seconds: (performance.now() - started) / 1_000, peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
  process.exit(0);
}

const [url, deploymentFile, dataDir, chunkText] = process.argv.slice(2);
if (!url || !deploymentFile || !dataDir) {
  throw new Error("usage: run-tributary.ts <rpc url> <deployment.json> <pglite dir> [chunk]");
}
const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
let requests = 0;
const rpc = createRpc({ url, batch: false, hooks: { onRequest: () => requests++ } });
const database = await openDatabase({ dataDir });
try {
  const indexer = new Indexer({
    database,
    publicClient: rpc.publicClient,
    deployment,
    logger: createLogger({ level: "error" }),
    chunk: chunkText ? BigInt(chunkText) : undefined,
  });
  const started = performance.now();
  await indexer.sync();
  const seconds = (performance.now() - started) / 1_000;
  const count = async (table: string) =>
    ((await database.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0] as { n: number }).n;
  const result = {
    seconds,
    events: await count("events"),
    transfers: await count("transfers"),
    balances: await count("balances"),
    cursor: indexer.position?.number.toString(),
    rpc_requests: requests,
    // maxRSS is in kilobytes.
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await database.close();
}
