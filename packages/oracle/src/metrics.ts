/**
 * The daemon's Prometheus metrics, in a registry of its own (not prom-client's global one), with
 * the process's default metrics. Names end in their unit. The clients count through hooks:
 * `metrics.beaconHooks` for `BeaconClient`, `metrics.rpcHooks` for `createRpc`.
 */

import type { RequestHooks } from "@tributary/daemon/beacon";
import { FAILURE_REASONS } from "@tributary/daemon/retry";
import type { RpcHooks } from "@tributary/daemon/rpc";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Report computation times: from well under a second (the bar) to a slow minute. */
const COMPUTE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
const WEI_PER_ETH = 10n ** 18n;

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
export class Metrics {
  readonly registry = new Registry();

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
  readonly reportComputeSeconds = new Histogram({
    name: "oracle_report_compute_seconds",
    help: "Time to compute one report, reading the state included",
    buckets: COMPUTE_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly beaconRequests = this.counter(
    "oracle_beacon_requests_total",
    "Beacon API requests sent, retries included",
  );
  readonly beaconRequestErrors = this.counter(
    "oracle_beacon_request_errors_total",
    "Beacon API requests that failed, by reason",
    ["reason"],
  );
  readonly rpcRequests = this.counter(
    "oracle_rpc_requests_total",
    "JSON-RPC calls sent (each call of a batch), retries included",
  );
  readonly rpcRequestErrors = this.counter(
    "oracle_rpc_request_errors_total",
    "JSON-RPC calls that failed, by reason",
    ["reason"],
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
  readonly accountBalanceEth = this.gauge(
    "oracle_account_balance_eth",
    "ETH balance of the member's account",
  );
  /** Slots between the latest reference slot a report is due for and the last one reported. */
  readonly frameLagSlots = this.gauge(
    "oracle_frame_lag_slots",
    "Slots between the latest reference slot due and the last one reported (0: up to date)",
  );

  /** Hooks for `BeaconClient`: requests and errors by reason. */
  readonly beaconHooks: RequestHooks = {
    onRequest: () => this.beaconRequests.inc(),
    onError: (_route, reason) => this.beaconRequestErrors.inc({ reason }),
  };

  /** Hooks for `createRpc`: calls and errors by reason. */
  readonly rpcHooks: RpcHooks = {
    onRequest: () => this.rpcRequests.inc(),
    onError: (_method, reason) => this.rpcRequestErrors.inc({ reason }),
  };

  constructor(options: MetricsOptions = {}) {
    for (const reason of FAILURE_REASONS) {
      this.beaconRequestErrors.inc({ reason }, 0);
      this.rpcRequestErrors.inc({ reason }, 0);
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Sets the balance gauge from wei (exact to the gwei; a gauge is a float anyway). */
  setBalanceWei(wei: bigint): void {
    const gwei = wei / 10n ** 9n;
    this.accountBalanceEth.set(Number(gwei) / Number(WEI_PER_ETH / 10n ** 9n));
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

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
