/**
 * The arbitrage that keeps the trETH/WETH pool at the token's rate, with the protocol's own two
 * doors: when the pool pays more than the rate for trETH, stake ETH (at the rate) and sell the
 * trETH in the pool; when it asks less, buy trETH in the pool and request its redemption (the queue
 * pays the rate). Each swap carries the rate's price as its limit, so it stops exactly there.
 */

import type { Deployment } from "@tributary/sdk";
import { swapRouterAbi, trETHAbi, uniswapV3PoolAbi, wethAbi } from "@tributary/sdk/abis";
import { type Address, maxUint256, type PublicClient } from "viem";
import { sendAndConfirm, sqrtPriceX96, type Wallet } from "./uniswap.js";

const WEI = 10n ** 18n;

export interface ArbitrageResult {
  /** "sell": staked and sold trETH (the pool was above the rate); "buy": bought and requested; "none". */
  action: "sell" | "buy" | "none";
  /** ETH per trETH before and after, as floats, and the token's rate. */
  poolBefore: number;
  poolAfter: number;
  rate: number;
  /** trETH sold or bought (wei of shares). */
  shares: bigint;
}

async function poolRate(client: PublicClient, pool: Address, trETHIsToken0: boolean): Promise<number> {
  const [sqrt] = await client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "slot0" });
  const price = (Number(sqrt) / 2 ** 96) ** 2;
  return trETHIsToken0 ? price : 1 / price;
}

/**
 * One round: if the pool is off the rate by more than `thresholdBps` (default: its fee, 1 bp),
 * trade it back to the rate with at most `budget` wei of ETH (staked, or wrapped to buy).
 */
export async function arbitrageOnce(
  wallet: Wallet,
  client: PublicClient,
  deployment: Deployment,
  options: { budget: bigint; thresholdBps?: number },
): Promise<ArbitrageResult> {
  const uniswap = deployment.defi?.uniswap;
  if (!uniswap) throw new Error("the deployment has no trETH/WETH pool");
  const { token, weth } = deployment.contracts;
  const me = wallet.account.address;
  const trETHIsToken0 = BigInt(token) < BigInt(weth);
  const send = (address: Address, abi: unknown, functionName: string, args: unknown[], value?: bigint) =>
    sendAndConfirm(wallet, client, address, abi, functionName, args, value);
  const rateWei = await client.readContract({
    address: token,
    abi: trETHAbi,
    functionName: "convertToAssets",
    args: [WEI],
  });
  const rate = Number(rateWei) / 1e18;
  const poolBefore = await poolRate(client, uniswap.pool, trETHIsToken0);
  const threshold = (options.thresholdBps ?? uniswap.fee / 100) / 10_000;
  const limit = sqrtPriceX96(rateWei, trETHIsToken0);
  const swap = async (tokenIn: Address, tokenOut: Address, amountIn: bigint) => {
    const { timestamp } = await client.getBlock();
    return send(uniswap.swapRouter, swapRouterAbi, "exactInputSingle", [
      {
        tokenIn,
        tokenOut,
        fee: uniswap.fee,
        recipient: me,
        deadline: timestamp + 600n,
        amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: limit,
      },
    ]);
  };
  const balance = (address: Address, abi: unknown) =>
    client.readContract({ address, abi, functionName: "balanceOf", args: [me] } as never) as Promise<bigint>;
  if (poolBefore > rate * (1 + threshold)) {
    // The pool pays more than the rate: stake at the rate, sell down to it.
    await send(token, trETHAbi, "stake", [me], options.budget);
    await send(token, trETHAbi, "approve", [uniswap.swapRouter, maxUint256]);
    const before = await balance(token, trETHAbi);
    await swap(token, weth, before);
    const sold = before - (await balance(token, trETHAbi));
    return {
      action: "sell",
      poolBefore,
      poolAfter: await poolRate(client, uniswap.pool, trETHIsToken0),
      rate,
      shares: sold,
    };
  }
  if (poolBefore < rate * (1 - threshold)) {
    // The pool asks less than the rate: buy up to it, then redeem at the rate through the queue.
    await send(weth, wethAbi, "deposit", [], options.budget);
    await send(weth, wethAbi, "approve", [uniswap.swapRouter, maxUint256]);
    const before = await balance(token, trETHAbi);
    await swap(weth, token, options.budget);
    const bought = (await balance(token, trETHAbi)) - before;
    if (bought > 0n) await send(token, trETHAbi, "requestRedeem", [bought, me, me]);
    return {
      action: "buy",
      poolBefore,
      poolAfter: await poolRate(client, uniswap.pool, trETHIsToken0),
      rate,
      shares: bought,
    };
  }
  return { action: "none", poolBefore, poolAfter: poolBefore, rate, shares: 0n };
}
