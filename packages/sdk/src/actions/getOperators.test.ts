import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { getOperator } from "./getOperator.js";
import { getOperators } from "./getOperators.js";

describe("getOperators", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  it("is empty before any operator joins", async () => {
    assert.deepEqual(await getOperators(t.local.publicClient, { deployment: t.deployment }), [], "none");
  });

  it("lists every operator as getOperator reads it, with a loss charged to one bond", async () => {
    const { scenario, local, deployment } = t;
    await scenario.addOperators(3);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, true));
    // The heavy report charges operator 0 a loss of 0.01 ETH, taken from its bond.
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, false, true));
    const all = await getOperators(local.publicClient, { deployment });
    assert.deepEqual(
      all.map((op) => op.operatorId),
      [0n, 1n, 2n],
      "three operators by id",
    );
    for (const op of all) {
      assert.deepEqual(
        op,
        await getOperator(local.publicClient, { operatorId: op.operatorId, deployment }),
        `#${op.operatorId}`,
      );
    }
    const [hit, spared] = all as [(typeof all)[0], (typeof all)[0]];
    assert.ok(hit.bondShares < spared.bondShares, "the loss burned bond shares of operator 0");
    assert.ok(spared.bondValue - hit.bondValue >= parseEther("0.0099"), "about 0.01 ETH less bond");
    assert.equal(hit.debt, 0n, "the bond covered it: no debt");
    assert.ok(hit.bondTopUp > 0n, "operator 0 must top its bond up");
  });
});
