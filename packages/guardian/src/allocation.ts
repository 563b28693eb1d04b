/**
 * How the depositor spreads new validators over operators: one at a time, each to the operator with
 * the fewest active validators (lowest id on a tie) that has a vetted key waiting and stays within
 * the share cap once it has it: active × 10,000 ≤ maxShareBps × all active, counted after the
 * deposit, as `DepositSecurity` checks it. Adding validators only raises the total, so a share that
 * holds when its validator is added holds at the end of the batch too.
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
  const state = operators.map((o) => ({ ...o, given: 0 }));
  let total = totalActive;
  let given = 0;
  while (given < maxValidators) {
    let best: (typeof state)[number] | undefined;
    for (const o of state) {
      if (o.available - o.given <= 0) continue;
      const after = BigInt(o.active + o.given + 1);
      if (after * BPS > BigInt(maxShareBps) * BigInt(total + 1)) continue;
      if (
        !best ||
        o.active + o.given < best.active + best.given ||
        (o.active + o.given === best.active + best.given && o.operatorId < best.operatorId)
      ) {
        best = o;
      }
    }
    if (!best) break;
    best.given += 1;
    total += 1;
    given += 1;
  }
  const chosen = state.filter((o) => o.given > 0).sort((a, b) => a.operatorId - b.operatorId);
  return { operatorIds: chosen.map((o) => o.operatorId), counts: chosen.map((o) => o.given), total: given };
}
