import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";

/** One trETH in wei: the unit the rate is quoted per. */
const ONE = 10n ** 18n;

export type GetRateParameters = DeploymentParameter & {
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

export type GetRateReturnType = {
  /** ETH (wei) one trETH (1e18 shares) redeems for: `convertToAssets(1e18)`, rounded down. */
  ethPerTrETH: bigint;
  /** trETH (wei) one ETH stakes for: `convertToShares(1e18)`, rounded down. */
  trETHPerEth: bigint;
  /** The pool's ETH: buffer + beacon balance + ETH held for withdrawals in flight. */
  totalAssets: bigint;
  /** trETH in existence, wei. */
  totalSupply: bigint;
};

export type GetRateErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * The exchange rate between trETH and ETH, as the token itself computes it (the amounts are what
 * a conversion of 1 pays, rounded down as the contract does). One RPC round trip.
 *
 * @example
 * import { createPublicClient, http, formatEther } from "viem";
 * import { getRate } from "@tributary/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const { ethPerTrETH } = await getRate(client, { deployment });
 * console.log(`1 trETH = ${formatEther(ethPerTrETH)} ETH`);
 */
export async function getRate(
  client: Client<Transport, Chain | undefined>,
  parameters: GetRateParameters = {},
): Promise<GetRateReturnType> {
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [ethPerTrETH, trETHPerEth, totalAssets, totalSupply] = await readMany(
      client,
      [
        { address: token, abi: trETHAbi.convertToAssets, functionName: "convertToAssets", args: [ONE] },
        { address: token, abi: trETHAbi.convertToShares, functionName: "convertToShares", args: [ONE] },
        { address: token, abi: trETHAbi.totalAssets, functionName: "totalAssets" },
        { address: token, abi: trETHAbi.totalSupply, functionName: "totalSupply" },
      ] as const,
      parameters.blockNumber,
    );
    return { ethPerTrETH, trETHPerEth, totalAssets, totalSupply };
  });
}
