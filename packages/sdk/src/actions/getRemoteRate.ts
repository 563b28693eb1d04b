import type { Chain, Client, Transport } from "viem";
import { getBlock } from "viem/actions";
import type { CrosschainParameter } from "../crosschain/deployment.js";
import { requireRemote } from "../crosschain/side.js";
import type { InvalidArgumentErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as rateReceiverAbi from "../generated/rateReceiver.js";
import * as remoteDepositPoolAbi from "../generated/remoteDepositPool.js";
import { readMany } from "../utils/read.js";

export type GetRemoteRateParameters = CrosschainParameter & {
  /** Read at this block (default: latest). */
  blockNumber?: bigint | undefined;
};

export type GetRemoteRateReturnType = {
  /** ETH (wei) one trETH redeems for on Ethereum, as of the report the relayers last carried; 0 before the first. */
  ethPerTrETH: bigint;
  /** When that report was made on Ethereum, unix seconds (0 before the first). */
  reportTime: bigint;
  /** The remote chain's block the figures are read at. */
  blockNumber: bigint;
  /** The remote chain's block time the figures are read at, unix seconds. */
  blockTimestamp: bigint;
  /** Seconds from the report to the block. */
  age: bigint;
  /** The receiver's staleness bound, seconds: older than this, its feed says stale. */
  maxAge: bigint;
  /** No rate yet, or one older than `maxAge`. */
  stale: boolean;
  /** The deposit pool's fee, basis points of the WETH deposited. */
  depositFeeBps: number;
  /** The deposit pool mints only on a rate at most this old, seconds. */
  depositMaxRateAge: bigint;
  /** Whether the deposit pool mints now (a rate exists and is young enough for it). */
  depositsOpen: boolean;
};

export type GetRemoteRateErrorType = InvalidArgumentErrorType | RpcErrorType | UnknownErrorType;

/**
 * The trETH rate on the remote chain: the rate of the last report relayed from Ethereum, the
 * report's time and its age at the remote chain's block (not the relay's time: a rate carried
 * late is as old as its report), the receiver's staleness bound, and whether the deposit pool
 * mints on it. Two round trips (the block, then one multicall at that block). The client must be
 * on the remote chain of `crosschain`.
 *
 * @example
 * const rate = await getRemoteRate(remoteClient, { crosschain });
 * if (rate.stale) console.log(`the rate is ${rate.age} s old: the relayers are behind`);
 */
export async function getRemoteRate(
  client: Client<Transport, Chain | undefined>,
  parameters: GetRemoteRateParameters,
): Promise<GetRemoteRateReturnType> {
  return withErrors(async () => {
    const remote = await requireRemote(client, parameters.crosschain, "Reading the relayed rate");
    const block =
      parameters.blockNumber === undefined
        ? await getBlock(client, { blockTag: "latest" })
        : await getBlock(client, { blockNumber: parameters.blockNumber });
    const receiver = remote.rateReceiver;
    const pool = remote.depositPool;
    const [[rate, reportTime], maxAge, feeBps, maxRateAge] = await readMany(
      client,
      [
        { address: receiver, abi: rateReceiverAbi.rate, functionName: "rate" },
        { address: receiver, abi: rateReceiverAbi.maxAge, functionName: "maxAge" },
        { address: pool, abi: remoteDepositPoolAbi.feeBps, functionName: "feeBps" },
        { address: pool, abi: remoteDepositPoolAbi.maxRateAge, functionName: "maxRateAge" },
      ] as const,
      block.number,
    );
    const age = block.timestamp > reportTime ? block.timestamp - reportTime : 0n;
    return {
      ethPerTrETH: rate,
      reportTime,
      blockNumber: block.number,
      blockTimestamp: block.timestamp,
      age,
      maxAge,
      stale: rate === 0n || age > maxAge,
      depositFeeBps: feeBps,
      depositMaxRateAge: maxRateAge,
      depositsOpen: rate !== 0n && age <= maxRateAge,
    };
  });
}
