import { type Address, type Chain, type Client, parseAbiItem, type Transport } from "viem";
import { getLogs } from "viem/actions";
import type { Deployment } from "../deployment.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { tryReadMany } from "./read.js";

/** A ticket as `getRequestStatus` reports it, with its id. */
export interface TicketStatus {
  requestId: bigint;
  controller: Address;
  shares: bigint;
  finalized: boolean;
  claimed: boolean;
  /** Wei the claim pays (0 until finalized, and once claimed). */
  claimableAssets: bigint;
}

/** The queue's ERC-721 transfer (a mint when `from` is zero). */
const transferEvent = parseAbiItem(
  "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
);

/**
 * Ids of the tickets `holder` ever received (the queue's ERC-721 `Transfer` logs to it since the
 * deployment block), ascending. Some may have moved on since: check their controller.
 */
export async function ticketIdsReceived(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  holder: Address,
): Promise<bigint[]> {
  const logs = await getLogs(client, {
    address: deployment.contracts.withdrawalQueue,
    event: transferEvent,
    args: { to: holder },
    fromBlock: BigInt(deployment.blockNumber),
    toBlock: "latest",
  });
  const ids = new Set<bigint>();
  for (const log of logs) if (log.args.tokenId !== undefined) ids.add(log.args.tokenId);
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The status of each ticket, with the queue's `lastFinalizedRequestId` and pause flag, in one
 * multicall. An unknown id throws the queue's `WithdrawalQueueUnknownRequest`.
 */
export async function readTicketStatuses(
  client: Client<Transport, Chain | undefined>,
  queue: Address,
  ids: readonly bigint[],
): Promise<{ tickets: TicketStatus[]; lastFinalizedRequestId: bigint; paused: boolean }> {
  type Settled = { status: "success" | "failure"; result?: unknown; error?: unknown };
  const [last, paused, ...statuses] = (await tryReadMany(client, [
    {
      address: queue,
      abi: withdrawalQueueAbi.lastFinalizedRequestId,
      functionName: "lastFinalizedRequestId",
    },
    { address: queue, abi: withdrawalQueueAbi.isPaused, functionName: "isPaused" },
    ...ids.map(
      (id) =>
        ({
          address: queue,
          abi: withdrawalQueueAbi.getRequestStatus,
          functionName: "getRequestStatus",
          args: [id],
        }) as const,
    ),
  ])) as unknown as [Settled, Settled, ...Settled[]];
  if (last.status === "failure") throw last.error;
  if (paused.status === "failure") throw paused.error;
  const tickets = statuses.map((s, i) => {
    if (s.status === "failure") throw s.error;
    const r = s.result as {
      controller: Address;
      shares: bigint;
      finalized: boolean;
      claimed: boolean;
      claimableAssets: bigint;
    };
    return {
      requestId: ids[i] as bigint,
      controller: r.controller,
      shares: r.shares,
      finalized: r.finalized,
      claimed: r.claimed,
      claimableAssets: r.claimableAssets,
    };
  });
  return { tickets, lastFinalizedRequestId: last.result as bigint, paused: paused.result as boolean };
}
