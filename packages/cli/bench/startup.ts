/**
 * Startup and read latency of the real binary: the median wall time of `tributary --help`, and of
 * `tributary status` against a local chain with the real deployment (a position with a pending
 * ticket, so that every part of status runs), through a counting proxy that tells how many HTTP
 * round trips and JSON-RPC calls status makes.
 *
 *   npm run bench -w @tributary/cli            (last line: JSON)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trETHAbi } from "@tributary/sdk/abis";
import { parseEther } from "viem";
import { freePort } from "../../../contracts/lib/bench.js";
import { startTestProtocol } from "../../sdk/test/harness.js";

const BIN = fileURLToPath(new URL("../bin/tributary.js", import.meta.url));
const HELP_RUNS = 20;
const STATUS_RUNS = 10;
const USER = 8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Wall time of one run of the binary, ms (spawned asynchronously: the counting proxy runs in this
 * process); fails loudly if the run fails.
 */
function timeRun(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`tributary ${args.join(" ")} failed: ${stderr}`));
      else resolve(ms);
    });
  });
}

/** A proxy in front of the node that counts HTTP requests and the JSON-RPC calls in them. */
async function countingProxy(target: string) {
  const counts = { requests: 0, calls: 0 };
  const port = await freePort();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      counts.requests++;
      const parsed = JSON.parse(body.toString()) as unknown;
      const calls = (Array.isArray(parsed) ? parsed : [parsed]) as { method: string }[];
      counts.calls += calls.length;
      // BENCH_TRACE=1 prints the methods of each round trip.
      if (process.env.BENCH_TRACE) console.log(`  round trip: ${calls.map((c) => c.method).join(", ")}`);
      const upstream = request(
        target,
        { method: "POST", headers: { "content-type": "application/json" } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" });
          up.pipe(res);
        },
      );
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const help: number[] = [];
for (let i = 0; i < HELP_RUNS; i++) help.push(await timeRun(["--help"]));

const t = await startTestProtocol();
try {
  // A position with a pending ticket after one report, so that status computes a waiting time.
  await t.scenario.addOperators(1);
  await t.scenario.applyReport(await t.scenario.typicalReport(await t.scenario.nextFrame(), 0n, true));
  const wallet = t.local.wallet(USER);
  const { token } = t.deployment.contracts;
  await t.local.gasOf(
    await wallet.writeContract({
      address: token,
      abi: trETHAbi,
      functionName: "stake",
      args: [wallet.account.address],
      value: parseEther("2"),
      chain: undefined,
    }),
  );
  await t.local.gasOf(
    await wallet.writeContract({
      address: token,
      abi: trETHAbi,
      functionName: "requestRedeem",
      args: [parseEther("1"), wallet.account.address, wallet.account.address],
      chain: undefined,
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), "tributary-bench-"));
  const deployment = join(dir, "deployment.json");
  writeFileSync(deployment, JSON.stringify(t.deployment));
  const proxy = await countingProxy(t.local.url);
  const args = ["--rpc-url", proxy.url, "--deployment", deployment, "status", wallet.account.address];
  const status: number[] = [];
  let perRun = { requests: 0, calls: 0 };
  for (let i = 0; i < STATUS_RUNS; i++) {
    const before = { ...proxy.counts };
    status.push(await timeRun(args));
    perRun = { requests: proxy.counts.requests - before.requests, calls: proxy.counts.calls - before.calls };
  }
  await proxy.close();
  const result = {
    help_ms: Math.round(median(help) * 10) / 10,
    status_ms: Math.round(median(status) * 10) / 10,
    status_rpc_requests: perRun.requests,
    status_rpc_calls: perRun.calls,
  };
  console.log(`tributary --help   median ${result.help_ms} ms over ${HELP_RUNS} runs (bar: 150 ms)`);
  console.log(`tributary status   median ${result.status_ms} ms over ${STATUS_RUNS} runs (bar: 1,000 ms)`);
  console.log(
    `                   ${result.status_rpc_requests} HTTP round trips carrying ${result.status_rpc_calls} JSON-RPC calls`,
  );
  console.log(JSON.stringify(result));
} finally {
  await t.stop();
}
