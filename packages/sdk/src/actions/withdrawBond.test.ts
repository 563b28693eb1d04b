import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { fakeKey } from "../../../../contracts/lib/scenario.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi } from "../generated/abis.js";
import { addKeys } from "./addKeys.js";
import { registerOperator, simulateRegisterOperator } from "./registerOperator.js";
import { estimateWithdrawBondGas, getSpareBond, simulateWithdrawBond, withdrawBond } from "./withdrawBond.js";

const MANAGER = 8;

describe("withdrawBond", () => {
  let t: TestProtocol;
  let operatorId: bigint;
  before(async () => {
    t = await startTestProtocol();
    const client = t.local.wallet(MANAGER);
    const parameters = {
      rewardAddress: t.local.address(MANAGER),
      commissionBps: 500,
      bond: parseEther("10"),
      deployment: t.deployment,
    };
    operatorId = (await simulateRegisterOperator(client, parameters)).result;
    await receiptOf(t.local.publicClient, await registerOperator(client, parameters));
    const key = fakeKey(920);
    await receiptOf(
      t.local.publicClient,
      await addKeys(client, {
        operatorId,
        pubkeys: key.pubkey,
        signatures: key.signature,
        deployment: t.deployment,
      }),
    );
  });
  after(() => t?.stop());

  it("withdraws what the bond can spare, to the account", async () => {
    const client = t.local.wallet(MANAGER);
    const spare = await getSpareBond(client, { operatorId, deployment: t.deployment });
    assert.ok(spare.requiredBond > 0n, "one key needs a bond");
    assert.ok(spare.spareShares > 0n && spare.spareShares < spare.bondShares, "part of the bond is spare");
    const parameters = { operatorId, shares: spare.spareShares, deployment: t.deployment };
    await simulateWithdrawBond(client, parameters);
    const estimate = await estimateWithdrawBondGas(client, parameters);
    const balance = () =>
      t.local.publicClient.readContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [t.local.address(MANAGER)],
      });
    const before = await balance();
    const receipt = await receiptOf(t.local.publicClient, await withdrawBond(client, parameters));
    assert.equal((await balance()) - before, spare.spareShares, "the spare shares received");
    assertGasClose(estimate, receipt.gasUsed, "withdrawBond");
    const after = await getSpareBond(client, { operatorId, deployment: t.deployment });
    assert.equal(after.spareShares, 0n, "nothing spare left");
  });

  it("refuses what the bond cannot spare, naming the bond left and the bond required", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () =>
        withdrawBond(t.local.wallet(MANAGER), { operatorId, shares: 10n ** 18n, deployment: t.deployment }),
      "OperatorRegistryInsufficientBondError",
      (error) => {
        const args = error.args as { bond: bigint; required: bigint };
        assert.ok(args.required > args.bond, "the bond left is below the bond required");
      },
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER + 1),
      () => withdrawBond(t.local.wallet(MANAGER + 1), { operatorId, shares: 1n, deployment: t.deployment }),
      "OperatorRegistryNotManagerError",
    );
  });
});
