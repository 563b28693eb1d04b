import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { toAssetsDown } from "../utils/rate.js";
import { readMany } from "../utils/read.js";

export type GetQueueStateParameters = DeploymentParameter & {
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

export type GetQueueStateReturnType = {
  /** Id of the latest request (0: none yet). Ids start at 1. */
  lastRequestId: bigint;
  /** Every request up to this id is finalized (claimable or claimed). */
  lastFinalizedRequestId: bigint;
  /** `lastRequestId - lastFinalizedRequestId`. */
  unfinalizedRequests: bigint;
  /** trETH shares escrowed by requests not finalized yet. */
  unfinalizedShares: bigint;
  /**
   * Those shares valued at the current rate (`unfinalizedShares * totalAssets / totalSupply`,
   * rounded down, as `convertToAssets`). An upper bound of what finalizing them costs at today's
   * rate: each request is paid min(rate at request, rate at finalization), so requests made
   * before a rise cost less.
   */
  unfinalizedAssets: bigint;
  /** ETH in the token's buffer: for deposits and to pay finalizations. */
  bufferedEther: bigint;
  /** Buffered ETH that beacon deposits must leave for the unfinalized requests (trETH `withdrawalReserve`). */
  withdrawalReserve: bigint;
  /** Requests and claims are paused. */
  paused: boolean;
};

export type GetQueueStateErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * The withdrawal queue at a glance: how far finalization has got, what is still waiting, and the
 * ETH the buffer holds for it. One RPC round trip (the queue's and the token's views in one
 * multicall, so the figures are of one block).
 *
 * @example
 * import { formatEther } from "viem";
 * import { getQueueState } from "@tributary/sdk";
 * const q = await getQueueState(client);
 * console.log(`${q.unfinalizedRequests} requests wait for ${formatEther(q.unfinalizedAssets)} ETH`);
 */
export async function getQueueState(
  client: Client<Transport, Chain | undefined>,
  parameters: GetQueueStateParameters = {},
): Promise<GetQueueStateReturnType> {
  const { token, withdrawalQueue: queue } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [
      lastRequestId,
      lastFinalizedRequestId,
      unfinalizedShares,
      paused,
      bufferedEther,
      withdrawalReserve,
      totalAssets,
      totalSupply,
    ] = await readMany(
      client,
      [
        { address: queue, abi: withdrawalQueueAbi.lastRequestId, functionName: "lastRequestId" },
        {
          address: queue,
          abi: withdrawalQueueAbi.lastFinalizedRequestId,
          functionName: "lastFinalizedRequestId",
        },
        { address: queue, abi: withdrawalQueueAbi.unfinalizedShares, functionName: "unfinalizedShares" },
        { address: queue, abi: withdrawalQueueAbi.isPaused, functionName: "isPaused" },
        { address: token, abi: trETHAbi.bufferedEther, functionName: "bufferedEther" },
        { address: token, abi: trETHAbi.withdrawalReserve, functionName: "withdrawalReserve" },
        { address: token, abi: trETHAbi.totalAssets, functionName: "totalAssets" },
        { address: token, abi: trETHAbi.totalSupply, functionName: "totalSupply" },
      ] as const,
      parameters.blockNumber,
    );
    return {
      lastRequestId,
      lastFinalizedRequestId,
      unfinalizedRequests: lastRequestId - lastFinalizedRequestId,
      unfinalizedShares,
      unfinalizedAssets: toAssetsDown(unfinalizedShares, totalAssets, totalSupply),
      bufferedEther,
      withdrawalReserve,
      paused,
    };
  });
}
