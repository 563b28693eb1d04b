import {
  ContractError,
  convertToShares,
  estimateStakeGas,
  getStakeLimit,
  stake as stakeEth,
} from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { parseEventLogs } from "viem";
import { refused } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseAmount } from "../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../transaction.js";

/** `tributary stake <eth>`: checks the pause, the stake limit and the balance, then stakes. */
export async function stake(eth: string, options: GlobalOptions & { receiver?: string }): Promise<void> {
  const amount = parseAmount(eth, "amount", "ETH");
  const receiver = options.receiver === undefined ? undefined : parseAddress(options.receiver, "receiver");
  const context = await connectSigner(options);
  const { client, wallet, account, deployment } = context;
  const [limit, shares, balance] = await Promise.all([
    getStakeLimit(client, { deployment }),
    convertToShares(client, { assets: amount, deployment }),
    client.getBalance({ address: account.address }),
  ]);
  if (limit.paused) throw new ContractError("TrETHStakingIsPaused", {});
  if (amount > limit.available) {
    throw new ContractError("TrETHStakeLimitExceeded", { requested: amount, available: limit.available });
  }
  if (amount > balance) {
    throw refused(
      `${account.address} holds ${formatEth(balance)} ETH, less than the ${formatEth(amount)} ETH to stake.`,
    );
  }
  const to = receiver ?? account.address;
  const parameters = { amount, receiver: to, deployment };
  const sent = await execute(context, {
    description: `Stake ${formatEth(amount)} ETH for about ${formatEth(shares)} trETH${to === account.address ? "" : `, received by ${to}`}.`,
    to: { name: "trETH", address: deployment.contracts.token },
    value: amount,
    estimateGas: () => estimateStakeGas(wallet, parameters),
    send: () => stakeEth(wallet, parameters),
  });
  const [deposit] = parseEventLogs({ abi: trETHAbi, logs: sent.receipt.logs, eventName: "Deposit" });
  const minted = deposit?.args.shares ?? 0n;
  output(options, `Staked ${formatEth(amount)} ETH for ${formatEth(minted)} trETH ${inclusionWords(sent)}.`, {
    action: "stake",
    ...transactionJson(sent),
    amount,
    shares: minted,
    receiver: to,
  });
}
