import type { Address, Chain, Client, Transport } from "viem";
import type { CrosschainParameter } from "../crosschain/deployment.js";
import type { InvalidArgumentErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as bridgedTrETHAbi from "../generated/bridgedTrETH.js";
import * as wethAbi from "../generated/weth.js";
import { readMany } from "../utils/read.js";
import { checkAddress } from "../utils/write.js";
import { type GetRemoteRateReturnType, getRemoteRate } from "./getRemoteRate.js";

export type GetRemotePositionParameters = CrosschainParameter & {
  /** Whose position. */
  owner: Address;
  /** Read at this block (default: latest); the balances and the rate are read at the same one. */
  blockNumber?: bigint | undefined;
};

export type GetRemotePositionReturnType = {
  /** Bridged trETH held on the remote chain, wei: shares of the pool on Ethereum, one for one. */
  shares: bigint;
  /**
   * What they are worth in ETH, wei: `shares × ethPerTrETH / 1e18`, rounded down, at the rate of
   * the last report relayed (see `rate.reportTime` and `rate.stale`: Ethereum's own rate may be
   * one report ahead).
   */
  assets: bigint;
  /** WETH held on the remote chain, wei (what the deposit pool takes). */
  weth: bigint;
  rate: GetRemoteRateReturnType;
};

export type GetRemotePositionErrorType = InvalidArgumentErrorType | RpcErrorType | UnknownErrorType;

/**
 * A holder's bridged trETH on the remote chain, its value at the relayed rate, and their WETH.
 * The client must be on the remote chain of `crosschain`.
 *
 * @example
 * const { shares, assets, rate } = await getRemotePosition(remoteClient, { crosschain, owner });
 */
export async function getRemotePosition(
  client: Client<Transport, Chain | undefined>,
  parameters: GetRemotePositionParameters,
): Promise<GetRemotePositionReturnType> {
  const owner = checkAddress("owner", parameters.owner);
  return withErrors(async () => {
    const rate = await getRemoteRate(client, parameters);
    const { bridgedToken, weth } = parameters.crosschain.remote;
    const [shares, wethBalance] = await readMany(
      client,
      [
        { address: bridgedToken, abi: bridgedTrETHAbi.balanceOf, functionName: "balanceOf", args: [owner] },
        { address: weth, abi: wethAbi.balanceOf, functionName: "balanceOf", args: [owner] },
      ] as const,
      rate.blockNumber,
    );
    return { shares, assets: (shares * rate.ethPerTrETH) / 10n ** 18n, weth: wethBalance, rate };
  });
}
