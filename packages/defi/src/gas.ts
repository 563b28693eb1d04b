/**
 * Gas of trETH's DeFi paths on a fresh local chain (anvil, each transaction in its own block):
 * `dex_swap`, a swap of trETH for WETH through Uniswap's SwapRouter into the pool (a holder who
 * swapped before, approvals set); `feed_read`, a call of the rate feed's `latestRoundData` (the
 * transaction's gas less the 21,000 every transaction pays: what a consumer contract pays for it).
 */
import { rateFeedAbi, swapRouterAbi, trETHAbi } from "@tributary/sdk/abis";
import { encodeFunctionData, maxUint256, parseEther } from "viem";
import { startLocalProtocol } from "../../../contracts/lib/bench.js";
import { DEV_ROLES } from "../../../contracts/lib/devkeys.js";
import { deployDefi } from "./deploy.js";

const LP = 8;
const TRADER = 9;

export async function measureDefiGas(): Promise<Record<string, number>> {
  const local = await startLocalProtocol();
  try {
    const { token, weth } = local.deployment.contracts;
    const defi = await deployDefi({
      wallet: local.wallet(DEV_ROLES.deployer),
      publicClient: local.publicClient,
      deployment: local.deployment,
      liquidity: { wallet: local.wallet(LP), eth: parseEther("500") },
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
    return { dex_swap: Number(dexSwap), feed_read: Number(feedRead) };
  } finally {
    await local.stop();
  }
}
