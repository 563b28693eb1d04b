import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseValidatorList } from "../bench/jsonList.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

describe("parseValidatorList", () => {
  it("cuts the data array at entry boundaries, whatever the strings hold", () => {
    const data = Array.from({ length: 40_000 }, (_, i) => ({
      index: String(i),
      status: i % 7 === 0 ? 'odd "}{][" text \\ with \\" escapes' : "active_ongoing",
      validator: {
        pubkey: `0x${i.toString(16).padStart(96, "0")}`,
        slashed: i % 2 === 0,
        nested: [{ a: [i] }],
      },
    }));
    const body = Buffer.from(JSON.stringify({ execution_optimistic: false, finalized: true, data }));
    const batches = parseValidatorList({ bytes: body }, "batches");
    assert.equal(batches.mode, "batches", "mode");
    assert.deepEqual(batches.data, data, "same entries as JSON.parse");
    assert.deepEqual(parseValidatorList({ bytes: body }).data, data, "whole body");
    assert.deepEqual(
      parseValidatorList({ bytes: Buffer.from('{"data":[]}') }, "batches").data,
      [],
      "empty list",
    );
    assert.throws(
      () => parseValidatorList({ bytes: body.subarray(0, body.length - 100) }, "batches"),
      /truncated/,
      "cut body",
    );
  });
});

describe("bench", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "oracle-bench-"));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const bench = (...extra: string[]) =>
    run(
      process.execPath,
      [
        "--import",
        "tsx",
        "--expose-gc",
        "bench/report.ts",
        "--validators",
        "20000",
        "--protocol",
        "6000",
        "--pending",
        "16",
        "--cache-dir",
        cacheDir,
        "--json",
        ...extra,
      ],
      { cwd: packageDir, maxBuffer: 1 << 20 },
    );

  it("prints the figures of a small run as one JSON object on its last line, then reuses the state", async () => {
    const first = await bench();
    const figures = JSON.parse(first.stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    assert.equal(figures.validators, 20_000, "validators");
    assert.equal(figures.protocol_validators, 6000, "protocol validators");
    for (const key of [
      "compute_s",
      "e2e_s",
      "peak_rss_mb",
      "json_e2e_s",
      "json_ratio",
      "state_bytes",
      "generate_s",
    ]) {
      assert.equal(typeof figures[key], "number", `${key} is a number`);
      assert.ok((figures[key] as number) > 0, `${key} is positive: ${figures[key]}`);
    }
    // Fixed part of a fulu state, plus 121 + 8 + 1 + 1 + 8 bytes per validator, plus a little.
    assert.ok((figures.state_bytes as number) > 2_737_225 + 20_000 * 139, "state holds the registry");
    assert.equal(figures.results_match, true, "SSZ and JSON paths computed the same thing");
    assert.equal(figures.generated_now, true, "first run generates");
    assert.match(first.stderr, /generated .*state\.ssz/, "generation reported");

    assert.equal(figures.json_parse_mode, "whole", "a small body is parsed whole");

    const second = await bench("--json-parse", "batches");
    const again = JSON.parse(second.stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    assert.equal(again.generated_now, false, "second run reuses the cached state");
    assert.equal(again.state_bytes, figures.state_bytes, "same state");
    assert.equal(again.json_parse_mode, "batches", "parsed in batches when asked");
    assert.equal(again.results_match, true, "batches give the same result");
  });
});
