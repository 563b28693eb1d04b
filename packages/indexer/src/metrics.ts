/**
 * The indexer's and the API's Prometheus metrics: lag behind the chain in blocks and seconds,
 * events written, batch times, reorgs, range splits, and the API's latency by route and status.
 */
import { DaemonMetrics } from "@tributary/daemon/metrics";
import { type Counter, type Gauge, Histogram } from "prom-client";
import type { DecodedLog } from "./decode.js";

export class IndexerMetrics extends DaemonMetrics {
  readonly lagBlocks: Gauge;
  readonly lagSeconds: Gauge;
  readonly finalizedLagBlocks: Gauge;
  readonly cursorBlock: Gauge;
  readonly eventsTotal: Counter;
  readonly batchSeconds: Histogram;
  readonly reorgs: Counter;
  readonly reorgDepth: Histogram;
  readonly rangeSplits: Counter;
  readonly unknownLogs: Counter;
  readonly snapshotsMissing: Counter;
  readonly apiSeconds: Histogram;
  readonly databaseUp: Gauge;
  private cursor: bigint | undefined;
  private cursorTime: bigint | undefined;
  private finalized: bigint | undefined;
  private head: { number: bigint; timestamp: bigint } | undefined;

  constructor() {
    super("indexer");
    this.lagBlocks = this.gauge(
      "indexer_lag_blocks",
      "Blocks between the latest block and the last indexed one",
    );
    this.lagSeconds = this.gauge(
      "indexer_lag_seconds",
      "Seconds between the latest block's time and the last indexed block's time",
    );
    this.finalizedLagBlocks = this.gauge(
      "indexer_unfinalized_blocks",
      "Indexed blocks above the finalized block (undone if the chain reorganises)",
    );
    this.cursorBlock = this.gauge("indexer_cursor_block", "Number of the last indexed block");
    this.eventsTotal = this.counter("indexer_events_total", "Protocol events written, by contract", [
      "contract",
    ]);
    this.batchSeconds = this.histogram(
      "indexer_batch_seconds",
      "Time to write one batch and its cursor",
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    );
    this.reorgs = this.counter("indexer_reorgs_total", "Reorgs rolled back");
    this.reorgDepth = this.histogram(
      "indexer_reorg_depth_blocks",
      "Blocks undone per reorg",
      [1, 2, 4, 8, 16, 32, 64, 128],
    );
    this.rangeSplits = this.counter(
      "indexer_log_range_splits_total",
      "Log ranges halved because the node refused them",
    );
    this.unknownLogs = this.counter(
      "indexer_unknown_logs_total",
      "Logs of protocol contracts with a topic no ABI knows (not recorded)",
    );
    this.snapshotsMissing = this.counter(
      "indexer_snapshots_missing_total",
      "Reports whose reference-slot state the beacon node no longer had",
    );
    this.apiSeconds = new Histogram({
      name: "api_request_duration_seconds",
      help: "API latency by route and status",
      labelNames: ["route", "status"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
      registers: [this.registry],
    });
    this.databaseUp = this.gauge("indexer_database_up", "1 while the database answers, else 0");
  }

  observeHead(head: { number: bigint; timestamp: bigint }, finalized: bigint): void {
    this.head = head;
    this.finalized = finalized;
    this.update();
  }

  observeBatch(logs: DecodedLog[], ms: number, cursor: bigint, cursorTime?: bigint): void {
    this.batchSeconds.observe(ms / 1_000);
    const counts = new Map<string, number>();
    for (const log of logs) counts.set(log.contract, (counts.get(log.contract) ?? 0) + 1);
    for (const [contract, n] of counts) this.eventsTotal.inc({ contract }, n);
    this.cursorBlock.set(Number(cursor));
    this.cursor = cursor;
    if (cursorTime !== undefined) this.cursorTime = cursorTime;
    this.update();
  }

  private update(): void {
    if (!this.head || this.cursor === undefined) return;
    const cursor = this.cursor;
    if (this.finalized !== undefined) {
      this.finalizedLagBlocks.set(Number(cursor > this.finalized ? cursor - this.finalized : 0n));
    }
    this.lagBlocks.set(Number(this.head.number > cursor ? this.head.number - cursor : 0n));
    if (this.cursorTime !== undefined) {
      this.lagSeconds.set(
        Number(this.head.timestamp > this.cursorTime ? this.head.timestamp - this.cursorTime : 0n),
      );
    }
  }
}
