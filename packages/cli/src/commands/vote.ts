import { castVote, estimateCastVoteGas } from "@tributary/sdk";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseId } from "../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../transaction.js";

/** The Governor's vote types (OpenZeppelin GovernorCountingSimple). */
const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;

/** `tributary vote <proposalId> <for|against|abstain> [--reason]`. */
export async function vote(
  proposalText: string,
  supportText: string,
  options: GlobalOptions & { reason?: string },
): Promise<void> {
  const proposalId = parseId(proposalText, "proposalId", "proposal id");
  const support = SUPPORT[supportText as keyof typeof SUPPORT];
  const context = await connectSigner(options);
  const { wallet, deployment } = context;
  const parameters = {
    proposalId,
    support,
    ...(options.reason ? { reason: options.reason } : {}),
    deployment,
  };
  const sent = await execute(context, {
    description: `Vote ${supportText} proposal ${proposalId}${options.reason ? ` ("${options.reason}")` : ""}.`,
    to: { name: "Governor", address: deployment.contracts.governor },
    value: 0n,
    estimateGas: () => estimateCastVoteGas(wallet, parameters),
    send: () => castVote(wallet, parameters),
  });
  output(options, `Voted ${supportText} proposal ${proposalId} ${inclusionWords(sent)}.`, {
    action: "vote",
    ...transactionJson(sent),
    proposalId,
    support: supportText,
    reason: options.reason ?? null,
  });
}
