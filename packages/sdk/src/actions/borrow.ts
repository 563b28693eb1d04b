import type { Address, Hash } from "viem";
import { formatEther as formatWei } from "viem";
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
import { ORACLE_PRICE_SCALE, readLendingState } from "../utils/morpho.js";
import {
  accountOf,
  checkAddress,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

const WAD = 10n ** 18n;

export type BorrowParameters = DeploymentParameter & {
  /** WETH (wei) to borrow against the account's trETH collateral. */
  assets: bigint;
  /** Who receives the WETH (default: the account). */
  receiver?: Address | undefined;
};

/** The hash of the `borrow` transaction. */
export type BorrowReturnType = Hash;

export type SimulateBorrowReturnType = {
  /** [assets borrowed, borrow shares minted]. */
  result: readonly [bigint, bigint];
  request: WriteRequest;
};

export type BorrowErrorType =
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

async function prepare(client: WriteClient, parameters: BorrowParameters): Promise<PreparedWrite> {
  const account = accountOf(client);
  const assets = checkAmount("assets", parameters.assets, "WETH");
  const receiver =
    parameters.receiver === undefined ? account.address : checkAddress("receiver", parameters.receiver);
  const deployment = resolveDeployment(client, parameters.deployment);
  const s = await readLendingState(client, deployment, account.address);
  // What Morpho would refuse, said before anything is sent.
  const maxBorrow = (((s.collateral * s.price) / ORACLE_PRICE_SCALE) * s.params.lltv) / WAD;
  const room = maxBorrow > s.borrowed ? maxBorrow - s.borrowed : 0n;
  if (assets > room) {
    throw new InvalidArgumentError(
      "assets",
      `${formatWei(assets)} WETH is above what the collateral allows: ${formatWei(room)} WETH can be borrowed (${formatWei(s.collateral)} trETH at LLTV ${Number(s.params.lltv) / 1e16}%).`,
    );
  }
  if (assets > s.liquidity) {
    throw new InvalidArgumentError(
      "assets",
      `The market has ${formatWei(s.liquidity > 0n ? s.liquidity : 0n)} WETH to lend, less than ${formatWei(assets)} WETH.`,
    );
  }
  return {
    account,
    before: [],
    call: {
      address: s.morpho,
      abi: morphoAbi.borrow,
      functionName: "borrow",
      args: [s.params, assets, 0n, account.address, receiver],
    },
  };
}

/**
 * Borrows WETH on the deployment's Morpho Blue market against the account's trETH collateral.
 * Refused before sending when it would go above what the collateral allows (value × LLTV) or above
 * the market's liquidity, with the amount that can be borrowed.
 */
export async function borrow(client: WriteClient, parameters: BorrowParameters): Promise<BorrowReturnType> {
  return withErrors(async () => sendPrepared(client, await prepare(client, parameters)));
}

export async function simulateBorrow(
  client: WriteClient,
  parameters: BorrowParameters,
): Promise<SimulateBorrowReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<readonly [bigint, bigint]>(
      client,
      await prepare(client, parameters),
    );
    return { result, request };
  });
}

export async function estimateBorrowGas(client: WriteClient, parameters: BorrowParameters): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepare(client, parameters)));
}
