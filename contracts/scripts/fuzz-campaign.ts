/**
 * Runs the Solidity tests with the CI fuzz profile and prints what the campaign did: fuzz tests,
 * invariants, fuzzed calls in total (fuzz runs + invariant runs x depth) and the seconds it took.
 *
 *   npm run fuzz -w @tributary/contracts            # CI profile
 *   npm run fuzz -w @tributary/contracts -- --local  # the quick local profile
 */
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { CI_PROFILE, FUZZ_SEED, LOCAL_PROFILE } from "../lib/fuzz-profile.js";

const { values } = parseArgs({
  options: { local: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
});
if (values.help) {
  console.log(
    "usage: tsx scripts/fuzz-campaign.ts [--local]\nRuns every Solidity test and prints the fuzz campaign's figures as JSON.",
  );
  process.exit(0);
}
const profile = values.local ? LOCAL_PROFILE : CI_PROFILE;
const env = { ...process.env };
if (values.local) delete env.CI;
else env.CI = "true";

const started = process.hrtime.bigint();
const run = spawnSync("npx", ["hardhat", "test", "solidity"], { env, encoding: "utf8", maxBuffer: 1 << 28 });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const out = `${run.stdout}\n${run.stderr}`;

let fuzzTests = 0;
let invariants = 0;
let calls = 0;
for (const line of out.split("\n")) {
  const m = /(\w+)\(.*\) \(runs: (\d+)\)/.exec(line);
  if (!m) continue;
  const runs = Number(m[2]);
  if (m[1]?.startsWith("invariant")) {
    invariants += 1;
    calls += runs * profile.invariantDepth;
  } else {
    fuzzTests += 1;
    calls += runs;
  }
}
const passing = /(\d+) passing/.exec(out)?.[1];
const failing = /(\d+) failing/.exec(out)?.[1] ?? "0";
console.log(
  JSON.stringify(
    {
      profile: values.local ? "local" : "ci",
      seed: FUZZ_SEED,
      fuzz_tests: fuzzTests,
      fuzz_runs: profile.fuzzRuns,
      invariants,
      invariant_runs: profile.invariantRuns,
      invariant_depth: profile.invariantDepth,
      fuzzed_calls: calls,
      tests_passing: Number(passing ?? 0),
      tests_failing: Number(failing),
      seconds: Math.round(seconds),
    },
    null,
    2,
  ),
);
if (run.status !== 0) {
  console.error(out.slice(-4000));
  process.exit(run.status ?? 1);
}
