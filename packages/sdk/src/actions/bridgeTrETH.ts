import type { Address, Hash, Hex } from "viem";
import type { CrosschainParameter } from "../crosschain/deployment.js";
import { clientSide } from "../crosschain/side.js";
import type { InvalidArgumentErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as bridgedTrETHAbi from "../generated/bridgedTrETH.js";
import * as tokenBridgeAbi from "../generated/tokenBridge.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";
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

export type BridgeTrETHParameters = CrosschainParameter & {
  /** trETH shares to send, wei: the same number arrives on the other chain. */
  amount: bigint;
  /** Who receives them on the other chain (default: the account). */
  recipient?: Address | undefined;
};

/** The hash of the `bridge` transaction. */
export type BridgeTrETHReturnType = Hash;

export type SimulateBridgeTrETHReturnType = {
  /** The message's id: the relayers deliver it on the other chain, where it runs once. */
  result: Hex;
  request: WriteRequest;
  /** The chain the shares arrive on. */
  destinationChainId: number;
};

export type BridgeTrETHErrorType =
  | ContractError<"ERC20InsufficientBalance" | "BridgedTrETHBurnLimitExceeded" | "TrETHUnauthorized">
  | ContractError
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

function checkBalance(sender: Address, balance: bigint, needed: bigint) {
  if (balance < needed) throw new Refusal("ERC20InsufficientBalance", { sender, balance, needed });
}

/**
 * The checks, in one multicall: the amount is above zero, the recipient is valid, the account
 * holds the shares (`ERC20InsufficientBalance`) and, on the remote chain, the amount fits the
 * token bridge's burn limit now (`BridgedTrETHBurnLimitExceeded`, carrying what is `available`) or,
 * on Ethereum, trETH names the token bridge as its crosschain bridge (`TrETHUnauthorized`).
 */
async function prepareBridge(client: WriteClient, parameters: BridgeTrETHParameters) {
  const account = accountOf(client);
  const amount = checkAmount("amount", parameters.amount, "trETH");
  const recipient = checkAddress("recipient", parameters.recipient ?? account.address);
  const { crosschain } = parameters;
  const side = await clientSide(client, crosschain);
  const here = side === "home" ? crosschain.home : crosschain.remote;
  const destinationChainId = side === "home" ? crosschain.remote.chainId : crosschain.home.chainId;
  const token = side === "home" ? crosschain.home.token : crosschain.remote.bridgedToken;
  const balanceCall = {
    address: token,
    abi: trETHAbi.balanceOf,
    functionName: "balanceOf",
    args: [account.address],
  } as const;
  if (side === "home") {
    // trETH lets only the bridge governance set burn (lock) for it.
    const [balance, bridge] = await readMany(client, [
      balanceCall,
      { address: token, abi: trETHAbi.crosschainBridge, functionName: "crosschainBridge" },
    ] as const);
    checkBalance(account.address, balance, amount);
    if (bridge.toLowerCase() !== here.tokenBridge.toLowerCase()) {
      throw new Refusal("TrETHUnauthorized", { caller: here.tokenBridge });
    }
  } else {
    const [balance, available] = await readMany(client, [
      balanceCall,
      {
        address: token,
        abi: bridgedTrETHAbi.burningCurrentLimitOf,
        functionName: "burningCurrentLimitOf",
        args: [here.tokenBridge],
      },
    ] as const);
    checkBalance(account.address, balance, amount);
    if (available < amount) {
      throw new Refusal("BridgedTrETHBurnLimitExceeded", { bridge: here.tokenBridge, amount, available });
    }
  }
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: here.tokenBridge,
      abi: tokenBridgeAbi.bridge,
      functionName: "bridge",
      args: [BigInt(destinationChainId), recipient, amount],
    },
  };
  return { prepared, destinationChainId };
}

/**
 * Sends `amount` trETH shares to `recipient` (default: the account) on the other side of
 * `crosschain`: from Ethereum the token bridge locks them and the remote chain mints bridged
 * trETH; from the remote chain it burns bridged trETH and Ethereum releases the locked shares.
 * The same number of shares arrives, not one wei rounded away. The relayer committee delivers the
 * message; a delivery over the destination's mint limit waits there and goes through by itself as
 * the limit refills. Nothing is sent when a check fails (see the error types).
 *
 * @example
 * const hash = await bridgeTrETH(homeWallet, { crosschain, amount: parseEther("1") });
 */
export async function bridgeTrETH(
  client: WriteClient,
  parameters: BridgeTrETHParameters,
): Promise<BridgeTrETHReturnType> {
  return withErrors(async () => sendPrepared(client, (await prepareBridge(client, parameters)).prepared));
}

/**
 * Runs `bridgeTrETH` as a call: `result` is the message id the bridge would send, with the
 * destination chain. Makes the same checks first.
 */
export async function simulateBridgeTrETH(
  client: WriteClient,
  parameters: BridgeTrETHParameters,
): Promise<SimulateBridgeTrETHReturnType> {
  return withErrors(async () => {
    const { prepared, destinationChainId } = await prepareBridge(client, parameters);
    const { result, request } = await simulatePrepared<Hex>(client, prepared);
    return { result, request, destinationChainId };
  });
}

/** Gas `bridgeTrETH` would use now, after the same checks. */
export async function estimateBridgeTrETHGas(
  client: WriteClient,
  parameters: BridgeTrETHParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, (await prepareBridge(client, parameters)).prepared));
}
