/**
 * The frame's report, computed from its inputs alone (no I/O but the injected finalization cost),
 * so that members reading the same chain produce byte-identical reports.
 */
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import { GWEI, type Outcome, ReportRefusal, simulateReport } from "./accountingMath.js";
import { type ExitPlan, exitListHash, packExitList, planExits } from "./exits.js";
import { type OperatorFrame, operatorFrames, operatorLoss, snapshotOf } from "./operators.js";
import { nextTree, ZERO_ROOT } from "./tree.js";
import type { ExitEntry, ReportInput, RewardsTreeState, Snapshot } from "./types.js";

/** The report as `Accounting.submitReportData` takes it (IAccounting.Report). */
export interface Report {
  consensusVersion: bigint;
  refSlot: bigint;
  clValidators: bigint;
  clBalance: bigint;
  withdrawalVaultAmount: bigint;
  elRewardsVaultAmount: bigint;
  exitedValidators: bigint;
  operatorChanges: {
    operatorId: bigint;
    exitedValidators: bigint;
    withdrawnValidators: bigint;
    loss: bigint;
  }[];
  rewardsRoot: Hex;
  operatorCommission: bigint;
  lastRequestIdToFinalize: bigint;
  exitRequestsHash: Hex;
  exitRequestsCount: bigint;
}

export const REPORT_ABI_PARAMETERS = [
  {
    type: "tuple",
    components: [
      { name: "consensusVersion", type: "uint256" },
      { name: "refSlot", type: "uint256" },
      { name: "clValidators", type: "uint256" },
      { name: "clBalance", type: "uint256" },
      { name: "withdrawalVaultAmount", type: "uint256" },
      { name: "elRewardsVaultAmount", type: "uint256" },
      { name: "exitedValidators", type: "uint256" },
      {
        name: "operatorChanges",
        type: "tuple[]",
        components: [
          { name: "operatorId", type: "uint256" },
          { name: "exitedValidators", type: "uint256" },
          { name: "withdrawnValidators", type: "uint256" },
          { name: "loss", type: "uint256" },
        ],
      },
      { name: "rewardsRoot", type: "bytes32" },
      { name: "operatorCommission", type: "uint256" },
      { name: "lastRequestIdToFinalize", type: "uint256" },
      { name: "exitRequestsHash", type: "bytes32" },
      { name: "exitRequestsCount", type: "uint256" },
    ],
  },
] as const;

/** keccak256(abi.encode(report)): the hash members vote. */
export function reportHash(report: Report): Hex {
  return keccak256(encodeAbiParameters(REPORT_ABI_PARAMETERS, [report]));
}

export interface ComputedReport {
  report: Report;
  hash: Hex;
  /** What the contract will do with it (same arithmetic). */
  outcome: Outcome;
  /** The report's commission by operator id, wei: allocated in the next report's tree. */
  commissionSplit: Record<string, bigint>;
  /** The tree this report's root names (unchanged when the root is zero). */
  tree: RewardsTreeState;
  exitList: { entries: ExitEntry[]; data: Hex; demand: bigint; comingBack: bigint };
  /** Operator sums at this reference slot, for the next report. */
  snapshot: Snapshot;
  /** Figures for logs and the published report. */
  details: {
    vaultBalance: bigint;
    vaultWithdrawals: bigint;
    newElRewards: bigint;
    protocolProposals: number;
    available: bigint;
    owed: bigint;
    /** The commission the rules give before the contract's caps scaled it (equal when none applied). */
    commissionUncapped: bigint;
    /** The loss would need every member (above the quorum's bound). */
    needsUnanimity: boolean;
    operators: OperatorFrame[];
  };
}

