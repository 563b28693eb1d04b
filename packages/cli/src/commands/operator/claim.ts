import { fetchCommissionProof } from "@tributary/operator";
import { claimCommission, estimateClaimCommissionGas, simulateClaimCommission } from "@tributary/sdk";
import { usageError } from "../../exit.js";
import { formatEth } from "../../format.js";
import { output } from "../../output.js";
import { connectSigner, execute, inclusionWords, transactionJson } from "../../transaction.js";
import { type OperatorOptions, operatorIdOf } from "./common.js";

/**
 * `tributary operator claim --oracle-url <url>`: the operator's leaf and proof from an oracle
 * member, checked against the distributor's root (the SDK refuses a proof that does not lead to it),
 * then claimed.
 */
export async function claim(options: OperatorOptions & { oracleUrl?: string }): Promise<void> {
  if (!options.oracleUrl)
    throw usageError("--oracle-url (or TRIBUTARY_ORACLE_URL) is required: an oracle member's HTTP server.");
  const context = await connectSigner(options);
  const { wallet, deployment } = context;
  const operatorId = await operatorIdOf(context, options);
  const proof = await fetchCommissionProof(options.oracleUrl, operatorId);
  const parameters = {
    operatorId,
    account: proof.account,
    cumulativeShares: proof.cumulativeShares,
    proof: proof.proof,
    deployment,
  };
  const { result: shares } = await simulateClaimCommission(wallet, parameters);
  const sent = await execute(context, {
    description: `Claim ${formatEth(shares)} trETH of operator ${operatorId}'s commission for ${proof.account} (tree of slot ${proof.refSlot}).`,
    to: { name: "RewardsDistributor", address: deployment.contracts.rewardsDistributor },
    value: 0n,
    estimateGas: () => estimateClaimCommissionGas(wallet, parameters),
    send: () => claimCommission(wallet, parameters),
  });
  output(options, `Claimed ${formatEth(shares)} trETH of commission ${inclusionWords(sent)}.`, {
    action: "operator claim",
    ...transactionJson(sent),
    operatorId,
    account: proof.account,
    shares,
    refSlot: proof.refSlot,
  });
}
