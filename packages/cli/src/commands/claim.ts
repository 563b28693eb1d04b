import {
  claimAll,
  claim as claimTicket,
  estimateClaimAllGas,
  estimateClaimGas,
  simulateClaim,
  simulateClaimAll,
} from "@tributary/sdk";
import { withdrawalQueueAbi } from "@tributary/sdk/abis";
import { type Hash, parseEventLogs } from "viem";
import { usageError } from "../exit.js";
import { formatEth } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAddress, parseId } from "../parse.js";
import { connectSigner, execute, inclusionWords, logsOf, transactionJson } from "../transaction.js";

type ClaimOptions = GlobalOptions & { all: boolean; receiver?: string; weth: boolean };

/**
 * `tributary claim [requestId...] | --all`: pays out finalized withdrawal tickets. In ETH the queue
 * pays one ticket per transaction; with --weth several tickets go in one (trETH's `redeem` with
 * ids). The SDK checks each ticket first (finalized, unclaimed, held by the account).
 */
export async function claim(idTexts: string[], options: ClaimOptions): Promise<void> {
  if (options.all && idTexts.length) throw usageError("Give ticket ids or --all, not both.");
  if (!options.all && !idTexts.length) throw usageError("Give the ids of the tickets to claim, or --all.");
  const ids = [...new Set(idTexts.map((text) => parseId(text, "requestId", "withdrawal request id")))];
  const receiver = options.receiver === undefined ? undefined : parseAddress(options.receiver, "receiver");
  const context = await connectSigner(options);
  const { wallet, account, deployment } = context;
  const to = receiver ?? account.address;
  const asWeth = options.weth;
  const common = { receiver: to, asWeth, deployment };

  let plan: {
    ids: bigint[];
    total: bigint;
    transactions: number;
    estimateGas(): Promise<bigint>;
    send(): Promise<Hash | readonly Hash[]>;
  };
  if (options.all) {
    const simulated = await simulateClaimAll(wallet, common);
    plan = {
      ids: simulated.requestIds,
      total: simulated.result,
      transactions: simulated.requests.length,
      estimateGas: () => estimateClaimAllGas(wallet, common),
      send: () => claimAll(wallet, common),
    };
  } else if (asWeth && ids.length > 1) {
    const parameters = { ...common, requestIds: ids };
    const simulated = await simulateClaim(wallet, parameters);
    plan = {
      ids,
      total: simulated.result,
      transactions: 1,
      estimateGas: () => estimateClaimGas(wallet, parameters),
      send: () => claimTicket(wallet, parameters),
    };
  } else {
    const each = ids.map((requestId) => ({ ...common, requestId }));
    const simulated = await Promise.all(each.map((parameters) => simulateClaim(wallet, parameters)));
    plan = {
      ids,
      total: simulated.reduce((sum, s) => sum + s.result, 0n),
      transactions: each.length,
      estimateGas: async () =>
        (await Promise.all(each.map((parameters) => estimateClaimGas(wallet, parameters)))).reduce(
          (sum, gas) => sum + gas,
          0n,
        ),
      send: async () => {
        const hashes: Hash[] = [];
        for (const parameters of each) hashes.push(await claimTicket(wallet, parameters));
        return hashes;
      },
    };
  }
  const unit = asWeth ? "WETH" : "ETH";
  const list = plan.ids.map((id) => `#${id}`).join(", ");
  const plural = plan.ids.length > 1 ? "s" : "";
  const sent = await execute(context, {
    description: `Claim ${formatEth(plan.total)} ${unit} from ticket${plural} ${list}${to === account.address ? "" : `, paid to ${to}`}.`,
    to:
      asWeth && plan.ids.length > 1
        ? { name: "trETH", address: deployment.contracts.token }
        : { name: "withdrawal queue", address: deployment.contracts.withdrawalQueue },
    value: 0n,
    transactions: plan.transactions,
    estimateGas: plan.estimateGas,
    send: plan.send,
  });
  const events = parseEventLogs({
    abi: withdrawalQueueAbi,
    logs: logsOf(sent),
    eventName: "WithdrawalClaimed",
  });
  const paid = events.length ? events.reduce((sum, log) => sum + log.args.assets, 0n) : plan.total;
  const paidIds = events.length ? events.map((log) => log.args.requestId) : plan.ids;
  output(
    options,
    `Claimed ${formatEth(paid)} ${unit} from ticket${paidIds.length > 1 ? "s" : ""} ${paidIds.map((id) => `#${id}`).join(", ")} ${inclusionWords(sent)}.`,
    { action: "claim", ...transactionJson(sent), requestIds: paidIds, assets: paid, asWeth, receiver: to },
  );
}
