import { convertToAssets, estimateRequestRedeemGas, requestRedeem } from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { ContractError } from "@tributary/sdk/errors";
import { parseEventLogs } from "viem";
import { refused } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAmount } from "../parse.js";
import { connectSigner, execute, inclusionWords, logsOf, transactionJson } from "../transaction.js";

/**
 * `tributary unstake <trETH|all>`: requests the redemption of trETH (ERC-7540 `requestRedeem`);
 * the account receives a withdrawal ticket it claims once a report finalizes it.
 */
export async function unstake(amountText: string, options: GlobalOptions): Promise<void> {
  const all = amountText.trim().toLowerCase() === "all";
  const requested = all ? undefined : parseAmount(amountText, "shares", "trETH");
  const context = await connectSigner(options);
  const { client, wallet, account, deployment } = context;
  const balance = await client.readContract({
    address: deployment.contracts.token,
    abi: trETHAbi,
    functionName: "balanceOf",
    args: [account.address],
  });
  const shares = requested ?? balance;
  if (shares === 0n) throw refused(`${account.address} holds no trETH to unstake.`);
  if (shares > balance) {
    throw new ContractError("ERC20InsufficientBalance", {
      sender: account.address,
      balance,
      needed: shares,
    });
  }
  const assets = await convertToAssets(client, { shares, deployment });
  const parameters = { shares, deployment };
  const sent = await execute(context, {
    description: `Request the redemption of ${formatEth(shares)} trETH (worth ${formatEth(assets)} ETH at today's rate; paid at the lower of this rate and the rate when finalized). You receive a withdrawal ticket to claim after a report finalizes it.`,
    to: { name: "trETH", address: deployment.contracts.token },
    value: 0n,
    estimateGas: () => estimateRequestRedeemGas(wallet, parameters),
    send: () => requestRedeem(wallet, parameters),
  });
  const [request] = parseEventLogs({ abi: trETHAbi, logs: logsOf(sent), eventName: "RedeemRequest" });
  const requestId = request?.args.requestId;
  output(
    options,
    `Requested the redemption of ${formatEth(shares)} trETH (about ${formatEth(assets)} ETH): ticket #${requestId} ${inclusionWords(sent)}. Claim it with \`tributary claim ${requestId}\` once a report finalizes it (\`tributary status\` estimates when).`,
    { action: "unstake", ...transactionJson(sent), shares, assets, requestId },
  );
}
