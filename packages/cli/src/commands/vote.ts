import { castVote, estimateCastVoteGas, simulateCastVote, type VOTE_SUPPORT } from "@tributary/sdk";
import { governorAbi } from "@tributary/sdk/abis";
import { parseEventLogs } from "viem";
import { refused } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseId } from "../parse.js";
import { connectSigner, execute, inclusionWords, logsOf, transactionJson } from "../transaction.js";

/**
 * `tributary vote <proposalId> <for|against|abstain> [--reason]`. The SDK's simulation checks that
 * the proposal exists and is active and that the account has not voted, and gives the vote's
 * weight (the account's votes at the proposal's snapshot); a vote that would weigh nothing is
 * refused before sending.
 */
export async function vote(
  proposalText: string,
  supportText: string,
  options: GlobalOptions & { reason?: string },
): Promise<void> {
  const proposalId = parseId(proposalText, "proposalId", "proposal id");
  // The parser allows only these three words.
  const support = supportText as keyof typeof VOTE_SUPPORT;
  const context = await connectSigner(options);
  const { wallet, account, deployment } = context;
  const parameters = {
    proposalId,
    support,
    ...(options.reason ? { reason: options.reason } : {}),
    deployment,
  };
  const { result: weight } = await simulateCastVote(wallet, parameters);
  if (weight === 0n) {
    throw refused(
      `${account.address} had no votes at the snapshot of proposal ${proposalId}, so this vote would count for nothing: votes come from delegated trETH, and only delegations made before a proposal count on it (\`tributary delegate ${account.address}\` lets you vote on later proposals).`,
    );
  }
  const reason = options.reason ? ` ("${options.reason}")` : "";
  const sent = await execute(context, {
    description: `Vote ${support} proposal ${proposalId} with ${formatEth(weight)} trETH of votes${reason}.`,
    to: { name: "Governor", address: deployment.contracts.governor },
    value: 0n,
    estimateGas: () => estimateCastVoteGas(wallet, parameters),
    send: () => castVote(wallet, parameters),
  });
  // The weight the Governor counted, from its VoteCast log.
  const [cast] = parseEventLogs({ abi: governorAbi, logs: logsOf(sent), eventName: "VoteCast" });
  const counted = cast?.args.weight ?? weight;
  output(
    options,
    `Voted ${support} proposal ${proposalId} with ${formatEth(counted)} trETH of votes ${inclusionWords(sent)}.`,
    {
      action: "vote",
      ...transactionJson(sent),
      proposalId,
      support,
      weight: counted,
      reason: options.reason ?? null,
    },
  );
}
