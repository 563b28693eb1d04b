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
import { type AnyContext, type Context, connectAny, remoteRefusal } from "./context.js";
import { refused, usageError } from "./exit.js";
import { formatEth, formatGwei, formatInt } from "./format.js";
import type { GlobalOptions } from "./options.js";
import { confirm, interactive, withSpinner } from "./prompt.js";
import { progress } from "./state.js";

export type Wallet = WalletClient<Transport, Chain, LocalAccount>;

interface Signer {
  account: LocalAccount;
  wallet: Wallet;
}

export type SignerContext = Context & Signer;
export type AnySignerContext = AnyContext & Signer;

/** Connects (on Ethereum or trETH's remote chain) and resolves the signing account. */
export async function connectSignerAny(options: GlobalOptions): Promise<AnySignerContext> {
  let account: LocalAccount | undefined;
  const context = await connectAny(options, async (chainId) => {
    account = await resolveAccount(options, chainId);
  });
  if (!account) throw new Error("unreachable: connect resolves the account before returning");
  const wallet = createWalletClient({ account, chain: context.chain, transport: context.transport });
  return { ...context, account, wallet };
}

/** Connects on Ethereum and resolves the signing account. */
export async function connectSigner(options: GlobalOptions): Promise<SignerContext> {
  const context = await connectSignerAny(options);
  if (context.side === "remote") throw remoteRefusal(context);
  return context;
}

export interface PlannedTransaction {
  /** What it does, in words: "Stake 1.0 ETH for 0.99 trETH". */
  description: string;
  /** The contract it calls, with a name for people. */
  to: { name: string; address: Address };
  /** ETH sent with it, wei. */
  value: bigint;
  /** Transactions it takes (a claim of several tickets in ETH is one per ticket). */
  transactions?: number;
  /** The SDK's estimate (it simulates the call: a refusal by the protocol throws here, before anything is sent). */
  estimateGas(): Promise<bigint>;
  /** The SDK's write: the hash, or the hashes in the order sent. */
  send(): Promise<Hash | readonly Hash[]>;
}

export interface SentTransaction {
  hashes: Hash[];
  receipts: TransactionReceipt[];
  /** The last receipt (the only one, mostly). */
  receipt: TransactionReceipt;
  gasEstimate: bigint;
  /** Gas used by all of them. */
  gasUsed: bigint;
  /** Sum of gasUsed x effectiveGasPrice, wei. */
  fee: bigint;
}

/** Runs a planned transaction through estimate, preview, confirmation, sending and inclusion. */
export async function execute(
  context: Signer & Pick<Context, "client" | "options">,
  tx: PlannedTransaction,
): Promise<SentTransaction> {
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
  const count = tx.transactions ?? 1;
  const preview = [
    tx.description,
    ...(count > 1 ? [`  sent as     ${count} transactions, one after the other`] : []),
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
      throw usageError("No terminal to ask for a confirmation on: pass --yes to send without one.");
    }
    if (options.json) process.stderr.write(`${preview}\n`);
    if (!(await confirm("Send?"))) throw refused("You declined.");
  }
  progress.sent = true;
  const sent = await tx.send();
  const hashes = typeof sent === "string" ? [sent] : [...sent];
  const receipts: TransactionReceipt[] = [];
  for (const hash of hashes) {
    const receipt = await withSpinner(
      `Waiting for ${hash} to be included`,
      client.waitForTransactionReceipt({ hash }),
    );
    if (receipt.status !== "success") {
      throw refused(`The transaction ${hash} reverted in block ${receipt.blockNumber}.`);
    }
    receipts.push(receipt);
  }
  const receipt = receipts.at(-1);
  if (!receipt) throw new Error("the write returned no transaction hash");
  return {
    hashes,
    receipts,
    receipt,
    gasEstimate,
    gasUsed: receipts.reduce((sum, r) => sum + r.gasUsed, 0n),
    fee: receipts.reduce((sum, r) => sum + r.gasUsed * r.effectiveGasPrice, 0n),
  };
}

/** Every log of every receipt. */
export function logsOf(sent: SentTransaction) {
  return sent.receipts.flatMap((r) => r.logs);
}

/** The JSON every write command prints about its transaction. */
export function transactionJson(sent: SentTransaction) {
  return {
    hash: sent.receipt.transactionHash,
    ...(sent.hashes.length > 1 ? { hashes: sent.hashes } : {}),
    from: sent.receipt.from,
    blockNumber: sent.receipt.blockNumber,
    gasEstimate: sent.gasEstimate,
    gasUsed: sent.gasUsed,
    effectiveGasPrice: sent.receipt.effectiveGasPrice,
    fee: sent.fee,
  };
}

/** "in block 123, gas 55,670 (fee 0.000055 ETH)"; for several: "in 2 transactions up to block 124, ...". */
export function inclusionWords(sent: SentTransaction): string {
  const where =
    sent.receipts.length > 1
      ? `in ${sent.receipts.length} transactions up to block ${sent.receipt.blockNumber}`
      : `in block ${sent.receipt.blockNumber}`;
  return `${where}, gas ${formatInt(sent.gasUsed)} (fee ${formatEth(sent.fee)} ETH)`;
}
