import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi, withdrawalQueueAbi } from "../generated/abis.js";
import { estimateRequestRedeemGas, requestRedeem, simulateRequestRedeem } from "./requestRedeem.js";
import { signPermit } from "./signPermit.js";
import { stake } from "./stake.js";

const OWNER = 6;
const RELAYER = 7;

describe("requestRedeem", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
    await receiptOf(
      t.local.publicClient,
      await stake(t.local.wallet(OWNER), { amount: parseEther("5"), deployment: t.deployment }),
    );
  });
  after(() => t?.stop());

  const balanceOf = (address: `0x${string}`) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [address],
    });
  const ownerOf = (id: bigint) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "ownerOf",
      args: [id],
    });

  it("escrows the shares and mints the simulated ticket to the owner", async () => {
    const client = t.local.wallet(OWNER);
    const owner = t.local.address(OWNER);
    const parameters = { shares: parseEther("1"), deployment: t.deployment };
    const { result: requestId, before: first } = await simulateRequestRedeem(client, parameters);
    assert.equal(first.length, 0, "no permit for one's own trETH");
    const estimate = await estimateRequestRedeemGas(client, parameters);
    const balance = await balanceOf(owner);
    const receipt = await receiptOf(t.local.publicClient, await requestRedeem(client, parameters));
    assert.equal(balance - (await balanceOf(owner)), parseEther("1"), "1 trETH left the owner");
    assert.equal(await ownerOf(requestId), owner, "the simulated request id is the owner's ticket");
    assertGasClose(estimate, receipt.gasUsed, "requestRedeem");
  });

  it("redeems someone else's trETH with their permit: permit, then request", async () => {
    const owner = t.local.address(OWNER);
    const relayer = t.local.wallet(RELAYER);
    const permit = await signPermit(t.local.wallet(OWNER), {
      token: t.deployment.contracts.token,
      spender: t.local.address(RELAYER),
      value: parseEther("2"),
    });
    const parameters = { shares: parseEther("2"), owner, permit, deployment: t.deployment };
    const simulated = await simulateRequestRedeem(relayer, parameters);
    assert.equal(simulated.before[0]?.functionName, "permit", "the permit goes first");
    const estimate = await estimateRequestRedeemGas(relayer, parameters);
    const nonce = await t.local.publicClient.getTransactionCount({ address: t.local.address(RELAYER) });
    const receipt = await receiptOf(t.local.publicClient, await requestRedeem(relayer, parameters));
    assert.equal(
      await t.local.publicClient.getTransactionCount({ address: t.local.address(RELAYER) }),
      nonce + 2,
      "two transactions: permit and request",
    );
    assert.equal(await ownerOf(simulated.result), owner, "the ticket went to the owner (the controller)");
    const permitReceipt = (
      await t.local.publicClient.getBlock({
        blockNumber: receipt.blockNumber - 1n,
        includeTransactions: true,
      })
    ).transactions[0];
    const permitGas = (
      await t.local.publicClient.getTransactionReceipt({ hash: permitReceipt?.hash ?? "0x" })
    ).gasUsed;
    assertGasClose(estimate, permitGas + receipt.gasUsed, "permit + requestRedeem");
  });

  it("refuses zero, more than the balance, and someone else's trETH without allowance", async () => {
    const client = t.local.wallet(OWNER);
    const owner = t.local.address(OWNER);
    await assertRefusedUnsent(
      t.local.publicClient,
      owner,
      () => requestRedeem(client, { shares: 0n, deployment: t.deployment }),
      "InvalidArgumentError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      owner,
      () => requestRedeem(client, { shares: parseEther("50"), deployment: t.deployment }),
      "ERC20InsufficientBalanceError",
      (e) => {
        assert.equal((e.args as { balance: bigint }).balance, parseEther("2"), "2 trETH left");
        assert.match(String(e.shortMessage), /holds 2 trETH/, "the sentence names the balance");
      },
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(RELAYER),
      () => requestRedeem(t.local.wallet(RELAYER), { shares: 1n, owner, deployment: t.deployment }),
      "ERC20InsufficientAllowanceError",
    );
  });
});
