/**
 * `npm run scenario -- <name>`: one named scenario on a fresh devnet in fast mode, ending with the
 * accounting check and a verdict. `--list` lists them; `--json` prints one JSON object as the last
 * line (scenario, verdict, wall_s, reports, wei_unaccounted, ...). Exit code 0 on pass, 1 on fail.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../processes.js";
import { runScenario } from "./runner.js";
import { findScenario, SCENARIOS } from "./scenarios.js";

const USAGE = `Runs a named scenario on a fresh local network (anvil, the consensus layer in fast mode, the
protocol and every daemon), injects its faults, and ends with the accounting check: every wei that
came in is in the buffer, the vault, the queue, on the beacon chain or paid out; every report's
rate equals an independent computation; no ticket is paid twice; bonds pay for losses first.

Usage: npm run scenario -- <name> [options]
       npm run scenario -- --list

  --json                      print one JSON object as the last line (scenario, verdict, wall_s,
                              reports, wei_unaccounted, failures, events_file, chart_file)
  --port <port>               EVM node JSON-RPC port (default 18545)
  --beacon-port <port>        Beacon API port (default 15052)
  --daemon-port-base <port>   first port of the daemons' HTTP servers (default 19200)
  --data-dir <dir>            where the run's devnet, logs, events.json and chart.svg go
                              (default .data/scenario/<name>; wiped at start)
  --list                      the scenarios, with what each shows
  -h, --help                  this help`;

function fail(message: string): never {
  process.stderr.write(`scenario: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        port: { type: "string", default: "18545" },
        "beacon-port": { type: "string", default: "15052" },
        "daemon-port-base": { type: "string", default: "19200" },
        "data-dir": { type: "string" },
        list: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.list) {
  for (const s of SCENARIOS)
    process.stdout.write(`${s.name.padEnd(20)} ${s.ci ? "(CI) " : "     "}${s.summary}\n`);
  process.exit(0);
}
const name = positionals[0];
if (!name) fail("name a scenario (--list shows them)");
if (positionals.length > 1) fail(`one scenario at a time, got ${positionals.join(", ")}`);
const scenario = findScenario(name);
if (!scenario) fail(`no scenario named "${name}"; there are: ${SCENARIOS.map((s) => s.name).join(", ")}`);
const port = (flag: "port" | "beacon-port" | "daemon-port-base") => {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < 1 || n > 65_535)
    fail(`--${flag} must be a port number, got "${values[flag]}"`);
  return n;
};

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});
const print = (line: string) => process.stdout.write(`${line}\n`);
print(`scenario ${scenario.name}: ${scenario.summary}`);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    print(`${signal}: stopping`);
    // The supervisor's exit handler kills every child.
    process.exit(130);
  });
}
const result = await runScenario(scenario, {
  dataDir: values["data-dir"] ?? join(REPO_ROOT, ".data", "scenario", scenario.name),
  elPort: port("port"),
  beaconPort: port("beacon-port"),
  daemonPortBase: port("daemon-port-base"),
  print,
});
print(`events: ${result.events_file}`);
print(`chart:  ${result.chart_file}`);
print(
  `verdict: ${result.verdict.toUpperCase()} (${result.wall_s} s, ${result.reports} reports, ${result.wei_unaccounted ?? "?"} wei unaccounted)`,
);
for (const f of result.failures) print(`  - ${f}`);
if (values.json) print(JSON.stringify(result));
process.exit(result.verdict === "pass" ? 0 : 1);
