import { type Address, type Hash, maxUint256 } from "viem";
import { getBalance } from "viem/actions";
import type { CrosschainParameter } from "../crosschain/deployment.js";
import type { InvalidArgumentErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { InsufficientFundsError, type InsufficientFundsErrorType } from "../errors/precheck.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as bridgedTrETHAbi from "../generated/bridgedTrETH.js";
import * as remoteDepositPoolAbi from "../generated/remoteDepositPool.js";
import * as wethAbi from "../generated/weth.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  type ContractCall,
  checkAddress,
  checkAmount,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";
import { getRemoteRate } from "./getRemoteRate.js";

export type RemoteStakeParameters = CrosschainParameter & {
  /** ETH to stake, wei: the account's WETH first, and ETH wrapped for the rest. */
  amount: bigint;
  /** Who receives the bridged trETH (default: the account). */
  receiver?: Address | undefined;
};

/** The hash of the deposit transaction (after the wrap and the approval, when they are needed). */
export type RemoteStakeReturnType = Hash;

export type SimulateRemoteStakeReturnType = {
  /** Bridged trETH the deposit mints, wei (rounded down, as the pool mints). */
  result: bigint;
  /** The pool's fee, wei of WETH (rounded up, as the pool takes it). */
  fee: bigint;
  request: WriteRequest;
  /** What is sent first: wrapping ETH, approving the pool. */
  before: WriteRequest[];
};

export type RemoteStakeErrorType =
  | ContractError<
      "RemoteDepositPoolStaleRate" | "RemoteDepositPoolZeroShares" | "BridgedTrETHMintLimitExceeded"
    >
  | ContractError
  | InsufficientFundsErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * The checks: the client is on the remote chain, the relayed rate is young enough for the pool
 * (`RemoteDepositPoolStaleRate`, with its age and the bound), the amount buys at least one share
 * wei (`RemoteDepositPoolZeroShares`), the pool's mint limit has room (`BridgedTrETHMintLimitExceeded`,
 * with what is `available`), and the account's WETH plus ETH cover the amount
 * (`InsufficientFundsError`). Then the calls: `deposit` on WETH for what WETH lacks, `approve`
 * when the allowance is short, and the pool's `deposit`.
 */
async function prepareRemoteStake(client: WriteClient, parameters: RemoteStakeParameters) {
  const account = accountOf(client);
  const amount = checkAmount("amount", parameters.amount, "ETH");
  const receiver = checkAddress("receiver", parameters.receiver ?? account.address);
  const rate = await getRemoteRate(client, { crosschain: parameters.crosschain });
  const { depositPool, weth, bridgedToken } = parameters.crosschain.remote;
  if (!rate.depositsOpen) {
    const age = rate.ethPerTrETH === 0n ? maxUint256 : rate.age;
    throw new Refusal("RemoteDepositPoolStaleRate", { age, maxAge: rate.depositMaxRateAge });
  }
  const [reads, ethBalance] = await Promise.all([
    readMany(client, [
      {
        address: depositPool,
        abi: remoteDepositPoolAbi.previewDeposit,
        functionName: "previewDeposit",
        args: [amount],
      },
      {
        address: bridgedToken,
        abi: bridgedTrETHAbi.mintingCurrentLimitOf,
        functionName: "mintingCurrentLimitOf",
        args: [depositPool],
      },
      { address: weth, abi: wethAbi.balanceOf, functionName: "balanceOf", args: [account.address] },
      {
        address: weth,
        abi: wethAbi.allowance,
        functionName: "allowance",
        args: [account.address, depositPool],
      },
    ] as const),
    getBalance(client, { address: account.address }),
  ]);
  const [[shares, fee], available, wethBalance, allowance] = reads;
  if (shares === 0n) throw new Refusal("RemoteDepositPoolZeroShares", { assets: amount });
  if (available < shares) {
    throw new Refusal("BridgedTrETHMintLimitExceeded", { bridge: depositPool, amount: shares, available });
  }
  const wrap = amount > wethBalance ? amount - wethBalance : 0n;
  if (wrap > ethBalance) {
    throw new InsufficientFundsError({
      account: account.address,
      balance: ethBalance,
      value: wrap,
      gasCost: 0n,
    });
  }
  const before: ContractCall[] = [];
  if (wrap > 0n) {
    before.push({ address: weth, abi: wethAbi.deposit, functionName: "deposit", args: [], value: wrap });
  }
  if (allowance < amount) {
    before.push({
      address: weth,
      abi: wethAbi.approve,
      functionName: "approve",
      args: [depositPool, amount],
    });
  }
  const prepared: PreparedWrite = {
    account,
    before,
    call: {
      address: depositPool,
      abi: remoteDepositPoolAbi.deposit,
      functionName: "deposit",
      args: [amount, receiver],
    },
  };
  return { prepared, fee };
}

/**
 * Stakes from the remote chain: the deposit pool takes `amount` wei of WETH (the account's WETH
 * first; ETH is wrapped for what it lacks) and mints bridged trETH to `receiver` at once, at the
 * rate relayed from Ethereum, minus the pool's fee. The pool sends the ETH to Ethereum in batches,
 * where it is staked and the same shares are locked for the bridge. The wrap and the approval,
 * when needed, are sent first, each in its own transaction; nothing is sent when a check fails.
 *
 * @example
 * const hash = await remoteStake(remoteWallet, { crosschain, amount: parseEther("1") });
 */
export async function remoteStake(
  client: WriteClient,
  parameters: RemoteStakeParameters,
): Promise<RemoteStakeReturnType> {
  return withErrors(async () =>
    sendPrepared(client, (await prepareRemoteStake(client, parameters)).prepared),
  );
}

/**
 * Runs `remoteStake` as calls without sending them: `result` is the bridged trETH the deposit
 * mints after the wrap and the approval it needs, `fee` the pool's fee.
 */
export async function simulateRemoteStake(
  client: WriteClient,
  parameters: RemoteStakeParameters,
): Promise<SimulateRemoteStakeReturnType> {
  return withErrors(async () => {
    const { prepared, fee } = await prepareRemoteStake(client, parameters);
    const { result, request, before } = await simulatePrepared<bigint>(client, prepared);
    return { result, fee, request, before };
  });
}

/** Gas of `remoteStake`'s transactions together, after the same checks. */
export async function estimateRemoteStakeGas(
  client: WriteClient,
  parameters: RemoteStakeParameters,
): Promise<bigint> {
  return withErrors(async () =>
    estimatePrepared(client, (await prepareRemoteStake(client, parameters)).prepared),
  );
}
