/**
 * `npm start` itself: the devnet comes up, reaches its first applied report, and stops on SIGINT
 * with no process left. Fast mode, so that it takes a minute or two.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { freePort } from "../../../contracts/lib/bench.js";
import { REPO_ROOT } from "../src/processes.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-devnet-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("comes up, applies a report, and stops every process on SIGINT", { timeout: 600_000 }, async () => {
    const portBase = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(REPO_ROOT, "packages", "devnet", "src", "cli.ts"),
        "--fast",
        "--slot-pause",
        "200",
        "--port",
        String(await freePort()),
        "--beacon-port",
        String(await freePort()),
        "--daemon-port-base",
        String(portBase),
        "--genesis-delay",
        "20",
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
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 480_000;
      while (!/\| 1 reports, last at slot \d+/.test(output)) {
        if (child.exitCode !== null) assert.fail(`the devnet exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) assert.fail(`no report applied within 8 minutes:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      assert.match(output, /ready to stake \((\d+\.\d) s\)/, "says when it is ready to stake");
      assert.match(output, /PUBLIC development key/, "says the keys are public");
      assert.doesNotMatch(
        output,
        /exited with code/,
        `no daemon died: ${/.*exited with code.*/.exec(output)?.[0]}`,
      );
      const pids = JSON.parse(readFileSync(join(dataDir, "pids.json"), "utf8")) as Record<string, number>;
      assert.ok(
        Object.keys(pids).length >= 13,
        `anvil, consensus, nine daemons, the indexer and the dashboard: ${Object.keys(pids)}`,
      );
      for (const [name, pid] of Object.entries(pids)) assert.ok(alive(pid), `${name} runs`);
      // The indexer's API, whose URL the devnet prints, has the report too.
      const api = /analytics API: (http:\/\/127\.0\.0\.1:\d+)\/v1\/stats/.exec(output)?.[1];
      assert.ok(api, "prints the API's URL");
      let stats:
        | { reports: { count: number }; validators: { total: number; refSlot: string | null } }
        | undefined;
      for (let tries = 0; tries < 60 && !(stats && stats.reports.count >= 1); tries++) {
        const response = await fetch(`${api}/v1/stats`).catch(() => undefined);
        if (response?.ok) stats = (await response.json()) as typeof stats;
        else await new Promise((resolve) => setTimeout(resolve, 1_000));
        if (!(stats && stats.reports.count >= 1)) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      assert.ok(stats && stats.reports.count >= 1, `the API shows the report: ${JSON.stringify(stats)}`);
      assert.ok(stats.validators.total >= 1, "and the protocol's validators");
      // The dashboard, whose URL the devnet prints: its page, and the configuration it reads.
      const dashboard = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      assert.ok(dashboard, "prints the dashboard's URL");
      const page = await fetch(dashboard);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root">/);
      const config = (await (await fetch(`${dashboard}config.json`)).json()) as {
        chainId: number;
        apiUrl: string;
        devWallet: boolean;
      };
      assert.equal(config.chainId, 31337);
      assert.equal(config.apiUrl, api);
      assert.equal(config.devWallet, true);
      // The API lets the dashboard's origin read it.
      const cors = await fetch(`${api}/v1/stats`, { headers: { origin: dashboard.slice(0, -1) } });
      assert.equal(cors.headers.get("access-control-allow-origin"), "*");
      child.kill("SIGINT");
      assert.equal(await exited, 0, `exit code 0 after SIGINT:\n${output.slice(-2_000)}`);
      for (const [name, pid] of Object.entries(pids))
        assert.equal(alive(pid), false, `${name} (${pid}) stopped`);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
