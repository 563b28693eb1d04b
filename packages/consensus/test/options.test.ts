import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEVNET_TIMING } from "../src/config.js";
import { OptionsError } from "../src/errors.js";
import { type CliOptions, resolveOptions } from "../src/options.js";

const RPC = ["--el-rpc", "http://127.0.0.1:8545"];

function resolve(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  const options = resolveOptions([...RPC, ...argv], env);
  assert.notEqual(options, "help", "not help");
  return options as CliOptions;
}

describe("chain timing options", () => {
  it("keeps mainnet's timing unless asked", () => {
    assert.equal(resolve([]).timing, undefined, "no timing override");
  });

  it("shortens both periods with --devnet-timing", () => {
    assert.deepEqual(resolve(["--devnet-timing"]).timing, DEVNET_TIMING, "devnet timing");
    assert.deepEqual(resolve([], { CONSENSUS_DEVNET_TIMING: "1" }).timing, DEVNET_TIMING, "from environment");
  });

  it("lets explicit values beat --devnet-timing and the environment", () => {
    assert.deepEqual(
      resolve(["--devnet-timing", "--shard-committee-period", "0"]).timing,
      {
        shardCommitteePeriod: 0,
        minValidatorWithdrawabilityDelay: DEVNET_TIMING.minValidatorWithdrawabilityDelay,
      },
      "flag over devnet timing",
    );
    assert.deepEqual(
      resolve(["--min-withdrawability-delay", "7"], { CONSENSUS_MIN_WITHDRAWABILITY_DELAY: "9" }).timing,
      { shardCommitteePeriod: 256, minValidatorWithdrawabilityDelay: 7 },
      "flag over environment, mainnet for the rest",
    );
    assert.deepEqual(
      resolve([], { CONSENSUS_SHARD_COMMITTEE_PERIOD: "3" }).timing,
      { shardCommitteePeriod: 3, minValidatorWithdrawabilityDelay: 256 },
      "environment alone",
    );
  });

  it("rejects non-integers", () => {
    assert.throws(() => resolve(["--shard-committee-period", "soon"]), OptionsError, "bad period");
    assert.throws(() => resolve(["--min-withdrawability-delay", "-1"]), OptionsError, "negative delay");
  });
});