export async function computeReport(input: ReportInput): Promise<ComputedReport> {
  const frames = operatorFrames(
    input.validators,
    input.history,
    input.previous,
    input.operators,
    input.refEpoch,
  );
  const opById = new Map(input.operators.map((o) => [o.id, o]));
  let clValidators = 0;
  let clBalanceGwei = 0n;
  let exitedValidators = 0;
  let protocolProposals = 0;
  for (const f of frames.values()) {
    clValidators += f.seen;
    clBalanceGwei += f.balanceGwei;
    exitedValidators += f.exited;
    protocolProposals += f.proposals;
  }
  // Never below what the contract already holds (a cumulative count cannot go back).
  clValidators = Math.max(clValidators, Number(input.accounting.lastClValidators));
  exitedValidators = Math.max(exitedValidators, Number(input.accounting.lastExitedValidators));

  // The vault's balance at the reference block: the frame's withdrawals (from the beacon blocks),
  // the rest EL rewards (including those earlier reports held back).
  const vaultBalance = input.accounting.vaultBalance;
  const vaultWithdrawals = input.history.vaultWithdrawalsGwei * GWEI;
  const withdrawalVaultAmount = vaultWithdrawals < vaultBalance ? vaultWithdrawals : vaultBalance;
  const elRewardsVaultAmount = vaultBalance - withdrawalVaultAmount;
  const newElRewards =
    elRewardsVaultAmount > input.heldBackElRewards ? elRewardsVaultAmount - input.heldBackElRewards : 0n;

  const operatorChanges: Report["operatorChanges"] = [];
  const commissions = new Map<number, bigint>();
  for (const f of frames.values()) {
    const op = opById.get(f.id);
    if (!op) continue;
    const loss = operatorLoss(f, op);
    if (f.exited !== op.exitedKeys || f.withdrawn !== op.withdrawnKeys || loss > 0n) {
      operatorChanges.push({
        operatorId: BigInt(f.id),
        exitedValidators: BigInt(f.exited),
        withdrawnValidators: BigInt(f.withdrawn),
        loss,
      });
    }
    const clRewards = f.clNetGwei > 0n ? f.clNetGwei * GWEI : 0n;
    const elShare =
      protocolProposals > 0 ? (newElRewards * BigInt(f.proposals)) / BigInt(protocolProposals) : 0n;
    const commission = ((clRewards + elShare) * BigInt(op.commissionBps)) / 10_000n;
    if (commission > 0n) commissions.set(f.id, commission);
  }
  let commissionUncapped = 0n;
  for (const c of commissions.values()) commissionUncapped += c;

  const base = {
    refSlot: BigInt(input.refSlot),
    clValidators: BigInt(clValidators),
    clBalance: clBalanceGwei * GWEI,
    withdrawalVaultAmount,
    elRewardsVaultAmount,
    exitedValidators: BigInt(exitedValidators),
    operatorChanges,
  };
  // Simulated as if every member agreed: whether the loss needs them all is reported apart.
  const state = { ...input.accounting, support: input.accounting.members };
  const fitted = fitCommission(commissions, commissionUncapped, (operatorCommission) =>
    simulateReport({ ...base, operatorCommission }, state),
  );
  const outcome = fitted.outcome;
  let needsUnanimity = false;
  try {
    simulateReport({ ...base, operatorCommission: fitted.total }, input.accounting);
  } catch (error) {
    if (error instanceof ReportRefusal && error.errorName === "AccountingLossNeedsUnanimity")
      needsUnanimity = true;
  }

  // Finalization: the longest run of requests the token's ETH after the report pays, at its rate.
  const available = input.tokenBalance + outcome.wvPull + outcome.elPull;
  const { lastId, cost } = await lastFinalizable(input, outcome.shareRate, available);
  const owedAll =
    input.queue.lastRequestId > input.queue.lastFinalizedRequestId
      ? await input.finalizationCost(input.queue.lastRequestId, outcome.shareRate)
      : 0n;
  const exited = new Map<number, number>([...frames.values()].map((f) => [f.id, f.exited]));
  const plan: ExitPlan = planExits({
    validators: input.validators,
    refEpoch: input.refEpoch,
    shardCommitteePeriod: input.shardCommitteePeriod,
    owed: owedAll - cost,
    available: available - cost,
    previousList: input.previousExitList,
    exited,
  });
  // A list whose validators an earlier, still enforceable list already names is not named again.
  const previousHash = exitListHash(input.previousExitList);
  const newHash = exitListHash(plan.entries);
  const exitEntries = newHash === previousHash ? [] : plan.entries;

  const tree = nextTree(input.tree, input.unallocated, input.operators);
  const rewardsRoot = tree.root !== input.tree.root ? tree.root : ZERO_ROOT;

  const report: Report = {
    consensusVersion: input.consensusVersion,
    ...base,
    rewardsRoot,
    operatorCommission: fitted.total,
    lastRequestIdToFinalize: lastId,
    exitRequestsHash: exitListHash(exitEntries),
    exitRequestsCount: BigInt(exitEntries.length),
  };
  const commissionSplit: Record<string, bigint> = {};
  for (const [id, c] of fitted.split) commissionSplit[String(id)] = c;
  return {
    report,
    hash: reportHash(report),
    outcome,
    commissionSplit,
    tree,
    exitList: {
      entries: exitEntries,
      data: packExitList(exitEntries),
      demand: plan.demand,
      comingBack: plan.comingBack,
    },
    snapshot: snapshotOf(input.refSlot, frames),
    details: {
      vaultBalance,
      vaultWithdrawals,
      newElRewards,
      protocolProposals,
      available,
      owed: owedAll,
      commissionUncapped,
      needsUnanimity,
      operators: [...frames.values()],
    },
  };
}

