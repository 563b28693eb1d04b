/**
 * Exit demand and the exit list (README, "Rules: exits").
 *
 * Demand is the ETH the unfinalized withdrawal requests are owed at the report's rate, less what the
 * token holds after the report (once this report's finalization is paid), less the balances of the
 * protocol's validators already on their way out (exiting, not slashed: a slashed validator's ETH
 * is held for about 8,192 epochs, so it never offsets demand), less the balances of validators an
 * earlier list named that have not started to exit yet (they are named again, first).
 *
 * Choice, repeated until the chosen balances cover the demand: take the operator with the most
 * exitable validators left (active, not exiting, not slashed, not yet chosen; ties to the lowest
 * operator id), and from it the validator that may exit soonest and is oldest: first those past
 * SHARD_COMMITTEE_PERIOD, then by activation epoch, then validator index. So exits spread over
 * operators in proportion to their size and no operator is drained first.
 */
import { type Hex, keccak256 } from "viem";
import type { ValidatorView } from "../state/types.js";
import { GWEI } from "./accountingMath.js";
import type { ExitEntry, ProtocolValidator } from "./types.js";

const ENTRY_BYTES = 60;

export interface ExitPlan {
  entries: ExitEntry[];
  /** ETH still needed after the validators already exiting, wei (0 when covered). */
  demand: bigint;
  /** ETH the validators already exiting bring back, wei. */
  comingBack: bigint;
}

export function planExits(options: {
  validators: readonly ProtocolValidator[];
  refEpoch: number;
  shardCommitteePeriod: number;
  /** ETH owed to requests this report does not finalize, wei. */
  owed: bigint;
  /** ETH the token holds after the report and its finalization, wei. */
  available: bigint;
  previousList: readonly ExitEntry[];
  /** Each operator's exited count at the reference slot (as this report states it). */
  exited: ReadonlyMap<number, number>;
}): ExitPlan {
  const { validators, refEpoch, shardCommitteePeriod } = options;
  // Summed in gwei as numbers per chunk of validators, exact (see operators.ts).
  let comingBackGwei = 0n;
  let partial = 0;
  for (let i = 0; i < validators.length; i++) {
    const view = (validators[i] as ProtocolValidator).view;
    if (view && !view.slashed && view.exitEpoch !== Number.POSITIVE_INFINITY && view.balanceGwei > 0) {
      partial += view.balanceGwei;
    }
    if ((i & 1023) === 1023) {
      comingBackGwei += BigInt(partial);
      partial = 0;
    }
  }
  comingBackGwei += BigInt(partial);
  const comingBack = comingBackGwei * GWEI;
  let demand = options.owed - options.available - comingBack;
  if (demand <= 0n) return { entries: [], demand: 0n, comingBack };

  const exitable = (v: ProtocolValidator | undefined): v is ProtocolValidator & { view: ValidatorView } => {
    const view = v?.view;
    return (
      view !== undefined &&
      view.activationEpoch <= refEpoch &&
      !view.slashed &&
      view.exitEpoch === Number.POSITIVE_INFINITY
    );
  };
  const chosen: ProtocolValidator[] = [];
  const taken = new Set<string>();
  // Validators an earlier list named that have not started to exit: named again, first.
  if (options.previousList.length > 0) {
    const named = new Set(options.previousList.map((e) => e.pubkey));
    const byPubkey = new Map<string, ProtocolValidator>();
    for (const v of validators) if (named.has(v.key.pubkey)) byPubkey.set(v.key.pubkey, v);
    for (const e of options.previousList) {
      const v = byPubkey.get(e.pubkey);
      if (demand <= 0n) break;
      if (!exitable(v) || taken.has(e.pubkey)) continue;
      taken.add(e.pubkey);
      chosen.push(v);
      demand -= BigInt(v.view.balanceGwei) * GWEI;
    }
  }
  const remainingDemand = demand;
  if (demand > 0n) {
    // Each operator's exitable validators (positions in `validators`); a pool is sorted the first
    // time it is chosen from, so a small demand does not sort every operator's validators.
    const pools = new Map<number, { items: number[]; sorted: boolean }>();
    for (let i = 0; i < validators.length; i++) {
      const v = validators[i] as ProtocolValidator;
      if (!exitable(v) || (taken.size > 0 && taken.has(v.key.pubkey))) continue;
      let pool = pools.get(v.key.operatorId);
      if (!pool) {
        pool = { items: [], sorted: false };
        pools.set(v.key.operatorId, pool);
      }
      pool.items.push(i);
    }
    // One number per validator orders the choice: past SHARD_COMMITTEE_PERIOD first, then the
    // oldest activation, then the lowest index (exact in a double: epochs and indices below 1e7).
    const rank = new Float64Array(validators.length);
    for (const pool of pools.values()) {
      for (const i of pool.items) {
        const view = (validators[i] as ProtocolValidator).view as ValidatorView;
        const waits = view.activationEpoch + shardCommitteePeriod <= refEpoch ? 0 : 1;
        rank[i] = waits * 1e15 + view.activationEpoch * 1e7 + view.index;
      }
    }
    // Reverse order, so that the next choice is at the end (pop).
    const order = (a: number, b: number) => (rank[b] as number) - (rank[a] as number);
    // Operators by remaining size (largest first, then lowest id): a binary heap.
    const heap = [...pools.keys()];
    const better = (a: number, b: number) => {
      const sa = (pools.get(a) as { items: number[] }).items.length;
      const sb = (pools.get(b) as { items: number[] }).items.length;
      return sa > sb || (sa === sb && a < b);
    };
    const down = (at: number) => {
      for (;;) {
        const l = 2 * at + 1;
        const r = l + 1;
        let best = at;
        if (l < heap.length && better(heap[l] as number, heap[best] as number)) best = l;
        if (r < heap.length && better(heap[r] as number, heap[best] as number)) best = r;
        if (best === at) return;
        [heap[at], heap[best]] = [heap[best] as number, heap[at] as number];
        at = best;
      }
    };
    for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
    while (demand > 0n && heap.length > 0) {
      const id = heap[0] as number;
      const pool = pools.get(id) as { items: number[]; sorted: boolean };
      if (pool.items.length === 0) break;
      if (!pool.sorted) {
        pool.items.sort(order);
        pool.sorted = true;
      }
      const next = validators[pool.items.pop() as number] as ProtocolValidator & { view: ValidatorView };
      chosen.push(next);
      demand -= BigInt(next.view.balanceGwei) * GWEI;
      down(0);
    }
  }
  // Targets: each operator's exited count plus its entries so far in the list.
  const perOperator = new Map<number, number>();
  const entries = chosen.map((v) => {
    const k = (perOperator.get(v.key.operatorId) ?? 0) + 1;
    perOperator.set(v.key.operatorId, k);
    return {
      operatorId: v.key.operatorId,
      keyIndex: v.key.keyIndex,
      targetExited: (options.exited.get(v.key.operatorId) ?? 0) + k,
      pubkey: v.key.pubkey,
      validatorIndex: (v.view as ValidatorView).index,
    };
  });
  return { entries, demand: remainingDemand > 0n ? remainingDemand : 0n, comingBack };
}

