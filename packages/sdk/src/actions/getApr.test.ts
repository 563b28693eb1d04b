import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { numberToHex } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { getApr } from "./getApr.js";
import { getRate } from "./getRate.js";

const DAY = 86_400n;
const YEAR = 365n * DAY;

/** The rate (ETH per trETH, 1e18) and time at every report block, read independently of getApr. */
type Point = { timestamp: bigint; ethPerTrETH: bigint };

/** Simple annualised growth between two points, computed here from getRate at their blocks. */
function expected(start: Point, end: Point): number {
  const growth = Number(end.ethPerTrETH - start.ethPerTrETH) / Number(start.ethPerTrETH);
  return (growth * Number(YEAR)) / Number(end.timestamp - start.timestamp);
}

describe("getApr", () => {
  let t: TestProtocol;
  /** Deployment point and one point per report. */
  const points: Point[] = [];
  before(async () => {
    t = await startTestProtocol();
    const block = await t.local.publicClient.getBlock({ blockNumber: BigInt(t.deployment.blockNumber) });
    points.push({ timestamp: block.timestamp, ethPerTrETH: 10n ** 18n });
  });
  after(() => t?.stop());

  /** Applies a report and records its block's time and rate (getRate at that block). */
  const report = async (warmUp = false) => {
    const { scenario, local, deployment } = t;
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, warmUp));
    const block = await local.publicClient.getBlock();
    const rate = await getRate(local.publicClient, { deployment, blockNumber: block.number });
    points.push({ timestamp: block.timestamp, ethPerTrETH: rate.ethPerTrETH });
  };
  const lastAtOrBefore = (time: bigint) => points.filter((p) => p.timestamp <= time).pop() as Point;
  const near = (actual: number | null, wanted: number, what: string) => {
    assert.ok(actual !== null, `${what} is a figure`);
    assert.ok(Math.abs(actual - wanted) < 1e-9, `${what}: ${actual} vs ${wanted} computed from getRate`);
  };

  it("has no figure before the first report", async () => {
    const apr = await getApr(t.local.publicClient, { deployment: t.deployment });
    assert.equal(apr.reports.length, 0, "no reports");
    assert.equal(apr.apr7d, null, "no 7-day figure");
    assert.equal(apr.apr30d, null, "no 30-day figure");
    assert.equal(apr.aprSinceInception, null, "no figure since inception");
    assert.ok("reason" in apr.windows.aprSinceInception, "says why");
    assert.match(apr.method, /365 days/, "states the method");
  });

  it("gives the figure since inception from the first reports, not yet 7 days", async () => {
    await t.scenario.addOperators(2);
    await report(true);
    for (let i = 0; i < 3; i++) await report();
    const apr = await getApr(t.local.publicClient, { deployment: t.deployment });
    assert.equal(apr.reports.length, 4, "four reports");
    for (const [i, r] of apr.reports.entries()) {
      const point = points[i + 1] as Point;
      assert.equal(r.timestamp, point.timestamp, `report ${i} time is its block's`);
      assert.ok(
        r.ethPerTrETH - point.ethPerTrETH <= 1n && point.ethPerTrETH - r.ethPerTrETH <= 1n,
        `report ${i} rate ${r.ethPerTrETH} matches getRate ${point.ethPerTrETH}`,
      );
    }
    assert.equal(apr.apr7d, null, "under 7 days of history");
    assert.match((apr.windows.apr7d as { reason: string }).reason, /shorter than 7 days/, "why");
    near(apr.aprSinceInception, expected(points[0] as Point, points[4] as Point), "since inception");
    assert.ok((apr.aprSinceInception as number) > 0, "rewards make it positive");
  });

  it("gives 7-day and 30-day figures once the history is long enough", async () => {
    for (let i = 0; i < 5; i++) await report();
    let apr = await getApr(t.local.publicClient, { deployment: t.deployment });
    const now = (await t.local.publicClient.getBlock()).timestamp;
    assert.equal(apr.now, now, "now is the latest block's time");
    const end = points[points.length - 1] as Point;
    near(apr.apr7d, expected(lastAtOrBefore(now - 7n * DAY), end), "7 days");
    assert.equal(apr.apr30d, null, "under 30 days");
    // Three weeks without reports, then daily reports again: the 30-day window now reaches back
    // to a report, and the 7-day window starts at the report before the gap.
    await t.local.publicClient.request({
      method: "evm_increaseTime",
      params: [numberToHex(21n * DAY)],
    } as never);
    for (let i = 0; i < 3; i++) await report();
    apr = await getApr(t.local.publicClient, { deployment: t.deployment });
    const later = (await t.local.publicClient.getBlock()).timestamp;
    const last = points[points.length - 1] as Point;
    const start30 = lastAtOrBefore(later - 30n * DAY);
    assert.notEqual(start30, points[0], "the 30-day window starts at a report");
    near(apr.apr30d, expected(start30, last), "30 days");
    near(apr.apr7d, expected(lastAtOrBefore(later - 7n * DAY), last), "7 days over the gap");
    near(apr.aprSinceInception, expected(points[0] as Point, last), "since inception");
    const window = apr.windows.apr30d;
    assert.ok(!("reason" in window) && window.start.timestamp === start30.timestamp, "the start is shown");
  });
});
