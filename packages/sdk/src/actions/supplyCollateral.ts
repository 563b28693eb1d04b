import type { Hash } from "viem";
import { readContract } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import * as morphoAbi from "../generated/morpho.js";
import * as trETHAbi from "../generated/trETH.js";
import { lendingMarketOf } from "../utils/morpho.js";
import {
  accountOf,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type SupplyCollateralParameters = DeploymentParameter & {
  /** trETH (wei of shares) to put up as collateral on the deployment's Morpho market. */
  shares: bigint;
};

/** The hash of the `supplyCollateral` transaction (after the approval's, when one was needed). */
export type SupplyCollateralReturnType = Hash;

export type SimulateSupplyCollateralReturnType = {
  result: undefined;
  request: WriteRequest;
  before: WriteRequest[];
};

export type SupplyCollateralErrorType =
  | ContractError<"ERC20InsufficientBalance">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

async function prepare(client: WriteClient, parameters: SupplyCollateralParameters): Promise<PreparedWrite> {
  const account = accountOf(client);
  const shares = checkAmount("shares", parameters.shares, "trETH");
  const deployment = resolveDeployment(client, parameters.deployment);
  const { morpho, params } = lendingMarketOf(deployment);
  const allowance = await readContract(client, {
    address: params.collateralToken,
    abi: trETHAbi.allowance,
    functionName: "allowance",
    args: [account.address, morpho],
  });
  return {
    account,
    // Morpho pulls the trETH: an allowance of exactly the amount, first, when it lacks one.
    before:
      allowance >= shares
        ? []
        : [
            {
              address: params.collateralToken,
              abi: trETHAbi.approve,
              functionName: "approve",
              args: [morpho, shares],
            },
          ],
    call: {
      address: morpho,
      abi: morphoAbi.supplyCollateral,
      functionName: "supplyCollateral",
      args: [params, shares, account.address, "0x"],
    },
  };
}

/**
 * Supplies trETH as collateral to the deployment's Morpho Blue market (trETH collateral, WETH
 * loan), approving Morpho for the amount first when needed. Collateral earns the token's rewards
 * (the rate rises) while it backs a loan.
 */
export async function supplyCollateral(
  client: WriteClient,
  parameters: SupplyCollateralParameters,
): Promise<SupplyCollateralReturnType> {
  return withErrors(async () => sendPrepared(client, await prepare(client, parameters)));
}

export async function simulateSupplyCollateral(
  client: WriteClient,
  parameters: SupplyCollateralParameters,
): Promise<SimulateSupplyCollateralReturnType> {
  return withErrors(async () => {
    const { request, before } = await simulatePrepared<undefined>(client, await prepare(client, parameters));
    return { result: undefined, request, before };
  });
}

export async function estimateSupplyCollateralGas(
  client: WriteClient,
  parameters: SupplyCollateralParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepare(client, parameters)));
}
