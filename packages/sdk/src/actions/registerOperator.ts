import type { Address, Hash } from "viem";
import { getBalance } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { InsufficientFundsError, type InsufficientFundsErrorType } from "../errors/precheck.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { checkCommission } from "../utils/operator.js";
import { readMany } from "../utils/read.js";
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

export type RegisterOperatorParameters = DeploymentParameter & {
  /** Receives the operator's commission. */
  rewardAddress: Address;
  /** Commission on the operator's validators' rewards, basis points (at most the registry's maximum). */
  commissionBps: number;
  /** ETH posted as bond with the registration, wei (staked into trETH); 0 to post it later. */
  bond: bigint;
};

/** The hash of the transaction. */
export type RegisterOperatorReturnType = Hash;

export type SimulateRegisterOperatorReturnType = {
  /** The new operator's id. */
  result: bigint;
  request: WriteRequest;
};

export type RegisterOperatorErrorType =
  | ContractError<"OperatorRegistryCommissionTooHigh">
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

/** Checks: the address, the commission against the registry's maximum, the bond against the ETH balance. */
async function prepareRegisterOperator(client: WriteClient, parameters: RegisterOperatorParameters) {
  const account = accountOf(client);
  const rewardAddress = checkAddress("rewardAddress", parameters.rewardAddress);
  if (typeof parameters.bond !== "bigint" || parameters.bond < 0n) {
    throw new InvalidArgumentError("bond", "The bond is a bigint amount of wei, 0 or more.", {
      docsPath: "writes",
    });
  }
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  const [maxBps] = await readMany(client, [
    {
      address: operatorRegistry,
      abi: operatorRegistryAbi.maxCommissionBps,
      functionName: "maxCommissionBps",
    },
  ] as const);
  const commissionBps = checkCommission(parameters.commissionBps, maxBps);
  await checkEth(client, account.address, parameters.bond);
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.registerOperator,
      functionName: "registerOperator",
      args: [rewardAddress, commissionBps],
      value: parameters.bond,
    },
  };
  return prepared;
}

/**
 * Registers the account as the manager of a new permissionless operator, with its reward address,
 * commission and an optional bond in ETH (staked into trETH and held by the registry). Keys come
 * next (`addKeys`), each needing its bond. Checked before sending: the reward address, the
 * commission (`OperatorRegistryCommissionTooHigh`) and the ETH balance (`InsufficientFundsError`).
 *
 * @example
 * import { registerOperator } from "@tributary/sdk";
 * const hash = await registerOperator(client, { rewardAddress, commissionBps: 500, bond: parseEther("2"), deployment });
 */
export async function registerOperator(
  client: WriteClient,
  parameters: RegisterOperatorParameters,
): Promise<RegisterOperatorReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareRegisterOperator(client, parameters)));
}

/**
 * Runs `registerOperator` without sending it: `result` is the new operator's id.
 *
 * @example
 * const { result: operatorId } = await simulateRegisterOperator(client, parameters);
 */
export async function simulateRegisterOperator(
  client: WriteClient,
  parameters: RegisterOperatorParameters,
): Promise<SimulateRegisterOperatorReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<bigint>(
      client,
      await prepareRegisterOperator(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `registerOperator` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateRegisterOperatorGas(client, parameters);
 */
export async function estimateRegisterOperatorGas(
  client: WriteClient,
  parameters: RegisterOperatorParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareRegisterOperator(client, parameters)));
}
