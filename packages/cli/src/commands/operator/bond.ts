import {
  depositBond,
  estimateDepositBondGas,
  estimateWithdrawBondGas,
  getSpareBond,
  withdrawBond as sdkWithdrawBond,
} from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { formatEth } from "../../format.js";
import { output } from "../../output.js";
import { parseAddress, parseAmount } from "../../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../../transaction.js";
import { type OperatorOptions, operatorIdOf } from "./common.js";

/** `tributary operator bond top-up <eth>`: posts ETH as bond (staked into trETH). */
export async function bondTopUp(eth: string, options: OperatorOptions): Promise<void> {
  const amount = parseAmount(eth, "amount", "ETH");
  const context = await connectSigner(options);
  const { wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const parameters = { operatorId, amount, deployment };
  const sent = await execute(context, {
    description: `Post ${formatEth(amount)} ETH as bond of operator ${operatorId}.`,
    to: { name: "OperatorRegistry", address: deployment.contracts.operatorRegistry },
    value: amount,
    estimateGas: () => estimateDepositBondGas(wallet, parameters),
    send: () => depositBond(wallet, parameters),
  });
  output(options, `Posted ${formatEth(amount)} ETH of bond ${inclusionWords(sent)}.`, {
    action: "operator bond top-up",
    ...transactionJson(sent),
    operatorId,
    amount,
  });
}

/**
 * `tributary operator bond withdraw <eth|shares> [--shares] [--to]`: an amount of ETH (converted to
 * shares at the current rate) or, with --shares, of trETH shares; "all" for what the bond can spare.
 * Refused before sending when the bond cannot spare it (bond left vs required, in ETH).
 */
export async function bondWithdraw(
  amountText: string,
  options: OperatorOptions & { to?: string; shares: boolean },
): Promise<void> {
  const to = options.to === undefined ? undefined : parseAddress(options.to, "to");
  const context = await connectSigner(options);
  const { client, wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const spare = await getSpareBond(wallet, { operatorId, deployment });
  let shares: bigint;
  if (amountText.trim() === "all") shares = spare.spareShares;
  else if (options.shares) shares = parseAmount(amountText, "amount", "trETH");
  else
    shares = await client.readContract({
      address: deployment.contracts.token,
      abi: trETHAbi,
      functionName: "convertToShares",
      args: [parseAmount(amountText, "amount", "ETH")],
    });
  const parameters = { operatorId, shares, to, deployment };
  const sent = await execute(context, {
    description: `Withdraw ${formatEth(shares)} trETH of operator ${operatorId}'s bond (it holds ${formatEth(spare.bondValue)} ETH, its keys need ${formatEth(spare.requiredBond)} ETH) to ${to ?? context.account.address}.`,
    to: { name: "OperatorRegistry", address: deployment.contracts.operatorRegistry },
    value: 0n,
    estimateGas: () => estimateWithdrawBondGas(wallet, parameters),
    send: () => sdkWithdrawBond(wallet, parameters),
  });
  output(options, `Withdrew ${formatEth(shares)} trETH of bond ${inclusionWords(sent)}.`, {
    action: "operator bond withdraw",
    ...transactionJson(sent),
    operatorId,
    shares,
    to: to ?? context.account.address,
  });
}
