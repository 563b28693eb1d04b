/**
 * The base of a daemon's Prometheus metrics: a registry of its own (not prom-client's global one)
 * with the process's default metrics, the request counters of the Beacon API and JSON-RPC clients
 * (through `beaconHooks` and `rpcHooks`), and the signing account's balance. Names start with the
 * daemon's prefix and end in their unit.
 *
 * @example
 * class GuardianMetrics extends DaemonMetrics {
 *   readonly signatures = this.counter("guardian_signatures_total", "Signatures served", ["kind"]);
 * }
 * const metrics = new GuardianMetrics("guardian");
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RequestHooks } from "./beacon.js";
import { FAILURE_REASONS } from "./retry.js";
import type { RpcHooks } from "./rpc.js";

const WEI_PER_GWEI = 10n ** 9n;

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly beaconRequests: Counter;
  readonly beaconRequestErrors: Counter;
  readonly rpcRequests: Counter;
  readonly rpcRequestErrors: Counter;
  readonly accountBalanceEth: Gauge;
  /** Hooks for `BeaconClient`: requests and errors by reason. */
  readonly beaconHooks: RequestHooks;
  /** Hooks for `createRpc`: calls and errors by reason. */
  readonly rpcHooks: RpcHooks;

  constructor(
    readonly prefix: string,
    options: { defaultMetrics?: boolean } = {},
  ) {
    this.beaconRequests = this.counter(
      `${prefix}_beacon_requests_total`,
      "Beacon API requests sent, retries included",
    );
    this.beaconRequestErrors = this.counter(
      `${prefix}_beacon_request_errors_total`,
      "Beacon API requests that failed, by reason",
      ["reason"],
    );
    this.rpcRequests = this.counter(
      `${prefix}_rpc_requests_total`,
      "JSON-RPC calls sent (each call of a batch), retries included",
    );
    this.rpcRequestErrors = this.counter(
      `${prefix}_rpc_request_errors_total`,
      "JSON-RPC calls that failed, by reason",
      ["reason"],
    );
    this.accountBalanceEth = this.gauge(
      `${prefix}_account_balance_eth`,
      "ETH balance of the daemon's signing account",
    );
    this.beaconHooks = {
      onRequest: () => this.beaconRequests.inc(),
      onError: (_route, reason) => this.beaconRequestErrors.inc({ reason }),
    };
    this.rpcHooks = {
      onRequest: () => this.rpcRequests.inc(),
      onError: (_method, reason) => this.rpcRequestErrors.inc({ reason }),
    };
    for (const reason of FAILURE_REASONS) {
      this.beaconRequestErrors.inc({ reason }, 0);
      this.rpcRequestErrors.inc({ reason }, 0);
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Sets the balance gauge from wei (exact to the gwei; a gauge is a float anyway). */
  setBalanceWei(wei: bigint): void {
    this.accountBalanceEth.set(Number(wei / WEI_PER_GWEI) / 1e9);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  protected gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  protected counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  protected histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }
}
