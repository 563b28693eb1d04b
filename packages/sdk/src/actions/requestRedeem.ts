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
import * as trETHAbi from "../generated/trETH.js";
import * as withdrawalQueueAbi from "../generated/withdrawalQueue.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  type ContractCall,
  checkAddress,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";
import type { SignedPermit } from "./signPermit.js";

export type RequestRedeemParameters = DeploymentParameter & {
  /** trETH to redeem, wei of shares. */
  shares: bigint;
  /** Whose trETH is escrowed (default: the account). Another owner must have allowed the account. */
  owner?: Address | undefined;
  /** Who receives the ERC-721 ticket and claims it (default: the owner). */
  controller?: Address | undefined;
  /**
   * A permit `owner` signed for the account (see `signPermit`), used when the account redeems
   * someone else's trETH without an allowance: it is sent first, in its own transaction (trETH
   * has no multicall), then the request. Not needed (and not sent) when the account is the owner,
   * an ERC-7540 operator of the owner, or already allowed enough.
   */
  permit?: SignedPermit | undefined;
};

/** The hash of the `requestRedeem` transaction (after the permit's, when one was needed). */
export type RequestRedeemReturnType = Hash;

export type SimulateRequestRedeemReturnType = {
  /** The id of the withdrawal request (and of its ERC-721 ticket). */
  result: bigint;
  request: WriteRequest;
  /** The permit to send first, when one is needed. */
  before: WriteRequest[];
};

export type RequestRedeemErrorType =
  | ContractError<"ERC20InsufficientBalance" | "ERC20InsufficientAllowance" | "WithdrawalQueuePaused">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Checks (one multicall): shares above zero, valid addresses, withdrawals not paused, the owner's
 * trETH covers the shares, and the account may spend them (its own, an operator, an allowance, or
 * the permit given, whose fields must match).
 */
async function prepareRequestRedeem(client: WriteClient, parameters: RequestRedeemParameters) {
  const account = accountOf(client);
  const shares = checkAmount("shares", parameters.shares, "trETH");
  const owner = checkAddress("owner", parameters.owner ?? account.address);
  const controller = checkAddress("controller", parameters.controller ?? owner);
  const { token, withdrawalQueue } = resolveDeployment(client, parameters.deployment).contracts;
  const [paused, balance, allowance, operator] = await readMany(client, [
    { address: withdrawalQueue, abi: withdrawalQueueAbi.isPaused, functionName: "isPaused" },
    { address: token, abi: trETHAbi.balanceOf, functionName: "balanceOf", args: [owner] },
    { address: token, abi: trETHAbi.allowance, functionName: "allowance", args: [owner, account.address] },
    { address: token, abi: trETHAbi.isOperator, functionName: "isOperator", args: [owner, account.address] },
  ] as const);
  if (paused) throw new Refusal("WithdrawalQueuePaused", {});
  if (balance < shares)
    throw new Refusal("ERC20InsufficientBalance", { sender: owner, balance, needed: shares });
  const before: ContractCall[] = [];
  const self = owner.toLowerCase() === account.address.toLowerCase();
  if (!self && !operator && allowance < shares) {
    const p = parameters.permit;
    if (!p) {
      throw new Refusal("ERC20InsufficientAllowance", {
        spender: account.address,
        allowance,
        needed: shares,
      });
    }
    if (
      p.owner.toLowerCase() !== owner.toLowerCase() ||
      p.spender.toLowerCase() !== account.address.toLowerCase()
    ) {
      throw new InvalidArgumentError(
        "permit",
        `The permit lets ${p.spender} spend ${p.owner}'s trETH, but this request needs ${account.address} to spend ${owner}'s.`,
        { docsPath: "writes" },
      );
    }
    if (p.value < shares) {
      throw new InvalidArgumentError(
        "permit",
        `The permit allows ${p.value} wei of trETH, less than the ${shares} to redeem.`,
        { docsPath: "writes" },
      );
    }
    before.push({
      address: token,
      abi: trETHAbi.permit,
      functionName: "permit",
      args: [p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s],
    });
  }
  const prepared: PreparedWrite = {
    account,
    before,
    call: {
      address: token,
      abi: trETHAbi.requestRedeem,
      functionName: "requestRedeem",
      args: [shares, controller, owner],
    },
  };
  return prepared;
}

/**
 * Asks to redeem `shares` of trETH for ETH (ERC-7540 `requestRedeem`): the shares are escrowed in
 * the withdrawal queue, which mints an ERC-721 ticket to `controller`. The next reports finalize
 * it at min(rate now, rate then); then `claim` pays it. Checked before sending: the amount, the
 * addresses, the pause (`WithdrawalQueuePaused`), the owner's balance (`ERC20InsufficientBalance`)
 * and, for someone else's trETH, the allowance (`ERC20InsufficientAllowance`) unless a `permit`
 * signed by the owner is given: then two transactions, the permit and the request.
 *
 * @example
 * import { requestRedeem } from "@tributary/sdk";
 * const hash = await requestRedeem(client, { shares: parseEther("1"), deployment });
 */
export async function requestRedeem(
  client: WriteClient,
  parameters: RequestRedeemParameters,
): Promise<RequestRedeemReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareRequestRedeem(client, parameters)));
}

/**
 * Runs the request (after the permit, if one is needed) without sending: `result` is the request
 * id it would get.
 *
 * @example
 * const { result: requestId } = await simulateRequestRedeem(client, { shares, deployment });
 */
export async function simulateRequestRedeem(
  client: WriteClient,
  parameters: RequestRedeemParameters,
): Promise<SimulateRequestRedeemReturnType> {
  return withErrors(async () => {
    const { result, request, before } = await simulatePrepared<bigint>(
      client,
      await prepareRequestRedeem(client, parameters),
    );
    return { result, request, before };
  });
}

/**
 * Gas of the request, plus the permit's when one must come first.
 *
 * @example
 * const gas = await estimateRequestRedeemGas(client, { shares, deployment });
 */
export async function estimateRequestRedeemGas(
  client: WriteClient,
  parameters: RequestRedeemParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareRequestRedeem(client, parameters)));
}
