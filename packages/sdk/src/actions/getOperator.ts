import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import { type Operator, readOperators } from "../utils/operators.js";
import { checkId } from "../utils/validate.js";

export type GetOperatorParameters = DeploymentParameter & {
  operatorId: bigint | number;
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

export type GetOperatorReturnType = Operator;

export type GetOperatorErrorType =
  | ContractError<"OperatorRegistryUnknownOperator">
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * One node operator: who manages it, its commission (in force and scheduled), its keys, and its
 * bond (shares, value now, what its keys require, what it must add, debt). One RPC round trip.
 * An id that does not exist throws `OperatorRegistryUnknownOperatorError`.
 *
 * @example
 * import { formatEther } from "viem";
 * import { getOperator } from "@tributary/sdk";
 * const op = await getOperator(client, { operatorId: 0 });
 * console.log(`bond ${formatEther(op.bondValue)} of ${formatEther(op.requiredBond)} ETH required`);
 */
export async function getOperator(
  client: Client<Transport, Chain | undefined>,
  parameters: GetOperatorParameters,
): Promise<GetOperatorReturnType> {
  const operatorId = checkId("operatorId", parameters.operatorId);
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [operator] = await readOperators(client, operatorRegistry, [operatorId], parameters.blockNumber);
    return operator as Operator;
  });
}
