/**
 * Startup and read latency of the real binary: the median wall time of `tributary --help`, and of
 * `tributary status` against a local chain with the real deployment (a position with a pending
 * ticket, so that every part of status runs), through a counting proxy that tells how many HTTP
 * round trips and JSON-RPC calls status makes; then status again with REMOTE_RTT_MS added to each
 * round trip, as a node across the internet would (status_remote_ms: what the round trips cost).
 *
 *   npm run bench -w @tributary/cli            (last line: JSON; BENCH_TRACE=1 prints each round trip)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { trETHAbi } from "@tributary/sdk/abis";
import { parseEther } from "viem";
import { startTestProtocol } from "../../sdk/test/harness.js";
import { countingProxy } from "../test/rpcProxy.js";

const BIN = fileURLToPath(new URL("../bin/tributary.js", import.meta.url));
const HELP_RUNS = 20;
const STATUS_RUNS = 10;
const USER = 8;
/** Round-trip time added for status_remote_ms: a node some distance away over the internet. */
const REMOTE_RTT_MS = 50;

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
  const proxy = await countingProxy(t.local.url, { trace: Boolean(process.env.BENCH_TRACE) });
  const statusArgs = (url: string) => [
    "--rpc-url",
    url,
    "--deployment",
    deployment,
    "status",
    wallet.account.address,
  ];
  const args = statusArgs(proxy.url);
  const status: number[] = [];
  let perRun = { requests: 0, calls: 0 };
  for (let i = 0; i < STATUS_RUNS; i++) {
    const before = { ...proxy.counts };
    status.push(await timeRun(args));
    perRun = { requests: proxy.counts.requests - before.requests, calls: proxy.counts.calls - before.calls };
  }
  await proxy.close();
  const remote = await countingProxy(t.local.url, { latencyMs: REMOTE_RTT_MS });
  const statusRemote: number[] = [];
  for (let i = 0; i < STATUS_RUNS; i++) statusRemote.push(await timeRun(statusArgs(remote.url)));
  await remote.close();
  const result = {
    help_ms: Math.round(median(help) * 10) / 10,
    status_ms: Math.round(median(status) * 10) / 10,
    status_rpc_requests: perRun.requests,
    status_rpc_calls: perRun.calls,
    status_remote_ms: Math.round(median(statusRemote) * 10) / 10,
  };
  console.log(`tributary --help   median ${result.help_ms} ms over ${HELP_RUNS} runs (bar: 150 ms)`);
  console.log(`tributary status   median ${result.status_ms} ms over ${STATUS_RUNS} runs (bar: 1,000 ms)`);
  console.log(
    `                   ${result.status_rpc_requests} HTTP round trips carrying ${result.status_rpc_calls} JSON-RPC calls`,
  );
  console.log(
    `tributary status   median ${result.status_remote_ms} ms with ${REMOTE_RTT_MS} ms added to each round trip`,
  );
  console.log(JSON.stringify(result));
} finally {
  await t.stop();
}
