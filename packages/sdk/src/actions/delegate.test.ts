import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi } from "../generated/abis.js";
import { delegate, estimateDelegateGas, simulateDelegate } from "./delegate.js";

const USER = 6;
const DELEGATEE = 7;

describe("delegate", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
    await stakeFor(t, USER, "3");
  });
  after(() => t?.stop());

  it("gives the account's votes to the delegatee", async () => {
    const client = t.local.wallet(USER);
    const parameters = { delegatee: t.local.address(DELEGATEE), deployment: t.deployment };
    const { request } = await simulateDelegate(client, parameters);
    assert.equal(request.functionName, "delegate", "calls delegate");
    const estimate = await estimateDelegateGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await delegate(client, parameters));
    const votes = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "getVotes",
      args: [t.local.address(DELEGATEE)],
    });
    assert.equal(votes, parseEther("3"), "the delegatee votes with the 3 trETH");
    assertGasClose(estimate, receipt.gasUsed, "delegate");
  });

  it("refuses a malformed delegatee", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => delegate(t.local.wallet(USER), { delegatee: "0x12" as `0x${string}`, deployment: t.deployment }),
      "InvalidArgumentError",
    );
  });
});
