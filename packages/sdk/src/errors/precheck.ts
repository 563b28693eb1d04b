import { type Address, formatEther } from "viem";
import { BaseError } from "./base.js";

export type InsufficientFundsErrorType = InsufficientFundsError & { name: "InsufficientFundsError" };
/**
 * The account's ETH does not cover what the transaction sends plus its gas (checked before
 * sending, at the fee the node suggests now). A token balance that falls short throws the token's
 * own error instead (`ERC20InsufficientBalance` for trETH, `WETHInsufficientBalance` for WETH).
 */
export class InsufficientFundsError extends BaseError {
  override name = "InsufficientFundsError";
  readonly account: Address;
  /** Wei the account holds. */
  readonly balance: bigint;
  /** Wei sent with the transaction. */
  readonly value: bigint;
  /** Wei the gas may cost at most (gas limit x max fee per gas); 0 when not estimated. */
  readonly gasCost: bigint;

  constructor(parameters: { account: Address; balance: bigint; value: bigint; gasCost: bigint }) {
    const { account, balance, value, gasCost } = parameters;
    super(
      gasCost === 0n
        ? `${account} holds ${formatEther(balance)} ETH, less than the ${formatEther(value)} ETH to send.`
        : `${account} holds ${formatEther(balance)} ETH, less than the ${formatEther(value)} ETH to send plus up to ${formatEther(gasCost)} ETH of gas.`,
      { docsPath: "errors" },
    );
    this.account = account;
    this.balance = balance;
    this.value = value;
    this.gasCost = gasCost;
  }
}

export type NothingToClaimErrorType = NothingToClaimError & { name: "NothingToClaimError" };
/** `claimAll` found no finalized, unclaimed ticket held by the account. */
export class NothingToClaimError extends BaseError {
  override name = "NothingToClaimError";
  readonly account: Address;
  /** Tickets the account holds that are not finalized yet. */
  readonly pending: bigint[];

  constructor(parameters: { account: Address; pending: bigint[] }) {
    super(
      parameters.pending.length === 0
        ? `${parameters.account} holds no withdrawal ticket to claim.`
        : `${parameters.account} holds no finalized ticket yet: request${parameters.pending.length === 1 ? "" : "s"} ${parameters.pending.join(", ")} ${parameters.pending.length === 1 ? "waits" : "wait"} for a report.`,
      { docsPath: "errors" },
    );
    this.account = parameters.account;
    this.pending = parameters.pending;
  }
}
