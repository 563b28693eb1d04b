/**
 * Uniswap v3 from its npm artifacts on a local chain with the protocol: the pool starts at the
 * token's rate, liquidity sits around it, swaps go both ways, the SDK's quoteExit agrees with the
 * swap it quotes, and the deploy takes existing contracts instead of deploying them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DeploymentDefi } from "@tributary/sdk";
import { quoteDex, quoteExit } from "@tributary/sdk";
import { swapRouterAbi, trETHAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi, wethAbi } from "@tributary/sdk/abis";
import { type Address, maxUint256, parseEther } from "viem";
import { type LocalProtocol, startLocalProtocol } from "../../../contracts/lib/bench.js";
import { DEV_ROLES } from "../../../contracts/lib/devkeys.js";
import { deployDefi } from "../src/deploy.js";

const LP = 8;
const TRADER = 9;
const WEI = 10n ** 18n;

describe("Uniswap v3 trETH/WETH pool", () => {
  let local: LocalProtocol;
  let defi: DeploymentDefi;
  let pool: NonNullable<DeploymentDefi["uniswap"]>;

  before(async () => {
    local = await startLocalProtocol();
    defi = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      liquidity: { wallet: local.wallet(LP), eth: parseEther("100"), widthBps: 50 },
    });
    pool = defi.uniswap as NonNullable<DeploymentDefi["uniswap"]>;
  });
  after(() => local?.stop());

  const c = () => local.deployment.contracts;

  async function spotRate(): Promise<number> {
    const [sqrtPrice] = await local.publicClient.readContract({
      address: pool.pool,
      abi: uniswapV3PoolAbi,
      functionName: "slot0",
    });
    const price = (Number(sqrtPrice) / 2 ** 96) ** 2;
    return BigInt(c().token) < BigInt(c().weth) ? price : 1 / price;
  }

  async function swap(tokenIn: Address, tokenOut: Address, amountIn: bigint): Promise<bigint> {
    const trader = local.wallet(TRADER);
    const abi = tokenIn === c().weth ? wethAbi : trETHAbi;
    await local.gasOf(
      await trader.writeContract({
        address: tokenIn,
        abi,
        functionName: "approve",
        args: [pool.swapRouter, maxUint256],
        chain: undefined,
      }),
    );
    const outAbi = tokenOut === c().weth ? wethAbi : trETHAbi;
    const before = await local.publicClient.readContract({
      address: tokenOut,
      abi: outAbi,
      functionName: "balanceOf",
      args: [trader.account.address],
    });
    const { timestamp } = await local.publicClient.getBlock();
    await local.gasOf(
      await trader.writeContract({
        address: pool.swapRouter,
        abi: swapRouterAbi,
        functionName: "exactInputSingle",
        args: [
          {
            tokenIn,
            tokenOut,
            fee: pool.fee,
            recipient: trader.account.address,
            deadline: timestamp + 600n,
            amountIn,
            amountOutMinimum: 0n,
            sqrtPriceLimitX96: 0n,
          },
        ],
        chain: undefined,
      }),
    );
    const after = await local.publicClient.readContract({
      address: tokenOut,
      abi: outAbi,
      functionName: "balanceOf",
      args: [trader.account.address],
    });
    return after - before;
  }

  it("is the factory's trETH/WETH pool, initialized at the token's rate, with liquidity", async () => {
    const [token0, token1] =
      BigInt(c().token) < BigInt(c().weth) ? [c().token, c().weth] : [c().weth, c().token];
    assert.equal(
      await local.publicClient.readContract({
        address: pool.factory,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [token0, token1, pool.fee],
      }),
      pool.pool,
    );
    const rate = await local.publicClient.readContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [WEI],
    });
    assert.ok(Math.abs((await spotRate()) - Number(rate) / 1e18) < 1e-9, "the price is the rate");
    const liquidity = await local.publicClient.readContract({
      address: pool.pool,
      abi: uniswapV3PoolAbi,
      functionName: "liquidity",
    });
    assert.ok(liquidity > 0n, "liquidity in range");
  });

  it("swaps both ways; quoteExit agrees with the swap it quotes and puts the queue beside it", async () => {
    const trader = local.wallet(TRADER);
    await local.gasOf(
      await trader.writeContract({
        address: c().token,
        abi: trETHAbi,
        functionName: "stake",
        args: [trader.account.address],
        value: parseEther("10"),
        chain: undefined,
      }),
    );
    const shares = parseEther("2");
    const quote = await quoteExit(local.publicClient, {
      shares,
      deployment: { ...local.deployment, defi },
    });
    assert.ok(quote.dex, quote.dexUnavailable ?? "a DEX quote");
    const queueEth = await local.publicClient.readContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [shares],
    });
    assert.equal(quote.queue.eth, queueEth, "the queue pays the token's rate");
    assert.ok(quote.queue.wait.basis.length > 0, "the wait comes with its basis");
    assert.equal(quote.dex.fee, 0.0001);
    assert.ok(quote.dex.priceImpact > 0 && quote.dex.priceImpact < 0.001, `impact ${quote.dex.priceImpact}`);
    assert.ok(quote.dex.gasEstimate > 50_000n);
    assert.equal(quote.dexDiscount, queueEth - quote.dex.amountOut);

    const alone = await quoteDex(local.publicClient, { shares, deployment: { ...local.deployment, defi } });
    assert.deepEqual(alone.dex, quote.dex, "quoteDex is quoteExit's DEX half");

    const out = await swap(c().token, c().weth, shares);
    assert.equal(out, quote.dex.amountOut, "the swap pays what the quote said");
    assert.ok((await spotRate()) < Number(queueEth) / 2e18, "selling trETH moved the price below the rate");

    const back = await swap(c().weth, c().token, out);
    assert.ok(back > 0n && back < shares, "bought trETH back, less the fees");
  });

  it("takes existing contracts instead of deploying them, and refuses an address without code", async () => {
    const again = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      existing: {
        rateFeed: defi.rateFeed,
        uniswap: {
          factory: pool.factory,
          positionManager: pool.positionManager,
          swapRouter: pool.swapRouter,
          quoter: pool.quoter,
        },
      },
    });
    assert.deepEqual(again, defi, "the same contracts and pool");
    await assert.rejects(
      deployDefi({
        wallet: local.wallet(DEV_ROLES.deployer),
        publicClient: local.publicClient,
        deployment: local.deployment,
        existing: { uniswap: { factory: local.address(20) } },
      }),
      /factory .*no contract there/,
    );
  });

  it("quoteExit without a pool names why and still gives the queue", async () => {
    const quote = await quoteExit(local.publicClient, { shares: WEI, deployment: local.deployment });
    assert.equal(quote.dex, null);
    assert.match(quote.dexUnavailable ?? "", /no trETH pool/);
    assert.ok(quote.queue.eth > 0n);
    await assert.rejects(
      quoteExit(local.publicClient, { shares: 0n, deployment: local.deployment }),
      /positive/,
    );
  });
});
