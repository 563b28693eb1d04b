import type { Hash } from "viem";
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
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { checkOperatorId, readOperator } from "../utils/operator.js";
import {
  accountOf,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type RemoveKeysParameters = DeploymentParameter & {
  operatorId: bigint;
  /** How many keys to remove from the end of the operator's list; none of them may be deposited. */
  count: bigint;
};

/** The hash of the transaction. */
export type RemoveKeysReturnType = Hash;

export type SimulateRemoveKeysReturnType = {
  /** Undefined: the function returns nothing. */
  result: undefined;
  request: WriteRequest;
};

export type RemoveKeysErrorType =
  | ContractError<"OperatorRegistryNotManager" | "OperatorRegistryKeysInUse">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** Checks (one multicall): the account manages the operator, and the last `count` keys are not deposited. */
async function prepareRemoveKeys(client: WriteClient, parameters: RemoveKeysParameters) {
  const account = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const { count } = parameters;
  if (typeof count !== "bigint" || count <= 0n) {
    throw new InvalidArgumentError("count", "The number of keys to remove must be a bigint above zero.", {
      docsPath: "writes",
    });
  }
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  const { operator } = await readOperator(client, operatorRegistry, operatorId, account, true);
  const removable = BigInt(operator.totalKeys - operator.depositedKeys);
  if (count > removable) {
    throw new Refusal("OperatorRegistryKeysInUse", { operatorId, requestedRemoval: count, removable });
  }
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.removeKeys,
      functionName: "removeKeys",
      args: [operatorId, count],
    },
  };
  return prepared;
}

/**
 * Removes the last `count` keys of an operator the account manages; none may be deposited. The
 * removed pubkeys stay marked used: they cannot be added again. Checked before sending: the manager
 * (`OperatorRegistryNotManager`) and the keys not deposited (`OperatorRegistryKeysInUse`).
 *
 * @example
 * import { removeKeys } from "@tributary/sdk";
 * const hash = await removeKeys(client, { operatorId: 3n, count: 2n, deployment });
 */
export async function removeKeys(
  client: WriteClient,
  parameters: RemoveKeysParameters,
): Promise<RemoveKeysReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareRemoveKeys(client, parameters)));
}

/**
 * Runs `removeKeys` without sending it: `result` is undefined (the function returns nothing).
 *
 * @example
 * await simulateRemoveKeys(client, { operatorId: 3n, count: 2n, deployment });
 */
export async function simulateRemoveKeys(
  client: WriteClient,
  parameters: RemoveKeysParameters,
): Promise<SimulateRemoveKeysReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<undefined>(
      client,
      await prepareRemoveKeys(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `removeKeys` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateRemoveKeysGas(client, parameters);
 */
export async function estimateRemoveKeysGas(
  client: WriteClient,
  parameters: RemoveKeysParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareRemoveKeys(client, parameters)));
}
