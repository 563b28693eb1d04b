import type { Address, Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { toAssetsDown } from "../utils/rate.js";
import { readMany } from "../utils/read.js";
import { checkAddress } from "../utils/validate.js";
import { getTickets, type Ticket } from "./getTickets.js";

export type GetPositionParameters = DeploymentParameter & {
  address: Address;
  /** Scan the queue's events from this block (default: the deployment's `blockNumber`); see `getTickets`. */
  fromBlock?: bigint | undefined;
  /** See `getTickets`. */
  maxBlockRange?: bigint | undefined;
};

export type GetPositionReturnType = {
  /** trETH balance, wei of shares (escrowed shares of pending tickets are not in it). */
  shares: bigint;
  /** The balance's ETH value at the current rate (`convertToAssets(shares)`, rounded down). */
  assets: bigint;
  /** Voting power now (ERC-5805 `getVotes`): the balances delegated to this address. */
  votes: bigint;
  /** Who this address's balance votes through; the zero address when it never delegated. */
  delegate: Address;
  /** Withdrawal tickets held, claimed receipts included (see `getTickets`). */
  tickets: Ticket[];
  /** Wei claimable now: the sum of the finalized, unclaimed tickets' `claimable`. */
  claimable: bigint;
  /** Wei the pending tickets are worth now: the sum of their `assets` (see `Ticket.assets`). */
  pending: bigint;
};

export type GetPositionErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Everything one address has in the protocol: its trETH and their ETH value, its voting power and
 * delegate, and its withdrawal tickets with what is claimable and what is pending. The balance
 * reads (one multicall) run alongside the ticket scan, so this costs what `getTickets` costs.
 *
 * @example
 * import { formatEther } from "viem";
 * import { getPosition } from "@tributary/sdk";
 * const p = await getPosition(client, { address: "0x..." });
 * console.log(`${formatEther(p.assets)} ETH staked, ${formatEther(p.claimable)} ETH to claim`);
 */
export async function getPosition(
  client: Client<Transport, Chain | undefined>,
  parameters: GetPositionParameters,
): Promise<GetPositionReturnType> {
  const address = checkAddress("address", parameters.address);
  const deployment = resolveDeployment(client, parameters.deployment);
  const { token } = deployment.contracts;
  return withErrors(async () => {
    const [[shares, votes, delegate, totalAssets, totalSupply], tickets] = await Promise.all([
      readMany(client, [
        { address: token, abi: trETHAbi.balanceOf, functionName: "balanceOf", args: [address] },
        { address: token, abi: trETHAbi.getVotes, functionName: "getVotes", args: [address] },
        { address: token, abi: trETHAbi.delegates, functionName: "delegates", args: [address] },
        { address: token, abi: trETHAbi.totalAssets, functionName: "totalAssets" },
        { address: token, abi: trETHAbi.totalSupply, functionName: "totalSupply" },
      ] as const),
      getTickets(client, {
        owner: address,
        deployment,
        fromBlock: parameters.fromBlock,
        maxBlockRange: parameters.maxBlockRange,
      }),
    ]);
    let claimable = 0n;
    let pending = 0n;
    for (const ticket of tickets) {
      claimable += ticket.claimable;
      if (ticket.status === "pending") pending += ticket.assets;
    }
    return {
      shares,
      assets: toAssetsDown(shares, totalAssets, totalSupply),
      votes,
      delegate,
      tickets,
      claimable,
      pending,
    };
  });
}
