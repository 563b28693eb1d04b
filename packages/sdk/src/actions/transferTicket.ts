import type { Address, Hash } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
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
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { readMany } from "../utils/read.js";
import { readTicketStatuses } from "../utils/tickets.js";
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

export type TransferTicketParameters = DeploymentParameter & {
  /** The ticket (request id) to move. */
  requestId: bigint;
  /** The new holder, who will claim it. */
  to: Address;
  /**
   * `safeTransferFrom` (default true): a contract receiver must accept ERC-721 tokens, so a ticket
   * cannot be lost in a contract that cannot claim it. false: plain `transferFrom`.
   */
  safe?: boolean | undefined;
};

/** The hash of the transfer transaction. */
export type TransferTicketReturnType = Hash;

export type SimulateTransferTicketReturnType = { result: undefined; request: WriteRequest };

export type TransferTicketErrorType =
  | ContractError<
      "WithdrawalQueueNotHolder" | "WithdrawalQueueAlreadyClaimed" | "WithdrawalQueueUnknownRequest"
    >
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Checks: `to` is a valid address, the ticket exists and is not claimed (a claimed ticket is a
 * receipt and cannot move), and the account holds it or is approved for it.
 */
async function prepareTransferTicket(client: WriteClient, parameters: TransferTicketParameters) {
  const account = accountOf(client);
  const to = checkAddress("to", parameters.to);
  if (typeof parameters.requestId !== "bigint" || parameters.requestId <= 0n) {
    throw new InvalidArgumentError("requestId", "The request id must be a positive bigint.", {
      docsPath: "writes",
    });
  }
  const { withdrawalQueue: queue } = resolveDeployment(client, parameters.deployment).contracts;
  const {
    tickets: [ticket],
  } = await readTicketStatuses(client, queue, [parameters.requestId]);
  if (!ticket) throw new Refusal("WithdrawalQueueUnknownRequest", { requestId: parameters.requestId });
  if (ticket.claimed) throw new Refusal("WithdrawalQueueAlreadyClaimed", { requestId: ticket.requestId });
  const holder = ticket.controller;
  if (holder.toLowerCase() !== account.address.toLowerCase()) {
    const [approved, approvedForAll] = await readMany(client, [
      {
        address: queue,
        abi: withdrawalQueueAbi.getApproved,
        functionName: "getApproved",
        args: [ticket.requestId],
      },
      {
        address: queue,
        abi: withdrawalQueueAbi.isApprovedForAll,
        functionName: "isApprovedForAll",
        args: [holder, account.address],
      },
    ] as const);
    if (approved.toLowerCase() !== account.address.toLowerCase() && !approvedForAll) {
      throw new Refusal("WithdrawalQueueNotHolder", {
        requestId: ticket.requestId,
        caller: account.address,
        holder,
      });
    }
  }
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: queue,
      abi: [...withdrawalQueueAbi.transferFrom, ...withdrawalQueueAbi.safeTransferFrom],
      functionName: parameters.safe === false ? "transferFrom" : "safeTransferFrom",
      args: [holder, to, ticket.requestId],
    },
  };
  return prepared;
}

/**
 * Moves a withdrawal ticket (ERC-721) to `to`, who can then claim it: a pending withdrawal can be
 * given or sold. Checked before sending: the address, that the ticket exists and is not claimed
 * (`WithdrawalQueueAlreadyClaimed`), and that the account holds it or is approved for it
 * (`WithdrawalQueueNotHolder`).
 *
 * @example
 * import { transferTicket } from "@tributary/sdk";
 * const hash = await transferTicket(client, { requestId: 12n, to: "0x…", deployment });
 */
export async function transferTicket(
  client: WriteClient,
  parameters: TransferTicketParameters,
): Promise<TransferTicketReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareTransferTicket(client, parameters)));
}

/**
 * Runs the transfer without sending it (`result` is undefined: the function returns nothing).
 *
 * @example
 * const { request } = await simulateTransferTicket(client, { requestId: 12n, to, deployment });
 */
export async function simulateTransferTicket(
  client: WriteClient,
  parameters: TransferTicketParameters,
): Promise<SimulateTransferTicketReturnType> {
  return withErrors(async () => {
    const { request } = await simulatePrepared<undefined>(
      client,
      await prepareTransferTicket(client, parameters),
    );
    return { result: undefined, request };
  });
}

/**
 * Gas the transfer would use now.
 *
 * @example
 * const gas = await estimateTransferTicketGas(client, { requestId: 12n, to, deployment });
 */
export async function estimateTransferTicketGas(
  client: WriteClient,
  parameters: TransferTicketParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareTransferTicket(client, parameters)));
}