/**
 * The commission the contract accepts: the rules' figure, or, when the contract's caps (the
 * commission limit on net rewards, fees above rewards) refuse it, the largest total it accepts,
 * shared in proportion (each operator's part rounded down). Other refusals are thrown.
 */
function fitCommission(
  commissions: ReadonlyMap<number, bigint>,
  total: bigint,
  simulate: (commission: bigint) => Outcome,
): { total: bigint; split: Map<number, bigint>; outcome: Outcome } {
  const attempt = (c: bigint): Outcome | undefined => {
    try {
      return simulate(c);
    } catch (error) {
      if (error instanceof ReportRefusal && error.errorName === "AccountingCommissionTooHigh")
        return undefined;
      throw error;
    }
  };
  const full = attempt(total);
  if (full) return { total, split: new Map(commissions), outcome: full };
  // Largest accepted total, by bisection (acceptance is monotonic in the commission).
  let lo = 0n;
  let hi = total;
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (attempt(mid)) lo = mid;
    else hi = mid;
  }
  const split = new Map<number, bigint>();
  let sum = 0n;
  for (const [id, c] of commissions) {
    const part = (c * lo) / total;
    if (part > 0n) split.set(id, part);
    sum += part;
  }
  const outcome = attempt(sum) ?? simulate(0n);
  return { total: outcome === undefined ? 0n : sum, split, outcome };
}

/** Largest request id the ETH `available` finalizes at `rate` (the last finalized one if none). */
async function lastFinalizable(
  input: ReportInput,
  rate: bigint,
  available: bigint,
): Promise<{ lastId: bigint; cost: bigint }> {
  const { lastRequestId, lastFinalizedRequestId } = input.queue;
  if (lastRequestId <= lastFinalizedRequestId) return { lastId: 0n, cost: 0n };
  const all = await input.finalizationCost(lastRequestId, rate);
  if (all <= available) return { lastId: lastRequestId, cost: all };
  let lo = lastFinalizedRequestId; // affordable (cost 0)
  let loCost = 0n;
  let hi = lastRequestId; // not affordable
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    const c = await input.finalizationCost(mid, rate);
    if (c <= available) {
      lo = mid;
      loCost = c;
    } else hi = mid;
  }
  return { lastId: lo === lastFinalizedRequestId ? 0n : lo, cost: loCost };
}
