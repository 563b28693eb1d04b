import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi, wethAbi } from "../generated/abis.js";
import { depositWeth, estimateDepositWethGas, simulateDepositWeth } from "./depositWeth.js";

const USER = 6;

describe("depositWeth", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
    // The user wraps 5 ETH.
    await receiptOf(
      t.local.publicClient,
      await t.local.wallet(USER).writeContract({
        address: t.deployment.contracts.weth,
        abi: wethAbi,
        functionName: "deposit",
        value: parseEther("5"),
        chain: undefined,
      }),
    );
  });
  after(() => t?.stop());

  const read = (functionName: "balanceOf", address: `0x${string}`, weth = false) =>
    t.local.publicClient.readContract({
      address: weth ? t.deployment.contracts.weth : t.deployment.contracts.token,
      abi: weth ? wethAbi : trETHAbi,
      functionName,
      args: [address],
    });

  it("approves first when the allowance is short, then deposits: two transactions", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    const parameters = { amount: parseEther("2"), deployment: t.deployment };
    const simulated = await simulateDepositWeth(client, parameters);
    assert.equal(simulated.result, parseEther("2"), "2 WETH mints 2 trETH at 1:1");
    assert.equal(simulated.before.length, 1, "an approval comes first");
    assert.equal(simulated.before[0]?.functionName, "approve", "it is an approve");
    const estimate = await estimateDepositWethGas(client, parameters);
    const nonce = await t.local.publicClient.getTransactionCount({ address: user });
    const trBefore = await read("balanceOf", user);
    const receipt = await receiptOf(t.local.publicClient, await depositWeth(client, parameters));
    assert.equal(await t.local.publicClient.getTransactionCount({ address: user }), nonce + 2, "two sent");
    assert.equal((await read("balanceOf", user)) - trBefore, simulated.result, "minted what was simulated");
    assert.equal(await read("balanceOf", user, true), parseEther("3"), "2 of the 5 WETH went in");
    const approval = await t.local.publicClient.getTransactionReceipt({
      hash: (
        await t.local.publicClient.getBlock({
          blockNumber: receipt.blockNumber - 1n,
          includeTransactions: true,
        })
      ).transactions[0]?.hash as `0x${string}`,
    });
    assertGasClose(estimate, approval.gasUsed + receipt.gasUsed, "approve + deposit");
  });

  it("uses an allowance already large enough: one transaction", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    await receiptOf(
      t.local.publicClient,
      await client.writeContract({
        address: t.deployment.contracts.weth,
        abi: wethAbi,
        functionName: "approve",
        args: [t.deployment.contracts.token, parseEther("1")],
        chain: undefined,
      }),
    );
    const parameters = { amount: parseEther("1"), deployment: t.deployment };
    const simulated = await simulateDepositWeth(client, parameters);
    assert.equal(simulated.before.length, 0, "no approval needed");
    const estimate = await estimateDepositWethGas(client, parameters);
    const nonce = await t.local.publicClient.getTransactionCount({ address: user });
    const receipt = await receiptOf(t.local.publicClient, await depositWeth(client, parameters));
    assert.equal(await t.local.publicClient.getTransactionCount({ address: user }), nonce + 1, "one sent");
    assertGasClose(estimate, receipt.gasUsed, "deposit");
  });

  it("refuses a permit on WETH9, which has none, and an amount above the WETH balance", async () => {
    const client = t.local.wallet(USER);
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => depositWeth(client, { amount: parseEther("1"), permit: true, deployment: t.deployment }),
      "InvalidArgumentError",
      (e) => {
        assert.equal(e.argument, "permit", "names permit");
        assert.match(String(e.shortMessage), /no ERC-2612 permit/, "says why");
      },
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => depositWeth(client, { amount: parseEther("3.5"), deployment: t.deployment }),
      "WETHInsufficientBalanceError",
      (e) => assert.equal((e.args as { balance: bigint }).balance, parseEther("2"), "carries the balance"),
    );
  });
});
