import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchFiles } from "./generate.js";
import type { MeasurePath, MeasureRequest, MeasureResult } from "./measure.js";
import { startBeaconServer } from "./server.js";

/**
 * The oracle's mainnet-size benchmark: a synthetic fulu state (1.1M validators, 300k the protocol's by
 * default), served by a local beacon-node stand-in, read three ways, each in its own child process:
 *
 *   compute_s   SSZ bytes in memory -> StateView -> computeFromView
 *   e2e_s       GET the SSZ state over HTTP -> StateView -> computeFromView
 *   json_e2e_s  GET the JSON validator list over HTTP -> JSON.parse -> match pubkeys -> computeFromView
 *
 * `npm run bench -w @tributary/oracle -- --json` prints one JSON object as its last line.
 */

const here = dirname(fileURLToPath(import.meta.url));

const options = {
  validators: { type: "string", default: "1100000" },
  protocol: { type: "string", default: "300000" },
  pending: { type: "string", default: "64" },
  "cache-dir": { type: "string", default: join(here, "..", ".bench-cache") },
  "skip-json": { type: "boolean", default: false },
  "json-parse": { type: "string", default: "auto" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

function parseFlags() {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}; see --help\n`);
    process.exit(2);
  }
}
const flags = parseFlags();

if (flags.help) {
  process.stdout.write(`Usage: npm run bench -w @tributary/oracle -- [options]

  --validators N   validators in the registry (default 1100000)
  --protocol M     of them the protocol's, spread evenly (default 300000)
  --pending P      protocol pubkeys not in the registry yet (default 64)
  --cache-dir DIR  where generated states are kept between runs (default packages/oracle/.bench-cache)
  --skip-json      do not run the JSON validator-list path
  --json-parse M   auto: one JSON.parse of the body while it fits in a string, else batches (default);
                   batches: always cut the list into batches of entries
  --json           print the figures as one JSON object on the last line
`);
  process.exit(0);
}

function count(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}

const spec = {
  validators: count("validators", flags.validators, 1),
  protocol: count("protocol", flags.protocol, 0),
  pending: count("pending", flags.pending, 0),
};
if (flags["json-parse"] !== "auto" && flags["json-parse"] !== "batches") {
  process.stderr.write(`--json-parse must be auto or batches, got ${JSON.stringify(flags["json-parse"])}\n`);
  process.exit(2);
}
const jsonParse = flags["json-parse"] as "auto" | "batches";
if (spec.protocol > spec.validators) {
  process.stderr.write(`--protocol (${spec.protocol}) cannot exceed --validators (${spec.validators})\n`);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** Runs one path in a child process with this process's Node flags (tsx loader, exposed gc). */
function runPath(request: MeasureRequest): Promise<MeasureResult & Record<string, unknown>> {
  return new Promise((resolvePath, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, join(here, "measure.ts"), JSON.stringify(request)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || line === "") {
        reject(new Error(`${request.path} path exited with code ${code}`));
        return;
      }
      resolvePath(JSON.parse(line) as MeasureResult & Record<string, unknown>);
    });
  });
}

async function main(): Promise<void> {
  const cacheDir = resolve(flags["cache-dir"] as string);
  log(
    `state: ${spec.validators} validators, ${spec.protocol} the protocol's, ${spec.pending} pending pubkeys`,
  );
  const files = benchFiles(spec, cacheDir);
  log(
    files.generated
      ? `generated ${files.statePath} (${(files.meta.stateBytes / 2 ** 20).toFixed(1)} MiB) in ${files.meta.generateSeconds.toFixed(2)} s`
      : `reusing ${files.statePath} (generated in ${files.meta.generateSeconds.toFixed(2)} s)`,
  );
  const server = await startBeaconServer(files.statePath, files.meta.fork);
  const results = new Map<MeasurePath, MeasureResult & Record<string, unknown>>();
  try {
    const paths: MeasurePath[] = flags["skip-json"] ? ["compute", "ssz"] : ["compute", "ssz", "json"];
    for (const path of paths) {
      log(`running the ${path} path...`);
      const result = await runPath({
        path,
        statePath: files.statePath,
        pubkeysPath: files.pubkeysPath,
        url: server.url,
        slot: files.meta.slot,
        validators: spec.validators,
        protocol: spec.protocol,
        jsonParse,
      });
      log(
        `  ${path}: ${result.seconds.toFixed(3)} s wall, ${result.cpuSeconds.toFixed(3)} s cpu, peak RSS ${result.peakRssMb.toFixed(0)} MB ${JSON.stringify(result.phases)}`,
      );
      results.set(path, result);
    }
  } finally {
    await server.close();
  }

  const compute = results.get("compute") as MeasureResult & Record<string, unknown>;
  const ssz = results.get("ssz") as MeasureResult & Record<string, unknown>;
  const json = results.get("json");
  for (const result of results.values()) {
    if (result.found !== spec.protocol || result.totalValidators !== spec.validators) {
      throw new Error(
        `${result.path} path found ${result.found} of ${spec.protocol} validators in ${result.totalValidators}`,
      );
    }
    if (result.digest !== compute.digest) {
      throw new Error(`${result.path} path computed ${result.digest}, the compute path ${compute.digest}`);
    }
  }

  const figures: Record<string, unknown> = {
    validators: spec.validators,
    protocol_validators: spec.protocol,
    pending_pubkeys: spec.pending,
    state_bytes: files.meta.stateBytes,
    generate_s: round(files.meta.generateSeconds),
    generated_now: files.generated,
    compute_s: round(compute.seconds),
    compute_cpu_s: round(compute.cpuSeconds),
    compute_warm_s: round(compute.warmSeconds as number),
    compute_cached_s: round(compute.cachedSeconds as number),
    compute_peak_rss_mb: round(compute.peakRssMb, 1),
    e2e_s: round(ssz.seconds),
    e2e_fetch_s: round(ssz.phases.fetch_s ?? 0),
    e2e_cpu_s: round(ssz.cpuSeconds),
    peak_rss_mb: round(ssz.peakRssMb, 1),
    json_e2e_s: json === undefined ? null : round(json.seconds),
    json_body_bytes: json === undefined ? null : json.bodyBytes,
    json_fetch_s: json === undefined ? null : round(json.phases.fetch_s ?? 0),
    json_parse_s: json === undefined ? null : round(json.phases.parse_s ?? 0),
    json_parse_mode: json === undefined ? null : json.jsonParseMode,
    json_peak_rss_mb: json === undefined ? null : round(json.peakRssMb, 1),
    json_ratio: json === undefined ? null : round(json.seconds / ssz.seconds, 1),
    rss_note: "peak RSS of each path's own child process; peak_rss_mb is the SSZ end-to-end path's",
    results_match: true,
    node: process.version,
    cpus: cpus().length,
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    for (const [key, value] of Object.entries(figures)) process.stdout.write(`${key.padEnd(22)} ${value}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
