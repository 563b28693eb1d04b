import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { PubkeyIndexCache, readState } from "../src/state/readState.js";
import type { StateView, ValidatorView } from "../src/state/types.js";
import { type BenchReport, computeFromView, prepareBench } from "./compute.js";
import { protocolIndex } from "./generate.js";
import { fetchStateSsz } from "./http.js";
import { parseValidatorList } from "./jsonList.js";

/**
 * One path of the benchmark, run in its own process so each path's peak memory is its own. Prints one
 * JSON line: the timings, the process's peak RSS, and a digest of the computed result so the parent can
 * check every path computed the same thing.
 *
 *   compute  state file -> memory (untimed), then readState + computeFromView (timed); also warm and cached runs
 *   ssz      GET the SSZ state over HTTP, readState, computeFromView
 *   json     GET the JSON validator list over HTTP, JSON.parse (in batches past V8's string cap), match
 *            pubkeys, computeFromView
 */

export type MeasurePath = "compute" | "ssz" | "json";

export interface MeasureRequest {
  path: MeasurePath;
  statePath: string;
  pubkeysPath: string;
  url: string;
  slot: number;
  /** The registry's size and the protocol's validators in it (the generator's spread). */
  validators: number;
  protocol: number;
  /** "auto": one JSON.parse of the body while it fits in a string (the usual client), else in batches. */
  jsonParse?: "auto" | "batches";
}

export interface MeasureResult {
  path: MeasurePath;
  /** Wall-clock seconds of the timed part. */
  seconds: number;
  /** CPU seconds (user + system) of the timed part: less sensitive to other load on the machine. */
  cpuSeconds: number;
  /** Breakdown of `seconds`, by phase. */
  phases: Record<string, number>;
  peakRssMb: number;
  found: number;
  totalValidators: number;
  digest: string;
}

function loadPubkeys(path: string): string[] {
  const bytes = readFileSync(path);
  const pubkeys = new Array<string>(bytes.length / 48);
  for (let j = 0; j < pubkeys.length; j++) pubkeys[j] = `0x${bytes.toString("hex", j * 48, j * 48 + 48)}`;
  return pubkeys;
}

function digest(report: BenchReport): string {
  return createHash("sha256").update(JSON.stringify(report)).digest("hex").slice(0, 16);
}

/** Wall and CPU time of the phases between `mark` calls. */
class Stopwatch {
  readonly phases: Record<string, number> = {};
  readonly #wallStart = performance.now();
  readonly #cpuStart = process.cpuUsage();
  #last = this.#wallStart;

