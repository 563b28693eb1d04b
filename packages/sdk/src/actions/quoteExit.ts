import { type Address, type Chain, type Client, ContractFunctionExecutionError, type Transport } from "viem";
import { readContract, simulateContract } from "viem/actions";
import { type Deployment, type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as quoterV2Abi from "../generated/quoterV2.js";
import * as trETHAbi from "../generated/trETH.js";
import * as uniswapV3PoolAbi from "../generated/uniswapV3Pool.js";
import { type EstimateWaitingTimeReturnType, estimateWaitingTime } from "./estimateWaitingTime.js";

export type QuoteExitParameters = DeploymentParameter & {
  /** trETH to exit, wei of shares. */
  shares: bigint;
  /** A standard Beacon API endpoint for the queue's wait estimate (see `estimateWaitingTime`). */
  beaconUrl?: string | undefined;
  /** Who would swap (the quote's gas is estimated for this sender; default: the zero address). */
  account?: Address | undefined;
};

export type DexQuote = {
  /** WETH (wei) the swap pays now: QuoterV2's `quoteExactInputSingle`, the pool's fee included. */
  amountOut: bigint;
  /** ETH per trETH the swap pays, 1e18 scale. */
  rate: bigint;
  /** ETH per trETH at the pool's price before the swap (no fee, no impact), 1e18 scale. */
  spotRate: bigint;
  /** How much less than the spot price the swap pays, fee included: 1 - rate / spotRate. */
  priceImpact: number;
  /** The pool's fee tier, as a fraction (0.0001 = 0.01%). */
  fee: number;
  /** Gas of the swap itself as QuoterV2 measured it (a router call adds ~30k). */
  gasEstimate: bigint;
  pool: Address;
};

export type QuoteExitReturnType = {
  shares: bigint;
  /** The DEX now, or null with the reason when there is no pool or it cannot take the amount. */
  dex: DexQuote | null;
  dexUnavailable: string | null;
  queue: {
    /** ETH at today's rate (`convertToAssets`): what the ticket pays if the rate holds, at most. */
    eth: bigint;
    /** The wait until the request is finalized, with its basis. */
    wait: EstimateWaitingTimeReturnType;
  };
  /** ETH the DEX pays less than the queue (negative: the DEX pays more). */
  dexDiscount: bigint | null;
};

export type QuoteExitErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

const WEI = 10n ** 18n;
const Q192 = 2n ** 192n;

async function quoteDexOrReason(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  shares: bigint,
  account: Address | undefined,
): Promise<DexQuote | string> {
  const { token, weth } = deployment.contracts;
  const uniswap = deployment.defi?.uniswap;
  if (!uniswap) return "no trETH pool is deployed on this chain";
  try {
    const [{ result }, slot0] = await Promise.all([
      simulateContract(client, {
        address: uniswap.quoter,
        abi: quoterV2Abi.quoteExactInputSingle,
        functionName: "quoteExactInputSingle",
        args: [{ tokenIn: token, tokenOut: weth, amountIn: shares, fee: uniswap.fee, sqrtPriceLimitX96: 0n }],
        account,
      }),
      readContract(client, { address: uniswap.pool, abi: uniswapV3PoolAbi.slot0, functionName: "slot0" }),
    ]);
    const [amountOut, , , gasEstimate] = result;
    const sqrtPrice = slot0[0];
    const price = (sqrtPrice * sqrtPrice * WEI) / Q192; // token1 per token0, 1e18 scale
    const spotRate = BigInt(token) < BigInt(weth) ? price : (WEI * WEI) / (price === 0n ? 1n : price);
    const rate = (amountOut * WEI) / shares;
    return {
      amountOut,
      rate,
      spotRate,
      priceImpact: spotRate === 0n ? 1 : 1 - Number((rate * 1_000_000n) / spotRate) / 1_000_000,
      fee: uniswap.fee / 1_000_000,
      gasEstimate,
      pool: uniswap.pool,
    };
  } catch (error) {
    // A refusal of the pool (too little liquidity, ...) is a reason; a node that fails is an error.
    if (!(error instanceof ContractFunctionExecutionError)) throw error;
    return `the pool cannot quote ${shares} wei of trETH: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`;
  }
}

export type QuoteDexParameters = DeploymentParameter & {
  /** trETH to sell, wei of shares. */
  shares: bigint;
  /** Who would swap (default: the zero address). */
  account?: Address | undefined;
};

/**
 * What selling `shares` trETH on the deployment's Uniswap v3 trETH/WETH pool pays now (QuoterV2),
 * against the pool's price: the DEX half of `quoteExit`, in one round trip. Null (with the reason)
 * when the deployment has no pool or the pool cannot take the amount.
 */
export async function quoteDex(
  client: Client<Transport, Chain | undefined>,
  parameters: QuoteDexParameters,
): Promise<{ dex: DexQuote | null; reason: string | null }> {
  const { shares } = parameters;
  if (typeof shares !== "bigint" || shares <= 0n) {
    throw new InvalidArgumentError(
      "shares",
      `The amount to sell must be a positive number of wei; got ${String(shares)}.`,
    );
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  return withErrors(async () => {
    const dex = await quoteDexOrReason(client, deployment, shares, parameters.account);
    return typeof dex === "string" ? { dex: null, reason: dex } : { dex, reason: null };
  });
}

/**
 * The two ways out of trETH, side by side, so a holder can choose: sell on the deployment's
 * Uniswap v3 trETH/WETH pool now (QuoterV2's quote: amount out, the rate it pays against the
 * pool's price, its gas), or redeem through the withdrawal queue (ETH at today's rate, after the
 * wait `estimateWaitingTime` gives for this amount). Without a pool in the deployment (or with one
 * that cannot take the amount) `dex` is null and `dexUnavailable` says why.
 *
 * Round trips: the rate, the quote and the pool's price together, then the wait estimate's.
 *
 * @example
 * import { formatEther, parseEther } from "viem";
 * import { quoteExit } from "@tributary/sdk";
 * const q = await quoteExit(client, { shares: parseEther("10") });
 * console.log(q.dex ? `DEX now: ${formatEther(q.dex.amountOut)} WETH` : q.dexUnavailable);
 * console.log(`Queue: ${formatEther(q.queue.eth)} ETH in ${q.queue.wait.maxSeconds / 3600} h at most`);
 */
export async function quoteExit(
  client: Client<Transport, Chain | undefined>,
  parameters: QuoteExitParameters,
): Promise<QuoteExitReturnType> {
  const { shares } = parameters;
  if (typeof shares !== "bigint" || shares <= 0n) {
    throw new InvalidArgumentError(
      "shares",
      `The amount to exit must be a positive number of wei; got ${String(shares)}.`,
    );
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  const { token } = deployment.contracts;
  return withErrors(async () => {
    const [eth, dex, wait] = await Promise.all([
      readContract(client, {
        address: token,
        abi: trETHAbi.convertToAssets,
        functionName: "convertToAssets",
        args: [shares],
      }),
      quoteDexOrReason(client, deployment, shares, parameters.account),
      estimateWaitingTime(client, {
        deployment,
        amount: shares,
        unit: "shares",
        beaconUrl: parameters.beaconUrl,
      }),
    ]);
    const dexResult = typeof dex === "string" ? null : dex;
    return {
      shares,
      dex: dexResult,
      dexUnavailable: typeof dex === "string" ? dex : null,
      queue: { eth, wait },
      dexDiscount: dexResult ? eth - dexResult.amountOut : null,
    };
  });
}
