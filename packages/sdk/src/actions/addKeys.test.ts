import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { concat } from "viem";
import { fakeKey } from "../../../../contracts/lib/scenario.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { operatorRegistryAbi } from "../generated/abis.js";
import { addKeys, estimateAddKeysGas, simulateAddKeys } from "./addKeys.js";
import { registerOperator, simulateRegisterOperator } from "./registerOperator.js";

const MANAGER = 8;

describe("addKeys", () => {
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

  it("adds two keys with the bond they need, sent by default", async () => {
    const client = t.local.wallet(MANAGER);
    const keys = [fakeKey(900), fakeKey(901)];
    const parameters = {
      operatorId,
      pubkeys: concat(keys.map((k) => k.pubkey)),
      signatures: concat(keys.map((k) => k.signature)),
      deployment: t.deployment,
    };
    const { request } = await simulateAddKeys(client, parameters);
    assert.ok((request.value ?? 0n) > 0n, "the bond is sent with the keys");
    const estimate = await estimateAddKeysGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await addKeys(client, parameters));
    assert.equal((await operatorOf()).totalKeys, 2, "two keys registered");
    assert.ok(
      (await read("bondValue")) + 2n >= (await read("requiredBond")),
      "the bond covers them (to rounding)",
    );
    assertGasClose(estimate, receipt.gasUsed, "addKeys");
  });

  it("refuses malformed keys, a bond too small, and an account that does not manage the operator", async () => {
    const key = fakeKey(902);
    const refuse = (index: number, parameters: Parameters<typeof addKeys>[1], name: string) =>
      assertRefusedUnsent(
        t.local.publicClient,
        t.local.address(index),
        () => addKeys(t.local.wallet(index), parameters),
        name,
      );
    await refuse(
      MANAGER,
      { operatorId, pubkeys: "0x1234", signatures: key.signature, deployment: t.deployment },
      "InvalidArgumentError",
    );
    await refuse(
      MANAGER,
      { operatorId, pubkeys: key.pubkey, signatures: "0x12", deployment: t.deployment },
      "InvalidArgumentError",
    );
    await refuse(
      MANAGER,
      { operatorId, pubkeys: key.pubkey, signatures: key.signature, bond: 1n, deployment: t.deployment },
      "OperatorRegistryInsufficientBondError",
    );
    await refuse(
      MANAGER + 1,
      { operatorId, pubkeys: key.pubkey, signatures: key.signature, deployment: t.deployment },
      "OperatorRegistryNotManagerError",
    );
  });
});
