import { estimateRegisterOperatorGas, registerOperator, simulateRegisterOperator } from "@tributary/sdk";
import { formatEth } from "../../format.js";
import { output } from "../../output.js";
import { parseAddress, parseAmount } from "../../parse.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../../transaction.js";
import { bpsWords, type OperatorOptions, parseBps } from "./common.js";

/**
 * `tributary operator register --reward-address <a> --commission <bps> [--bond <eth>]`: the SDK
 * checks the commission against the registry's cap (`OperatorRegistryCommissionTooHigh`, naming
 * both) before anything is sent.
 */
export async function register(
  options: OperatorOptions & { rewardAddress: string; commission: string; bond?: string },
): Promise<void> {
  const rewardAddress = parseAddress(options.rewardAddress, "reward-address");
  const commissionBps = parseBps(options.commission, "commission");
  const bond = options.bond === undefined ? 0n : parseAmount(options.bond, "bond", "ETH");
  const context = await connectSigner(options);
  const { wallet, deployment } = context;
  const parameters = { rewardAddress, commissionBps, bond, deployment };
  const { result: operatorId } = await simulateRegisterOperator(wallet, parameters);
  const sent = await execute(context, {
    description: `Register as operator ${operatorId} with a commission of ${bpsWords(commissionBps)}, rewards to ${rewardAddress}${bond > 0n ? `, posting ${formatEth(bond)} ETH of bond` : ""}.`,
    to: { name: "OperatorRegistry", address: deployment.contracts.operatorRegistry },
    value: bond,
    estimateGas: () => estimateRegisterOperatorGas(wallet, parameters),
    send: () => registerOperator(wallet, parameters),
  });
  output(options, `Registered operator ${operatorId} ${inclusionWords(sent)}.`, {
    action: "operator register",
    ...transactionJson(sent),
    operatorId,
    rewardAddress,
    commissionBps,
    bond,
  });
}
