/** The operator a command acts on: `--operator-id`, else the one operator the account manages. */
import { type Deployment, getOperators } from "@tributary/sdk";
import type { Address, Chain, Client, Transport } from "viem";
import { OperatorNotFoundError } from "../errors.js";

export async function resolveOperatorId(
  client: Client<Transport, Chain | undefined>,
  deployment: Deployment,
  manager: Address,
  operatorId?: bigint | undefined,
): Promise<bigint> {
  if (operatorId !== undefined) return operatorId;
  const operators = await getOperators(client, { deployment });
  const managed = operators.filter((o) => o.manager.toLowerCase() === manager.toLowerCase());
  if (managed.length === 1) return (managed[0] as (typeof managed)[number]).operatorId;
  if (managed.length === 0)
    throw new OperatorNotFoundError(`The account ${manager} manages no operator: register first.`);
  throw new OperatorNotFoundError(
    `The account ${manager} manages operators ${managed.map((o) => o.operatorId).join(", ")}: pass --operator-id.`,
  );
}
