import type { Hash } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { checkCommission, checkOperatorId, readOperator } from "../utils/operator.js";
import {
  accountOf,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type SetCommissionParameters = DeploymentParameter & {
  operatorId: bigint;
  /** The new commission, basis points. A decrease applies at once, an increase after the registry's delay. */
  commissionBps: number;
};

/** The hash of the transaction. */
export type SetCommissionReturnType = Hash;

export type SimulateSetCommissionReturnType = {
  /** Undefined: the function returns nothing. */
  result: undefined;
  request: WriteRequest;
};

export type SetCommissionErrorType =
  | ContractError<"OperatorRegistryNotManager" | "OperatorRegistryCommissionTooHigh">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** Checks (one multicall): the account manages the operator, the commission is within the maximum. */
async function prepareSetCommission(client: WriteClient, parameters: SetCommissionParameters) {
  const account = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  const { maxCommissionBps } = await readOperator(client, operatorRegistry, operatorId, account, true);
  const commissionBps = checkCommission(parameters.commissionBps, maxCommissionBps);
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.setCommission,
      functionName: "setCommission",
      args: [operatorId, commissionBps],
    },
  };
  return prepared;
}

/**
 * Sets an operator's commission: a decrease applies at once, an increase only after the
 * registry's `commissionIncreaseDelay` (stakers see it coming). Checked before sending: the manager
 * (`OperatorRegistryNotManager`) and the maximum (`OperatorRegistryCommissionTooHigh`).
 *
 * @example
 * import { setCommission } from "@tributary/sdk";
 * const hash = await setCommission(client, { operatorId: 3n, commissionBps: 400, deployment });
 */
export async function setCommission(
  client: WriteClient,
  parameters: SetCommissionParameters,
): Promise<SetCommissionReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareSetCommission(client, parameters)));
}

/**
 * Runs `setCommission` without sending it: `result` is undefined (the function returns nothing).
 *
 * @example
 * await simulateSetCommission(client, { operatorId: 3n, commissionBps: 400, deployment });
 */
export async function simulateSetCommission(
  client: WriteClient,
  parameters: SetCommissionParameters,
): Promise<SimulateSetCommissionReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<undefined>(
      client,
      await prepareSetCommission(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `setCommission` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateSetCommissionGas(client, parameters);
 */
export async function estimateSetCommissionGas(
  client: WriteClient,
  parameters: SetCommissionParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareSetCommission(client, parameters)));
}
