import {
  type Address,
  type Chain,
  type Client,
  getAbiItem,
  isAddressEqual,
  maxUint256,
  type Transport,
  zeroAddress,
} from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { blockTimes, scanLogs } from "../utils/logs.js";
import { pendingAssets, shareRateOf } from "../utils/rate.js";
import { readMany } from "../utils/read.js";
import { checkAddress } from "../utils/validate.js";

const transferEvent = getAbiItem({ abi: withdrawalQueueAbi.Transfer, name: "Transfer" });
const claimedEvent = getAbiItem({ abi: withdrawalQueueAbi.WithdrawalClaimed, name: "WithdrawalClaimed" });

/** One withdrawal request: an ERC-721 ticket of the withdrawal queue. */
export type Ticket = {
  requestId: bigint;
  /** The holder (the request's controller): whoever holds the ticket claims it. */
  owner: Address;
  /** trETH shares escrowed by the request. */
  shares: bigint;
  /**
   * ETH (wei) the ticket is worth. Finalized: what the claim pays. Claimed: what the claim paid.
   * Pending: what it would be paid if a report finalized it now, `shares * min(rate at request,
   * current rate)`, both rates rounded as the queue stores them, rounded down; so never more than
   * the rate at request gives, and less if the rate falls before finalization.
   */
  assets: bigint;
  status: "pending" | "finalized" | "claimed";
  /** Wei claimable now: `assets` when finalized and unclaimed, else 0. */
  claimable: bigint;
  /** Unix seconds of the block that opened the request (its ERC-721 mint). */
  requestedAt: bigint;
  /** Unix seconds of the report that finalized it; null while pending. */
  finalizedAt: bigint | null;
  /** Rate of the request's report window, wei per share scaled by 1e27; null before the first report. */
  requestRate: bigint | null;
  /** Unfinalized shares queued before this request (0 once finalized). */
  sharesAhead: bigint;
};

export type GetTicketsParameters = DeploymentParameter & {
  /** The holder whose tickets to list. */
  owner: Address;
  /** Scan the queue's events from this block (default: the deployment's `blockNumber`). */
  fromBlock?: bigint | undefined;
  /** Split the event scan into ranges of at most this many blocks (default: one query, split if the node refuses). */
  maxBlockRange?: bigint | undefined;
};

export type GetTicketsReturnType = Ticket[];

export type GetTicketsErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The withdrawal tickets `owner` holds now, claimed receipts included, by request id.
 *
 * The queue is an ERC-721 without enumeration (it keeps no list per holder), so the tickets are
 * found from its `Transfer` events to `owner` since the deployment, and each one is confirmed by
 * `getRequestStatus` (its controller is still `owner`), which also gives its status, shares and
 * claimable ETH. The paid amount of a claimed ticket comes from its `WithdrawalClaimed` event. Only
 * the deployment's withdrawal queue is read (a queue installed later by governance is not).
 *
 * Round trips: one log query (split when the node limits ranges), then the multicall and the
 * claim and mint logs together, then block times if the node's logs lack `blockTimestamp`.
 *
 * @example
 * import { formatEther } from "viem";
 * import { getTickets } from "@tributary/sdk";
 * for (const t of await getTickets(client, { owner: "0x..." }))
 *   console.log(`#${t.requestId} ${t.status} ${formatEther(t.assets)} ETH`);
 */
export async function getTickets(
  client: Client<Transport, Chain | undefined>,
  parameters: GetTicketsParameters,
): Promise<GetTicketsReturnType> {
  const owner = checkAddress("owner", parameters.owner);
  const deployment = resolveDeployment(client, parameters.deployment);
  const { token, withdrawalQueue: queue } = deployment.contracts;
  const scan = {
    address: queue,
    fromBlock: parameters.fromBlock ?? BigInt(deployment.blockNumber),
    maxBlockRange: parameters.maxBlockRange,
  };
  return withErrors(async () => {
    const received = await scanLogs(client, { ...scan, event: transferEvent, args: { to: owner } });
    const ids = [...new Set(received.map((log) => log.args.tokenId))].sort((a, b) => (a < b ? -1 : 1));
    if (ids.length === 0) return [];
    // The block of each request's mint: in `received` when `owner` made it, else looked up.
    const minted = new Map<bigint, (typeof received)[number]>();
    for (const log of received) if (log.args.from === zeroAddress) minted.set(log.args.tokenId, log);
    const unminted = ids.filter((id) => !minted.has(id));
    const [reads, claims, mints] = await Promise.all([
      readMany(client, [
        { address: token, abi: trETHAbi.totalAssets, functionName: "totalAssets" },
        { address: token, abi: trETHAbi.totalSupply, functionName: "totalSupply" },
        ...ids.map(
          (id) =>
            ({
              address: queue,
              abi: withdrawalQueueAbi.getRequestStatus,
              functionName: "getRequestStatus",
              args: [id],
            }) as const,
        ),
      ] as const),
      scanLogs(client, { ...scan, event: claimedEvent, args: { controller: owner } }),
      unminted.length === 0
        ? Promise.resolve([])
        : scanLogs(client, { ...scan, event: transferEvent, args: { from: zeroAddress, tokenId: unminted } }),
    ]);
    for (const log of mints) minted.set(log.args.tokenId, log);
    const [totalAssets, totalSupply, ...statuses] = reads as unknown as [
      bigint,
      bigint,
      ...{
        controller: Address;
        shares: bigint;
        sharesAhead: bigint;
        requestRate: bigint;
        finalized: boolean;
        claimed: boolean;
        claimableAssets: bigint;
        finalizedAt: bigint;
      }[],
    ];
    const currentRate = shareRateOf(totalAssets, totalSupply);
    const paid = new Map(claims.map((log) => [log.args.requestId, log.args.assets]));
    const held = ids
      .map((requestId, i) => ({ requestId, status: statuses[i] as (typeof statuses)[number] }))
      .filter(({ status }) => isAddressEqual(status.controller, owner));
    const times = await blockTimes(
      client,
      held.flatMap(({ requestId }) => {
        const log = minted.get(requestId);
        return log ? [log] : [];
      }),
    );
    return held.map(({ requestId, status }): Ticket => {
      const mint = minted.get(requestId);
      const requestRate = status.requestRate === maxUint256 ? null : status.requestRate;
      const assets = status.claimed
        ? (paid.get(requestId) ?? 0n)
        : status.finalized
          ? status.claimableAssets
          : pendingAssets(status.shares, status.requestRate, currentRate);
      return {
        requestId,
        owner: status.controller,
        shares: status.shares,
        assets,
        status: status.claimed ? "claimed" : status.finalized ? "finalized" : "pending",
        claimable: status.finalized && !status.claimed ? status.claimableAssets : 0n,
        requestedAt: mint ? (times.get(mint.blockNumber) ?? 0n) : 0n,
        finalizedAt: status.finalized ? status.finalizedAt : null,
        requestRate,
        sharesAhead: status.sharesAhead,
      };
    });
  });
}
