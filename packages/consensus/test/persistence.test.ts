import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DEVNET_TIMING } from "../src/config.js";
import { startTestNode } from "./helpers/node.js";

describe("saved chains", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "consensus-timing-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keep their chain-config timing across a restart", async () => {
    const first = await startTestNode({ dataDir, timing: DEVNET_TIMING });
    await first.node.advanceTo(40);
    await first.node.stop();

    const second = await startTestNode({ dataDir, timing: { shardCommitteePeriod: 100 } });
    try {
      assert.equal(second.node.chain.processedSlot, 40, "resumed at the saved slot");
      const spec = (await (await fetch(`${second.node.apiUrl}/eth/v1/config/spec`)).json()) as {
        data: Record<string, string>;
      };
      assert.equal(
        spec.data.SHARD_COMMITTEE_PERIOD,
        String(DEVNET_TIMING.shardCommitteePeriod),
        "saved period",
      );
      assert.equal(
        spec.data.MIN_VALIDATOR_WITHDRAWABILITY_DELAY,
        String(DEVNET_TIMING.minValidatorWithdrawabilityDelay),
        "saved delay",
      );
      assert.ok(
        second.logs.some((line) => line.includes("keeps its saved timing")),
        "conflicting timing flags are reported",
      );
    } finally {
      await second.node.stop();
    }
  });
});
