/**
 * Gas of trETH's DeFi paths on a fresh local chain (anvil, each transaction in its own block):
 * `dex_swap`, a swap of trETH for WETH through Uniswap's SwapRouter into the pool (a holder who
 * swapped before, approvals set); `feed_read`, a call of the rate feed's `latestRoundData` (the
 * transaction's gas less the 21,000 every transaction pays: what a consumer contract pays for it);
 * `morpho_borrow`, a borrow of WETH on the Morpho Blue market against trETH collateral already
 * supplied (a borrower's second borrow: the market and the position exist).
 */
import { morphoAbi, rateFeedAbi, swapRouterAbi, trETHAbi } from "@tributary/sdk/abis";
import { encodeFunctionData, maxUint256, parseEther } from "viem";
import { startLocalProtocol } from "../../../contracts/lib/bench.js";
import { DEV_ROLES } from "../../../contracts/lib/devkeys.js";
import { deployDefi } from "./deploy.js";
import { marketParamsOf } from "./morpho.js";

const LP = 8;
const TRADER = 9;
const LENDER = 7;

export async function measureDefiGas(): Promise<Record<string, number>> {
  const local = await startLocalProtocol();
  try {
    const { token, weth } = local.deployment.contracts;
    const defi = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      liquidity: { wallet: local.wallet(LP), eth: parseEther("500") },
      morpho: { lender: { wallet: local.wallet(LENDER), eth: parseEther("100") } },
    });
    const pool = defi.uniswap as NonNullable<typeof defi.uniswap>;
    const trader = local.wallet(TRADER);
    const send = (
      address: `0x${string}`,
      abi: unknown,
      functionName: string,
      args: unknown[],
      value?: bigint,
    ) => trader.writeContract({ address, abi, functionName, args, value, chain: undefined } as never);
    await local.gasOf(await send(token, trETHAbi, "stake", [trader.account.address], parseEther("10")));
    await local.gasOf(await send(token, trETHAbi, "approve", [pool.swapRouter, maxUint256]));
    const swap = async () => {
      const { timestamp } = await local.publicClient.getBlock();
      return local.gasOf(
        await send(pool.swapRouter, swapRouterAbi, "exactInputSingle", [
          {
            tokenIn: token,
            tokenOut: weth,
            fee: pool.fee,
            recipient: trader.account.address,
            deadline: timestamp + 600n,
            amountIn: parseEther("1"),
            amountOutMinimum: 0n,
            sqrtPriceLimitX96: 0n,
          },
        ]),
      );
    };
    await swap(); // the first swap creates the holder's WETH balance
    const dexSwap = await swap();
    const feedTx = await trader.sendTransaction({
      to: defi.rateFeed,
      data: encodeFunctionData({ abi: rateFeedAbi, functionName: "latestRoundData" }),
      chain: undefined,
    });
    const feedRead = (await local.gasOf(feedTx)) - 21_000n;
    const market = defi.morpho as NonNullable<typeof defi.morpho>;
    const params = marketParamsOf(market);
    await local.gasOf(await send(token, trETHAbi, "approve", [market.morpho, maxUint256]));
    await local.gasOf(
      await send(market.morpho, morphoAbi, "supplyCollateral", [
        params,
        parseEther("5"),
        trader.account.address,
        "0x",
      ]),
    );
    const borrow = () =>
      send(market.morpho, morphoAbi, "borrow", [
        params,
        parseEther("1"),
        0n,
        trader.account.address,
        trader.account.address,
      ]);
    await local.gasOf(await borrow());
    const morphoBorrow = await local.gasOf(await borrow());
    return { dex_swap: Number(dexSwap), feed_read: Number(feedRead), morpho_borrow: Number(morphoBorrow) };
  } finally {
    await local.stop();
  }
}
