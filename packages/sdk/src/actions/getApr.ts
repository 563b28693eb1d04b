import { type Chain, type Client, getAbiItem, type Transport } from "viem";
import { getBlock } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as accountingAbi from "../generated/accounting.js";
import { accountingModules } from "../utils/accounting.js";
import { blockTimes, scanLogs } from "../utils/logs.js";
import { SHARE_RATE_SCALE } from "../utils/rate.js";

const reportEvent = getAbiItem({ abi: accountingAbi.ReportApplied, name: "ReportApplied" });

/** Seconds in the year APRs are quoted per: 365 days. */
export const SECONDS_PER_YEAR = 365n * 86_400n;
const DAY = 86_400n;
/** ETH per trETH is printed per 1e18 shares; share rates are scaled by 1e27. */
const RATE_TO_ETH_PER_TRETH = SHARE_RATE_SCALE / 10n ** 18n;
/** Relative growth is computed in fixed point with this many decimals before it becomes a number. */
const GROWTH_PRECISION = 10n ** 18n;

const METHOD =
  "Simple (non-compounded) annualised growth of the holder rate, by block timestamps: " +
  "APR = (rateEnd / rateStart - 1) * 365 days / (timeEnd - timeStart). " +
  "The rate is `shareRate` of each Accounting `ReportApplied` event (wei per share, 1e27 scale, after the report), " +
  "over the token's accounting module and the modules it replaced; the deployment block counts as a point at rate 1.0 " +
  "(the token is seeded 1:1). End: the latest report. Start, for the 7-day and 30-day figures: the last point " +
  "(report or deployment) whose block time is at or before now - 7 days (now - 30 days), now being the latest block's " +
  "time; since inception: the deployment. A figure is null when no report exists yet, when no point is old enough " +
  "(the history is shorter than the window), or when the start is the latest report itself (no report in the window).";

/** One applied report, as its `ReportApplied` event states it. */
export type AprReport = {
  refSlot: bigint;
  blockNumber: bigint;
  /** Unix seconds of the report's block. */
  timestamp: bigint;
  /** Holder rate after the report, wei per share scaled by 1e27 (the event's `shareRate`). */
  shareRate: bigint;
  /** ETH (wei) per trETH after the report: `shareRate / 1e9`, rounded down. */
  ethPerTrETH: bigint;
};

/** A point a figure is computed from: a report, or the deployment (`refSlot` null) at rate 1.0. */
export type AprPoint = { refSlot: bigint | null; blockNumber: bigint; timestamp: bigint; shareRate: bigint };

/** The two points behind one figure, or why there is no figure. */
export type AprWindow = { start: AprPoint; end: AprPoint; seconds: bigint } | { reason: string };

export type GetAprParameters = DeploymentParameter & {
  /** Split the event scan into ranges of at most this many blocks (default: one query, split if the node refuses). */
  maxBlockRange?: bigint | undefined;
};

export type GetAprReturnType = {
  /** Fraction per year (0.035 = 3.5%) over about the last 7 days; null when there is not enough history. */
  apr7d: number | null;
  /** Fraction per year over about the last 30 days; null when there is not enough history. */
  apr30d: number | null;
  /** Fraction per year from the deployment (rate 1.0) to the latest report; null before the first report. */
  aprSinceInception: number | null;
  /** How the figures are computed, in words. */
  method: string;
  /** The points behind each figure, or the reason it is null. */
  windows: { apr7d: AprWindow; apr30d: AprWindow; aprSinceInception: AprWindow };
  /** Unix seconds of the latest block: "now" for the windows. */
  now: bigint;
  /** Every report applied since the deployment, oldest first. */
  reports: AprReport[];
};

export type GetAprErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * The staking APR from the rate at report events: 7-day and 30-day moving figures and since
 * inception, with the method in `method` and the points used in `windows`.
 *
 * Method: simple (non-compounded) annualised growth of the holder rate between two points,
 * `(rateEnd / rateStart - 1) * 365 days / (timeEnd - timeStart)`, by block timestamps. The rate of
 * a report is the `shareRate` of its Accounting `ReportApplied` event (the holder rate after the
 * report, fees deducted); the deployment block is a point at rate 1.0. The end is the latest
 * report; the start is the last point at or before now - 7 days (30 days), "now" being the latest
 * block's time, or the deployment for the figure since inception. A figure is null before the first
 * report, when the history is shorter than its window, or when no report falls in the window.
 *
 * Reports are read from the token's current accounting module and the modules it replaced
 * (`previous()`, followed back at one round trip each). Round trips: one multicall, one log scan
 * with two block reads beside it, and block reads for the reports only if the node's logs lack
 * `blockTimestamp`.
 *
 * @example
 * import { getApr } from "@tributary/sdk";
 * const { apr7d, method } = await getApr(client);
 * console.log(apr7d === null ? "not enough history" : `${(apr7d * 100).toFixed(2)}% APR (7d)`);
 */
