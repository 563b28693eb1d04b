/**
 * Morpho Blue (compiled from its npm source, unchanged) with trETH as collateral and WETH as the
 * loan, on a local chain with the protocol and its oracle committee: a holder borrows against
 * trETH; a slashing beyond the operator's bond lowers the rate, the position's health falls by
 * exactly the rate's fall, and a liquidator liquidates it through Morpho's own `liquidate`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  borrow,
  type Deployment,
  type DeploymentDefi,
  getLendingPosition,
  repay,
  supplyCollateral,
} from "@tributary/sdk";
import { morphoAbi, morphoOracleAbi, trETHAbi, wethAbi } from "@tributary/sdk/abis";
import { type Address, maxUint256, parseEther } from "viem";
import { type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { MEMBER_INDEXES, QUORUM, Scenario } from "../../../contracts/lib/scenario.js";
import { deployDefi } from "../src/deploy.js";
import { marketParamsOf } from "../src/morpho.js";

const LENDER = 8;
const BORROWER = 9;
const LIQUIDATOR = 4;
const WEI = 10n ** 18n;
const SCALE = 10n ** 36n;

describe("Morpho Blue market: trETH collateral, WETH loan", () => {
  let local: LocalProtocol;
  let scenario: Scenario;
  let market: NonNullable<DeploymentDefi["morpho"]>;
  let deployment: Deployment;
  const c = () => local.deployment.contracts;
  const send = async (
    index: number,
    address: Address,
    abi: unknown,
    functionName: string,
    args: unknown[],
    value?: bigint,
  ) =>
    local.gasOf(
      await local
        .wallet(index)
        .writeContract({ address, abi, functionName, args, value, chain: undefined } as never),
    );
  const position = async (who: Address) => {
    const [, borrowShares, collateral] = await local.publicClient.readContract({
      address: market.morpho,
      abi: morphoAbi,
      functionName: "position",
      args: [market.marketId, who],
    });
    const [, , totalBorrowAssets, totalBorrowShares] = await local.publicClient.readContract({
      address: market.morpho,
      abi: morphoAbi,
      functionName: "market",
      args: [market.marketId],
    });
    const borrowed =
      totalBorrowShares === 0n
        ? 0n
        : (borrowShares * totalBorrowAssets + totalBorrowShares - 1n) / totalBorrowShares;
    const price = await local.publicClient.readContract({
      address: market.oracle,
      abi: morphoOracleAbi,
      functionName: "price",
    });
    // Morpho's health: collateral valued at the oracle's price, times the LLTV, over the debt.
    const maxBorrow = (((collateral * price) / SCALE) * BigInt(market.lltv)) / WEI;
    return { collateral, borrowed, price, health: Number(maxBorrow) / Number(borrowed) };
  };

  before(async () => {
    const members = MEMBER_INDEXES.map((i) => devAccount(i).address);
    local = await startLocalProtocol({ oracle: { members, quorum: QUORUM } });
    scenario = new Scenario(local);
    for (const member of members) await scenario.fund(member, parseEther("100"));
    await scenario.addOperators(2);
    const defi = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      morpho: { lender: { wallet: local.wallet(LENDER), eth: parseEther("100") } },
    });
    market = defi.morpho as NonNullable<DeploymentDefi["morpho"]>;
    deployment = { ...local.deployment, defi };
    const refSlot = await scenario.nextFrame();
    await scenario.applyReport(await scenario.typicalReport(refSlot, 0n, true));
  });
  after(() => local?.stop());

  it("prices trETH at the token's rate, on Morpho's scale", async () => {
    const rate = await local.publicClient.readContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [WEI],
    });
    assert.equal((await position(local.address(BORROWER))).price, rate * WEI);
    assert.equal(market.lltv, (945n * 10n ** 15n).toString(), "LLTV 94.5%");
  });

  it("lends WETH against trETH; a loss beyond the bond lowers the health by the rate's fall; a liquidator liquidates", async () => {
    const borrower = local.address(BORROWER);
    const params = marketParamsOf(market);
    await send(BORROWER, c().token, trETHAbi, "stake", [borrower], parseEther("10"));
    const shares = await local.publicClient.readContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [borrower],
    });
    const wallet = local.wallet(BORROWER);
    await local.gasOf(await supplyCollateral(wallet, { shares, deployment }));
    const value = (shares * (await position(borrower)).price) / SCALE;
    const sdk = await getLendingPosition(local.publicClient, { address: borrower, deployment });
    assert.equal(sdk.collateral, shares);
    assert.equal(sdk.collateralValue, value);
    assert.equal(sdk.maxBorrow, (value * BigInt(market.lltv)) / WEI, "value × LLTV");
    assert.equal(sdk.health, null, "no debt, no health");
    // Above what the collateral allows: refused before sending, with the amount available.
    const nonce = await local.publicClient.getTransactionCount({ address: borrower });
    await assert.rejects(
      borrow(wallet, { assets: sdk.maxBorrow + 1n, deployment }),
      /above what the collateral allows: [\d.]+ WETH can be borrowed/,
    );
    assert.equal(await local.publicClient.getTransactionCount({ address: borrower }), nonce, "nothing sent");
    // 93% of the collateral's value: under the 94.5% LLTV.
    const debt = (value * 93n) / 100n;
    await local.gasOf(await borrow(wallet, { assets: debt, deployment }));
    const before = await position(borrower);
    assert.ok(before.health > 1 && before.health < 1.02, `healthy, close to the limit: ${before.health}`);
    const sdkBefore = await getLendingPosition(local.publicClient, { address: borrower, deployment });
    assert.ok(Math.abs((sdkBefore.health as number) - before.health) < 1e-6, "the SDK's health is Morpho's");
    assert.ok(sdkBefore.borrowed >= debt, "the debt, interest to the block included");

    // Operator 0's validator is slashed by its whole bond and 4 ETH more: every member votes it.
    const refSlot = await scenario.nextFrame();
    const report = await scenario.typicalReport(refSlot, 0n, true);
    const loss = parseEther("4") + parseEther("2");
    report.clBalance -= loss - (report.operatorChanges[0]?.loss ?? 0n);
    report.operatorChanges = [{ operatorId: 0n, exitedValidators: 0n, withdrawnValidators: 0n, loss }];
    // A loss leaves no rewards to take a commission from.
    report.operatorCommission = 0n;
    await scenario.applyReport(report, MEMBER_INDEXES.length);

    const after = await position(borrower);
    assert.ok(after.price < before.price, "the rate fell");
    assert.equal(after.collateral, before.collateral, "collateral untouched");
    assert.ok(after.borrowed >= before.borrowed, "debt only accrues interest");
    // Health falls by exactly the price's fall (the debt's interest over a day aside).
    const expected =
      (((before.health * Number(after.price)) / Number(before.price)) * Number(before.borrowed)) /
      Number(after.borrowed);
    assert.ok(Math.abs(after.health - expected) < 1e-9, `health ${after.health}, expected ${expected}`);
    assert.ok(after.health < 1, `liquidatable: ${after.health}`);
    const sdkAfter = await getLendingPosition(local.publicClient, { address: borrower, deployment });
    assert.ok((sdkAfter.health as number) < 1, "the SDK says liquidatable");
    assert.ok(
      (sdkAfter.liquidationRate as bigint) > sdkAfter.rate,
      "the liquidation rate is above the rate now",
    );
    assert.ok((sdkBefore.liquidationRate as bigint) < sdkBefore.rate, "and was below it before");

    // A liquidator repays WETH and seizes trETH through Morpho's own liquidate.
    const liquidator = local.address(LIQUIDATOR);
    await send(LIQUIDATOR, c().weth, wethAbi, "deposit", [], parseEther("20"));
    await send(LIQUIDATOR, c().weth, wethAbi, "approve", [market.morpho, maxUint256]);
    const seize = after.collateral / 2n;
    await send(LIQUIDATOR, market.morpho, morphoAbi, "liquidate", [params, borrower, seize, 0n, "0x"]);
    const liquidated = await position(borrower);
    assert.equal(liquidated.collateral, after.collateral - seize, "half the collateral seized");
    assert.ok(liquidated.borrowed < after.borrowed, "debt repaid by the liquidator");
    const seized = await local.publicClient.readContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [liquidator],
    });
    assert.equal(seized, seize, "the liquidator holds the seized trETH");

    // The borrower repays the rest of the debt with WETH, all of it, by shares.
    await send(BORROWER, c().weth, wethAbi, "deposit", [], parseEther("20"));
    await local.gasOf(await repay(wallet, { all: true, deployment }));
    const repaid = await getLendingPosition(local.publicClient, { address: borrower, deployment });
    assert.equal(repaid.borrowed, 0n, "nothing owed");
    await assert.rejects(repay(wallet, { all: true, deployment }), /owes nothing/);
  });
});
