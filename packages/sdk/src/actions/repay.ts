import type { Hash } from "viem";
import { readContract } from "viem/actions";
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
import * as morphoAbi from "../generated/morpho.js";
import * as wethAbi from "../generated/weth.js";
import { readLendingState } from "../utils/morpho.js";
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

export type RepayParameters = DeploymentParameter &
  (
    | { /** WETH (wei) to repay. */ assets: bigint; all?: undefined }
    | {
        /** Repay the whole debt, interest to the block included (by borrow shares). */ all: true;
        assets?: undefined;
      }
  );

/** The hash of the `repay` transaction (after the approval's, when one was needed). */
export type RepayReturnType = Hash;

export type SimulateRepayReturnType = {
  /** [assets repaid, borrow shares burned]. */
  result: readonly [bigint, bigint];
  request: WriteRequest;
  before: WriteRequest[];
};

export type RepayErrorType =
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

async function prepare(client: WriteClient, parameters: RepayParameters): Promise<PreparedWrite> {
  const account = accountOf(client);
  const deployment = resolveDeployment(client, parameters.deployment);
  const s = await readLendingState(client, deployment, account.address);
  if (s.borrowShares === 0n)
    throw new InvalidArgumentError("assets", "The account owes nothing on this market.");
  const all = parameters.all === true;
  const assets = all ? 0n : checkAmount("assets", parameters.assets as bigint, "WETH");
  if (!all && assets > s.borrowed) {
    throw new InvalidArgumentError(
      "assets",
      `The debt is ${s.borrowed} wei of WETH, less than ${assets}: repay with \`all\`.`,
    );
  }
  // Morpho pulls the WETH: allow the amount (the whole debt, with a margin for the interest of the
  // next block, when repaying all).
  const needed = all ? s.borrowed + s.borrowed / 1_000_000n + 1n : assets;
  const allowance = await readContract(client, {
    address: s.params.loanToken,
    abi: wethAbi.allowance,
    functionName: "allowance",
    args: [account.address, s.morpho],
  });
  return {
    account,
    before:
      allowance >= needed
        ? []
        : [
            {
              address: s.params.loanToken,
              abi: wethAbi.approve,
              functionName: "approve",
              args: [s.morpho, needed],
            },
          ],
    call: {
      address: s.morpho,
      abi: morphoAbi.repay,
      functionName: "repay",
      args: [s.params, assets, all ? s.borrowShares : 0n, account.address, "0x"],
    },
  };
}

/**
 * Repays WETH borrowed on the deployment's Morpho Blue market: an amount, or `all` of it (by
 * borrow shares, so no dust of interest is left), approving Morpho first when needed.
 */
export async function repay(client: WriteClient, parameters: RepayParameters): Promise<RepayReturnType> {
  return withErrors(async () => sendPrepared(client, await prepare(client, parameters)));
}

export async function simulateRepay(
  client: WriteClient,
  parameters: RepayParameters,
): Promise<SimulateRepayReturnType> {
  return withErrors(async () => {
    const { result, request, before } = await simulatePrepared<readonly [bigint, bigint]>(
      client,
      await prepare(client, parameters),
    );
    return { result, request, before };
  });
}

export async function estimateRepayGas(client: WriteClient, parameters: RepayParameters): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepare(client, parameters)));
}
