import type { Address, Hash } from "viem";
import { estimateContractGas, estimateFeesPerGas, getBalance } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { InsufficientFundsError, type InsufficientFundsErrorType } from "../errors/precheck.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  checkAddress,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type StakeParameters = DeploymentParameter & {
  /** ETH to stake, wei. */
  amount: bigint;
  /** Who receives the trETH (default: the account). */
  receiver?: Address | undefined;
};

/** The hash of the `stake` transaction. */
export type StakeReturnType = Hash;

export type SimulateStakeReturnType = {
  /** trETH shares the stake mints, wei (rounded down, as the token mints). */
  result: bigint;
  request: WriteRequest;
};

export type StakeErrorType =
  | ContractError<"TrETHStakingIsPaused" | "TrETHStakeLimitExceeded">
  | ContractError
  | InsufficientFundsErrorType
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The checks made before anything is sent, in one multicall plus the balance: the amount is above
 * zero, the receiver is a valid address, staking is not paused (`TrETHStakingIsPaused`), the amount
 * is within the stake limit (`TrETHStakeLimitExceeded`, carrying the amount `available` now), and
 * the account holds the amount (`InsufficientFundsError`).
 */
async function prepareStake(client: WriteClient, parameters: StakeParameters) {
  const account = accountOf(client);
  const amount = checkAmount("amount", parameters.amount, "ETH");
  const receiver = checkAddress("receiver", parameters.receiver ?? account.address);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  const [[paused, [available]], balance] = await Promise.all([
    readMany(client, [
      { address: token, abi: trETHAbi.isStakingPaused, functionName: "isStakingPaused" },
      { address: token, abi: trETHAbi.stakeLimit, functionName: "stakeLimit" },
    ] as const),
    getBalance(client, { address: account.address }),
  ]);
  if (paused) throw new Refusal("TrETHStakingIsPaused", {});
  if (amount > available) throw new Refusal("TrETHStakeLimitExceeded", { requested: amount, available });
  if (balance < amount) {
    throw new InsufficientFundsError({ account: account.address, balance, value: amount, gasCost: 0n });
  }
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: { address: token, abi: trETHAbi.stake, functionName: "stake", args: [receiver], value: amount },
  };
  return { prepared, balance };
}

/**
 * Stakes `amount` wei of ETH and mints trETH to `receiver` (default: the account), at the current
 * rate, rounded down. Nothing is sent when a check fails: a zero amount or a malformed receiver
 * (`InvalidArgumentError`), staking paused (`TrETHStakingIsPaused`), an amount above the stake
 * limit (`TrETHStakeLimitExceeded`, whose `args.available` is what can be staked now), or an
 * account whose ETH does not cover the amount plus the gas at the node's current fees
 * (`InsufficientFundsError`). Reverts the checks could not foresee are decoded the same way.
 *
 * @example
 * import { createWalletClient, http, parseEther } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { stake } from "@tributary/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount(key), transport: http(url) });
 * const hash = await stake(client, { amount: parseEther("1"), deployment });
 */
export async function stake(client: WriteClient, parameters: StakeParameters): Promise<StakeReturnType> {
  return withErrors(async () => {
    const { prepared, balance } = await prepareStake(client, parameters);
    // The gas, at the fee the node suggests, must fit in what is left after the amount.
    const [gas, fees] = await Promise.all([
      estimateContractGas(client, { ...prepared.call, account: prepared.account } as never),
      estimateFeesPerGas(client),
    ]);
    const maxFeePerGas = fees.maxFeePerGas ?? fees.gasPrice ?? 0n;
    const gasCost = gas * maxFeePerGas;
    if (balance < parameters.amount + gasCost) {
      throw new InsufficientFundsError({
        account: prepared.account.address,
        balance,
        value: parameters.amount,
        gasCost,
      });
    }
    return sendPrepared(client, { ...prepared, call: { ...prepared.call, gas } });
  });
}

/**
 * Runs `stake` as a call without sending it: `result` is the trETH shares it would mint now and
 * `request` the call, ready for viem's `writeContract`. Makes the same checks first.
 *
 * @example
 * const { result: shares } = await simulateStake(client, { amount: parseEther("1"), deployment });
 */
export async function simulateStake(
  client: WriteClient,
  parameters: StakeParameters,
): Promise<SimulateStakeReturnType> {
  return withErrors(async () => {
    const { prepared } = await prepareStake(client, parameters);
    const { result, request } = await simulatePrepared<bigint>(client, prepared);
    return { result, request };
  });
}

/**
 * Gas `stake` would use now (the node's `eth_estimateGas`), after the same checks.
 *
 * @example
 * const gas = await estimateStakeGas(client, { amount: parseEther("1"), deployment });
 */
export async function estimateStakeGas(client: WriteClient, parameters: StakeParameters): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, (await prepareStake(client, parameters)).prepared));
}
