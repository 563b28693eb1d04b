/**
 * Sending one transaction: estimate its gas and fee, show it in words, ask (unless --yes), send,
 * wait for inclusion with a spinner, and hand back the receipt for the command to summarise.
 */
import {
  type Address,
  type Chain,
  createWalletClient,
  type Hash,
  type LocalAccount,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { resolveAccount } from "./account/resolve.js";
import { type Context, connect } from "./context.js";
import { refused, usageError } from "./exit.js";
import { formatEth, formatGwei, formatInt } from "./format.js";
import type { GlobalOptions } from "./options.js";
import { confirm, interactive, withSpinner } from "./prompt.js";
import { progress } from "./state.js";

export type Wallet = WalletClient<Transport, Chain, LocalAccount>;

export interface SignerContext extends Context {
  account: LocalAccount;
  wallet: Wallet;
}

/** Connects and resolves the signing account. */
export async function connectSigner(options: GlobalOptions): Promise<SignerContext> {
  const context = await connect(options);
  const account = await resolveAccount(options, context.chain.id);
  const wallet = createWalletClient({ account, chain: context.chain, transport: context.transport });
  return { ...context, account, wallet };
}

export interface PlannedTransaction {
  /** What it does, in words: "Stake 1.0 ETH for 0.99 trETH". */
  description: string;
  /** The contract it calls, with a name for people. */
  to: { name: string; address: Address };
  /** ETH sent with it, wei. */
  value: bigint;
  /** The SDK's estimate (it simulates the call: a refusal by the protocol throws here, before anything is sent). */
  estimateGas(): Promise<bigint>;
  /** The SDK's write: returns the hash. */
  send(): Promise<Hash>;
}

export interface SentTransaction {
  hash: Hash;
  receipt: TransactionReceipt;
  gasEstimate: bigint;
  /** gasUsed x effectiveGasPrice, wei. */
  fee: bigint;
}

/** Runs a planned transaction through estimate, preview, confirmation, sending and inclusion. */
export async function execute(context: SignerContext, tx: PlannedTransaction): Promise<SentTransaction> {
  const { client, account, options } = context;
  const gasEstimate = await tx.estimateGas();
  const [fees, balance] = await Promise.all([
    client.estimateFeesPerGas(),
    client.getBalance({ address: account.address }),
  ]);
  const maxFee = gasEstimate * fees.maxFeePerGas;
  if (balance < tx.value + maxFee) {
    throw refused(
      `${account.address} holds ${formatEth(balance)} ETH, less than the ${formatEth(tx.value + maxFee)} ETH this needs (${formatEth(tx.value)} ETH sent and up to ${formatEth(maxFee)} ETH of gas).`,
    );
  }
  const preview = [
    tx.description,
    `  from        ${account.address}`,
    `  to          ${tx.to.name} ${tx.to.address}`,
    `  ETH value   ${formatEth(tx.value)} ETH`,
    `  gas         ${formatInt(gasEstimate)} (estimated)`,
    `  fee         up to ${formatEth(maxFee)} ETH (at up to ${formatGwei(fees.maxFeePerGas)} per gas)`,
  ].join("\n");
  // With --json, stdout carries only the result: the preview goes to stderr, and only if someone is asked.
  if (!options.json) process.stdout.write(`${preview}\n`);
  if (!options.yes) {
    if (!interactive()) {
      throw usageError("Not sent: no terminal to ask for a confirmation on; pass --yes to send without one.");
    }
    if (options.json) process.stderr.write(`${preview}\n`);
    if (!(await confirm("Send?"))) throw refused("Not sent: you declined.");
  }
  progress.sent = true;
  const hash = await tx.send();
  const receipt = await withSpinner(
    `Waiting for ${hash} to be included`,
    client.waitForTransactionReceipt({ hash }),
  );
  if (receipt.status !== "success") {
    throw refused(`The transaction ${hash} reverted in block ${receipt.blockNumber}.`);
  }
  return { hash, receipt, gasEstimate, fee: receipt.gasUsed * receipt.effectiveGasPrice };
}

/** The JSON every write command prints about its transaction. */
export function transactionJson(sent: SentTransaction) {
  return {
    hash: sent.hash,
    from: sent.receipt.from,
    blockNumber: sent.receipt.blockNumber,
    gasEstimate: sent.gasEstimate,
    gasUsed: sent.receipt.gasUsed,
    effectiveGasPrice: sent.receipt.effectiveGasPrice,
    fee: sent.fee,
  };
}

/** "in block 123, gas 55,670 (fee 0.000055 ETH)". */
export function inclusionWords(sent: SentTransaction): string {
  return `in block ${sent.receipt.blockNumber}, gas ${formatInt(sent.receipt.gasUsed)} (fee ${formatEth(sent.fee)} ETH)`;
}
