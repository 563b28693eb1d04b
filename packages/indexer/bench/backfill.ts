/**
 * `npm run bench:indexer [-- --json] [--transfers 95000] [--stakes 2500] [--per-tx 250]
 * [--pool 3000] [--chunk 10000] [--ponder-timeout 1800]`: the backfill rate of Tributary's indexer
 * against Ponder 0.16.10, both on PGlite, over the same events in the same run.
 *
 * Anvil with the real deployment; a helper contract (bench/load.ts) makes the protocol events:
 * `--transfers` trETH transfers and `--stakes` stakes (a `Transfer` and a `Deposit` each) to a pool
 * of `--pool` addresses, `--per-tx` calls per transaction, one transaction per block; then 70 empty
 * blocks, so that every event is below anvil's `finalized` block (latest - 64). The expected count
 * is every log of the protocol's addresses from the deployment's first block (eth_getLogs).
 *
 * - Tributary: a child process (bench/run-tributary.ts --init) creates and migrates a fresh PGlite
 *   directory; another opens it and times `Indexer.sync()` to the head. Peak RSS is each child's
 *   own (`maxRSS`); the figure checked against the bar is the larger of the two.
 * - Ponder: a project (bench/ponder/) over the same contracts and start block, with handlers doing
 *   the same writes (a row per trETH transfer with its transaction and both parties' balances
 *   upserted; a row per other event with its arguments as JSON), into its own PGlite directory; `ponder start` is timed from spawn
 *   to the first 200 of `/ready` (its historical indexing done), its startup and build included.
 *   Its RSS is sampled every 100 ms over its process tree (and its VmHWM read at the end).
 *
 * Both row counts are checked against the chain. With --json the last line is
 * `{ events, tributary_events_per_s, ponder_events_per_s, ratio, ... }`. The bar: Tributary at
 * least 30x Ponder's rate, with a peak RSS of at most 512 MB.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { Scenario } from "../../../contracts/lib/scenario.js";
import { CONTRACT_ABIS, type ContractName, DEPLOYMENT_FIELDS as FIELDS } from "../src/decode.js";
import { generateEvents } from "./load.js";
import { ponderBin, writePonderProject } from "./ponder/project.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};
const TRANSFERS = option("--transfers", 95_000);
const STAKES = option("--stakes", 2_500);
const PER_TX = option("--per-tx", 250);
const POOL = option("--pool", 3_000);
const CHUNK = option("--chunk", 10_000);
const PONDER_TIMEOUT_S = option("--ponder-timeout", 1_800);
const BAR = { ratio: 30, peak_rss_mb: 512 };

const log = (text: string) => {
  if (!json) process.stdout.write(`${text}\n`);
};
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

// ------------------------------------------------------------------ cleanup

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        process.stderr.write(`cleanup: ${(error as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}
// Ctrl-C reaches this process twice (from the terminal and relayed by tsx): the handler stays.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (cleaning) return;
    process.stderr.write(`bench: ${signal}, cleaning up\n`);
    void cleanup().then(() => process.exit(130));
  });
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

// ------------------------------------------------------------------ memory of a process tree

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, "m"),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/).filter(Boolean).map(Number)) {
        out.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return out;
}

// ------------------------------------------------------------------ chain

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

interface ChainFigures {
  events: number;
  tokenEvents: number;
  transfers: number;
  blocks: number;
  head: number;
}

/** Every log of the protocol's addresses from `startBlock`: the count both indexers must reach. */
async function countLogs(local: LocalProtocol, startBlock: number): Promise<ChainFigures> {
  const token = local.deployment.contracts.token.toLowerCase();
  const addresses = Object.values(FIELDS).map((f) => local.deployment.contracts[f].toLowerCase());
  const logs = await rpc<{ address: string; topics: string[]; blockNumber: string }[]>(
    local.url,
    "eth_getLogs",
    [{ fromBlock: `0x${startBlock.toString(16)}`, toBlock: "latest", address: addresses }],
  );
  // keccak256("Transfer(address,address,uint256)")
  const TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
  const tokenLogs = logs.filter((l) => l.address.toLowerCase() === token);
  const head = Number(BigInt(await rpc<string>(local.url, "eth_blockNumber", [])));
  return {
    events: logs.length,
    tokenEvents: tokenLogs.length,
    transfers: tokenLogs.filter((l) => l.topics[0] === TRANSFER).length,
    blocks: new Set(logs.map((l) => l.blockNumber)).size,
    head,
  };
}

