import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { trETHAbi } from "../generated/abis.js";
import { getQueueState } from "./getQueueState.js";

describe("getQueueState", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  it("is empty on a fresh deployment", async () => {
    const q = await getQueueState(t.local.publicClient, { deployment: t.deployment });
    assert.deepEqual(
      [q.lastRequestId, q.lastFinalizedRequestId, q.unfinalizedShares, q.unfinalizedAssets, q.paused],
      [0n, 0n, 0n, 0n, false],
      "no requests",
    );
  });

  it("counts requests, values them at the current rate and follows finalization", async () => {
    const { scenario, local, deployment } = t;
    await scenario.addOperators(1);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, true));
    await scenario.requests(3);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n));
    let q = await getQueueState(local.publicClient, { deployment });
    assert.equal(q.lastRequestId, 3n, "three requests");
    assert.equal(q.unfinalizedRequests, 3n, "none finalized");
    assert.equal(q.unfinalizedShares, parseEther("0.03"), "their shares");
    const value = await local.publicClient.readContract({
      address: deployment.contracts.token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [q.unfinalizedShares],
    });
    assert.equal(q.unfinalizedAssets, value, "valued as convertToAssets");
    assert.ok(q.unfinalizedAssets > q.unfinalizedShares, "the rate rose above 1");
    const buffered = await local.publicClient.getBalance({ address: deployment.contracts.token });
    assert.equal(q.bufferedEther, buffered, "the token's ETH balance");
    assert.ok(q.withdrawalReserve >= q.unfinalizedAssets, "the reserve covers them (rounded up)");

    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 2n));
    q = await getQueueState(local.publicClient, { deployment });
    assert.equal(q.lastFinalizedRequestId, 2n, "two finalized");
    assert.equal(q.unfinalizedShares, parseEther("0.01"), "one left");
  });
});
