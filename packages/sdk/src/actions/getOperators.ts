import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { type Operator, readOperators } from "../utils/operators.js";
import { readMany } from "../utils/read.js";

export type GetOperatorsParameters = DeploymentParameter & {
  /** Read at this block (default: latest at each of the two steps). */
  blockNumber?: bigint | undefined;
};

/** Every operator, by id (see `getOperator` for the fields). */
export type GetOperatorsReturnType = Operator[];

export type GetOperatorsErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * Every registered node operator with its keys and bond, by id. Two round trips: the operator
 * count, then every operator's views in one multicall (viem splits a large one into calls sent
 * together).
 *
 * @example
 * import { formatEther } from "viem";
 * import { getOperators } from "@tributary/sdk";
 * for (const op of await getOperators(client))
 *   console.log(`#${op.operatorId} ${op.keys.deposited} validators, debt ${formatEther(op.debt)} ETH`);
 */
export async function getOperators(
  client: Client<Transport, Chain | undefined>,
  parameters: GetOperatorsParameters = {},
): Promise<GetOperatorsReturnType> {
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [count] = await readMany(
      client,
      [
        { address: operatorRegistry, abi: operatorRegistryAbi.operatorCount, functionName: "operatorCount" },
      ] as const,
      parameters.blockNumber,
    );
    const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i));
    return readOperators(client, operatorRegistry, ids, parameters.blockNumber);
  });
}
