import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { convertToShares } from "./convertToShares.js";
import { getRate } from "./getRate.js";

describe("convertToShares", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  it("is 1:1 on a fresh deployment and follows the rate after rewards", async () => {
    const { local, deployment, scenario } = t;
    const one = parseEther("1");
    assert.equal(
      await convertToShares(local.publicClient, { assets: one, deployment }),
      one,
      "1:1 before any reward",
    );
    await scenario.addOperators(1);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, true));
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n));
    const rate = await getRate(local.publicClient, { deployment });
    const converted = await convertToShares(local.publicClient, { assets: one, deployment });
    assert.notEqual(converted, one, "the rate moved");
    assert.equal(converted, rate.trETHPerEth, "the token's own conversion");
    assert.equal(
      await convertToShares(local.publicClient, { assets: 0n, deployment }),
      0n,
      "zero converts to zero",
    );
  });

  it("refuses a negative or non-bigint amount before sending anything", async () => {
    for (const bad of [-1n, 1 as unknown as bigint]) {
      await assert.rejects(convertToShares(t.local.publicClient, { assets: bad, deployment: t.deployment }), {
        name: "InvalidArgumentError",
        argument: "assets",
      });
    }
  });
});
