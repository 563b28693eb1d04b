/**
 * How the depositor spreads new validators over operators. The batch is the largest (up to the
 * buffer, the keys waiting and the per-transaction bound) in which every operator ends within the
 * share cap as `DepositSecurity` checks it, once, after the whole batch: active × 10,000 ≤
 * maxShareBps × all active. Within it, validators go one at a time to the operator with the fewest
 * active validators (lowest id on a tie) that is still below its limit. Checking the cap after the
 * batch, not after each validator, matters at launch: two new operators under a 50% cap can take
 * one validator each together, never one alone.
 *
 * Each operator's keys are taken in registry order (the contract uses the next vetted keys).
 */
const BPS = 10_000n;

export interface OperatorSlots {
  operatorId: number;
  /** Deposited minus exited validators. */
  active: number;
  /** Vetted keys not yet deposited. */
  available: number;
}

export interface Allocation {
  /** Ascending operator ids. */
  operatorIds: number[];
  counts: number[];
  total: number;
}

export function allocate(
  operators: readonly OperatorSlots[],
  totalActive: number,
  maxShareBps: number,
  maxValidators: number,
): Allocation {
  const available = operators.reduce((sum, o) => sum + Math.max(0, o.available), 0);
  // The largest batch whose final shares fit the cap: each operator may end with at most
  // floor(cap × total after the batch) validators.
  for (let size = Math.min(maxValidators, available); size > 0; size--) {
    const total = BigInt(totalActive + size);
    const limits = operators.map((o) => {
      const ceiling = Number((BigInt(maxShareBps) * total) / BPS) - o.active;
      return Math.max(0, Math.min(o.available, ceiling));
    });
    if (limits.reduce((sum, l) => sum + l, 0) < size) continue;
    const given = operators.map(() => 0);
    for (let n = 0; n < size; n++) {
      let best = -1;
      operators.forEach((o, i) => {
        if ((given[i] as number) >= (limits[i] as number)) return;
        const b = operators[best];
        const load = o.active + (given[i] as number);
        const bestLoad = b ? b.active + (given[best] as number) : Number.POSITIVE_INFINITY;
        if (load < bestLoad || (load === bestLoad && b !== undefined && o.operatorId < b.operatorId))
          best = i;
      });
      given[best] = (given[best] as number) + 1;
    }
    const chosen = operators
      .map((o, i) => ({ operatorId: o.operatorId, count: given[i] as number }))
      .filter((c) => c.count > 0)
      .sort((a, b) => a.operatorId - b.operatorId);
    return { operatorIds: chosen.map((c) => c.operatorId), counts: chosen.map((c) => c.count), total: size };
  }
  return { operatorIds: [], counts: [], total: 0 };
}
