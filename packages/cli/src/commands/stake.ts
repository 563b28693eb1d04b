import {
  estimateRemoteStakeGas,
  estimateStakeGas,
  remoteStake,
  simulateRemoteStake,
  simulateStake,
  stake as stakeEth,
} from "@tributary/sdk";
import { bridgedTrETHAbi, trETHAbi } from "@tributary/sdk/abis";
import { parseEventLogs } from "viem";
import { refused } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseAmount } from "../parse.js";
import {
  type AnySignerContext,
  connectSignerAny,
  execute,
  inclusionWords,
  logsOf,
  transactionJson,
} from "../transaction.js";

/**
 * `tributary stake <eth>`: the SDK's simulation checks the pause, the stake limit (saying how much
 * is available) and the balance, and says how much trETH the stake mints; then it is sent.
 */
export async function stake(eth: string, options: GlobalOptions & { receiver?: string }): Promise<void> {
  const amount = parseAmount(eth, "amount", "ETH");
  const receiver = options.receiver === undefined ? undefined : parseAddress(options.receiver, "receiver");
  const context = await connectSignerAny(options);
  if (context.side === "remote") return stakeRemote(amount, receiver, context, options);
  const { wallet, account, deployment } = context;
  const to = receiver ?? account.address;
  const parameters = { amount, receiver: to, deployment };
  const { result: shares } = await simulateStake(wallet, parameters);
  const sent = await execute(context, {
    description: `Stake ${formatEth(amount)} ETH for about ${formatEth(shares)} trETH${to === account.address ? "" : `, received by ${to}`}.`,
    to: { name: "trETH", address: deployment.contracts.token },
    value: amount,
    estimateGas: () => estimateStakeGas(wallet, parameters),
    send: () => stakeEth(wallet, parameters),
  });
  const [deposit] = parseEventLogs({ abi: trETHAbi, logs: logsOf(sent), eventName: "Deposit" });
  const minted = deposit?.args.shares ?? 0n;
  output(options, `Staked ${formatEth(amount)} ETH for ${formatEth(minted)} trETH ${inclusionWords(sent)}.`, {
    action: "stake",
    ...transactionJson(sent),
    amount,
    shares: minted,
    receiver: to,
  });
}

/**
 * `tributary --chain <remote> stake <eth>`: the remote chain's deposit pool takes WETH (the
 * account's first, ETH wrapped for the rest) and mints bridged trETH at the relayed rate minus its
 * fee. The SDK refuses before sending on a stale rate, the pool's mint limit or a short balance.
 */
async function stakeRemote(
  amount: bigint,
  receiver: `0x${string}` | undefined,
  context: AnySignerContext & { side: "remote" },
  options: GlobalOptions,
): Promise<void> {
  const { wallet, account, crosschain } = context;
  const to = receiver ?? account.address;
  const parameters = { crosschain, amount, receiver: to };
  const plan = await simulateRemoteStake(wallet, parameters);
  const wrap = plan.before.find((call) => call.functionName === "deposit")?.value ?? 0n;
  const steps = [
    ...(wrap > 0n ? [`wrap ${formatEth(wrap)} ETH to WETH`] : []),
    ...(plan.before.some((call) => call.functionName === "approve") ? ["approve the pool"] : []),
  ];
  const sent = await execute(context, {
    description: `Stake ${formatEth(amount)} ETH on chain ${crosschain.remote.chainId} for about ${formatEth(plan.result)} trETH (fee ${formatEth(plan.fee)} WETH)${steps.length ? `; first ${steps.join(", then ")}` : ""}${to === account.address ? "" : `, received by ${to}`}.`,
    to: { name: "deposit pool", address: crosschain.remote.depositPool },
    value: wrap,
    transactions: plan.before.length + 1,
    estimateGas: () => estimateRemoteStakeGas(wallet, parameters),
    // The wrap and the approval go first, each waited for; the SDK's deposit then finds them done.
    // Every hash is returned, so the gas and fee shown cover all of them.
    send: async () => {
      const hashes: `0x${string}`[] = [];
      for (const request of plan.before) {
        const hash = await wallet.writeContract(request as never);
        const receipt = await context.client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success")
          throw refused(`The ${request.functionName} transaction ${hash} reverted.`);
        hashes.push(hash);
      }
      return [...hashes, await remoteStake(wallet, parameters)];
    },
  });
  const [mint] = parseEventLogs({ abi: bridgedTrETHAbi, logs: logsOf(sent), eventName: "CrosschainMint" });
  const minted = mint?.args.amount ?? 0n;
  output(
    options,
    `Staked ${formatEth(amount)} ETH on chain ${crosschain.remote.chainId} for ${formatEth(minted)} trETH ${inclusionWords(sent)}; the pool sends the ETH to Ethereum in its next batch.`,
    {
      action: "stake",
      chainId: crosschain.remote.chainId,
      ...transactionJson(sent),
      amount,
      shares: minted,
      fee: plan.fee,
      receiver: to,
    },
  );
}
