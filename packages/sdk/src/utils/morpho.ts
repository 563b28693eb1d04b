import type { Address, Chain, Client, Hex, Transport } from "viem";
import { getBlock } from "viem/actions";
import type { Deployment } from "../deployment.js";
import { InvalidArgumentError } from "../errors/base.js";
import * as fixedRateIrmAbi from "../generated/fixedRateIrm.js";
import * as morphoAbi from "../generated/morpho.js";
import * as morphoOracleAbi from "../generated/morphoOracle.js";
import { readMany } from "./read.js";

const WAD = 10n ** 18n;
export const ORACLE_PRICE_SCALE = 10n ** 36n;

export type MarketParams = {
  loanToken: Address;
  collateralToken: Address;
  oracle: Address;
  irm: Address;
  lltv: bigint;
};

/** The deployment's Morpho Blue market, or an error naming its absence. */
export function lendingMarketOf(deployment: Deployment): { morpho: Address; id: Hex; params: MarketParams } {
  const m = deployment.defi?.morpho;
  if (!m) {
    throw new InvalidArgumentError(
      "deployment",
      "This deployment has no Morpho market for trETH (deploy it with `npm run deploy-defi`).",
    );
  }
  return {
    morpho: m.morpho,
    id: m.marketId,
    params: {
      loanToken: m.loanToken,
      collateralToken: m.collateralToken,
      oracle: m.oracle,
      irm: m.irm,
      lltv: BigInt(m.lltv),
    },
  };
}

/** Morpho's `wTaylorCompounded`: e^(rate * elapsed) - 1 to the third term, WAD. */
function compounded(rate: bigint, elapsed: bigint): bigint {
  const first = rate * elapsed;
  const second = (first * first) / (2n * WAD);
  const third = (second * first) / (3n * WAD);
  return first + second + third;
}

const divUp = (a: bigint, b: bigint) => (a + b - 1n) / b;

/**
 * One borrower's position and the market at the latest block (one multicall, then the IRM's rate),
 * with the interest accrued since the market's last update added as Morpho adds it, so that the
 * debt is what repaying it all would take now.
 */
export async function readLendingState(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  account: Address,
) {
  const { morpho, id, params } = lendingMarketOf(deployment);
  const block = await getBlock(client);
  const [position, market, price] = await readMany(
    client,
    [
      { address: morpho, abi: morphoAbi.position, functionName: "position", args: [id, account] },
      { address: morpho, abi: morphoAbi.market, functionName: "market", args: [id] },
      { address: params.oracle, abi: morphoOracleAbi.price, functionName: "price" },
    ] as const,
    block.number,
  );
  const [, borrowShares, collateral] = position;
  const [supplyAssets, supplyShares, borrowAssets, borrowSharesTotal, lastUpdate, fee] = market;
  const [borrowRate] = await readMany(
    client,
    [
      {
        address: params.irm,
        abi: fixedRateIrmAbi.borrowRateView,
        functionName: "borrowRateView",
        args: [
          params,
          {
            totalSupplyAssets: supplyAssets,
            totalSupplyShares: supplyShares,
            totalBorrowAssets: borrowAssets,
            totalBorrowShares: borrowSharesTotal,
            lastUpdate,
            fee,
          },
        ],
      },
    ] as const,
    block.number,
  );
  const elapsed = block.timestamp > lastUpdate ? block.timestamp - lastUpdate : 0n;
  const interest = (borrowAssets * compounded(borrowRate, elapsed)) / WAD;
  // Morpho's virtual shares (1e6 per asset) and virtual asset, rounded up for a debt.
  const borrowed = divUp(borrowShares * (borrowAssets + interest + 1n), borrowSharesTotal + 1_000_000n);
  return {
    morpho,
    id,
    params,
    collateral,
    borrowShares,
    borrowed,
    price,
    borrowRate,
    /** WETH the market can still lend. */
    liquidity: supplyAssets + interest - (borrowAssets + interest),
  };
}
