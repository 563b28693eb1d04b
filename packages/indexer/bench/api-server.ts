/**
 * The API server of the load benchmark, in a process of its own: opens the PGlite directory given
 * as the first argument (indexed beforehand), serves the API on a free loopback port and prints
 * `{"port": n}` on its first line.
 */
import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import type { Deployment } from "@tributary/sdk";
import { createApi } from "../src/api/app.js";
import { openDatabase } from "../src/db.js";
import { IndexerMetrics } from "../src/metrics.js";

const [dataDir, deploymentFile] = process.argv.slice(2);
if (!dataDir || !deploymentFile) throw new Error("usage: api-server.ts <pglite dir> <deployment.json>");
const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
const database = await openDatabase({ dataDir });
const app = createApi({ database, deployment, metrics: new IndexerMetrics() });
const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
server.once("listening", () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`,
  );
});
process.once("SIGTERM", () => {
  server.close();
  void database.close().then(() => process.exit(0));
});
