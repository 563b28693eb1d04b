import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { concat } from "viem";
import { fakeKey } from "../../../../contracts/lib/scenario.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { operatorRegistryAbi } from "../generated/abis.js";
import { addKeys } from "./addKeys.js";
import { registerOperator, simulateRegisterOperator } from "./registerOperator.js";
import { estimateRemoveKeysGas, removeKeys, simulateRemoveKeys } from "./removeKeys.js";

const MANAGER = 8;

describe("removeKeys", () => {
  let t: TestProtocol;
  let operatorId: bigint;
  before(async () => {
    t = await startTestProtocol();
    const client = t.local.wallet(MANAGER);
    const parameters = {
      rewardAddress: t.local.address(MANAGER),
      commissionBps: 500,
      bond: 0n,
      deployment: t.deployment,
    };
    operatorId = (await simulateRegisterOperator(client, parameters)).result;
    await receiptOf(t.local.publicClient, await registerOperator(client, parameters));
    const keys = [fakeKey(910), fakeKey(911), fakeKey(912)];
    await receiptOf(
      t.local.publicClient,
      await addKeys(client, {
        operatorId,
        pubkeys: concat(keys.map((k) => k.pubkey)),
        signatures: concat(keys.map((k) => k.signature)),
        deployment: t.deployment,
      }),
    );
  });
  after(() => t?.stop());

  const operatorOf = () =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [operatorId],
    });

  it("removes the last keys", async () => {
    const client = t.local.wallet(MANAGER);
    const parameters = { operatorId, count: 2n, deployment: t.deployment };
    const { request } = await simulateRemoveKeys(client, parameters);
    assert.equal(request.functionName, "removeKeys", "calls removeKeys");
    const estimate = await estimateRemoveKeysGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await removeKeys(client, parameters));
    assert.equal((await operatorOf()).totalKeys, 1, "one key left");
    assertGasClose(estimate, receipt.gasUsed, "removeKeys");
  });

  it("refuses more keys than are not deposited, a zero count, and another account", async () => {
    const refuse = (index: number, count: bigint, name: string) =>
      assertRefusedUnsent(
        t.local.publicClient,
        t.local.address(index),
        () => removeKeys(t.local.wallet(index), { operatorId, count, deployment: t.deployment }),
        name,
      );
    await refuse(MANAGER, 5n, "OperatorRegistryKeysInUseError");
    await refuse(MANAGER, 0n, "InvalidArgumentError");
    await refuse(MANAGER + 1, 1n, "OperatorRegistryNotManagerError");
  });
});
