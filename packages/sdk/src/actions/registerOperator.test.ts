import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { operatorRegistryAbi } from "../generated/abis.js";
import {
  estimateRegisterOperatorGas,
  registerOperator,
  simulateRegisterOperator,
} from "./registerOperator.js";

const MANAGER = 8;

describe("registerOperator", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  it("registers the account as manager, with the commission and bond asked", async () => {
    const client = t.local.wallet(MANAGER);
    const parameters = {
      rewardAddress: t.local.address(MANAGER + 1),
      commissionBps: 500,
      bond: parseEther("2"),
      deployment: t.deployment,
    };
    const { result: operatorId } = await simulateRegisterOperator(client, parameters);
    const estimate = await estimateRegisterOperatorGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await registerOperator(client, parameters));
    const read = (functionName: "bondValue" | "requiredBond") =>
      t.local.publicClient.readContract({
        address: t.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName,
        args: [operatorId],
      });
    const operatorOf = () =>
      t.local.publicClient.readContract({
        address: t.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "getOperator",
        args: [operatorId],
      });
    const operator = await operatorOf();
    assert.equal(operator.manager, t.local.address(MANAGER), "the account manages it");
    assert.equal(operator.rewardAddress, t.local.address(MANAGER + 1), "reward address");
    assert.equal(operator.commissionBps, 500, "5% commission");
    assert.equal(await read("bondValue"), parseEther("2"), "2 ETH of bond");
    assertGasClose(estimate, receipt.gasUsed, "registerOperator");
  });

  it("refuses a commission above the maximum and a malformed reward address", async () => {
    const client = t.local.wallet(MANAGER);
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () =>
        registerOperator(client, {
          rewardAddress: t.local.address(MANAGER),
          commissionBps: 100_00,
          bond: 0n,
          deployment: t.deployment,
        }),
      "OperatorRegistryCommissionTooHighError",
      (e) => assert.match(String(e.shortMessage), /100% is above the maximum/, "says the maximum"),
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () =>
        registerOperator(client, {
          rewardAddress: "0xabc" as `0x${string}`,
          commissionBps: 100,
          bond: 0n,
          deployment: t.deployment,
        }),
      "InvalidArgumentError",
    );
  });
});
