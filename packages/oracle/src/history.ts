/**
 * The frame's history from the beacon blocks (GET /eth/v2/beacon/blocks/{slot}, finalized slots
 * only): for each slot, who proposed it and the withdrawals its execution payload paid to the
 * vault (EIP-4895). Kept per slot in a small cache so that a report, or a restart, fetches only the
 * slots it has not seen; a slot is fetched once while the daemon follows the chain.
 */
import type { FrameHistory } from "./report/types.js";

export interface BlockWithdrawal {
  validatorIndex: number;
  address: string;
  amountGwei: number;
}

export interface BlockSummary {
  slot: number;
  proposerIndex: number;
  executionPayload: { blockNumber: number; feeRecipient: string; withdrawals: readonly BlockWithdrawal[] };
}

export interface BlockSource {
  /** The block at `slot`, or null for an empty slot. */
  block(slot: number): Promise<BlockSummary | null>;
}

/** A slot as kept: null for an empty slot, else proposer, EL block number and vault withdrawals. */
export type SlotRecord = null | { p: number; n: number; w: [number, number][] };

export interface HistoryCache {
  vault: string;
  slots: Record<string, SlotRecord>;
}

export class FrameHistoryReader {
  private readonly vault: string;

  constructor(
    private readonly source: BlockSource,
    vault: string,
    private cache: HistoryCache = { vault: vault.toLowerCase(), slots: {} },
    private readonly concurrency = 8,
  ) {
    this.vault = vault.toLowerCase();
    if (cache.vault !== this.vault) this.cache = { vault: this.vault, slots: {} };
  }

  get state(): HistoryCache {
    return this.cache;
  }

  /** Slots fetched from the beacon node by the last call (for call counts). */
  fetched = 0;

  /** Fetches every slot in (from, to] not cached yet. */
  async fill(from: number, to: number): Promise<void> {
    const missing: number[] = [];
    for (let s = from + 1; s <= to; s++) if (!(String(s) in this.cache.slots)) missing.push(s);
    this.fetched = 0;
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const slot = missing[next++] as number;
        const block = await this.source.block(slot);
        this.fetched++;
        this.cache.slots[String(slot)] = this.record(block);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, missing.length) }, worker));
  }

  private record(block: BlockSummary | null): SlotRecord {
    if (block === null) return null;
    const w: [number, number][] = [];
    for (const x of block.executionPayload.withdrawals) {
      if (x.address.toLowerCase() === this.vault) w.push([x.validatorIndex, x.amountGwei]);
    }
    return { p: block.proposerIndex, n: block.executionPayload.blockNumber, w };
  }

  /** The frame's history over (from, to]; every slot must be cached (see fill). */
  history(from: number, to: number): FrameHistory {
    let vaultWithdrawalsGwei = 0n;
    const withdrawnGwei = new Map<number, number>();
    const proposals = new Map<number, number>();
    for (let s = from + 1; s <= to; s++) {
      const r = this.cache.slots[String(s)];
      if (r === undefined) throw new Error(`slot ${s} of the frame (${from}, ${to}] was not read`);
      if (r === null) continue;
      proposals.set(r.p, (proposals.get(r.p) ?? 0) + 1);
      for (const [index, gwei] of r.w) {
        vaultWithdrawalsGwei += BigInt(gwei);
        withdrawnGwei.set(index, (withdrawnGwei.get(index) ?? 0) + gwei);
      }
    }
    return { fromSlot: from, toSlot: to, vaultWithdrawalsGwei, withdrawnGwei, proposals };
  }

  /**
   * The execution block of `slot`: that of the last block at or before it (an empty slot's state
   * carries the previous payload). Looks back past the cached range when needed.
   */
  async executionBlockAt(slot: number): Promise<number> {
    for (let s = slot; s >= 0; s--) {
      let r = this.cache.slots[String(s)];
      if (r === undefined) {
        r = this.record(await this.source.block(s));
        this.cache.slots[String(s)] = r;
      }
      if (r !== null) return r.n;
    }
    return 0;
  }

  /** Forgets slots at or before `slot` (a report covered them). */
  prune(slot: number): void {
    for (const key of Object.keys(this.cache.slots)) if (Number(key) < slot) delete this.cache.slots[key];
  }
}
