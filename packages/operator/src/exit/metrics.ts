/**
 * The exit daemon's Prometheus metrics, in a registry of its own. Names end in their unit.
 */
import type { RequestHooks } from "@tributary/daemon/beacon";
import type { RpcHooks } from "@tributary/daemon/rpc";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export class ExitMetrics {
  readonly registry = new Registry();
  readonly requestsPending = new Gauge({
    name: "operator_exit_pending_validators",
    help: "Exit requests naming this operator's validators not yet exiting",
    registers: [this.registry],
  });
  readonly exitsSubmitted = new Counter({
    name: "operator_exits_submitted_total",
    help: "Voluntary exits posted to the beacon node's pool",
    registers: [this.registry],
  });
  readonly exitsDone = new Counter({
    name: "operator_exits_done_total",
    help: "Requested validators seen exiting or exited",
    registers: [this.registry],
  });
  readonly exitErrors = new Counter({
    name: "operator_exit_errors_total",
    help: "Exits that could not be made now, by reason (retried later)",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly nextDeadlineSeconds = new Gauge({
    name: "operator_exit_next_deadline_seconds",
    help: "Seconds left before the nearest deadline of a pending exit request (chain time)",
    registers: [this.registry],
  });
  readonly scannedBlock = new Gauge({
    name: "operator_exit_scanned_block_number",
    help: "Last finalized execution block scanned for exit lists",
    registers: [this.registry],
  });
  readonly tickSeconds = new Histogram({
    name: "operator_exit_tick_duration_seconds",
    help: "Time of one pass: scan, look up validators, sign and post",
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly tickFailures = new Counter({
    name: "operator_exit_tick_failures_total",
    help: "Passes that failed (a node down after retries), by reason",
    labelNames: ["reason"],
    registers: [this.registry],
  });
  readonly beaconRequests = new Counter({
    name: "operator_exit_beacon_requests_total",
    help: "Beacon API requests sent, retries included",
    registers: [this.registry],
  });
  readonly rpcRequests = new Counter({
    name: "operator_exit_rpc_requests_total",
    help: "JSON-RPC calls sent, retries included",
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: "operator_exit_" });
  }

  get beaconHooks(): RequestHooks {
    return { onRequest: () => this.beaconRequests.inc() };
  }

  get rpcHooks(): RpcHooks {
    return { onRequest: () => this.rpcRequests.inc() };
  }
}
