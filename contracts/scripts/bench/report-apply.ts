import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEther } from "viem";
import { startLocalProtocol } from "../../lib/bench.js";
import { devAccount } from "../../lib/devkeys.js";
import { MEMBER_INDEXES, QUORUM, Scenario } from "../../lib/scenario.js";

async function withScenario<T>(operators: number, run: (s: Scenario) => Promise<T>): Promise<T> {
  const members = MEMBER_INDEXES.map((i) => devAccount(i).address);
  const local = await startLocalProtocol({ oracle: { members, quorum: QUORUM } });
  try {
    const scenario = new Scenario(local);
    for (const member of members) await scenario.fund(member, parseEther("100"));
    await scenario.addOperators(operators);
    // A first report (storage written from zero) before the measured steady state.
    const refSlot = await scenario.nextFrame();
    await scenario.applyReport(await scenario.typicalReport(refSlot, 0n, true));
    return await run(scenario);
  } finally {
    await local.stop();
  }
}

/**
 * Gas of the transaction that submits an agreed report (after the quorum's votes), steady state.
 * The four keys the design's bar applies to measure the typical daily report (see `typicalReport`:
 * rewards, skimmed withdrawals, EL rewards, a new rewards root, finalization of pending requests;
 * no operator loss, no exit list): with 10 and 1,000 operators (no requests), and finalizing 1 and
 * 500 requests (10 operators). `report_apply_with_loss` is the rare heavy report (one operator's
 * loss burning bond shares, a new exit list, one request finalized), kept so that nothing is hidden.
 */
export async function measureReportApply(): Promise<Record<string, number>> {
  const gas: Record<string, number> = {};
  await withScenario(10, async (s) => {
    gas.report_apply_10_ops = await s.applyReport(await s.typicalReport(await s.nextFrame(), 0n));
    const one = await s.requests(1);
    gas.report_apply_1_req = await s.applyReport(await s.typicalReport(await s.nextFrame(), one));
    const many = await s.requests(500);
    gas.report_apply_500_req = await s.applyReport(await s.typicalReport(await s.nextFrame(), many));
    const next = await s.requests(1);
    gas.report_apply_with_loss = await s.applyReport(
      await s.typicalReport(await s.nextFrame(), next, false, true),
    );
  });
  if (process.env.REPORT_ONLY_SMALL) return gas;
  await withScenario(1000, async (s) => {
    gas.report_apply_1000_ops = await s.applyReport(await s.typicalReport(await s.nextFrame(), 0n));
  });
  return gas;
}

const invokedDirectly = process.argv.some((arg) => resolve(arg) === fileURLToPath(import.meta.url));
if (invokedDirectly) {
  console.log(await measureReportApply());
}

/** The 1,000-operator and 500-request figures are within `tolerance` of the 10-operator and 1-request ones. */
export function isReportApplyFlat(gas: Record<string, number>, tolerance = 0.05): boolean {
  const pairs: [string, string][] = [
    ["report_apply_10_ops", "report_apply_1000_ops"],
    ["report_apply_1_req", "report_apply_500_req"],
  ];
  return pairs.every(([base, scaled]) => {
    const a = gas[base];
    const b = gas[scaled];
    return a === undefined || b === undefined || b <= a * (1 + tolerance);
  });
}
