import { estimateStakeGas, simulateStake, stake as stakeEth } from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { parseEventLogs } from "viem";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseAmount } from "../parse.js";
import { connectSigner, execute, inclusionWords, logsOf, transactionJson } from "../transaction.js";

/**
 * `tributary stake <eth>`: the SDK's simulation checks the pause, the stake limit (saying how much
 * is available) and the balance, and says how much trETH the stake mints; then it is sent.
 */
export async function stake(eth: string, options: GlobalOptions & { receiver?: string }): Promise<void> {
  const amount = parseAmount(eth, "amount", "ETH");
  const receiver = options.receiver === undefined ? undefined : parseAddress(options.receiver, "receiver");
  const context = await connectSigner(options);
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
