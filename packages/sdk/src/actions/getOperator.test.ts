import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { operatorRegistryAbi, trETHAbi } from "../generated/abis.js";
import { getOperator } from "./getOperator.js";

describe("getOperator", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(1);
  });
  after(() => t?.stop());

  it("reads one operator's keys, commission and bond", async () => {
    const { local, deployment } = t;
    const { operatorRegistry, token } = deployment.contracts;
    const op = await getOperator(local.publicClient, { operatorId: 0, deployment });
    const raw = await local.publicClient.readContract({
      address: operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [0n],
    });
    const bond = await local.publicClient.readContract({
      address: operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "bondPerValidator",
    });
    assert.equal(op.operatorId, 0n, "id");
    assert.equal(op.manager, local.address(6), "the scenario's manager");
    assert.equal(op.commissionBps, 5_00, "5% commission");
    assert.equal(op.pendingCommission, null, "no change scheduled");
    assert.deepEqual(
      op.keys,
      { total: 1, vetted: 1, deposited: 1, exited: 0, withdrawn: 0 },
      "one deposited key",
    );
    assert.equal(op.bondShares, raw.bondShares, "bond shares");
    assert.equal(
      op.bondValue,
      await local.publicClient.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "convertToAssets",
        args: [raw.bondShares],
      }),
      "bond valued at the current rate",
    );
    assert.equal(op.requiredBond, bond, "one key needs one bond");
    assert.equal(op.bondTopUp, 0n, "the bond suffices");
    assert.equal(op.debt, 0n, "no debt");
    assert.equal(op.curated, false, "permissionless");
  });

  it("throws the registry's error for an unknown id, and refuses a bad id", async () => {
    await assert.rejects(getOperator(t.local.publicClient, { operatorId: 7n, deployment: t.deployment }), {
      name: "OperatorRegistryUnknownOperatorError",
    });
    await assert.rejects(getOperator(t.local.publicClient, { operatorId: -1, deployment: t.deployment }), {
      name: "InvalidArgumentError",
      argument: "operatorId",
    });
  });
});
