import type { Account, Address, Hash } from "viem";
import { type Deployment, type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { readMany } from "../utils/read.js";
import { readTicketStatuses, type TicketStatus } from "../utils/tickets.js";
import {
  accountOf,
  checkAddress,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type ClaimParameters = DeploymentParameter &
  (
    | { /** The ticket to claim. */ requestId: bigint; requestIds?: undefined }
    | {
        /** Several tickets, claimed in one transaction as WETH (trETH's `redeem` with ids). */
        requestIds: readonly bigint[];
        requestId?: undefined;
      }
  ) & {
    /** Who receives the ETH (default: the account). */
    receiver?: Address | undefined;
    /** Pay WETH instead of ETH (default false). Several tickets are paid in WETH only. */
    asWeth?: boolean | undefined;
  };

/** The hash of the claim transaction. */
export type ClaimReturnType = Hash;

export type SimulateClaimReturnType = {
  /** Wei of ETH (or WETH) the claim pays. */
  result: bigint;
  request: WriteRequest;
};

export type ClaimErrorType =
  | ContractError<
      | "WithdrawalQueueNotFinalized"
      | "WithdrawalQueueNotHolder"
      | "WithdrawalQueueAlreadyClaimed"
      | "WithdrawalQueueUnknownRequest"
      | "WithdrawalQueuePaused"
    >
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** Refuses (with the queue's own error) a ticket that is claimed or not finalized yet. */
export function checkClaimable(ticket: TicketStatus, lastFinalizedRequestId: bigint): void {
  if (ticket.claimed) throw new Refusal("WithdrawalQueueAlreadyClaimed", { requestId: ticket.requestId });
  if (!ticket.finalized) {
    throw new Refusal("WithdrawalQueueNotFinalized", {
      requestId: ticket.requestId,
      lastFinalizedRequestId,
    });
  }
}

/**
 * The claim of one ticket by `account`: `claim`, or `claimWithHint` when the batch that finalized
 * the request is not the record right after its window (a request finalized over several reports),
 * where the hint spares the contract's search; in the usual case the contract finds it with one
 * read, which a hint would double.
 */
export async function prepareClaimOne(
  client: WriteClient,
  account: Account,
  deployment: Deployment,
  ticket: TicketStatus,
  receiver: Address,
  asWeth: boolean,
): Promise<PreparedWrite> {
  const { token, withdrawalQueue: queue } = deployment.contracts;
  const id = ticket.requestId;
  const mine = ticket.controller.toLowerCase() === account.address.toLowerCase();
  const [batch, approved, approvedForAll, operator] = await readMany(client, [
    { address: queue, abi: withdrawalQueueAbi.findBatch, functionName: "findBatch", args: [id] },
    { address: queue, abi: withdrawalQueueAbi.getApproved, functionName: "getApproved", args: [id] },
    {
      address: queue,
      abi: withdrawalQueueAbi.isApprovedForAll,
      functionName: "isApprovedForAll",
      args: [ticket.controller, account.address],
    },
    {
      address: token,
      abi: trETHAbi.isOperator,
      functionName: "isOperator",
      args: [ticket.controller, account.address],
    },
  ] as const);
  if (!mine && approved.toLowerCase() !== account.address.toLowerCase() && !approvedForAll && !operator) {
    throw new Refusal("WithdrawalQueueNotHolder", {
      requestId: id,
      caller: account.address,
      holder: ticket.controller,
    });
  }
  const [previous] = await readMany(client, [
    { address: queue, abi: withdrawalQueueAbi.getRecord, functionName: "getRecord", args: [batch - 1n] },
  ] as const);
  // The window of the request is the record before the batch unless that record opened after it.
  const hint = previous.firstRequestId > id;
  return {
    account,
    before: [],
    call: hint
      ? {
          address: queue,
          abi: withdrawalQueueAbi.claimWithHint,
          functionName: "claimWithHint",
          args: [id, receiver, asWeth, batch],
        }
      : {
          address: queue,
          abi: withdrawalQueueAbi.claim,
          functionName: "claim",
          args: [id, receiver, asWeth],
        },
  };
}

/**
 * Checks (the tickets' statuses in one multicall): each ticket exists, is finalized
 * (`WithdrawalQueueNotFinalized`), unclaimed (`WithdrawalQueueAlreadyClaimed`) and the account
 * holds it or may claim it (`WithdrawalQueueNotHolder`); withdrawals are not paused.
 */
async function prepareClaim(client: WriteClient, parameters: ClaimParameters): Promise<PreparedWrite> {
  const account = accountOf(client);
  const receiver = checkAddress("receiver", parameters.receiver ?? account.address);
  const ids = parameters.requestIds ?? (parameters.requestId === undefined ? [] : [parameters.requestId]);
  if (ids.length === 0 || ids.some((id) => typeof id !== "bigint" || id <= 0n)) {
    throw new InvalidArgumentError(
      parameters.requestIds ? "requestIds" : "requestId",
      "Request ids are positive bigints, and at least one is needed.",
      { docsPath: "writes" },
    );
  }
  if (new Set(ids).size !== ids.length) {
    throw new InvalidArgumentError("requestIds", "A request id is listed twice.", { docsPath: "writes" });
  }
  const asWeth = parameters.asWeth ?? false;
  if (ids.length > 1 && !asWeth) {
    throw new InvalidArgumentError(
      "asWeth",
      "Several tickets are claimed in one transaction only as WETH (trETH's redeem with request ids): pass asWeth: true, or claim them one at a time (claimAll does) for ETH.",
      { docsPath: "writes" },
    );
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  const { tickets, lastFinalizedRequestId, paused } = await readTicketStatuses(
    client,
    deployment.contracts.withdrawalQueue,
    ids,
  );
  if (paused) throw new Refusal("WithdrawalQueuePaused", {});
  for (const ticket of tickets) checkClaimable(ticket, lastFinalizedRequestId);
  const [first] = tickets as [TicketStatus];
  if (tickets.length === 1) return prepareClaimOne(client, account, deployment, first, receiver, asWeth);
  return prepareRedeemTickets(client, account, deployment, tickets, receiver);
}

/**
 * Several tickets of one controller in one transaction: trETH `redeem(shares, receiver,
 * controller, requestIds)`, paying WETH. The account must be the controller or its ERC-7540
 * operator (trETH checks; an ERC-721 approval is not enough there).
 */
export async function prepareRedeemTickets(
  client: WriteClient,
  account: Account,
  deployment: Deployment,
  tickets: readonly TicketStatus[],
  receiver: Address,
): Promise<PreparedWrite> {
  const { token } = deployment.contracts;
  const controller = (tickets[0] as TicketStatus).controller;
  for (const t of tickets) {
    if (t.controller.toLowerCase() !== controller.toLowerCase()) {
      throw new InvalidArgumentError(
        "requestIds",
        `Tickets claimed together must have one holder: ${t.requestId} is ${t.controller}'s, not ${controller}'s.`,
        { docsPath: "writes" },
      );
    }
  }
  if (controller.toLowerCase() !== account.address.toLowerCase()) {
    const [operator] = await readMany(client, [
      {
        address: token,
        abi: trETHAbi.isOperator,
        functionName: "isOperator",
        args: [controller, account.address],
      },
    ] as const);
    if (!operator) {
      throw new Refusal("WithdrawalQueueNotHolder", {
        requestId: (tickets[0] as TicketStatus).requestId,
        caller: account.address,
        holder: controller,
      });
    }
  }
  const shares = tickets.reduce((sum, t) => sum + t.shares, 0n);
  return {
    account,
    before: [],
    call: {
      address: token,
      abi: trETHAbi.redeem,
      functionName: "redeem",
      args: [shares, receiver, controller, tickets.map((t) => t.requestId)],
    },
  };
}

/**
 * Claims finalized withdrawal tickets. One ticket (`requestId`): the queue's `claim` pays its ETH
 * (or WETH with `asWeth`) to `receiver`; a hint is passed only where it saves gas. Several
 * (`requestIds`, one holder): one trETH `redeem` with the ids, paid in WETH (`asWeth: true` is
 * required, so nobody gets WETH by surprise). Checked before sending: each ticket is finalized
 * (`WithdrawalQueueNotFinalized`), unclaimed, held by the account or claimable by it
 * (`WithdrawalQueueNotHolder`), and withdrawals are not paused.
 *
 * @example
 * import { claim } from "@tributary/sdk";
 * const hash = await claim(client, { requestId: 12n, deployment });
 */
export async function claim(client: WriteClient, parameters: ClaimParameters): Promise<ClaimReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareClaim(client, parameters)));
}

/**
 * Runs the claim without sending it: `result` is the wei it pays.
 *
 * @example
 * const { result: wei } = await simulateClaim(client, { requestId: 12n, deployment });
 */
export async function simulateClaim(
  client: WriteClient,
  parameters: ClaimParameters,
): Promise<SimulateClaimReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<bigint>(
      client,
      await prepareClaim(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas the claim would use now.
 *
 * @example
 * const gas = await estimateClaimGas(client, { requestId: 12n, deployment });
 */
export async function estimateClaimGas(client: WriteClient, parameters: ClaimParameters): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareClaim(client, parameters)));
}
