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
import * as wethAbi from "../generated/weth.js";
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
import { signPermit, supportsPermit } from "./signPermit.js";

export type DepositWethParameters = DeploymentParameter & {
  /** WETH to deposit, wei. */
  amount: bigint;
  /** Who receives the trETH (default: the account). */
  receiver?: Address | undefined;
  /**
   * Let trETH take the WETH through an ERC-2612 permit signed by the account instead of an
   * `approve` transaction. Only for a WETH with permit: WETH9 (mainnet's, and the one deployed
   * here) has none, and asking for it gives `InvalidArgumentError` naming `permit`.
   */
  permit?: boolean | undefined;
};

/**
 * The hash of the `deposit` transaction. When trETH's WETH allowance was below `amount`, an
 * `approve` of exactly `amount` (or, with `permit`, the token's `permit`) was sent first and has
 * succeeded.
 */
export type DepositWethReturnType = Hash;

export type SimulateDepositWethReturnType = {
  /** trETH shares the deposit mints, wei (rounded down). */
  result: bigint;
  request: WriteRequest;
  /**
   * What must be sent before `request`: an `approve` (or `permit`) when trETH's allowance is below
   * the amount, else nothing. The simulation ran them in order (`eth_simulateV1`).
   */
  before: WriteRequest[];
};

export type DepositWethErrorType =
  | ContractError<"TrETHStakingIsPaused" | "TrETHStakeLimitExceeded" | "WETHInsufficientBalance">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Checks (one multicall): the amount is above zero, the receiver valid, staking not paused, the
 * amount within the stake limit, and the account's WETH covers it; reads trETH's allowance to
 * decide whether an approval (or permit) comes first.
 */
async function prepareDepositWeth(client: WriteClient, parameters: DepositWethParameters) {
  const account = accountOf(client);
  const amount = checkAmount("amount", parameters.amount, "WETH");
  const receiver = checkAddress("receiver", parameters.receiver ?? account.address);
  const { token, weth } = resolveDeployment(client, parameters.deployment).contracts;
  const [paused, [available], balance, allowance] = await readMany(client, [
    { address: token, abi: trETHAbi.isStakingPaused, functionName: "isStakingPaused" },
    { address: token, abi: trETHAbi.stakeLimit, functionName: "stakeLimit" },
    { address: weth, abi: wethAbi.balanceOf, functionName: "balanceOf", args: [account.address] },
    { address: weth, abi: wethAbi.allowance, functionName: "allowance", args: [account.address, token] },
  ] as const);
  if (paused) throw new Refusal("TrETHStakingIsPaused", {});
  if (amount > available) throw new Refusal("TrETHStakeLimitExceeded", { requested: amount, available });
  if (balance < amount) {
    throw new Refusal("WETHInsufficientBalance", { account: account.address, balance, needed: amount });
  }
  const before: ContractCall[] = [];
  if (parameters.permit) {
    if (!(await supportsPermit(client, weth))) {
      throw new InvalidArgumentError(
        "permit",
        `The WETH at ${weth} has no ERC-2612 permit (WETH9 has none): leave \`permit\` out and trETH is approved for the amount first.`,
        { docsPath: "writes" },
      );
    }
    if (allowance < amount) {
      const p = await signPermit(client, { token: weth, spender: token, value: amount });
      before.push({
        address: weth,
        abi: trETHAbi.permit,
        functionName: "permit",
        args: [p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s],
      });
    }
  } else if (allowance < amount) {
    before.push({ address: weth, abi: wethAbi.approve, functionName: "approve", args: [token, amount] });
  }
  const prepared: PreparedWrite = {
    account,
    before,
    call: { address: token, abi: trETHAbi.deposit, functionName: "deposit", args: [amount, receiver] },
  };
  return prepared;
}

/**
 * Deposits `amount` wei of WETH into trETH (ERC-4626 `deposit`), which unwraps it and mints trETH
 * to `receiver` (default: the account). trETH must be allowed to take the WETH: when its
 * allowance is below `amount`, this first sends `approve(trETH, amount)` (or, with `permit` on a
 * WETH that has it, the signed permit) and waits for it, then the deposit: two transactions. An
 * allowance already large enough is used as is: one transaction. Checked before sending: the
 * amount, the receiver, the pause, the stake limit (`TrETHStakeLimitExceeded` with what is
 * available) and the WETH balance (`WETHInsufficientBalance`).
 *
 * @example
 * import { depositWeth } from "@tributary/sdk";
 * const hash = await depositWeth(client, { amount: parseEther("1"), deployment });
 */
export async function depositWeth(
  client: WriteClient,
  parameters: DepositWethParameters,
): Promise<DepositWethReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareDepositWeth(client, parameters)));
}

/**
 * Runs the deposit (after the approval it needs, if any) without sending: `result` is the trETH it
 * would mint, `request` the deposit and `before` the approval to send first.
 *
 * @example
 * const { result: shares, before } = await simulateDepositWeth(client, { amount, deployment });
 */
export async function simulateDepositWeth(
  client: WriteClient,
  parameters: DepositWethParameters,
): Promise<SimulateDepositWethReturnType> {
  return withErrors(async () => {
    const { result, request, before } = await simulatePrepared<bigint>(
      client,
      await prepareDepositWeth(client, parameters),
    );
    return { result, request, before };
  });
}

/**
 * Gas of the deposit, plus the approval's when one must come first (both transactions together).
 *
 * @example
 * const gas = await estimateDepositWethGas(client, { amount, deployment });
 */
export async function estimateDepositWethGas(
  client: WriteClient,
  parameters: DepositWethParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareDepositWeth(client, parameters)));
}