/**
 * The node's own floor: every protocol log read with eth_getLogs in ranges of `blocks` blocks, three
 * in flight, each answer parsed, nothing decoded or written. No indexer that reads its events from
 * this node can be faster; seconds, best of `runs`.
 */
async function rpcFloor(local: LocalProtocol, startBlock: number, head: number, blocks = 40, runs = 2) {
  const addresses = Object.values(FIELDS).map((f) => local.deployment.contracts[f].toLowerCase());
  let best = Number.POSITIVE_INFINITY;
  let logs = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    let next = startBlock;
    let count = 0;
    const worker = async () => {
      while (next <= head) {
        const from = next;
        const to = Math.min(head, from + blocks - 1);
        next = to + 1;
        const answer = await rpc<unknown[]>(local.url, "eth_getLogs", [
          { fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, address: addresses },
        ]);
        count += answer.length;
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    best = Math.min(best, (performance.now() - started) / 1_000);
    logs = count;
  }
  return { seconds: best, logs };
}

// ------------------------------------------------------------------ Tributary

interface TributaryRun {
  seconds: number;
  /** The indexing process, spawn to exit (startup and opening the database included). */
  process_seconds: number;
  events: number;
  transfers: number;
  balances: number;
  rpc_requests: number;
  /** The indexing process's peak RSS. */
  peak_rss_mb: number;
  /** The process that created the database (PGlite's initdb and the migrations). */
  init_seconds: number;
  init_peak_rss_mb: number;
}

/** Runs bench/run-tributary.ts with `args`; returns its last stdout line, parsed, and its wall time. */
async function runChild<T>(args: string[]): Promise<T & { process_seconds: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "run-tributary.ts"), ...args],
    {
      cwd: join(import.meta.dirname, ".."),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  cleanups.push(() => stopChild(child));
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  const processSeconds = (performance.now() - started) / 1_000;
  const last = stdout.trim().split("\n").at(-1) ?? "";
  if (code !== 0 || !last.startsWith("{")) {
    throw new Error(`the Tributary run exited with ${code}: ${stderr.trim().slice(-2_000)}`);
  }
  return { ...(JSON.parse(last) as T), process_seconds: processSeconds };
}

/**
 * Creates the database in one process, then indexes into it in another: PGlite's initdb alone
 * peaks far above what indexing needs, and is reported apart.
 */
async function runTributary(url: string, deploymentFile: string, dataDir: string): Promise<TributaryRun> {
  const init = await runChild<{ seconds: number; peak_rss_mb: number }>(["--init", dataDir]);
  const run = await runChild<Omit<TributaryRun, "process_seconds" | "init_seconds" | "init_peak_rss_mb">>([
    url,
    deploymentFile,
    dataDir,
    String(CHUNK),
  ]);
  return { ...run, init_seconds: init.process_seconds, init_peak_rss_mb: init.peak_rss_mb };
}

// ------------------------------------------------------------------ Ponder

interface PonderRun {
  seconds: number;
  /** Ponder's own figure for its historical indexing (its log), startup and build excluded. */
  backfill_seconds: number | undefined;
  events: number;
  transfers: number;
  balances: number;
  peak_rss_mb: number;
}