  mark(phase: string): void {
    const now = performance.now();
    this.phases[phase] = (now - this.#last) / 1000;
    this.#last = now;
  }

  get seconds(): number {
    return (performance.now() - this.#wallStart) / 1000;
  }

  get cpuSeconds(): number {
    const cpu = process.cpuUsage(this.#cpuStart);
    return (cpu.user + cpu.system) / 1e6;
  }
}

const FAR_FUTURE_DECIMAL = "18446744073709551615";

function epochOf(value: string): number {
  return value === FAR_FUTURE_DECIMAL ? Number.POSITIVE_INFINITY : Number(value);
}

interface JsonValidator {
  index: string;
  balance: string;
  validator: {
    pubkey: string;
    effective_balance: string;
    slashed: boolean;
    activation_eligibility_epoch: string;
    activation_epoch: string;
    exit_epoch: string;
    withdrawable_epoch: string;
  };
}

/** What a client of the JSON route does: one body, one JSON.parse, a map of the protocol's pubkeys. */
async function jsonView(
  url: string,
  pubkeys: readonly string[],
  slot: number,
  watch: Stopwatch,
  extra: Record<string, unknown>,
  jsonParse: "auto" | "batches",
): Promise<StateView> {
  const res = await fetch(`${url}/eth/v1/beacon/states/${slot}/validators`);
  if (!res.ok) throw new Error(`GET validators: status ${res.status}`);
  // A holder, so the body's bytes can be let go once they are a string (as `res.text()` would).
  const body: { bytes?: Uint8Array } = { bytes: new Uint8Array(await res.arrayBuffer()) };
  watch.mark("fetch_s");
  extra.bodyBytes = body.bytes?.length;
  const parsed = parseValidatorList(body, jsonParse);
  const data = parsed.data as JsonValidator[];
  extra.jsonParseMode = parsed.mode;
  watch.mark("parse_s");
  const positions = new Map<string, number>();
  pubkeys.forEach((pubkey, j) => {
    if (!positions.has(pubkey)) positions.set(pubkey, j);
  });
  const byPosition = new Array<ValidatorView | undefined>(pubkeys.length);
  for (const entry of data) {
    const j = positions.get(entry.validator.pubkey);
    if (j === undefined) continue;
    const v = entry.validator;
    byPosition[j] = {
      index: Number(entry.index),
      pubkey: v.pubkey,
      balanceGwei: Number(entry.balance),
      effectiveBalanceGwei: Number(v.effective_balance),
      slashed: v.slashed,
      activationEligibilityEpoch: epochOf(v.activation_eligibility_epoch),
      activationEpoch: epochOf(v.activation_epoch),
      exitEpoch: epochOf(v.exit_epoch),
      withdrawableEpoch: epochOf(v.withdrawable_epoch),
    };
  }
  const validators = byPosition.filter((v): v is ValidatorView => v !== undefined);
  watch.mark("match_s");
  return { slot, totalValidators: data.length, validators };
}

async function measure(request: MeasureRequest): Promise<MeasureResult & Record<string, unknown>> {
  const pubkeys = loadPubkeys(request.pubkeysPath);
  const extra: Record<string, unknown> = {};
  let bytes: Buffer | undefined;
  if (request.path === "compute") bytes = readFileSync(request.statePath);
  const spec = { validators: request.validators, protocol: request.protocol, pending: 0 };
  const indices = Array.from({ length: request.protocol }, (_, j) => protocolIndex(j, spec));
  const prepared = prepareBench(pubkeys, indices, request.validators, request.slot);
  globalThis.gc?.();

  const watch = new Stopwatch();
  let view: StateView;
  if (request.path === "json") {
    view = await jsonView(request.url, pubkeys, request.slot, watch, extra, request.jsonParse ?? "auto");
  } else {
    let fork = "fulu";
    if (request.path === "ssz") {
      const fetched = await fetchStateSsz(request.url, String(request.slot));
      bytes = fetched.bytes;
      fork = fetched.fork;
      watch.mark("fetch_s");
    }
    view = readState(bytes as Buffer, fork, pubkeys);
    watch.mark("read_s");
  }
  const report = await computeFromView(view, prepared);
  watch.mark("compute_s");
  const seconds = watch.seconds;
  const cpuSeconds = watch.cpuSeconds;
  // Before the extra runs below, which are not part of the path.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  if (request.path === "compute" && bytes !== undefined) {
    // The same read again in the same process (JIT warm), then with a pubkey index cache from a previous report.
    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      return (performance.now() - started) / 1000;
    };
    const warm: number[] = [];
    for (let r = 0; r < 3; r++)
      warm.push(await timed(() => computeFromView(readState(bytes as Buffer, "fulu", pubkeys), prepared)));
    const cache = new PubkeyIndexCache();
    readState(bytes, "fulu", pubkeys, { cache });
    const cached: number[] = [];
    for (let r = 0; r < 3; r++) {
      cached.push(
        await timed(() => computeFromView(readState(bytes as Buffer, "fulu", pubkeys, { cache }), prepared)),
      );
    }
    extra.warmSeconds = Math.min(...warm);
    extra.cachedSeconds = Math.min(...cached);
  }
  return {
    path: request.path,
    seconds,
    cpuSeconds,
    phases: watch.phases,
    peakRssMb,
    found: view.validators.length,
    totalValidators: view.totalValidators,
    digest: digest(report),
    ...extra,
  };
}

const request = JSON.parse(process.argv[2] ?? "{}") as MeasureRequest;
measure(request).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
