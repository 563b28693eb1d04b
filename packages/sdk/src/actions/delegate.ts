import type { Address, Hash } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
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

export type DelegateParameters = DeploymentParameter & {
  /** Who votes with the account's trETH (the account itself to vote directly). */
  delegatee: Address;
};

/** The hash of the `delegate` transaction. */
export type DelegateReturnType = Hash;

export type SimulateDelegateReturnType = { result: undefined; request: WriteRequest };

export type DelegateErrorType =
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

function prepareDelegate(client: WriteClient, parameters: DelegateParameters): PreparedWrite {
  const account = accountOf(client);
  const delegatee = checkAddress("delegatee", parameters.delegatee);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return {
    account,
    before: [],
    call: { address: token, abi: trETHAbi.delegate, functionName: "delegate", args: [delegatee] },
  };
}

/**
 * Gives the account's trETH voting power (ERC-5805) to `delegatee`, from the next second on
 * (trETH's clock is the timestamp); the account's own address to vote itself. A holder who never
 * delegates has no votes (and pays nothing extra on transfers). Checked before sending: the address.
 *
 * @example
 * import { delegate } from "@tributary/sdk";
 * const hash = await delegate(client, { delegatee: client.account.address, deployment });
 */
export async function delegate(
  client: WriteClient,
  parameters: DelegateParameters,
): Promise<DelegateReturnType> {
  return withErrors(async () => sendPrepared(client, prepareDelegate(client, parameters)));
}

/**
 * Runs the delegation without sending it (`result` is undefined: the function returns nothing).
 *
 * @example
 * const { request } = await simulateDelegate(client, { delegatee, deployment });
 */
export async function simulateDelegate(
  client: WriteClient,
  parameters: DelegateParameters,
): Promise<SimulateDelegateReturnType> {
  return withErrors(async () => {
    const { request } = await simulatePrepared<undefined>(client, prepareDelegate(client, parameters));
    return { result: undefined, request };
  });
}

/**
 * Gas the delegation would use now.
 *
 * @example
 * const gas = await estimateDelegateGas(client, { delegatee, deployment });
 */
export async function estimateDelegateGas(
  client: WriteClient,
  parameters: DelegateParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, prepareDelegate(client, parameters)));
}
