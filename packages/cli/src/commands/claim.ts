import {
  ContractError,
  claimAll,
  claim as claimTickets,
  estimateClaimAllGas,
  estimateClaimGas,
  getQueueState,
  getTickets,
} from "@tributary/sdk";
import { withdrawalQueueAbi } from "@tributary/sdk/abis";
import { parseEventLogs } from "viem";
import { refused, usageError } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseId } from "../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../transaction.js";

type ClaimOptions = GlobalOptions & { all: boolean; receiver?: string };

/** `tributary claim [requestId...] | --all`: pays out finalized withdrawal tickets in ETH. */
export async function claim(idTexts: string[], options: ClaimOptions): Promise<void> {
  if (options.all && idTexts.length) throw usageError("Give ticket ids or --all, not both.");
  if (!options.all && !idTexts.length) throw usageError("Give the ids of the tickets to claim, or --all.");
  const ids = idTexts.map((text) => parseId(text, "requestId", "withdrawal request id"));
  const receiver = options.receiver === undefined ? undefined : parseAddress(options.receiver, "receiver");
  const context = await connectSigner(options);
  const { client, wallet, account, deployment } = context;
  const [tickets, queue] = await Promise.all([
    getTickets(client, { owner: account.address, deployment }),
    getQueueState(client, { deployment }),
  ]);
  let chosen = tickets.filter((t) => ids.includes(t.requestId));
  if (options.all) {
    chosen = tickets.filter((t) => t.status === "finalized");
    if (!chosen.length) {
      const pending = tickets.filter((t) => t.status === "pending").length;
      throw refused(
        `${account.address} has no claimable ticket${pending ? ` (${pending} still pending: \`tributary status\` estimates when)` : ""}.`,
      );
    }
  }
  for (const id of ids) {
    const ticket = chosen.find((t) => t.requestId === id);
    if (!ticket) {
      throw refused(
        `${account.address} holds no ticket #${id} (it does not exist, or another address holds it).`,
      );
    }
    if (ticket.status === "claimed")
      throw new ContractError("WithdrawalQueueAlreadyClaimed", { requestId: id });
    if (ticket.status === "pending") {
      throw new ContractError("WithdrawalQueueNotFinalized", {
        requestId: id,
        lastFinalizedRequestId: queue.lastFinalizedRequestId,
      });
    }
  }
  const total = chosen.reduce((sum, t) => sum + t.claimable, 0n);
  const list = chosen.map((t) => `#${t.requestId}`).join(", ");
  const to = receiver ?? account.address;
  const sent = await execute(context, {
    description: `Claim ${formatEth(total)} ETH from ticket${chosen.length > 1 ? "s" : ""} ${list}${to === account.address ? "" : `, paid to ${to}`}.`,
    to: { name: "withdrawal queue", address: deployment.contracts.withdrawalQueue },
    value: 0n,
    ...(options.all
      ? {
          estimateGas: () => estimateClaimAllGas(wallet, { receiver: to, deployment }),
          send: () => claimAll(wallet, { receiver: to, deployment }),
        }
      : {
          estimateGas: () => estimateClaimGas(wallet, { requestIds: ids, receiver: to, deployment }),
          send: () => claimTickets(wallet, { requestIds: ids, receiver: to, deployment }),
        }),
  });
  const claimed = parseEventLogs({
    abi: withdrawalQueueAbi,
    logs: sent.receipt.logs,
    eventName: "WithdrawalClaimed",
  });
  const paid = claimed.reduce((sum, log) => sum + log.args.assets, 0n);
  const paidIds = claimed.map((log) => log.args.requestId);
  output(
    options,
    `Claimed ${formatEth(paid)} ETH from ticket${paidIds.length > 1 ? "s" : ""} ${paidIds.map((id) => `#${id}`).join(", ")} ${inclusionWords(sent)}.`,
    { action: "claim", ...transactionJson(sent), requestIds: paidIds, assets: paid, receiver: to },
  );
}
