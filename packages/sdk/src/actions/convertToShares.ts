import type { Chain, Client, Transport } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";
import { checkAmount } from "../utils/validate.js";

export type ConvertToSharesParameters = DeploymentParameter & {
  /** ETH (wei) to convert. */
  assets: bigint;
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

/** trETH shares (wei) `assets` stakes for now, rounded down; 0 while the pool holds no assets. */
export type ConvertToSharesReturnType = bigint;

export type ConvertToSharesErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The trETH a stake of `assets` wei mints at the current rate, as the token computes it
 * (`convertToShares`, rounded down). One RPC round trip.
 *
 * @example
 * import { parseEther } from "viem";
 * import { convertToShares } from "@tributary/sdk";
 * const shares = await convertToShares(client, { assets: parseEther("1") });
 */
export async function convertToShares(
  client: Client<Transport, Chain | undefined>,
  parameters: ConvertToSharesParameters,
): Promise<ConvertToSharesReturnType> {
  const assets = checkAmount("assets", parameters.assets);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [shares] = await readMany(
      client,
      [
        { address: token, abi: trETHAbi.convertToShares, functionName: "convertToShares", args: [assets] },
      ] as const,
      parameters.blockNumber,
    );
    return shares;
  });
}
