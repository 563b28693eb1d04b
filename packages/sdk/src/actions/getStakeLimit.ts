import { type Chain, type Client, maxUint256, type Transport, zeroAddress } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";

export type GetStakeLimitParameters = DeploymentParameter & {
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

export type GetStakeLimitReturnType = {
  /**
   * Wei the daily cap lets through now (`stakeLimit().available`; it refills over the day);
   * `maxUint256` when there is no cap. It does not reflect a pause: see `paused` and `maxStake`.
   */
  available: bigint;
  /** The refilling daily cap, wei; 0 means no cap. */
  dailyCap: bigint;
  /** No cap is set (`dailyCap` is 0 and `available` is `maxUint256`). */
  unlimited: boolean;
  /** Staking is paused: every stake and deposit reverts whatever `available` says. */
  paused: boolean;
  /**
   * What a stake or WETH deposit accepts now (`maxDeposit`): the cap's room, bounded by the room
   * left in the 88-bit supply; 0 while staking is paused or the pool holds no assets.
   */
  maxStake: bigint;
};

export type GetStakeLimitErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * How much can be staked now: the daily stake limit, whether staking is paused, and what the
 * token's `maxDeposit` accepts. One RPC round trip.
 *
 * @example
 * import { formatEther } from "viem";
 * import { getStakeLimit } from "@tributary/sdk";
 * const { maxStake, paused } = await getStakeLimit(client);
 * if (!paused) console.log(`up to ${formatEther(maxStake)} ETH can be staked now`);
 */
export async function getStakeLimit(
  client: Client<Transport, Chain | undefined>,
  parameters: GetStakeLimitParameters = {},
): Promise<GetStakeLimitReturnType> {
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [[available, dailyCap], paused, maxStake] = await readMany(
      client,
      [
        { address: token, abi: trETHAbi.stakeLimit, functionName: "stakeLimit" },
        { address: token, abi: trETHAbi.isStakingPaused, functionName: "isStakingPaused" },
        { address: token, abi: trETHAbi.maxDeposit, functionName: "maxDeposit", args: [zeroAddress] },
      ] as const,
      parameters.blockNumber,
    );
    return { available, dailyCap, unlimited: dailyCap === 0n && available === maxUint256, paused, maxStake };
  });
}
