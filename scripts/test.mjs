#!/usr/bin/env node
/**
 * Runs every workspace's tests, one suite at a time (`npm test` calls it after lint and typecheck),
 * and ends with a summary of each suite and its time. Every suite runs whatever the others did;
 * the exit code is 1 when any failed.
 *
 * One at a time on purpose: on a 2-core machine the suites are CPU-bound (two side by side took as
 * long as one after the other), and the daemons' suites follow a consensus clock whose timings
 * assume the machine to themselves.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");

/** Every workspace with a test script, in the order of the workspaces' directories. */
function workspaces() {
  const { workspaces: globs } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const dirs = globs.flatMap((glob) =>
    glob.endsWith("/*")
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(glob.slice(0, -2), d.name))
          .sort()
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

function run(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("npm", ["test", "-w", name], { cwd: root, stdio: "inherit", env: process.env });
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1_000;
      const ok = code === 0;
      process.stdout.write(
        `\n== ${name}: ${ok ? "passed" : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds.toFixed(0)} s\n\n`,
      );
      resolve({ name, ok, seconds });
    });
  });
}

const started = performance.now();
const results = [];
for (const name of workspaces()) results.push(await run(name));
const failed = results.filter((r) => !r.ok);
process.stdout.write(
  `== ${results.length} suites in ${((performance.now() - started) / 1_000).toFixed(0)} s: ${
    failed.length === 0 ? "all passed" : `FAILED: ${failed.map((r) => r.name).join(", ")}`
  }\n${results.map((r) => `   ${r.ok ? "ok  " : "FAIL"} ${r.name} ${r.seconds.toFixed(0)} s`).join("\n")}\n`,
);
process.exit(failed.length === 0 ? 0 : 1);
