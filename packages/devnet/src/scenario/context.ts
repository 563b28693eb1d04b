/**
 * What a scenario acts through: the devnet's processes, the beacon chain's fault routes, the
 * protocol through the SDK, and waits counted in slots. While it runs, it paces the chain (fast
 * while nothing is due, slower while the oracle members must report within a frame), samples the
 * rate, the bonds and the queue every epoch, and records the withdrawals each beacon block pays to
 * the vault, for the accounting check.
 */
import { claimAll, getQueueState, getRate, requestRedeem, stake } from "@tributary/sdk";
import { accountingAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import { createPublicClient, formatEther, type Hash, http, type PublicClient, parseEther } from "viem";
import { foundry } from "viem/chains";
import type { Devnet } from "../devnet.js";
import { checkRates, type RateCheck } from "./accounting.js";
import type { ChartMark, ChartSample } from "./chart.js";
import { type BlockJson, rememberBlock } from "./expected.js";

const SLOTS_PER_EPOCH = 32;
const GWEI = 10n ** 9n;
/** Pause between slots while nothing is due, and while a report is due (members compute and submit). */
export const PACE_IDLE_MS = 30;
export const PACE_REPORT_MS = 150;

export interface ValidatorInfo {
  pubkey: string;
  operatorId: bigint;
  index: number | null;
  status: string;
  balance: bigint;
}

export interface AppliedReport {
  refSlot: number;
  shareRate: bigint;
  rewards: bigint;
  blockNumber: bigint;
}

export class ScenarioFailure extends Error {}

export class ScenarioContext {
  readonly marks: ChartMark[] = [];
  readonly samples: ChartSample[] = [];
  /** Expectations of the scenario that did not hold. */
  readonly failures: string[] = [];
  readonly client: PublicClient;
  /** Each report's rate checked against the independent computation soon after it was applied. */
  readonly checkedRates = new Map<number, RateCheck>();
  /** Wei withdrawn to the vault by the beacon blocks scanned so far, and the last slot scanned. */
  withdrawalsToVault = 0n;
  scannedSlot = 0;
  private timers: NodeJS.Timeout[] = [];
  private paceNow = -1;
  private pacing = true;
  private lastSampledEpoch = -1;
  private busy = { pace: false, sample: false };

  constructor(
    readonly devnet: Devnet,
    readonly print: (line: string) => void,
  ) {
    this.client = createPublicClient({
      chain: foundry,
      transport: http(devnet.rpcUrl),
      pollingInterval: 200,
    }) as PublicClient;
  }

  get deployment() {
    return this.devnet.deployment;
  }

  start(): void {
    this.timers.push(setInterval(() => void this.pace(), 250));
    this.timers.push(setInterval(() => void this.sample(), 400));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  // ------------------------------------------------------------------ chain

  async beacon<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${this.devnet.beaconUrl}${path}`, init);
    if (!res.ok) throw new Error(`Beacon API ${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: T }).data;
  }

  async beaconPost(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.devnet.beaconUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  }

  async head(): Promise<number> {
    const h = await this.beacon<{ header: { message: { slot: string } } }>("/eth/v1/beacon/headers/head");
    return Number(h.header.message.slot);
  }

  /** The head slot, waiting up to two minutes for a beacon node that is restarting. */
  async headWhenUp(what: string): Promise<number> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        return await this.head();
      } catch (error) {
        if (Date.now() > deadline)
          throw new ScenarioFailure(
            `${what}: the Beacon API did not answer for two minutes (${(error as Error).message})`,
          );
        await sleep(500);
      }
    }
  }

  async finalizedSlot(): Promise<number> {
    const f = await this.beacon<{ finalized: { epoch: string } }>(
      "/eth/v1/beacon/states/head/finality_checkpoints",
    );
    return Number(f.finalized.epoch) * SLOTS_PER_EPOCH;
  }

  /** Sets the slot pause (ms) of the consensus layer; `pacing` false keeps it until `resumePacing`. */
  async setPace(ms: number, pacing = this.pacing): Promise<void> {
    this.pacing = pacing;
    if (ms === this.paceNow) return;
    await this.beaconPost("/tributary/v1/pace", { slot_pause_ms: ms });
    this.paceNow = ms;
  }

  resumePacing(): void {
    this.pacing = true;
  }

  /** Holds slot production (for a reading of the chain at rest) and returns the head slot then. */
  async holdChain(): Promise<number> {
    await this.setPace(60_000, false);
    let last = await this.head();
    for (;;) {
      await sleep(400);
      const now = await this.head();
      if (now === last) return now;
      last = now;
    }
  }

  /** The reference slot of the current frame, if its report is due and not yet applied. */
  private async dueRefSlot(head: number): Promise<number | null> {
    const oracle = this.deployment.oracle;
    if (!oracle) return null;
    const epoch = Math.floor(head / SLOTS_PER_EPOCH);
    if (epoch < oracle.initialEpoch) return null;
    const frame = Math.floor((epoch - oracle.initialEpoch) / oracle.epochsPerFrame);
    const refSlot = (oracle.initialEpoch + frame * oracle.epochsPerFrame) * SLOTS_PER_EPOCH - 1;
    const last = await this.client.readContract({
      address: this.deployment.contracts.accounting,
      abi: accountingAbi,
      functionName: "lastProcessedRefSlot",
    });
    return Number(last) >= refSlot ? null : refSlot;
  }

  /**
   * Called once per frame as soon as its reference slot is final and its report is due, with the
   * chain held (no slot) until it returns: a scenario acts before the members' votes are mined.
   */
  onReportDue: ((refSlot: number) => Promise<void>) | undefined;
  private handledDue = -1;

  private async pace(): Promise<void> {
    if (!this.pacing || this.busy.pace) return;
    this.busy.pace = true;
    try {
      const head = await this.head();
      const due = await this.dueRefSlot(head);
      const slow = due !== null && (await this.finalizedSlot()) >= due;
      if (slow && this.onReportDue && this.handledDue !== due) {
        this.handledDue = due;
        await this.setPace(60_000);
        try {
          await this.onReportDue(due);
        } catch (error) {
          this.failures.push(`at report ${due}: ${(error as Error).message}`);
        }
      }
      if (this.pacing) await this.setPace(slow ? PACE_REPORT_MS : PACE_IDLE_MS);
    } catch {
      // The beacon node or the EVM node restarting: the next tick tries again.
    } finally {
      this.busy.pace = false;
    }
  }

  private async sample(): Promise<void> {
    if (this.busy.sample) return;
    this.busy.sample = true;
    try {
      await this.scanWithdrawals();
      const head = await this.head();
      const epoch = Math.floor(head / SLOTS_PER_EPOCH);
      if (epoch === this.lastSampledEpoch) return;
      this.lastSampledEpoch = epoch;
      const deployment = this.deployment;
      const [rate, queue] = await Promise.all([
        getRate(this.client, { deployment }),
        getQueueState(this.client, { deployment }),
      ]);
      const bonds: Record<string, number> = {};
      for (const op of this.devnet.operators) {
        const value = await this.client.readContract({
          address: deployment.contracts.operatorRegistry,
          abi: operatorRegistryAbi,
          functionName: "bondValue",
          args: [op.id],
        });
        bonds[String(op.id)] = Number(formatEther(value));
      }
      this.samples.push({
        slot: head,
        rate: Number(formatEther(rate.ethPerTrETH)),
        bonds,
        queue: Number(formatEther(queue.unfinalizedAssets)),
      });
      await checkRates(
        { beaconUrl: this.devnet.beaconUrl, publicClient: this.client, deployment: this.deployment },
        await this.client.getBlockNumber(),
        this.checkedRates,
      );
    } catch {
      // Next tick.
    } finally {
      this.busy.sample = false;
    }
  }

  /** Checks the reports applied so far against the independent computation now (before a fault that loses states). */
  async checkRatesNow(): Promise<void> {
    await this.scanWithdrawals();
    const rates = await checkRates(
      { beaconUrl: this.devnet.beaconUrl, publicClient: this.client, deployment: this.deployment },
      await this.client.getBlockNumber(),
      this.checkedRates,
    );
    const missing = rates.filter((r) => r.independent === null);
    if (missing.length > 0)
      throw new ScenarioFailure(`reports not checked: ${missing.map((r) => r.note).join("; ")}`);
  }

  /** Reads the beacon blocks since the last scan for withdrawals to the vault. */
  async scanWithdrawals(): Promise<void> {
    const head = await this.head();
    const vault = this.deployment.contracts.withdrawalVault.toLowerCase();
    while (this.scannedSlot < head) {
      const slots = Array.from(
        { length: Math.min(16, head - this.scannedSlot) },
        (_, i) => this.scannedSlot + 1 + i,
      );
      const blocks = await Promise.all(
        slots.map(async (slot) => {
          const res = await fetch(`${this.devnet.beaconUrl}/eth/v2/beacon/blocks/${slot}`);
          if (res.status === 404) return null;
          if (!res.ok) throw new Error(`block ${slot}: ${res.status}`);
          return (await res.json()) as BlockJson;
        }),
      );
      for (const [i, block] of blocks.entries()) {
        // Every slot up to the head is produced: no block there is an empty slot.
        rememberBlock(this.devnet.beaconUrl, slots[i] as number, block);
        for (const w of block?.data.message.body.execution_payload.withdrawals ?? [])
          if (w.address.toLowerCase() === vault) this.withdrawalsToVault += BigInt(w.amount) * GWEI;
      }
      this.scannedSlot = slots.at(-1) as number;
    }
  }

  // ------------------------------------------------------------------ waits

  /**
   * Polls `done` until it holds; fails when the chain has gone `maxSlots` slots past the start of
   * the wait without it (a scenario's deadline counts slots, not seconds: a loaded machine is slow).
   */
  async waitFor(what: string, done: () => Promise<boolean>, options: { maxSlots: number }): Promise<void> {
    const start = await this.headWhenUp(what);
    for (;;) {
      try {
        if (await done()) return;
      } catch {
        // A node restarting: ask again.
      }
      let head = start;
      try {
        head = await this.head();
      } catch {
        // idem
      }
      if (head - start > options.maxSlots)
        throw new ScenarioFailure(`${what}: not within ${options.maxSlots} slots (slot ${start} to ${head})`);
      await sleep(300);
    }
  }

  async waitSlots(count: number): Promise<void> {
    const target = (await this.headWhenUp(`${count} slots`)) + count;
    await this.waitFor(`slot ${target}`, async () => (await this.head()) >= target, { maxSlots: count + 1 });
  }

  async reports(): Promise<AppliedReport[]> {
    const events = await this.client.getContractEvents({
      address: this.deployment.contracts.accounting,
      abi: accountingAbi,
      eventName: "ReportApplied",
      fromBlock: BigInt(this.deployment.startBlock ?? 0),
      strict: true,
    });
    return events.map((e) => ({
      refSlot: Number(e.args.refSlot),
      shareRate: e.args.shareRate,
      rewards: e.args.rewards,
      blockNumber: e.blockNumber,
    }));
  }

  /** Waits until `count` reports are applied in all; returns them. */
  async waitReports(count: number, options: { maxSlots: number }): Promise<AppliedReport[]> {
    let reports: AppliedReport[] = [];
    await this.waitFor(
      `${count} reports applied`,
      async () => {
        reports = await this.reports();
        return reports.length >= count;
      },
      options,
    );
    return reports;
  }

  /** The operators' validators as the beacon chain shows them at the head. */
  async validators(): Promise<ValidatorInfo[]> {
    const all = this.devnet.operators.flatMap((op) =>
      op.pubkeys.map((pubkey) => ({ pubkey, operatorId: op.id })),
    );
    const found = await this.beacon<
      { index: string; status: string; balance: string; validator: { pubkey: string } }[]
    >("/eth/v1/beacon/states/head/validators", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: all.map((v) => v.pubkey) }),
    });
    const byKey = new Map(found.map((v) => [v.validator.pubkey.toLowerCase(), v]));
    return all.map(({ pubkey, operatorId }) => {
      const v = byKey.get(pubkey.toLowerCase());
      return {
        pubkey,
        operatorId,
        index: v ? Number(v.index) : null,
        status: v?.status ?? "deposit_pending_on_el",
        balance: v ? BigInt(v.balance) * GWEI : 0n,
      };
    });
  }

  async waitValidators(what: string, count: number, statuses: string[], options: { maxSlots: number }) {
    await this.waitFor(
      `${count} validators ${what}`,
      async () => (await this.validators()).filter((v) => statuses.includes(v.status)).length >= count,
      options,
    );
  }

  // ------------------------------------------------------------------ actions

  async mark(kind: ChartMark["kind"], label: string): Promise<void> {
    let slot = 0;
    try {
      slot = await this.head();
    } catch {
      slot = this.samples.at(-1)?.slot ?? 0;
    }
    this.marks.push({ slot, kind, label });
    this.print(`  [slot ${slot}] ${kind}: ${label}`);
  }

  /** A scenario's expectation: recorded, and the verdict fails if it does not hold. */
  expect(holds: boolean, what: string): void {
    this.print(`  ${holds ? "ok" : "NOT OK"}: ${what}`);
    if (!holds) this.failures.push(what);
  }

  async include(hash: Hash, what: string) {
    const receipt = await this.client.waitForTransactionReceipt({ hash, timeout: 600_000 });
    if (receipt.status !== "success")
      throw new ScenarioFailure(`${what}: the transaction reverted (${hash})`);
    return receipt;
  }

  async stake(account: number, eth: string): Promise<void> {
    const hash = await stake(this.devnet.wallet(account), {
      amount: parseEther(eth),
      deployment: this.deployment,
    });
    await this.include(hash, `stake ${eth} ETH`);
  }

  async requestRedeem(account: number, shares: bigint): Promise<void> {
    const hash = await requestRedeem(this.devnet.wallet(account), { shares, deployment: this.deployment });
    await this.include(hash, `request to redeem ${formatEther(shares)} trETH`);
  }

  async claimAll(account: number): Promise<void> {
    const hashes = await claimAll(this.devnet.wallet(account), { deployment: this.deployment });
    for (const hash of hashes) await this.include(hash, "claim");
  }

  /** Stops a devnet process (SIGTERM, or SIGKILL as a crash). */
  async stopProcess(name: string, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.devnet.supervisor.stop(this.devnet.supervisor.get(name), signal);
  }

  startProcess(name: string): void {
    this.devnet.supervisor.restart(name);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