async function runPonder(
  local: LocalProtocol,
  startBlock: number,
  dir: string,
  expected: number,
): Promise<PonderRun> {
  const project = join(dir, "ponder");
  writePonderProject(project, {
    rpcUrl: local.url,
    chainId: local.deployment.chainId,
    startBlock,
    pglite: join(dir, "ponder-pglite"),
    contracts: (Object.keys(FIELDS) as ContractName[]).map((name) => ({
      name,
      address: local.deployment.contracts[FIELDS[name]],
      abi: [...CONTRACT_ABIS[name]],
    })),
  });
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ponderBin(),
      "--root",
      project,
      "--log-format",
      "json",
      "--log-level",
      "info",
      "start",
      "--schema",
      "public",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PONDER_TELEMETRY_DISABLED: "true", NODE_ENV: "production" },
    },
  );
  cleanups.push(() => stopChild(child));
  const pid = child.pid as number;
  let output = "";
  let backfillMs: number | undefined;
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    for (const line of text.split("\n")) {
      if (!line.includes("Completed backfill indexing")) continue;
      try {
        const entry = JSON.parse(line) as { duration?: number };
        if (typeof entry.duration === "number") backfillMs = entry.duration;
      } catch {}
    }
  };
  child.stdout.on("data", onOutput);
  child.stderr.on("data", onOutput);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  let peakKb = 0;
  const sample = () => {
    const tree = [pid, ...descendants(pid)];
    const rss = tree.reduce((sum, p) => sum + statusKb(p, "VmRSS"), 0);
    peakKb = Math.max(peakKb, rss, statusKb(pid, "VmHWM"));
  };
  const sampler = setInterval(sample, 100);
  try {
    const deadline = started + PONDER_TIMEOUT_S * 1_000;
    let seconds: number | undefined;
    while (seconds === undefined) {
      if (exited) throw new Error(`ponder exited before it was ready:\n${output.trim().slice(-4_000)}`);
      if (performance.now() > deadline) {
        throw new Error(`ponder was not ready within ${PONDER_TIMEOUT_S} s:\n${output.trim().slice(-4_000)}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${port}/ready`, {
          signal: AbortSignal.timeout(2_000),
        });
        await response.arrayBuffer();
        if (response.status === 200) seconds = (performance.now() - started) / 1_000;
      } catch {}
      if (seconds === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    sample();
    const counts = (await (await fetch(`http://127.0.0.1:${port}/bench/counts`)).json()) as {
      events: number;
      transfers: number;
      balances: number;
    };
    // Transfers have their own table; every other event a row in the events table.
    if (counts.events + counts.transfers !== expected) {
      throw new Error(
        `ponder wrote ${counts.events} event rows and ${counts.transfers} transfers, the chain has ${expected} logs`,
      );
    }
    return {
      seconds,
      backfill_seconds: backfillMs === undefined ? undefined : backfillMs / 1_000,
      ...counts,
      events: counts.events + counts.transfers,
      peak_rss_mb: peakKb / 1024,
    };
  } finally {
    clearInterval(sampler);
    await stopChild(child);
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const wallStarted = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "tributary-bench-backfill-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));

  log("anvil and the deployment...");
  const local = await startLocalProtocol();
  cleanups.push(() => local.stop());
  const scenario = new Scenario(local);
  const startBlock = Number(local.deployment.startBlock ?? local.deployment.blockNumber);

  log(`events: ${TRANSFERS} transfers and ${STAKES} stakes, ${PER_TX} calls per transaction...`);
  const generateStarted = performance.now();
  const load = await generateEvents(local, scenario, {
    transfers: TRANSFERS,
    stakes: STAKES,
    perTx: PER_TX,
    pool: POOL,
    sender: 40,
  });
  await rpc(local.url, "anvil_mine", ["0x46"]);
  const generateSeconds = (performance.now() - generateStarted) / 1_000;
  const chain = await countLogs(local, startBlock);
  log(
    `${chain.events} protocol logs (${chain.tokenEvents} from trETH, ${chain.transfers} transfers) in ${chain.blocks} blocks, head ${chain.head}; ${load.transactions} transactions in ${generateSeconds.toFixed(1)} s`,
  );

  const floor = await rpcFloor(local, startBlock, chain.head);
  if (floor.logs !== chain.events) throw new Error(`the floor read ${floor.logs} logs, not ${chain.events}`);
  log(`the node serves them in ${floor.seconds.toFixed(2)} s (eth_getLogs, 40-block ranges, 3 in flight)`);

  const deploymentFile = join(dir, "deployment.json");
  writeFileSync(deploymentFile, JSON.stringify(local.deployment));
  log("Tributary: indexing...");
  const tributary = await runTributary(local.url, deploymentFile, join(dir, "tributary-pglite"));
  // Transfers have their own table; every other event a row in the events table.
  if (tributary.events + tributary.transfers !== chain.events || tributary.transfers !== chain.transfers) {
    throw new Error(
      `Tributary wrote ${tributary.events} events and ${tributary.transfers} transfers; the chain has ${chain.events} logs of which ${chain.transfers} transfers`,
    );
  }
  tributary.events += tributary.transfers;
  log(`Tributary: ${tributary.events} events in ${tributary.seconds.toFixed(2)} s`);

  log("Ponder: indexing...");
  let ponder: PonderRun | undefined;
  let ponderError: string | undefined;
  try {
    ponder = await runPonder(local, startBlock, dir, chain.events);
    log(`Ponder: ${ponder.events} events in ${ponder.seconds.toFixed(2)} s`);
  } catch (error) {
    ponderError = (error as Error).message;
    process.stderr.write(`Ponder failed: ${ponderError}\n`);
  }

  const tributaryRate = tributary.events / tributary.seconds;
  const ponderRate = ponder ? ponder.events / ponder.seconds : undefined;
  const ratio = ponderRate ? tributaryRate / ponderRate : undefined;
  // A first start on an empty directory goes through both: the larger peak counts.
  const tributaryPeak = Math.max(tributary.peak_rss_mb, tributary.init_peak_rss_mb);
  const tributaryWhole = tributary.init_seconds + tributary.process_seconds;
  const out = {
    database: "pglite",
    events: chain.events,
    token_events: chain.tokenEvents,
    blocks_with_events: chain.blocks,
    blocks: chain.head - startBlock + 1,
    tributary_events: tributary.events,
    tributary_seconds: round(tributary.seconds, 3),
    tributary_events_per_s: Math.round(tributaryRate),
    tributary_process_seconds: round(tributaryWhole, 3),
    tributary_peak_rss_mb: round(tributaryPeak, 1),
    tributary_index_peak_rss_mb: round(tributary.peak_rss_mb, 1),
    tributary_init_peak_rss_mb: round(tributary.init_peak_rss_mb, 1),
    tributary_rpc_requests: tributary.rpc_requests,
    ponder_version: "0.16.10",
    ponder_events: ponder?.events,
    ponder_seconds: ponder ? round(ponder.seconds, 3) : undefined,
    ponder_events_per_s: ponderRate === undefined ? undefined : Math.round(ponderRate),
    ponder_backfill_seconds: ponder?.backfill_seconds,
    ponder_peak_rss_mb: ponder ? round(ponder.peak_rss_mb, 1) : undefined,
    ratio: ratio === undefined ? undefined : round(ratio, 1),
    ratio_process: ponder ? round(ponder.seconds / tributaryWhole, 1) : undefined,
    // The node's own time to serve the logs, and the ratio an indexer that took no time at all would reach.
    rpc_floor_seconds: round(floor.seconds, 3),
    rpc_floor_ratio: ponder ? round(ponder.seconds / floor.seconds, 1) : undefined,
    ponder_error: ponderError,
    bar: BAR,
    meets_bar: ratio !== undefined && ratio >= BAR.ratio && tributaryPeak <= BAR.peak_rss_mb,
    generate_seconds: round(generateSeconds, 1),
    wall_seconds: 0,
  };
  out.wall_seconds = round((performance.now() - wallStarted) / 1_000, 1);
  if (!json) {
    const row = (
      name: string,
      events: number | undefined,
      seconds: number | undefined,
      rate: number | undefined,
      rss: number | undefined,
    ) =>
      `${name.padEnd(12)}${String(events ?? "-").padStart(10)}${(seconds?.toFixed(2) ?? "-").padStart(11)}${String(rate ?? "-").padStart(12)}${(rss?.toFixed(0) ?? "-").padStart(14)}`;
    log(
      `\n${"indexer".padEnd(12)}${"events".padStart(10)}${"seconds".padStart(11)}${"events/s".padStart(12)}${"peak RSS MB".padStart(14)}`,
    );
    log(
      row(
        "Tributary",
        out.tributary_events,
        out.tributary_seconds,
        out.tributary_events_per_s,
        out.tributary_peak_rss_mb,
      ),
    );
    log(
      row("Ponder", out.ponder_events, out.ponder_seconds, out.ponder_events_per_s, out.ponder_peak_rss_mb),
    );
    log(
      `\nratio ${out.ratio ?? "-"}x (bar ${BAR.ratio}x), Tributary peak RSS ${out.tributary_peak_rss_mb} MB (bar ${BAR.peak_rss_mb} MB): ${out.meets_bar ? "met" : "NOT met"}`,
    );
    log(
      `the node alone serves the logs in ${out.rpc_floor_seconds} s: an indexer that took no time would reach ${out.rpc_floor_ratio ?? "-"}x`,
    );
    log(
      `Tributary peak RSS: ${out.tributary_init_peak_rss_mb} MB creating the database (PGlite initdb), ${out.tributary_index_peak_rss_mb} MB indexing`,
    );
    log(
      "Tributary: sync() only; Ponder: spawn to /ready (its startup and build included)" +
        (out.ponder_backfill_seconds === undefined
          ? ""
          : `, of which its own backfill ${out.ponder_backfill_seconds.toFixed(2)} s`),
    );
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (error) => {
    process.stderr.write(`bench:indexer failed: ${(error as Error).stack ?? error}\n`);
    await cleanup();
    process.exit(1);
  },
);
