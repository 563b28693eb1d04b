import { delegate as delegateVotes, estimateDelegateGas } from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress } from "../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../transaction.js";

/** `tributary delegate <address>`: gives the account's trETH voting power to `address` (itself to vote). */
export async function delegate(delegateeText: string, options: GlobalOptions): Promise<void> {
  const delegatee = parseAddress(delegateeText, "delegatee");
  const context = await connectSigner(options);
  const { client, wallet, account, deployment } = context;
  const balance = await client.readContract({
    address: deployment.contracts.token,
    abi: trETHAbi,
    functionName: "balanceOf",
    args: [account.address],
  });
  const self = delegatee === account.address;
  const parameters = { delegatee, deployment };
  const sent = await execute(context, {
    description: self
      ? `Delegate the votes of your ${formatEth(balance)} trETH to yourself, so that you vote with them.`
      : `Delegate the votes of your ${formatEth(balance)} trETH to ${delegatee}.`,
    to: { name: "trETH", address: deployment.contracts.token },
    value: 0n,
    estimateGas: () => estimateDelegateGas(wallet, parameters),
    send: () => delegateVotes(wallet, parameters),
  });
  output(
    options,
    `Delegated the votes of ${formatEth(balance)} trETH to ${self ? "yourself" : delegatee} ${inclusionWords(sent)}.`,
    { action: "delegate", ...transactionJson(sent), delegatee, votes: balance },
  );
}
