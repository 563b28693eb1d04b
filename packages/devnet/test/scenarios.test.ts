/**
 * The scenarios CI runs (`lifecycle`, `slash-beyond-bond`, `oracle-member-down`, `daemon-crash`),
 * each through its command line on a fresh devnet, as a person runs them: the last line is the JSON
 * verdict, and the accounting check must find every wei.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { freePort } from "../../../contracts/lib/bench.js";
import { REPO_ROOT } from "../src/processes.js";
import { SCENARIOS } from "../src/scenario/scenarios.js";

const CLI = join(REPO_ROOT, "packages", "devnet", "src", "scenario", "cli.ts");

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: REPO_ROOT, encoding: "utf8" });
}

describe("scenario command", () => {
  it("lists the scenarios and marks those CI runs", () => {
    const out = cli(["--list"]);
    assert.equal(out.status, 0);
    for (const s of SCENARIOS)
      assert.match(out.stdout, new RegExp(`^${s.name}\\s+${s.ci ? "\\(CI\\)" : "\\s"}`, "m"));
  });

  it("names an unknown scenario and the known ones", () => {
    const out = cli(["no-such-thing"]);
    assert.equal(out.status, 2);
    assert.match(out.stderr, /no scenario named "no-such-thing"; there are: lifecycle, /);
  });
});

// Two at a time: a scenario mostly waits for slots, and its deadlines count slots, not seconds.
describe("scenarios run by CI", { concurrency: 2 }, () => {
  const root = mkdtempSync(join(tmpdir(), "tributary-scenarios-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const scenario of SCENARIOS.filter((s) => s.ci)) {
    it(`${scenario.name}: ${scenario.summary}`, { timeout: 1_200_000 }, async () => {
      const dataDir = join(root, scenario.name);
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          CLI,
          scenario.name,
          "--json",
          "--port",
          String(await freePort()),
          "--beacon-port",
          String(await freePort()),
          "--daemon-port-base",
          String(20_000 + Math.floor(Math.random() * 20_000)),
          "--data-dir",
          dataDir,
        ],
        { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      const last = output.trim().split("\n").at(-1) ?? "";
      let result: { verdict: string; wei_unaccounted: string | null; reports: number; wall_s: number };
      try {
        result = JSON.parse(last);
      } catch {
        assert.fail(`the last line is not the JSON verdict (exit ${code}):\n${output.slice(-4_000)}`);
      }
      assert.equal(result.verdict, "pass", output.slice(-6_000));
      assert.equal(code, 0);
      assert.equal(result.wei_unaccounted, "0");
      assert.ok(result.reports >= 1, "reports were applied");
      const events = JSON.parse(readFileSync(join(dataDir, "events.json"), "utf8")) as {
        events: { kind: string }[];
        samples: unknown[];
      };
      assert.ok(
        events.events.some((e) => e.kind === "report"),
        "the events file has the reports",
      );
      assert.ok(events.samples.length > 3, "and the samples of the chart");
      assert.ok(existsSync(join(dataDir, "chart.svg")), "the chart is written");
      process.stdout.write(
        `# ${scenario.name}: ${result.verdict} in ${result.wall_s} s, ${result.reports} reports\n`,
      );
    });
  }
});
