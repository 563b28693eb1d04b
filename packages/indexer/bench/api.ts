/**
 * `npm run bench:api [-- --json] [--rate 500] [--seconds 10] [--history 0]`: the API's latency under
 * a fixed request rate on loopback, on PGlite.
 *
 * A chain with protocol activity (anvil, the real deployment: operators, stakes by 40 accounts,
 * transfers, requests, reports, claims) is indexed into PGlite. With `--history N`, a helper contract
 * (bench/load.ts) adds N trETH transfers and N/40 stakes to a pool of 3,000 addresses first, so the
 * database holds a large history; half the known addresses asked are then pool members (about
 * N/3,000 transfers each). The API then runs in a process of
 * its own, and this process sends requests open-loop at `--rate` per second for `--seconds`
 * (half `/v1/stats`, half `/v1/accounts/{address}`: every other one of the 40 accounts, the
 * rest addresses never asked before, so half the account answers are not cached), on keep-alive
 * connections. A request's latency runs from the moment it was due, not from when it was sent, so
 * a slow server cannot hide its queue (no coordinated omission). Bounded: rate x seconds requests,
 * each with a 5 s timeout.
 *
 * Prints p50/p99/max per route and overall, the rate achieved and errors; with --json the last line
 * is `{ p50_ms, p99_ms, requests_per_s, ... }`. The bar: p99 <= 20 ms at 500 requests/s.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createLogger } from "@tributary/daemon/log";
import { parseEther } from "viem";
import { stakeFor } from "../../sdk/test/withdrawals.js";
import { openDatabase } from "../src/db.js";
import { Indexer } from "../src/indexer.js";
import { activity, mine, startTestProtocol, transferShares } from "../test/helpers/chain.js";
import { generateEvents, poolMember } from "./load.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const rate = option("--rate", 500);
const seconds = option("--seconds", 10);
const historyIndex = args.indexOf("--history");
const history = historyIndex >= 0 ? Number(args[historyIndex + 1]) : 0;
if (!Number.isInteger(history) || history < 0)
  throw new Error("--history must be a whole number of transfers");
const log = (text: string) => {
  if (!json) process.stdout.write(`${text}\n`);
};

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => 30 + i);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "tributary-bench-api-"));
  const t = await startTestProtocol();
  let server: ReturnType<typeof spawn> | undefined;
  try {
    log("activity on anvil...");
    await activity(t, 0);
    for (const user of ACCOUNTS) {
      await t.scenario.fund(t.local.address(user), parseEther("100"));
      await stakeFor(t, user, "2");
    }
    for (let i = 0; i < ACCOUNTS.length; i++) {
      await transferShares(
        t,
        ACCOUNTS[i] as number,
        ACCOUNTS[(i + 1) % ACCOUNTS.length] as number,
        parseEther("0.1"),
      );
    }
    if (history > 0) {
      log(`history: ${history} transfers and ${Math.round(history / 40)} stakes...`);
      await generateEvents(t.local, t.scenario, {
        transfers: history,
        stakes: Math.round(history / 40),
        perTx: 250,
        pool: 3_000,
        sender: 20,
      });
    }
    await mine(t, 70);
    await activity(t, 1);
    const dataDir = join(dir, "pglite");
    const database = await openDatabase({ dataDir });
    const indexer = new Indexer({
      database,
      publicClient: t.local.publicClient,
      deployment: t.deployment,
      logger: createLogger({ level: "error" }),
    });
    await indexer.sync();
    const [{ n }] = (await database.query<{ n: number }>(
      "select ((select count(*) from events) + (select count(*) from transfers))::int as n",
    )) as [{ n: number }];
    await database.close();
    log(`indexed ${n} events`);
    const deploymentFile = join(dir, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(t.deployment));

    server = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "api-server.ts"), dataDir, deploymentFile],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: server?.stdout as NodeJS.ReadableStream });
      lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
      server?.once("exit", (code) => reject(new Error(`the API server exited (${code})`)));
    });

    const agent = new Agent({ keepAlive: true, maxSockets: 128 });
    const addresses = ACCOUNTS.map((user, i) =>
      history > 0 && i % 2 === 1 ? poolMember(i * 71) : t.local.address(user),
    );
    const paths = (i: number) =>
      i % 2 === 0
        ? { route: "/v1/stats", path: "/v1/stats" }
        : {
            route: "/v1/accounts/{address}",
            // Every other account request is an address never asked before (no answer cached).
            path:
              i % 4 === 1
                ? `/v1/accounts/${addresses[(i >> 2) % addresses.length]}`
                : `/v1/accounts/0x${i.toString(16).padStart(40, "0")}`,
          };
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path, agent, timeout: 5_000 }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
        req.end();
      });
    // Warm-up (JIT, the database's WebAssembly tiering up, connections): a quarter of a second's
    // worth of requests, one at a time, with addresses the measured requests never ask.
    const WARM_UP = 1_000_000;
    for (let i = 0; i < rate / 4; i++) await get(paths(WARM_UP + i).path);

    const total = Math.round(rate * seconds);
    const interval = 1_000 / rate;
    const results: { route: string; ms: number; ok: boolean }[] = [];
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const { route, path } = paths(i);
      // From when it was due, or from when it was sent if the timer let it go a little early.
      const from = Math.max(due, performance.now());
      inflight.push(
        get(path).then(
          (status) => {
            results.push({ route, ms: performance.now() - from, ok: status === 200 });
          },
          () => {
            results.push({ route, ms: performance.now() - from, ok: false });
          },
        ),
      );
    }
    await Promise.all(inflight);
    const elapsed = (performance.now() - started) / 1_000;
    agent.destroy();

    const pct = (sorted: number[], p: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    const summary = (list: typeof results) => {
      const ms = list.map((r) => r.ms).sort((a, b) => a - b);
      return {
        requests: list.length,
        errors: list.filter((r) => !r.ok).length,
        p50_ms: Number(pct(ms, 0.5).toFixed(2)),
        p99_ms: Number(pct(ms, 0.99).toFixed(2)),
        max_ms: Number((ms.at(-1) ?? 0).toFixed(2)),
      };
    };
    const routes = Object.fromEntries(
      ["/v1/stats", "/v1/accounts/{address}"].map((route) => [
        route,
        summary(results.filter((r) => r.route === route)),
      ]),
    );
    const all = summary(results);
    const out = {
      database: "pglite",
      events_indexed: n,
      target_rps: rate,
      seconds,
      requests: all.requests,
      errors: all.errors,
      requests_per_s: Number((all.requests / elapsed).toFixed(1)),
      p50_ms: all.p50_ms,
      p99_ms: all.p99_ms,
      max_ms: all.max_ms,
      routes,
      bar: { p99_ms: 20, at_rps: 500 },
      meets_bar: all.p99_ms <= 20 && all.errors === 0 && rate >= 500,
    };
    if (!json) {
      log(
        `\n${"route".padEnd(26)}${"requests".padStart(10)}${"errors".padStart(8)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"max ms".padStart(9)}`,
      );
      for (const [route, s] of [...Object.entries(routes), ["all", all] as const]) {
        log(
          `${route.padEnd(26)}${String(s.requests).padStart(10)}${String(s.errors).padStart(8)}${s.p50_ms.toFixed(2).padStart(9)}${s.p99_ms.toFixed(2).padStart(9)}${s.max_ms.toFixed(2).padStart(9)}`,
        );
      }
      log(
        `\n${out.requests_per_s} requests/s achieved (target ${rate}); bar p99 <= 20 ms at 500/s: ${out.meets_bar ? "met" : "NOT met"}`,
      );
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    server?.kill("SIGTERM");
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench:api failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
