#!/usr/bin/env node
/**
 * Runs every workspace's tests (`npm test` calls it after lint and typecheck).
 *
 * Suites that run on their own chain and never wait for a wall-clock slot run in two lanes side by
 * side; each suite's output is printed whole when it ends. Then the suites whose daemons follow a
 * consensus clock run one at a time, alone on the machine as their timings assume, their output
 * streamed. A workspace with a test script that is in no list runs in the second phase.
 * Exit code 1 when any suite fails (every suite runs regardless).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
// Balanced by their times on the 2-core CI machine (contracts compile there from scratch).
const LANES = [
  ["@tributary/contracts", "@tributary/daemon", "@tributary/cli", "@tributary/operator"],
  ["@tributary/sdk", "@tributary/indexer"],
];
const CLOCKED = ["@tributary/consensus", "@tributary/guardian", "@tributary/oracle", "@tributary/devnet"];

/** Every workspace with a test script. */
function workspaces() {
  const { workspaces: globs } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dirs = globs.flatMap((glob) =>
    glob.endsWith("/*")
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(glob.slice(0, -2), d.name))
      : [glob],
  );
  const names = [];
  for (const dir of dirs) {
    let text;
    try {
      text = readFileSync(join(root, dir, "package.json"), "utf8");
    } catch (error) {
      if (error.code === "ENOENT") continue; // a directory that is not a package
      throw error;
    }
    const pkg = JSON.parse(text);
    if (pkg.scripts?.test) names.push(pkg.name);
  }
  return names;
}

const results = [];

function run(name, { stream }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("npm", ["test", "-w", name], {
      cwd: root,
      stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"],
      env: process.env,
    });
    const chunks = [];
    if (!stream) {
      child.stdout.on("data", (c) => chunks.push(c));
      child.stderr.on("data", (c) => chunks.push(c));
    }
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1_000;
      const ok = code === 0;
      if (!stream) process.stdout.write(Buffer.concat(chunks));
      process.stdout.write(
        `\n== ${name}: ${ok ? "passed" : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds.toFixed(0)} s\n\n`,
      );
      results.push({ name, ok, seconds });
      resolve(ok);
    });
  });
}

const all = workspaces();
const laned = new Set(LANES.flat());
const lanes = LANES.map((lane) => lane.filter((name) => all.includes(name)));
const alone = [
  ...CLOCKED.filter((name) => all.includes(name)),
  ...all.filter((n) => !laned.has(n) && !CLOCKED.includes(n)),
];

const started = performance.now();
process.stdout.write(`== side by side: ${lanes.map((l) => l.join(" → ")).join("  |  ")}\n`);
await Promise.all(
  lanes.map(async (lane) => {
    for (const name of lane) await run(name, { stream: false });
  }),
);
process.stdout.write(`== one at a time: ${alone.join(" → ")}\n`);
for (const name of alone) await run(name, { stream: true });

const failed = results.filter((r) => !r.ok);
process.stdout.write(
  `\n== ${results.length} suites in ${((performance.now() - started) / 1_000).toFixed(0)} s: ${
    failed.length === 0 ? "all passed" : `FAILED: ${failed.map((r) => r.name).join(", ")}`
  }\n${results.map((r) => `   ${r.ok ? "ok  " : "FAIL"} ${r.name} ${r.seconds.toFixed(0)} s`).join("\n")}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
