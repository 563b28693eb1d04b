import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { operatorRegistryAbi } from "../generated/abis.js";
import { registerOperator, simulateRegisterOperator } from "./registerOperator.js";
import { estimateSetCommissionGas, setCommission, simulateSetCommission } from "./setCommission.js";

const MANAGER = 8;

describe("setCommission", () => {
  let t: TestProtocol;
  let operatorId: bigint;
  before(async () => {
    t = await startTestProtocol();
    const parameters = {
      rewardAddress: t.local.address(MANAGER),
      commissionBps: 500,
      bond: 0n,
      deployment: t.deployment,
    };
    operatorId = (await simulateRegisterOperator(t.local.wallet(MANAGER), parameters)).result;
    await receiptOf(t.local.publicClient, await registerOperator(t.local.wallet(MANAGER), parameters));
  });
  after(() => t?.stop());

  it("lowers the commission at once", async () => {
    const client = t.local.wallet(MANAGER);
    const parameters = { operatorId, commissionBps: 300, deployment: t.deployment };
    const { request } = await simulateSetCommission(client, parameters);
    assert.equal(request.functionName, "setCommission", "calls setCommission");
    const estimate = await estimateSetCommissionGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await setCommission(client, parameters));
    const operator = await t.local.publicClient.readContract({
      address: t.deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [operatorId],
    });
    assert.equal(operator.commissionBps, 300, "3% now");
    assertGasClose(estimate, receipt.gasUsed, "setCommission");
  });

  it("refuses a commission above the maximum, and an account that does not manage the operator", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () =>
        setCommission(t.local.wallet(MANAGER), {
          operatorId,
          commissionBps: 99_00,
          deployment: t.deployment,
        }),
      "OperatorRegistryCommissionTooHighError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER + 1),
      () =>
        setCommission(t.local.wallet(MANAGER + 1), {
          operatorId,
          commissionBps: 100,
          deployment: t.deployment,
        }),
      "OperatorRegistryNotManagerError",
    );
  });
});