/** The packed list the contract hashes: operatorId (3 bytes) ++ keyIndex (5) ++ target (4) ++ pubkey (48). */
export function packExitList(entries: readonly ExitEntry[]): Hex {
  const parts: string[] = ["0x"];
  for (const e of entries) {
    const pk = e.pubkey.startsWith("0x") ? e.pubkey.slice(2) : e.pubkey;
    if (pk.length !== 96) throw new Error(`exit entry pubkey must be 48 bytes, got ${pk.length / 2}`);
    parts.push(
      e.operatorId.toString(16).padStart(6, "0"),
      e.keyIndex.toString(16).padStart(10, "0"),
      e.targetExited.toString(16).padStart(8, "0"),
      pk.toLowerCase(),
    );
  }
  return parts.join("") as Hex;
}

/** Reads a packed list back (from an ExitRequestsPublished event). */
export function unpackExitList(data: Hex): Omit<ExitEntry, "validatorIndex">[] {
  const hex = data.slice(2);
  if (hex.length % (ENTRY_BYTES * 2) !== 0)
    throw new Error(`exit list of ${hex.length / 2} bytes is not a whole number of 60-byte entries`);
  const out: Omit<ExitEntry, "validatorIndex">[] = [];
  for (let i = 0; i < hex.length; i += ENTRY_BYTES * 2) {
    out.push({
      operatorId: Number.parseInt(hex.slice(i, i + 6), 16),
      keyIndex: Number.parseInt(hex.slice(i + 6, i + 16), 16),
      targetExited: Number.parseInt(hex.slice(i + 16, i + 24), 16),
      pubkey: `0x${hex.slice(i + 24, i + 120)}`,
    });
  }
  return out;
}

export function exitListHash(entries: readonly ExitEntry[]): Hex {
  return entries.length === 0
    ? (`0x${"0".repeat(64)}` as Hex)
    : keccak256(Buffer.from(packExitList(entries).slice(2), "hex"));
}
