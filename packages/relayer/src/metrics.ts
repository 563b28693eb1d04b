import { DaemonMetrics } from "@tributary/daemon/metrics";
import { Counter, Gauge } from "prom-client";

export class RelayerMetrics extends DaemonMetrics {
  readonly seen: Counter;
  readonly executed: Counter;
  readonly waiting: Gauge;
  readonly peerErrors: Counter;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    super("relayer", options);
    this.seen = new Counter({
      name: "relayer_messages_seen_total",
      help: "Messages read from a source chain's bridge, by source",
      labelNames: ["from"],
      registers: [this.registry],
    });
    this.executed = new Counter({
      name: "relayer_messages_executed_total",
      help: "Executions and retries this relayer sent, by destination and outcome (executed, failed: kept for a retry)",
      labelNames: ["to", "outcome"],
      registers: [this.registry],
    });
    this.waiting = new Gauge({
      name: "relayer_messages_waiting",
      help: "Messages seen and not executed on their destination yet",
      registers: [this.registry],
    });
    this.peerErrors = new Counter({
      name: "relayer_peer_errors_total",
      help: "Peers that did not answer a signature request",
      registers: [this.registry],
    });
  }
}
