import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, receiptOf } from "../../test/writes.js";
import { trETHAbi } from "../generated/abis.js";
import {
  delegateBySig,
  estimateDelegateBySigGas,
  signDelegation,
  simulateDelegateBySig,
} from "./delegateBySig.js";

const HOLDER = 6;
const RELAYER = 7;

describe("delegateBySig", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
    await stakeFor(t, HOLDER, "4");
  });
  after(() => t?.stop());

  const read = (functionName: "getVotes" | "delegates", address: `0x${string}`) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName,
      args: [address],
    });

  it("signs with the account and sends the signed delegation", async () => {
    const client = t.local.wallet(HOLDER);
    const holder = t.local.address(HOLDER);
    const parameters = { delegatee: holder, deployment: t.deployment };
    const { delegation } = await simulateDelegateBySig(client, parameters);
    assert.equal(delegation.nonce, 0n, "the holder's first nonce");
    const estimate = await estimateDelegateBySigGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await delegateBySig(client, parameters));
    assert.equal(await read("delegates", holder), holder, "the holder delegated to itself");
    assert.equal(await read("getVotes", holder), parseEther("4"), "and votes with its 4 trETH");
    assertGasClose(estimate, receipt.gasUsed, "delegateBySig");
  });

  it("relays a delegation the holder signed: the relayer pays, the holder's votes move", async () => {
    const holder = t.local.address(HOLDER);
    const delegatee = t.local.address(RELAYER + 1);
    const signature = await signDelegation(t.local.wallet(HOLDER), { delegatee, deployment: t.deployment });
    const holderEth = await t.local.publicClient.getBalance({ address: holder });
    await receiptOf(
      t.local.publicClient,
      await delegateBySig(t.local.wallet(RELAYER), { delegatee, signature, deployment: t.deployment }),
    );
    assert.equal(await read("delegates", holder), delegatee, "the holder's delegate changed");
    assert.equal(await read("getVotes", delegatee), parseEther("4"), "the delegatee got the votes");
    assert.equal(
      await t.local.publicClient.getBalance({ address: holder }),
      holderEth,
      "the holder paid nothing",
    );
    await assert.rejects(
      delegateBySig(t.local.wallet(RELAYER), { delegatee, signature, deployment: t.deployment }),
      { name: "InvalidAccountNonceError" },
      "a signature works once (decoded from the revert)",
    );
  });
});
