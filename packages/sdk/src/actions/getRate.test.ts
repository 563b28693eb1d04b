import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { getRate } from "./getRate.js";

describe("getRate", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  it("is 1:1 on a fresh deployment, as the token computes it", async () => {
    const rate = await getRate(t.local.publicClient, { deployment: t.deployment });
    assert.equal(rate.ethPerTrETH, parseEther("1"), "1 trETH = 1 ETH before any reward");
    assert.equal(rate.trETHPerEth, parseEther("1"), "1 ETH = 1 trETH");
    assert.equal(rate.totalAssets, BigInt(t.deployment.handover.seed), "the seed is the pool");
    assert.equal(rate.totalSupply, BigInt(t.deployment.handover.seed), "dead shares at 1:1");
  });

  it("rises after a report with rewards", async () => {
    await t.scenario.addOperators(1);
    const refSlot = await t.scenario.nextFrame();
    await t.scenario.applyReport(await t.scenario.typicalReport(refSlot, 0n, true));
    const second = await t.scenario.nextFrame();
    await t.scenario.applyReport(await t.scenario.typicalReport(second, 0n));
    const rate = await getRate(t.local.publicClient, { deployment: t.deployment });
    assert.ok(rate.ethPerTrETH > parseEther("1"), `rate rose: ${rate.ethPerTrETH}`);
  });

  it("throws DeploymentNotFoundError without a deployment on an unknown chain", async () => {
    await assert.rejects(getRate(t.local.publicClient), { name: "DeploymentNotFoundError" });
  });
});
