import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { operatorRegistryAbi } from "../generated/abis.js";
import { depositBond, estimateDepositBondGas, simulateDepositBond } from "./depositBond.js";
import { registerOperator, simulateRegisterOperator } from "./registerOperator.js";

const MANAGER = 8;

describe("depositBond", () => {
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

  it("adds the ETH to the operator's bond", async () => {
    const client = t.local.wallet(MANAGER);
    const parameters = { operatorId, amount: parseEther("1.5"), deployment: t.deployment };
    await simulateDepositBond(client, parameters);
    const estimate = await estimateDepositBondGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await depositBond(client, parameters));
    const value = await t.local.publicClient.readContract({
      address: t.deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "bondValue",
      args: [operatorId],
    });
    assert.equal(value, parseEther("1.5"), "1.5 ETH of bond at 1:1");
    assertGasClose(estimate, receipt.gasUsed, "depositBond");
  });

  it("refuses zero and an unknown operator", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () => depositBond(t.local.wallet(MANAGER), { operatorId, amount: 0n, deployment: t.deployment }),
      "InvalidArgumentError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(MANAGER),
      () => depositBond(t.local.wallet(MANAGER), { operatorId: 77n, amount: 1n, deployment: t.deployment }),
      "OperatorRegistryUnknownOperatorError",
      (e) => assert.match(String(e.shortMessage), /no operator 77/, "names the id"),
    );
  });
});
