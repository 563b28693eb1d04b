/**
 * The oracle member's Prometheus metrics, on `DaemonMetrics` (a registry of its own with the
 * process's default metrics, the Beacon API and JSON-RPC request counters through `beaconHooks`
 * and `rpcHooks`, and the account balance). Names end in their unit.
 */

import { DaemonMetrics } from "@tributary/daemon/metrics";

/** Report computation times: from well under a second (the bar) to a slow minute. */
const COMPUTE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

export interface MetricsOptions {
  /** Collect the process's default metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean | undefined;
}

/**
 * @example
 * const metrics = new Metrics();
 * const beacon = new BeaconClient({ url, hooks: metrics.beaconHooks });
 * const report = await metrics.timeCompute(() => computeReport(...));
 * metrics.lastComputedRefSlot.set(refSlot);
 */
export class Metrics extends DaemonMetrics {
  /** Reference slot of the last report the contracts accepted (read from the chain). */
  readonly lastReportedRefSlot = this.gauge(
    "oracle_last_reported_ref_slot",
    "Reference slot of the last report accepted on chain",
  );
  /** Reference slot of the last report this member computed. */
  readonly lastComputedRefSlot = this.gauge(
    "oracle_last_computed_ref_slot",
    "Reference slot of the last report this member computed",
  );
  /** Time to compute one report (state read included). */
  readonly reportComputeSeconds = this.histogram(
    "oracle_report_compute_seconds",
    "Time to compute one report, reading the state included",
    COMPUTE_BUCKETS_SECONDS,
  );
  /** Hash votes sent to HashConsensus. */
  readonly votes = this.counter("oracle_votes_total", "Report hashes voted in HashConsensus");
  /** Report data submitted to Accounting. */
  readonly submissions = this.counter("oracle_submissions_total", "Report data submitted to Accounting");
  /** Transactions the contracts refused, by decoded error name. */
  readonly reportRefusals = this.counter(
    "oracle_report_refusals_total",
    "Votes or submissions the contracts refused, by decoded error name",
    ["error"],
  );
  /** Frames where the consensus hash differed from this member's. */
  readonly disagreements = this.counter(
    "oracle_disagreements_total",
    "Frames where the quorum's report hash differed from this member's",
  );
  /** Slots between the latest reference slot a report is due for and the last one reported. */
  readonly frameLagSlots = this.gauge(
    "oracle_frame_lag_slots",
    "Slots between the latest reference slot due and the last one reported (0: up to date)",
  );

  constructor(options: MetricsOptions = {}) {
    super("oracle", options);
  }

  /** Runs `compute` and records its duration in oracle_report_compute_seconds (failures too). */
  async timeCompute<T>(compute: () => Promise<T>): Promise<T> {
    const stop = this.reportComputeSeconds.startTimer();
    try {
      return await compute();
    } finally {
      stop();
    }
  }
}
