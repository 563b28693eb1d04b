import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { concat, keccak256 } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi } from "../generated/abis.js";
import {
  claimCommission,
  commissionLeaf,
  estimateClaimCommissionGas,
  simulateClaimCommission,
} from "./claimCommission.js";

const REWARD = 9;
const SENDER = 8;
/** trETH wei in the leaf: far below the commission the report mints to the distributor. */
const SHARES = 1_000n;

describe("claimCommission", () => {
  let t: TestProtocol;
  let proof: `0x${string}`[];
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(1);
    // A two-leaf tree: operator 0 paying REWARD, and another leaf as its sibling.
    const leaf = commissionLeaf(0n, t.local.address(REWARD), SHARES);
    const sibling = commissionLeaf(1n, t.local.address(SENDER), 5n);
    const root =
      BigInt(leaf) < BigInt(sibling)
        ? keccak256(concat([leaf, sibling]))
        : keccak256(concat([sibling, leaf]));
    proof = [sibling];
    const refSlot = await t.scenario.nextFrame();
    const report = await t.scenario.typicalReport(refSlot, 0n, true);
    await t.scenario.applyReport({ ...report, rewardsRoot: root });
  });
  after(() => t?.stop());

  it("pays the leaf's account the shares not yet claimed, whoever sends", async () => {
    const client = t.local.wallet(SENDER);
    const parameters = {
      operatorId: 0n,
      account: t.local.address(REWARD),
      cumulativeShares: SHARES,
      proof,
      deployment: t.deployment,
    };
    const { result } = await simulateClaimCommission(client, parameters);
    assert.equal(result, SHARES, "pays the whole leaf the first time");
    const estimate = await estimateClaimCommissionGas(client, parameters);
    const balance = () =>
      t.local.publicClient.readContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [t.local.address(REWARD)],
      });
    const before = await balance();
    const receipt = await receiptOf(t.local.publicClient, await claimCommission(client, parameters));
    assert.equal((await balance()) - before, SHARES, "the reward address got the shares");
    assertGasClose(estimate, receipt.gasUsed, "claimCommission");
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(SENDER),
      () => claimCommission(client, parameters),
      "RewardsDistributorNothingToClaimError",
    );
  });

  it("refuses a proof that does not lead to the root", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(SENDER),
      () =>
        claimCommission(t.local.wallet(SENDER), {
          operatorId: 0n,
          account: t.local.address(REWARD),
          cumulativeShares: SHARES * 2n,
          proof,
          deployment: t.deployment,
        }),
      "RewardsDistributorInvalidProofError",
    );
  });
});
