import type { Address, Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import { ORACLE_PRICE_SCALE, readLendingState } from "../utils/morpho.js";
import { checkAddress } from "../utils/validate.js";

const WAD = 10n ** 18n;
const YEAR = 31_536_000n;

export type GetLendingPositionParameters = DeploymentParameter & {
  /** The borrower. */
  address: Address;
};

export type GetLendingPositionReturnType = {
  /** trETH (wei of shares) supplied as collateral. */
  collateral: bigint;
  /** That collateral in WETH at the market's oracle (the token's rate), rounded down. */
  collateralValue: bigint;
  /** WETH owed now, interest included, rounded up (what repaying it all takes). */
  borrowed: bigint;
  /** WETH the collateral allows at most: value × LLTV (Morpho's `maxBorrow`), rounded down. */
  maxBorrow: bigint;
  /** WETH that can still be borrowed: min(maxBorrow - borrowed, the market's liquidity), 0 if none. */
  available: bigint;
  /** Liquidation LTV, 1e18 scale. */
  lltv: bigint;
  /** maxBorrow / borrowed: liquidatable below 1; null without debt. */
  health: number | null;
  /** ETH per trETH (1e18 scale) at which the position becomes liquidatable; null without debt. */
  liquidationRate: bigint | null;
  /** ETH per trETH now (the oracle's price, 1e18 scale). */
  rate: bigint;
  /** The market's borrow rate, per year (simple: per-second rate × seconds in a year). */
  borrowApr: number;
};

export type GetLendingPositionErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * A borrower's position on the deployment's Morpho Blue market (trETH collateral, WETH loan): the
 * collateral and its value at the token's rate, the debt with interest to now, what can still be
 * borrowed, the health Morpho liquidates on, and the rate at which it would be liquidatable.
 *
 * Round trips: the latest block, one multicall, the IRM's rate.
 *
 * @example
 * import { getLendingPosition } from "@tributary/sdk";
 * const p = await getLendingPosition(client, { address: "0x..." });
 * console.log(p.health === null ? "no debt" : `health ${p.health.toFixed(3)}`);
 */
export async function getLendingPosition(
  client: Client<Transport, Chain | undefined>,
  parameters: GetLendingPositionParameters,
): Promise<GetLendingPositionReturnType> {
  const address = checkAddress("address", parameters.address);
  const deployment = resolveDeployment(client, parameters.deployment);
  return withErrors(async () => {
    const s = await readLendingState(client, deployment, address);
    const lltv = s.params.lltv;
    const collateralValue = (s.collateral * s.price) / ORACLE_PRICE_SCALE;
    const maxBorrow = (collateralValue * lltv) / WAD;
    const room = maxBorrow > s.borrowed ? maxBorrow - s.borrowed : 0n;
    return {
      collateral: s.collateral,
      collateralValue,
      borrowed: s.borrowed,
      maxBorrow,
      available: room < s.liquidity ? room : s.liquidity > 0n ? s.liquidity : 0n,
      lltv,
      health: s.borrowed === 0n ? null : Number((maxBorrow * 1_000_000_000n) / s.borrowed) / 1e9,
      liquidationRate:
        s.borrowed === 0n || s.collateral === 0n ? null : (s.borrowed * WAD * WAD) / (s.collateral * lltv),
      rate: s.price / WAD,
      borrowApr: Number(s.borrowRate * YEAR) / 1e18,
    };
  });
}
