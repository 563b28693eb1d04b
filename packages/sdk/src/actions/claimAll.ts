import type { Address, Hash } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { NothingToClaimError, type NothingToClaimErrorType } from "../errors/precheck.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import { readTicketStatuses, ticketIdsReceived } from "../utils/tickets.js";
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
import { prepareClaimOne, prepareRedeemTickets } from "./claim.js";

export type ClaimAllParameters = DeploymentParameter & {
  /** Who receives the ETH (default: the account). */
  receiver?: Address | undefined;
  /**
   * Pay WETH: every ticket in one transaction (trETH's `redeem` with ids). Default false: ETH, one
   * claim transaction per ticket (the queue pays ETH one ticket at a time).
   */
  asWeth?: boolean | undefined;
};

/** The hashes of the claim transactions, in the order sent (one with `asWeth` or a single ticket). */
export type ClaimAllReturnType = Hash[];

export type SimulateClaimAllReturnType = {
  /** Wei of ETH (or WETH) the claims pay together. */
  result: bigint;
  /** The first (often the only) transaction. */
  request: WriteRequest;
  /** Every transaction, in order. */
  requests: WriteRequest[];
  /** The tickets claimed, ascending. */
  requestIds: bigint[];
};

export type ClaimAllErrorType =
  | NothingToClaimErrorType
  | ContractError<"WithdrawalQueuePaused">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The account's claimable tickets: the ids it ever received (the queue's `Transfer` logs to it
 * since the deployment block), kept if it still holds them, they are finalized and unclaimed
 * (statuses in one multicall).
 */
async function prepareClaimAll(client: WriteClient, parameters: ClaimAllParameters) {
  const account = accountOf(client);
  const receiver = checkAddress("receiver", parameters.receiver ?? account.address);
  const asWeth = parameters.asWeth ?? false;
  const deployment = resolveDeployment(client, parameters.deployment);
  const ids = await ticketIdsReceived(client, deployment, account.address);
  const { tickets, paused } = await readTicketStatuses(client, deployment.contracts.withdrawalQueue, ids);
  const mine = tickets.filter(
    (t) => t.controller.toLowerCase() === account.address.toLowerCase() && !t.claimed,
  );
  const claimable = mine.filter((t) => t.finalized);
  if (claimable.length === 0) {
    throw new NothingToClaimError({
      account: account.address,
      pending: mine.filter((t) => !t.finalized).map((t) => t.requestId),
    });
  }
  if (paused) throw new Refusal("WithdrawalQueuePaused", {});
  const prepared: PreparedWrite[] =
    asWeth && claimable.length > 1
      ? [await prepareRedeemTickets(client, account, deployment, claimable, receiver)]
      : await Promise.all(
          claimable.map((t) => prepareClaimOne(client, account, deployment, t, receiver, asWeth)),
        );
  return { prepared, requestIds: claimable.map((t) => t.requestId) };
}

/**
 * Claims every finalized ticket the account holds. As ETH (default): one claim transaction per
 * ticket, sent one after the other; with `asWeth`: one transaction for all. A ticket still
 * pending is left for later; with nothing finalized, `NothingToClaimError` lists the pending ones
 * and nothing is sent. The tickets are found from the queue's `Transfer` logs since the
 * deployment block (one `eth_getLogs`; a node that caps log ranges may refuse it on a long chain).
 *
 * @example
 * import { claimAll } from "@tributary/sdk";
 * const hashes = await claimAll(client, { deployment });
 */
export async function claimAll(
  client: WriteClient,
  parameters: ClaimAllParameters = {},
): Promise<ClaimAllReturnType> {
  return withErrors(async () => {
    const { prepared } = await prepareClaimAll(client, parameters);
    const hashes: Hash[] = [];
    for (const p of prepared) hashes.push(await sendPrepared(client, p));
    return hashes;
  });
}

/**
 * Runs every claim without sending: `result` is what they pay together.
 *
 * @example
 * const { result: wei, requestIds } = await simulateClaimAll(client, { deployment });
 */
export async function simulateClaimAll(
  client: WriteClient,
  parameters: ClaimAllParameters = {},
): Promise<SimulateClaimAllReturnType> {
  return withErrors(async () => {
    const { prepared, requestIds } = await prepareClaimAll(client, parameters);
    // Each claim pays a different ticket, so each runs against the current state on its own.
    const simulated = await Promise.all(prepared.map((p) => simulatePrepared<bigint>(client, p)));
    const requests = simulated.map((s) => s.request);
    return {
      result: simulated.reduce((sum, s) => sum + s.result, 0n),
      request: requests[0] as WriteRequest,
      requests,
      requestIds,
    };
  });
}

/**
 * Gas of every claim together.
 *
 * @example
 * const gas = await estimateClaimAllGas(client, { deployment });
 */
export async function estimateClaimAllGas(
  client: WriteClient,
  parameters: ClaimAllParameters = {},
): Promise<bigint> {
  return withErrors(async () => {
    const { prepared } = await prepareClaimAll(client, parameters);
    const gas = await Promise.all(prepared.map((p) => estimatePrepared(client, p)));
    return gas.reduce((sum, g) => sum + g, 0n);
  });
}
