/**
 * A status line every epoch: the epoch (and the finalized one), the protocol's validators by
 * beacon status, the trETH rate, the last applied report with its APR, and the withdrawal queue.
 *
 * Method of each figure: validators are the pubkeys of the beacon deposit contract's deposits since
 * the deployment, looked up on the Beacon API at the head; the rate is `convertToAssets(1e18)`
 * (the SDK's `getRate`); the APR is the SDK's `getApr` since inception (simple annualised growth of
 * the holder rate between the deployment, at 1.0, and the last report, by block timestamps).
 */
import { readDepositedKeys } from "@tributary/operator";
import { type Deployment, getApr, getQueueState, getRate } from "@tributary/sdk";
import { formatEther, type PublicClient } from "viem";

export interface StatusOptions {
  publicClient: PublicClient;
  beaconUrl: string;
  deployment: Deployment;
  print: (line: string) => void;
  /** Milliseconds between two looks at the head. Default 1 s. */
  pollMs?: number;
}

export interface StatusSnapshot {
  epoch: number;
  finalizedEpoch: number;
  validators: Record<string, number>;
  ethPerTrETH: bigint;
  reports: number;
  lastReportRefSlot: bigint | null;
  aprSinceInception: number | null;
  pendingRequests: bigint;
}

export class StatusReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastEpoch = -1;
  private busy = false;
  /** The latest snapshot printed. */
  latest: StatusSnapshot | undefined;
  private readonly listeners: ((s: StatusSnapshot) => void)[] = [];

  constructor(private readonly o: StatusOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.pollMs ?? 1_000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Calls `listener` with each new snapshot. */
  onSnapshot(listener: (s: StatusSnapshot) => void): void {
    this.listeners.push(listener);
  }

  private async beacon<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.o.beaconUrl}${path}`, init);
    if (!response.ok) throw new Error(`Beacon API ${path}: ${response.status}`);
    return ((await response.json()) as { data: T }).data;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const header = await this.beacon<{ header: { message: { slot: string } } }>(
        "/eth/v1/beacon/headers/head",
      );
      const epoch = Math.floor(Number(header.header.message.slot) / 32);
      if (epoch === this.lastEpoch) return;
      this.lastEpoch = epoch;
      const snapshot = await this.snapshot(epoch);
      this.latest = snapshot;
      this.o.print(format(snapshot));
      for (const listener of this.listeners) listener(snapshot);
    } catch {
      // The next tick tries again (a node restarting, a slot being produced).
    } finally {
      this.busy = false;
    }
  }

  async snapshot(epoch: number): Promise<StatusSnapshot> {
    const { publicClient, deployment } = this.o;
    const finality = await this.beacon<{ finalized: { epoch: string } }>(
      "/eth/v1/beacon/states/head/finality_checkpoints",
    );
    const pubkeys = [...(await readDepositedKeys(publicClient, deployment))];
    const validators: Record<string, number> = {};
    if (pubkeys.length > 0) {
      const found = await this.beacon<{ status: string }[]>("/eth/v1/beacon/states/head/validators", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: pubkeys }),
      });
      for (const v of found) validators[v.status] = (validators[v.status] ?? 0) + 1;
      const unseen = pubkeys.length - found.length;
      if (unseen > 0) validators.deposited = unseen;
    }
    const [rate, apr, queue] = await Promise.all([
      getRate(publicClient, { deployment }),
      getApr(publicClient, { deployment }),
      getQueueState(publicClient, { deployment }),
    ]);
    const last = apr.reports.at(-1);
    return {
      epoch,
      finalizedEpoch: Number(finality.finalized.epoch),
      validators,
      ethPerTrETH: rate.ethPerTrETH,
      reports: apr.reports.length,
      lastReportRefSlot: last?.refSlot ?? null,
      aprSinceInception: apr.aprSinceInception,
      pendingRequests: queue.unfinalizedRequests,
    };
  }
}

export function format(s: StatusSnapshot): string {
  const validators =
    Object.entries(s.validators)
      .map(([status, n]) => `${n} ${status}`)
      .join(", ") || "none yet";
  const report =
    s.lastReportRefSlot === null
      ? "no report yet"
      : `${s.reports} reports, last at slot ${s.lastReportRefSlot}, APR ${
          s.aprSinceInception === null ? "n/a" : `${(s.aprSinceInception * 100).toFixed(2)}%`
        }`;
  return [
    `epoch ${s.epoch} (finalized ${s.finalizedEpoch})`,
    `validators: ${validators}`,
    `1 trETH = ${Number(formatEther(s.ethPerTrETH)).toFixed(6)} ETH`,
    report,
    `queue: ${s.pendingRequests} pending`,
  ].join(" | ");
}
