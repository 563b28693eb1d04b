import { getTickets } from "@tributary/sdk";
import { connect } from "../context.js";
import { formatEth, formatTime } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress } from "../parse.js";
import { subjectOf } from "./who.js";

/** `tributary tickets [address]`: every withdrawal ticket the address holds, with its status. */
export async function tickets(addressText: string | undefined, options: GlobalOptions): Promise<void> {
  if (addressText !== undefined) parseAddress(addressText, "address");
  const context = await connect(options);
  const owner = await subjectOf(addressText, context);
  const list = await getTickets(context.client, { owner, deployment: context.deployment });
  const text = () => {
    if (!list.length) return `${owner} holds no withdrawal ticket.`;
    const lines = [`Withdrawal tickets of ${owner}`];
    for (const t of list) {
      const what =
        t.status === "pending"
          ? `pending: about ${formatEth(t.assets)} ETH at today's rate`
          : t.status === "finalized"
            ? `finalized: ${formatEth(t.claimable)} ETH to claim`
            : `claimed (${formatEth(t.assets)} ETH)`;
      lines.push(
        `  #${t.requestId}  ${formatEth(t.shares)} trETH, requested ${formatTime(t.requestedAt)}; ${what}`,
      );
    }
    const claimable = list.filter((t) => t.status === "finalized");
    if (claimable.length)
      lines.push(`Claim with \`tributary claim ${claimable.map((t) => t.requestId).join(" ")}\`.`);
    return lines.join("\n");
  };
  output(options, text, { owner, tickets: list });
}
