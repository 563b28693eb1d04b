import type { Address, Hash } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import * as trETHAbi from "../generated/trETH.js";
import { checkOperatorId, readOperator } from "../utils/operator.js";
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

export type WithdrawBondParameters = DeploymentParameter & {
  operatorId: bigint;
  /** trETH shares of the bond to withdraw, wei. */
  shares: bigint;
  /** Who receives the trETH. Default: the account. */
  to?: Address | undefined;
};

/** The hash of the transaction. */
export type WithdrawBondReturnType = Hash;

export type SimulateWithdrawBondReturnType = {
  /** Undefined: the function returns nothing. */
  result: undefined;
  request: WriteRequest;
};

export type WithdrawBondErrorType =
  | ContractError<
      "OperatorRegistryNotManager" | "OperatorRegistryInsufficientBond" | "OperatorRegistryDebtOutstanding"
    >
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

export type SpareBondParameters = DeploymentParameter & { operatorId: bigint };

/** What an operator's bond holds and needs, and what it can spare now. */
export type SpareBondReturnType = {
  /** trETH shares held as bond. */
  bondShares: bigint;
  /** Their value now, wei. */
  bondValue: bigint;
  /** ETH the operator's keys whose ETH is not back need, wei. */
  requiredBond: bigint;
  /** Shares that may be withdrawn now (zero while the operator has debt). */
  spareShares: bigint;
  /** The operator's debt, wei. */
  debt: bigint;
};

/**
 * The registry's own bond rule: the bond must keep the required ETH in shares (rounded down), less
 * one share per key not withdrawn (each key's staked bond may lose less than one share to rounding).
 */
async function readSpare(client: WriteClient, registry: Address, token: Address, operatorId: bigint) {
  const [operator, requiredBond, bondValue] = await readMany(client, [
    {
      address: registry,
      abi: operatorRegistryAbi.getOperator,
      functionName: "getOperator",
      args: [operatorId],
    },
    {
      address: registry,
      abi: operatorRegistryAbi.requiredBond,
      functionName: "requiredBond",
      args: [operatorId],
    },
    { address: registry, abi: operatorRegistryAbi.bondValue, functionName: "bondValue", args: [operatorId] },
  ] as const);
  const [requiredShares] =
    requiredBond === 0n
      ? [0n]
      : await readMany(client, [
          {
            address: token,
            abi: trETHAbi.convertToShares,
            functionName: "convertToShares",
            args: [requiredBond],
          },
        ] as const);
  const slack = BigInt(operator.totalKeys - operator.withdrawnKeys);
  const keep = requiredShares > slack ? requiredShares - slack : 0n;
  const spareShares = operator.debt > 0n || operator.bondShares <= keep ? 0n : operator.bondShares - keep;
  return { bondShares: operator.bondShares, bondValue, requiredBond, spareShares, debt: operator.debt };
}

/**
 * The operator's bond, what its keys require, and the shares it can spare now.
 *
 * @example
 * const { spareShares } = await getSpareBond(client, { operatorId: 3n, deployment });
 */
export async function getSpareBond(
  client: WriteClient,
  parameters: SpareBondParameters,
): Promise<SpareBondReturnType> {
  return withErrors(async () => {
    const operatorId = checkOperatorId(parameters.operatorId);
    const { operatorRegistry, token } = resolveDeployment(client, parameters.deployment).contracts;
    return readSpare(client, operatorRegistry, token, operatorId);
  });
}

/** Checks: the manager, no debt, and the bond can spare the shares (the registry's own rule). */
async function prepareWithdrawBond(client: WriteClient, parameters: WithdrawBondParameters) {
  const account = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const shares = checkAmount("shares", parameters.shares, "trETH");
  const to = checkAddress("to", parameters.to ?? account.address);
  const { operatorRegistry, token } = resolveDeployment(client, parameters.deployment).contracts;
  await readOperator(client, operatorRegistry, operatorId, account, true);
  const spare = await readSpare(client, operatorRegistry, token, operatorId);
  if (spare.debt > 0n) throw new Refusal("OperatorRegistryDebtOutstanding", { operatorId, debt: spare.debt });
  if (shares > spare.spareShares) {
    // As the registry says it: the bond (wei) left after the withdrawal against what is required.
    const left = spare.bondShares > shares ? spare.bondShares - shares : 0n;
    const leftValue = spare.bondShares === 0n ? 0n : (spare.bondValue * left) / spare.bondShares;
    throw new Refusal("OperatorRegistryInsufficientBond", {
      operatorId,
      bond: leftValue,
      required: spare.requiredBond,
    });
  }
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.withdrawBond,
      functionName: "withdrawBond",
      args: [operatorId, shares, to],
    },
  };
  return prepared;
}

/**
 * Withdraws trETH shares from an operator's bond that its keys do not need. Checked before
 * sending: the manager (`OperatorRegistryNotManager`), no debt (`OperatorRegistryDebtOutstanding`),
 * and the bond left still covers the keys (`OperatorRegistryInsufficientBond`: the bond left and the
 * bond required, wei).
 *
 * @example
 * import { withdrawBond } from "@tributary/sdk";
 * const hash = await withdrawBond(client, { operatorId: 3n, shares: parseEther("1"), deployment });
 */
export async function withdrawBond(
  client: WriteClient,
  parameters: WithdrawBondParameters,
): Promise<WithdrawBondReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareWithdrawBond(client, parameters)));
}

/**
 * Runs `withdrawBond` without sending it: `result` is undefined (the function returns nothing).
 *
 * @example
 * await simulateWithdrawBond(client, { operatorId: 3n, shares, deployment });
 */
export async function simulateWithdrawBond(
  client: WriteClient,
  parameters: WithdrawBondParameters,
): Promise<SimulateWithdrawBondReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<undefined>(
      client,
      await prepareWithdrawBond(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `withdrawBond` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateWithdrawBondGas(client, parameters);
 */
export async function estimateWithdrawBondGas(
  client: WriteClient,
  parameters: WithdrawBondParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareWithdrawBond(client, parameters)));
}
