import { fetchCommissionProof, getOperatorStatus, type OperatorStatus } from "@tributary/operator";
import { rewardsDistributorAbi } from "@tributary/sdk/abis";
import { connect } from "../../context.js";
import { formatDuration, formatEth, formatTime } from "../../format.js";
import { output } from "../../output.js";
import { parseId } from "../../parse.js";
import { connectSigner } from "../../transaction.js";
import { bpsWords, type OperatorOptions, operatorIdOf } from "./common.js";

/**
 * `tributary operator status [--guardian-urls a,b] [--oracle-url u]`: keys, bond, commission, debt,
 * what blocks vetting (from the guardians), pending exit requests with their deadline and the risk
 * of missing one, and the commission claimable (from an oracle member).
 */
export async function status(
  options: OperatorOptions & { guardianUrls?: string; oracleUrl?: string },
): Promise<void> {
  let context: Awaited<ReturnType<typeof connect>>;
  let operatorId: bigint;
  if (options.operatorId !== undefined) {
    context = await connect(options);
    operatorId = parseId(options.operatorId, "operator-id", "operator id");
  } else {
    const signer = await connectSigner(options);
    context = signer;
    operatorId = await operatorIdOf(signer, options);
  }
  const { client, deployment } = context;
  const guardianUrls = (options.guardianUrls ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);
  const result = await getOperatorStatus(client, { deployment, operatorId, guardianUrls });
  let commission: { cumulativeShares: bigint; claimed: bigint; claimable: bigint; refSlot: number } | null =
    null;
  if (options.oracleUrl) {
    const [proof, claimed] = await Promise.all([
      fetchCommissionProof(options.oracleUrl, operatorId),
      client.readContract({
        address: deployment.contracts.rewardsDistributor,
        abi: rewardsDistributorAbi,
        functionName: "claimed",
        args: [operatorId],
      }),
    ]);
    const claimable = proof.cumulativeShares > claimed ? proof.cumulativeShares - claimed : 0n;
    commission = { cumulativeShares: proof.cumulativeShares, claimed, claimable, refSlot: proof.refSlot };
  }
  output(options, () => statusText(result, commission), {
    operatorId,
    ...result,
    commission,
  });
}

function statusText(s: OperatorStatus, commission: { claimable: bigint; refSlot: number } | null): string {
  const o = s.operator;
  const lines = [
    `Operator ${o.operatorId}${o.curated ? " (curated)" : ""}: manager ${o.manager}, rewards to ${o.rewardAddress}`,
    `  keys        ${o.keys.total} total, ${o.keys.vetted} vetted, ${o.keys.deposited} deposited, ${o.keys.exited} exited, ${o.keys.withdrawn} withdrawn`,
    `  bond        ${formatEth(o.bondValue)} ETH held, ${formatEth(o.requiredBond)} ETH required${o.bondTopUp > 0n ? ` — short by ${formatEth(o.bondTopUp)} ETH: \`tributary operator bond top-up ${formatEth(o.bondTopUp)}\`` : ""}`,
    `  commission  ${bpsWords(o.commissionBps)}${o.pendingCommission ? `, ${bpsWords(o.pendingCommission.commissionBps)} from ${formatTime(o.pendingCommission.effectiveAt)}` : ""}`,
    `  debt        ${formatEth(o.debt)} ETH`,
  ];
  if (commission)
    lines.push(
      `  claimable   ${formatEth(commission.claimable)} trETH (tree of slot ${commission.refSlot}): \`tributary operator claim\``,
    );
  for (const g of s.guardians) {
    lines.push(
      g.error
        ? `  guardian    ${g.url}: not reachable (${g.error})`
        : `  guardian    ${g.url}: signs ${g.vettable} keys as vettable${g.blocked ? `; key ${g.blocked.index} blocks: ${g.blocked.reason} (${g.blocked.detail})` : ""}`,
    );
  }
  if (s.vettingAdvice) lines.push(`  vetting     ${s.vettingAdvice}`);
  if (s.exitRequests.length === 0) lines.push("  exits       no pending exit request");
  for (const r of s.exitRequests) {
    const left = r.secondsLeft > 0 ? `${formatDuration(r.secondsLeft)} left` : "MISSED";
    lines.push(
      `  exit        key ${r.keyIndex} ${r.pubkey}: exit by ${formatTime(r.deadline)} (${left})${r.forcedAt > 0 ? `, forced at ${formatTime(r.forcedAt)}` : ""}`,
    );
  }
  if (s.exitRequests.length > 0)
    lines.push(
      `  risk        a validator not exited by its deadline is exited through EIP-7002 by anyone, and ${formatEth(s.missedExitPenalty)} ETH is taken from the bond (deadline ${formatDuration(s.exitDeadlineSeconds)} after each list). Run the exit daemon: \`tributary operator exit-daemon\`.`,
    );
  return lines.join("\n");
}
