import { estimateSetCommissionGas, getOperator, setCommission as sdkSetCommission } from "@tributary/sdk";
import { operatorRegistryAbi } from "@tributary/sdk/abis";
import { formatDuration, formatTime } from "../../format.js";
import { output } from "../../output.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../../transaction.js";
import { bpsWords, type OperatorOptions, operatorIdOf, parseBps } from "./common.js";

/** `tributary operator set-commission <bps>`: a decrease applies at once; an increase after the delay, shown. */
export async function setCommission(bpsText: string, options: OperatorOptions): Promise<void> {
  const commissionBps = parseBps(bpsText, "commission");
  const context = await connectSigner(options);
  const { client, wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const [operator, delay] = await Promise.all([
    getOperator(client, { operatorId, deployment }),
    client.readContract({
      address: deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "commissionIncreaseDelay",
    }),
  ]);
  const increase = commissionBps > operator.commissionBps;
  const parameters = { operatorId, commissionBps, deployment };
  const sent = await execute(context, {
    description: increase
      ? `Raise operator ${operatorId}'s commission from ${bpsWords(operator.commissionBps)} to ${bpsWords(commissionBps)}: it takes effect ${formatDuration(Number(delay))} after this transaction.`
      : `Set operator ${operatorId}'s commission to ${bpsWords(commissionBps)} (from ${bpsWords(operator.commissionBps)}), at once.`,
    to: { name: "OperatorRegistry", address: deployment.contracts.operatorRegistry },
    value: 0n,
    estimateGas: () => estimateSetCommissionGas(wallet, parameters),
    send: () => sdkSetCommission(wallet, parameters),
  });
  const after = await getOperator(client, { operatorId, deployment });
  const effectiveAt = after.pendingCommission?.effectiveAt ?? null;
  output(
    options,
    effectiveAt !== null
      ? `Commission ${bpsWords(commissionBps)} scheduled ${inclusionWords(sent)}: it takes effect at ${formatTime(effectiveAt)}; ${bpsWords(after.commissionBps)} until then.`
      : `Commission set to ${bpsWords(commissionBps)} ${inclusionWords(sent)}.`,
    {
      action: "operator set-commission",
      ...transactionJson(sent),
      operatorId,
      commissionBps,
      inForceBps: after.commissionBps,
      effectiveAt,
    },
  );
}
