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
import { GWEI } from "./accountingMath.js";
import type { ExitEntry, ProtocolValidator } from "./types.js";

const ENTRY_BYTES = 60;

interface Candidate {
  operatorId: number;
  keyIndex: number;
  pubkey: string;
  validatorIndex: number;
  balanceGwei: number;
  mayExit: boolean;
  activationEpoch: number;
}

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
  const { validators, refEpoch } = options;
  let comingBack = 0n;
  const byPubkey = new Map<string, ProtocolValidator>();
  for (const v of validators) {
    byPubkey.set(v.key.pubkey, v);
    const view = v.view;
    if (!view || view.slashed) continue;
    if (view.exitEpoch !== Number.POSITIVE_INFINITY && view.balanceGwei > 0)
      comingBack += BigInt(view.balanceGwei) * GWEI;
  }
  let demand = options.owed - options.available - comingBack;
  if (demand <= 0n) return { entries: [], demand: 0n, comingBack };

  const chosen: Candidate[] = [];
  const taken = new Set<string>();
  // Validators an earlier list named that have not started to exit: named again, first.
  for (const e of options.previousList) {
    const v = byPubkey.get(e.pubkey);
    const view = v?.view;
    if (!v || !view || view.slashed || view.exitEpoch !== Number.POSITIVE_INFINITY || taken.has(e.pubkey))
      continue;
    if (demand <= 0n) break;
    taken.add(e.pubkey);
    chosen.push(candidateOf(v, refEpoch, options.shardCommitteePeriod));
    demand -= BigInt(view.balanceGwei) * GWEI;
  }
  const remainingDemand = demand;
  if (demand > 0n) {
    const pools = new Map<number, Candidate[]>();
    for (const v of validators) {
      const view = v.view;
      if (!view || taken.has(v.key.pubkey)) continue;
      if (view.activationEpoch > refEpoch || view.slashed || view.exitEpoch !== Number.POSITIVE_INFINITY)
        continue;
      const c = candidateOf(v, refEpoch, options.shardCommitteePeriod);
      let pool = pools.get(c.operatorId);
      if (!pool) {
        pool = [];
        pools.set(c.operatorId, pool);
      }
      pool.push(c);
    }
    for (const pool of pools.values()) {
      // Reverse order, so that the next choice is at the end (pop).
      pool.sort(
        (a, b) =>
          Number(a.mayExit) - Number(b.mayExit) ||
          b.activationEpoch - a.activationEpoch ||
          b.validatorIndex - a.validatorIndex,
      );
    }
    while (demand > 0n) {
      let best: number | undefined;
      let bestSize = 0;
      for (const [id, pool] of pools) {
        if (
          pool.length > bestSize ||
          (pool.length === bestSize && pool.length > 0 && best !== undefined && id < best)
        ) {
          best = id;
          bestSize = pool.length;
        }
      }
      if (best === undefined || bestSize === 0) break;
      const next = (pools.get(best) as Candidate[]).pop() as Candidate;
      chosen.push(next);
      demand -= BigInt(next.balanceGwei) * GWEI;
    }
  }
  // Targets: each operator's exited count plus its entries so far in the list.
  const perOperator = new Map<number, number>();
  const entries = chosen.map((c) => {
    const k = (perOperator.get(c.operatorId) ?? 0) + 1;
    perOperator.set(c.operatorId, k);
    return {
      operatorId: c.operatorId,
      keyIndex: c.keyIndex,
      targetExited: (options.exited.get(c.operatorId) ?? 0) + k,
      pubkey: c.pubkey,
      validatorIndex: c.validatorIndex,
    };
  });
  return { entries, demand: remainingDemand > 0n ? remainingDemand : 0n, comingBack };
}

function candidateOf(v: ProtocolValidator, refEpoch: number, shardCommitteePeriod: number): Candidate {
  const view = v.view as NonNullable<ProtocolValidator["view"]>;
  return {
    operatorId: v.key.operatorId,
    keyIndex: v.key.keyIndex,
    pubkey: v.key.pubkey,
    validatorIndex: view.index,
    balanceGwei: view.balanceGwei,
    mayExit: view.activationEpoch + shardCommitteePeriod <= refEpoch,
    activationEpoch: view.activationEpoch,
  };
}

/** The packed list the contract hashes: operatorId (3 bytes) ++ keyIndex (5) ++ target (4) ++ pubkey (48). */
export function packExitList(entries: readonly ExitEntry[]): Hex {
  let out = "0x";
  for (const e of entries) {
    out += e.operatorId.toString(16).padStart(6, "0");
    out += e.keyIndex.toString(16).padStart(10, "0");
    out += e.targetExited.toString(16).padStart(8, "0");
    const pk = e.pubkey.startsWith("0x") ? e.pubkey.slice(2) : e.pubkey;
    if (pk.length !== 96) throw new Error(`exit entry pubkey must be 48 bytes, got ${pk.length / 2}`);
    out += pk.toLowerCase();
  }
  return out as Hex;
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
  return entries.length === 0 ? (`0x${"0".repeat(64)}` as Hex) : keccak256(packExitList(entries));
}
