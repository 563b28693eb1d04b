/**
 * The pool follows the rate through arbitrage with the protocol's own doors: after each report
 * raises the rate, the arbitrageur buys trETH in the pool up to the rate and requests its
 * redemption; after a large buy lifts the pool above the rate, it stakes and sells down to it.
 * How far the pool is from the rate before and after each round is measured and reported.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Deployment } from "@tributary/sdk";
import { swapRouterAbi, wethAbi } from "@tributary/sdk/abis";
import { maxUint256, parseEther } from "viem";
import { type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { MEMBER_INDEXES, QUORUM, Scenario } from "../../../contracts/lib/scenario.js";
import { arbitrageOnce } from "../src/arbitrage.js";
import { deployDefi } from "../src/deploy.js";

const LP = 8;
const ARBITRAGEUR = 9;
const WHALE = 4;

describe("arbitrage keeps the pool at the rate", () => {
  let local: LocalProtocol;
  let scenario: Scenario;
  let deployment: Deployment;

  before(async () => {
    const members = MEMBER_INDEXES.map((i) => devAccount(i).address);
    local = await startLocalProtocol({ oracle: { members, quorum: QUORUM } });
    scenario = new Scenario(local);
    for (const member of members) await scenario.fund(member, parseEther("100"));
    await scenario.addOperators(4);
    const defi = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      liquidity: { wallet: local.wallet(LP), eth: parseEther("200"), widthBps: 100 },
    });
    deployment = { ...local.deployment, defi };
    const refSlot = await scenario.nextFrame();
    await scenario.applyReport(await scenario.typicalReport(refSlot, 0n, true));
  });
  after(() => local?.stop());

  it("after every report the arbitrageur buys up to the new rate; the pool ends within a basis point", async (t) => {
    const deviations: { before: number; after: number }[] = [];
    for (let i = 0; i < 4; i++) {
      const refSlot = await scenario.nextFrame();
      await scenario.applyReport(await scenario.typicalReport(refSlot, 0n));
      const round = await arbitrageOnce(local.wallet(ARBITRAGEUR), local.publicClient, deployment, {
        budget: parseEther("50"),
        thresholdBps: 0.5,
      });
      assert.equal(round.action, "buy", `round ${i}: the pool lags the risen rate`);
      assert.ok(round.shares > 0n, "trETH bought and requested");
      deviations.push({ before: round.poolBefore / round.rate - 1, after: round.poolAfter / round.rate - 1 });
    }
    t.diagnostic(
      `pool vs rate after each report, before → after arbitrage (bp): ${deviations
        .map((d) => `${(d.before * 1e4).toFixed(2)} → ${(d.after * 1e4).toFixed(3)}`)
        .join(", ")}`,
    );
    for (const d of deviations) {
      assert.ok(d.before < 0, "a report leaves the pool below the rate");
      assert.ok(Math.abs(d.after) < 1e-6, `back to the rate: ${d.after}`);
    }
  });

  it("after a large buy lifts the pool, the arbitrageur stakes and sells down to the rate", async (t) => {
    const whale = local.wallet(WHALE);
    const { token, weth } = deployment.contracts;
    const uniswap = deployment.defi?.uniswap as NonNullable<NonNullable<Deployment["defi"]>["uniswap"]>;
    const send = async (
      address: `0x${string}`,
      abi: unknown,
      functionName: string,
      args: unknown[],
      value?: bigint,
    ) =>
      local.gasOf(
        await whale.writeContract({ address, abi, functionName, args, value, chain: undefined } as never),
      );
    await send(weth, wethAbi, "deposit", [], parseEther("60"));
    await send(weth, wethAbi, "approve", [uniswap.swapRouter, maxUint256]);
    const { timestamp } = await local.publicClient.getBlock();
    await send(uniswap.swapRouter, swapRouterAbi, "exactInputSingle", [
      {
        tokenIn: weth,
        tokenOut: token,
        fee: uniswap.fee,
        recipient: whale.account.address,
        deadline: timestamp + 600n,
        amountIn: parseEther("60"),
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: 0n,
      },
    ]);
    const round = await arbitrageOnce(local.wallet(ARBITRAGEUR), local.publicClient, deployment, {
      budget: parseEther("100"),
    });
    t.diagnostic(
      `after a 60 WETH buy: pool ${((round.poolBefore / round.rate - 1) * 1e4).toFixed(1)} bp above the rate, ${((round.poolAfter / round.rate - 1) * 1e4).toFixed(3)} bp after selling ${Number(round.shares) / 1e18} trETH`,
    );
    assert.equal(round.action, "sell");
    assert.ok(round.poolBefore > round.rate * 1.001, "the buy lifted the pool above the rate");
    assert.ok(Math.abs(round.poolAfter / round.rate - 1) < 1e-6, "sold back down to the rate");
    const idle = await arbitrageOnce(local.wallet(ARBITRAGEUR), local.publicClient, deployment, {
      budget: parseEther("1"),
    });
    assert.equal(idle.action, "none", "nothing to do at the rate");
  });
});
