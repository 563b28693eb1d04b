import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);

describe("bench", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "oracle-bench-"));
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const bench = () =>
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

    const second = await bench();
    const again = JSON.parse(second.stdout.trim().split("\n").pop() ?? "") as Record<string, unknown>;
    assert.equal(again.generated_now, false, "second run reuses the cached state");
    assert.equal(again.state_bytes, figures.state_bytes, "same state");
  });
});
