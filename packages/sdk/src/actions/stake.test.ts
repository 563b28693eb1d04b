import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { trETHAbi } from "../generated/abis.js";
import { estimateStakeGas, simulateStake, stake } from "./stake.js";

const USER = 6;

describe("stake", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol({ dailyStakeCap: parseEther("100") });
  });
  after(() => t?.stop());

  const balanceOf = (address: `0x${string}`) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [address],
    });

  it("mints the simulated shares, and the estimate is close to the gas used", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    const receiver = t.local.address(USER + 1);
    const parameters = { amount: parseEther("2"), receiver, deployment: t.deployment };
    const { result, request } = await simulateStake(client, parameters);
    assert.equal(result, parseEther("2"), "2 ETH mints 2 trETH at 1:1");
    assert.equal(request.functionName, "stake", "the request calls stake");
    assert.equal(request.value, parseEther("2"), "the request sends the amount");
    const estimate = await estimateStakeGas(client, parameters);
    const before = await balanceOf(receiver);
    const ethBefore = await t.local.publicClient.getBalance({ address: user });
    const receipt = await receiptOf(t.local.publicClient, await stake(client, parameters));
    assert.equal((await balanceOf(receiver)) - before, result, "the receiver got the simulated shares");
    const spent = ethBefore - (await t.local.publicClient.getBalance({ address: user }));
    assert.equal(spent, parseEther("2") + receipt.gasUsed * receipt.effectiveGasPrice, "ETH spent");
    assertGasClose(estimate, receipt.gasUsed, "stake");
  });

  it("refuses a zero amount and a malformed receiver without sending", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    await assertRefusedUnsent(
      t.local.publicClient,
      user,
      () => stake(client, { amount: 0n, deployment: t.deployment }),
      "InvalidArgumentError",
      (e) => assert.equal(e.argument, "amount", "names the argument"),
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      user,
      () => stake(client, { amount: 1n, receiver: "0x1234" as `0x${string}`, deployment: t.deployment }),
      "InvalidArgumentError",
      (e) => assert.equal(e.argument, "receiver", "names the argument"),
    );
  });

  it("refuses an amount above the stake limit, saying how much is available", async () => {
    const client = t.local.wallet(USER);
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => stake(client, { amount: parseEther("99"), deployment: t.deployment }),
      "TrETHStakeLimitExceededError",
      (e) => {
        const args = e.args as { requested: bigint; available: bigint };
        assert.equal(args.requested, parseEther("99"), "carries the amount asked");
        assert.equal(args.available, parseEther("98"), "2 ETH of the 100 ETH cap were staked");
        assert.match(
          String(e.shortMessage),
          /98 ETH can be staked now/,
          "the sentence names what is available",
        );
      },
    );
  });

  it("refuses an amount above the ETH balance, gas included", async () => {
    const client = t.local.wallet(USER + 2);
    await t.scenario.fund(t.local.address(USER + 2), parseEther("1"));
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER + 2),
      () => stake(client, { amount: parseEther("1.5"), deployment: t.deployment }),
      "InsufficientFundsError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER + 2),
      () => stake(client, { amount: parseEther("1"), deployment: t.deployment }),
      "InsufficientFundsError",
      (e) => assert.ok((e.gasCost as bigint) > 0n, "the gas counts"),
    );
  });

  it("refuses while staking is paused", async () => {
    const committee = t.local.wallet(4);
    await receiptOf(
      t.local.publicClient,
      await committee.writeContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "pauseStaking",
        chain: undefined,
      }),
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => stake(t.local.wallet(USER), { amount: 1n, deployment: t.deployment }),
      "TrETHStakingIsPausedError",
    );
  });
});
