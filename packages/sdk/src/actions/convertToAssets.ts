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

export type ConvertToAssetsParameters = DeploymentParameter & {
  /** trETH shares (wei) to convert. */
  shares: bigint;
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

/** ETH (wei) `shares` are worth now, rounded down. */
export type ConvertToAssetsReturnType = bigint;

export type ConvertToAssetsErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The ETH `shares` of trETH are worth at the current rate, as the token computes it
 * (`convertToAssets`, rounded down). This is the shares' value, not a redemption quote: a
 * request is paid min(rate at request, rate at finalization) per share. One RPC round trip.
 *
 * @example
 * import { parseEther } from "viem";
 * import { convertToAssets } from "@tributary/sdk";
 * const assets = await convertToAssets(client, { shares: parseEther("1") });
 */
export async function convertToAssets(
  client: Client<Transport, Chain | undefined>,
  parameters: ConvertToAssetsParameters,
): Promise<ConvertToAssetsReturnType> {
  const shares = checkAmount("shares", parameters.shares);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [assets] = await readMany(
      client,
      [
        { address: token, abi: trETHAbi.convertToAssets, functionName: "convertToAssets", args: [shares] },
      ] as const,
      parameters.blockNumber,
    );
    return assets;
  });
}
