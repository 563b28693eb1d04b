import type { Address, Hash } from "viem";
import { getBalance } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { InsufficientFundsError, type InsufficientFundsErrorType } from "../errors/precheck.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { checkOperatorId, readOperator } from "../utils/operator.js";
import {
  accountOf,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type DepositBondParameters = DeploymentParameter & {
  operatorId: bigint;
  /** ETH to post as bond, wei (staked into trETH, held by the registry). */
  amount: bigint;
};

/** The hash of the transaction. */
export type DepositBondReturnType = Hash;

export type SimulateDepositBondReturnType = {
  /** Undefined: the function returns nothing. */
  result: undefined;
  request: WriteRequest;
};

export type DepositBondErrorType =
  | ContractError<"OperatorRegistryUnknownOperator">
  | InsufficientFundsErrorType
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** The account's ETH must cover `value` (gas aside: the node refuses that itself). */
async function checkEth(client: WriteClient, address: Address, value: bigint) {
  if (value === 0n) return;
  const balance = await getBalance(client, { address });
  if (balance < value) throw new InsufficientFundsError({ account: address, balance, value, gasCost: 0n });
}

/** Checks: the amount, that the operator exists, the ETH balance. Anyone may add to a bond. */
async function prepareDepositBond(client: WriteClient, parameters: DepositBondParameters) {
  const account = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const amount = checkAmount("amount", parameters.amount, "ETH");
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  await readOperator(client, operatorRegistry, operatorId, account, false);
  await checkEth(client, account.address, amount);
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.depositBond,
      functionName: "depositBond",
      args: [operatorId],
      value: amount,
    },
  };
  return prepared;
}

/**
 * Posts `amount` wei of ETH as bond for an operator: the registry stakes it into trETH and holds
 * the shares (they earn rewards and cover the operator's losses). Checked before sending: the
 * amount, that the operator exists (`OperatorRegistryUnknownOperator`), the ETH balance.
 *
 * @example
 * import { depositBond } from "@tributary/sdk";
 * const hash = await depositBond(client, { operatorId: 3n, amount: parseEther("1"), deployment });
 */
export async function depositBond(
  client: WriteClient,
  parameters: DepositBondParameters,
): Promise<DepositBondReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareDepositBond(client, parameters)));
}

/**
 * Runs `depositBond` without sending it: `result` is undefined (the function returns nothing).
 *
 * @example
 * await simulateDepositBond(client, { operatorId: 3n, amount: parseEther("1"), deployment });
 */
export async function simulateDepositBond(
  client: WriteClient,
  parameters: DepositBondParameters,
): Promise<SimulateDepositBondReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<undefined>(
      client,
      await prepareDepositBond(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `depositBond` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateDepositBondGas(client, parameters);
 */
export async function estimateDepositBondGas(
  client: WriteClient,
  parameters: DepositBondParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareDepositBond(client, parameters)));
}