export async function getApr(
  client: Client<Transport, Chain | undefined>,
  parameters: GetAprParameters = {},
): Promise<GetAprReturnType> {
  const deployment = resolveDeployment(client, parameters.deployment);
  const deployedAt = BigInt(deployment.blockNumber);
  return withErrors(async () => {
    const modules = await accountingModules(client, deployment);
    const [logs, latest, deployed] = await Promise.all([
      scanLogs(client, {
        address: modules,
        event: reportEvent,
        fromBlock: deployedAt,
        maxBlockRange: parameters.maxBlockRange,
      }),
      getBlock(client, { blockTag: "latest" }),
      getBlock(client, { blockNumber: deployedAt }),
    ]);
    const times = await blockTimes(client, logs);
    const reports: AprReport[] = logs
      .slice()
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      )
      .map((log) => ({
        refSlot: log.args.refSlot,
        blockNumber: log.blockNumber,
        timestamp: times.get(log.blockNumber) ?? 0n,
        shareRate: log.args.shareRate,
        ethPerTrETH: log.args.shareRate / RATE_TO_ETH_PER_TRETH,
      }));
    const origin: AprPoint = {
      refSlot: null,
      blockNumber: deployedAt,
      timestamp: deployed.timestamp,
      shareRate: SHARE_RATE_SCALE,
    };
    return { ...aprFromPoints(origin, reports, latest.timestamp), reports };
  });
}

/**
 * The APR figures of `getApr` from points already read: the deployment (`origin`, rate 1.0), the
 * applied reports oldest first, and "now" (the latest block's time). Pure: an indexer that stores
 * the same reports gets the same figures.
 */
export function aprFromPoints(
  origin: AprPoint,
  reports: readonly AprPoint[],
  now: bigint,
): Omit<GetAprReturnType, "reports"> {
  const points: AprPoint[] = [
    origin,
    ...reports.map(({ refSlot, blockNumber, timestamp, shareRate }) => ({
      refSlot,
      blockNumber,
      timestamp,
      shareRate,
    })),
  ];
  const end = reports.length > 0 ? (points[points.length - 1] as AprPoint) : null;
  const window = (start: AprPoint | undefined, label: string): AprWindow => {
    if (!end) return { reason: "no report has been applied yet" };
    if (!start)
      return { reason: `the history is shorter than ${label}: no point at or before now - ${label}` };
    if (start === end || end.timestamp <= start.timestamp) {
      return { reason: `no report in the last ${label}: the latest report is the window's start` };
    }
    return { start, end, seconds: end.timestamp - start.timestamp };
  };
  const lastAtOrBefore = (time: bigint) => points.filter((p) => p.timestamp <= time).pop();
  const windows = {
    apr7d: window(lastAtOrBefore(now - 7n * DAY), "7 days"),
    apr30d: window(lastAtOrBefore(now - 30n * DAY), "30 days"),
    aprSinceInception: window(origin, "the time since deployment"),
  };
  return {
    apr7d: aprOf(windows.apr7d),
    apr30d: aprOf(windows.apr30d),
    aprSinceInception: aprOf(windows.aprSinceInception),
    method: METHOD,
    windows,
    now,
  };
}

/** `(rateEnd / rateStart - 1) * year / seconds`, the ratio in 18-decimal fixed point first. */
function aprOf(window: AprWindow): number | null {
  if ("reason" in window || window.start.shareRate === 0n) return null;
  const growth =
    ((window.end.shareRate - window.start.shareRate) * GROWTH_PRECISION) / window.start.shareRate;
  return (Number(growth) / Number(GROWTH_PRECISION)) * (Number(SECONDS_PER_YEAR) / Number(window.seconds));
}
