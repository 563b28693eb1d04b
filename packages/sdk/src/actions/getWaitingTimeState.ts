import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import {
  readWaitingTimeBeaconTerms,
  readWaitingTimeChainState,
  type WaitingTimeState,
} from "../utils/waitingTimeState.js";

export type {
  WaitingTimeBeaconTerms,
  WaitingTimeChainState,
  WaitingTimeState,
} from "../utils/waitingTimeState.js";

export type GetWaitingTimeStateParameters = DeploymentParameter & {
  /** A standard Beacon API endpoint; without it the mainnet spec and stated assumptions are used. */
  beaconUrl?: string | undefined;
  /** The fetch used for the Beacon API (default: the global one). */
  fetch?: typeof fetch | undefined;
};

export type GetWaitingTimeStateReturnType = WaitingTimeState;

export type GetWaitingTimeStateErrorType =
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | ContractError
  | UnknownErrorType;

/**
 * What every waiting-time estimate reads whatever the request, pinned to the latest block: the
 * queue, buffer, vault and share rate, the oracle's frame schedule, the recent vault inflow (trETH
 * `Rebased` events), the last exit list within its deadline, and the beacon chain's exit terms
 * (from `beaconUrl`, else the mainnet spec). Pass it as `state` to `estimateWaitingTime` to
 * estimate many requests with one read of it: each estimate then reads only its request's status,
 * cost and event. Two round trips to the node without a live exit list (three with one).
 *
 * @example
 * import { estimateWaitingTime, getWaitingTimeState } from "@tributary/sdk";
 * const state = await getWaitingTimeState(client, { deployment });
 * const waits = await Promise.all(
 *   [3n, 7n].map((requestId) => estimateWaitingTime(client, { requestId, deployment, state })),
 * );
 */
export async function getWaitingTimeState(
  client: Client<Transport, Chain | undefined>,
  parameters: GetWaitingTimeStateParameters = {},
): Promise<GetWaitingTimeStateReturnType> {
  const { beaconUrl } = parameters;
  if (beaconUrl !== undefined && !/^https?:\/\/\S+$/.test(beaconUrl)) {
    throw new InvalidArgumentError("beaconUrl", `The beacon URL must be http(s)://...; got ${beaconUrl}.`);
  }
  const deployment = resolveDeployment(client, parameters.deployment);
  return withErrors(async () => {
    const chain = await readWaitingTimeChainState(client, deployment);
    const beacon = await readWaitingTimeBeaconTerms(client, deployment, chain, beaconUrl, parameters.fetch);
    return { ...chain, beacon };
  });
}
