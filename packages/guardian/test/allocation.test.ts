/**
 * `allocate`: how the depositor spreads a batch of new validators over operators. Every allocation
 * is checked against `acceptedByContract`, a copy of `DepositSecurity._checkShares`: once the batch
 * is deposited, each operator in it must satisfy active × 10,000 ≤ maxShareBps × total active
 * (skipped when the cap is 10,000 bps).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Allocation, allocate, type OperatorSlots } from "../src/allocation.js";

const BPS = 10_000n;

/** `DepositSecurity._checkShares` after the batch: the operators in it, against the new total. */
function acceptedByContract(
  operators: readonly OperatorSlots[],
  totalActive: number,
  maxShareBps: number,
  allocation: Allocation,
): boolean {
  if (maxShareBps === 10_000) return true;
  const total = BigInt(totalActive + allocation.total);
  return allocation.operatorIds.every((id, i) => {
    const operator = operators.find((o) => o.operatorId === id);
    if (!operator) return false;
    const active = BigInt(operator.active + (allocation.counts[i] ?? 0));
    return active * BPS <= BigInt(maxShareBps) * total;
  });
}

function slots(...entries: Array<[active: number, available: number]>): OperatorSlots[] {
  return entries.map(([active, available], operatorId) => ({ operatorId, active, available }));
}

function countsById(allocation: Allocation): Record<number, number> {
  return Object.fromEntries(allocation.operatorIds.map((id, i) => [id, allocation.counts[i] ?? 0]));
}

/** mulberry32: a small seeded PRNG, so a failing case replays. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("allocate", () => {
  it("gives each validator to the operator with the fewest active, the lowest id on a tie", () => {
    const operators = slots([5, 100], [2, 100], [3, 100]);
    // 2 → operator 1 (3); tie 3/3 → operator 1 (4); 3 → operator 2 (4); tie 4/4 → operator 1 (5).
    const allocation = allocate(operators, 10, 10_000, 4);
    assert.deepEqual(allocation.operatorIds, [1, 2], "operators 1 and 2, not the fullest one");
    assert.deepEqual(allocation.counts, [3, 1], "operator 1 wins both ties");
    assert.equal(allocation.total, 4, "four validators");
  });

  it("breaks ties by the lowest id whatever the input order", () => {
    const operators: OperatorSlots[] = [
      { operatorId: 7, active: 0, available: 5 },
      { operatorId: 3, active: 0, available: 5 },
      { operatorId: 5, active: 0, available: 5 },
    ];
    assert.deepEqual(allocate(operators, 0, 10_000, 1).operatorIds, [3], "one validator: operator 3");
    assert.deepEqual(allocate(operators, 0, 10_000, 2).operatorIds, [3, 5], "two: operators 3 and 5");
    const three = allocate(operators, 0, 10_000, 3);
    assert.deepEqual(three.operatorIds, [3, 5, 7], "three: one each, ids ascending");
    assert.deepEqual(three.counts, [1, 1, 1], "one each");
  });

  it("never gives an operator more than its available keys", () => {
    const operators = slots([0, 1], [10, 100], [0, 0]);
    const allocation = allocate(operators, 10, 10_000, 5);
    assert.deepEqual(countsById(allocation), { 0: 1, 1: 4 }, "operator 0 has one key; operator 2 none");
    assert.equal(allocation.total, 5, "the rest goes to operator 1");
  });

  it("stops at the share cap counted after the deposit, the boundary included", () => {
    // Operator 0 may reach a with a × 10,000 ≤ 5,000 × (10 + a): a = 10 exactly (50% of 20).
    const operators = slots([0, 100], [10, 0]);
    const allocation = allocate(operators, 10, 5_000, 100);
    assert.deepEqual(countsById(allocation), { 0: 10 }, "ten validators: exactly 50%");
    assert.ok(acceptedByContract(operators, 10, 5_000, allocation), "the contract accepts it");
    const oneMore: Allocation = { operatorIds: [0], counts: [11], total: 11 };
    assert.ok(!acceptedByContract(operators, 10, 5_000, oneMore), "the contract refuses an eleventh");
  });

  it("counts operators outside the list in the total", () => {
    // 10% of all: a × 10,000 ≤ 1,000 × (100 + a) gives a ≤ 11.
    const operators = slots([0, 50]);
    const allocation = allocate(operators, 100, 1_000, 50);
    assert.equal(allocation.total, 11, "eleven of 111 is at most 10%");
    assert.ok(acceptedByContract(operators, 100, 1_000, allocation), "the contract accepts it");
  });

  it("has no cap at 10,000 bps", () => {
    const operators = slots([0, 30]);
    const allocation = allocate(operators, 0, 10_000, 25);
    assert.deepEqual(countsById(allocation), { 0: 25 }, "a single operator takes every validator");
  });

  it("stops at maxValidators", () => {
    const operators = slots([0, 100], [0, 100], [0, 100]);
    const allocation = allocate(operators, 0, 10_000, 7);
    assert.equal(allocation.total, 7, "seven validators");
    assert.deepEqual(allocation.counts, [3, 2, 2], "spread evenly, lowest ids first");
    assert.equal(allocate(operators, 0, 10_000, 0).total, 0, "none when none may be made");
  });

  it("is empty when every operator with keys is at the cap", () => {
    // Operator 0 holds 50% and any deposit to it raises its share; operator 1 has no key.
    const operators = slots([5, 10], [5, 0]);
    const allocation = allocate(operators, 10, 5_000, 10);
    assert.deepEqual(allocation, { operatorIds: [], counts: [], total: 0 }, "nothing");
    assert.deepEqual(
      allocate(slots([3, 0], [4, 0]), 7, 10_000, 10),
      { operatorIds: [], counts: [], total: 0 },
      "nothing without keys either",
    );
  });

  it("finds a batch the contract accepts when no single deposit fits the cap on its own", {
    todo: "allocate checks the cap after each single validator, so a batch that only fits as a whole (the contract checks it as a whole) is never found",
  }, () => {
    // Two new operators, cap 50%: one each is 1 of 2 (50%), but the first one alone is 1 of 1.
    const fresh = slots([0, 10], [0, 10]);
    const first = allocate(fresh, 0, 5_000, 10);
    assert.ok(first.total >= 2, `a first batch of two or more, got ${first.total}`);
    assert.ok(acceptedByContract(fresh, 0, 5_000, first), "which the contract accepts");
    // Three equal operators, cap 34%: one each is 2 of 6 (33.3%), any one alone 2 of 4 (50%).
    const equal = slots([1, 10], [1, 10], [1, 10]);
    const next = allocate(equal, 3, 3_400, 10);
    assert.ok(next.total >= 3, `a batch of three or more, got ${next.total}`);
    assert.ok(acceptedByContract(equal, 3, 3_400, next), "which the contract accepts");
  });

  it("holds its invariants over random operators, totals and caps (seeded)", () => {
    const random = prng(0x5eed_2026);
    const int = (max: number) => Math.floor(random() * (max + 1));
    const CASES = 2_000;
    let nonEmpty = 0;
    for (let run = 0; run < CASES; run++) {
      const count = 1 + int(7);
      const operators: OperatorSlots[] = [];
      let listed = 0;
      for (let i = 0; i < count; i++) {
        const active = int(40);
        listed += active;
        // Sparse, shuffled ids.
        operators.push({ operatorId: i * 3 + int(2), active, available: int(12) });
      }
      operators.sort(() => random() - 0.5);
      const totalActive = listed + int(60);
      const maxShareBps = random() < 0.15 ? 10_000 : 500 + int(9_500);
      const maxValidators = int(30);
      const allocation = allocate(operators, totalActive, maxShareBps, maxValidators);
      const at = `case ${run}: ${JSON.stringify({ operators, totalActive, maxShareBps, maxValidators })}`;

      assert.ok(allocation.total <= maxValidators, `total within maxValidators, ${at}`);
      assert.equal(
        allocation.counts.reduce((a, b) => a + b, 0),
        allocation.total,
        `counts add up to the total, ${at}`,
      );
      assert.equal(allocation.operatorIds.length, allocation.counts.length, `one count per id, ${at}`);
      for (let i = 0; i < allocation.operatorIds.length; i++) {
        const id = allocation.operatorIds[i] as number;
        const operator = operators.find((o) => o.operatorId === id);
        assert.ok(operator, `operator ${id} was offered, ${at}`);
        const given = allocation.counts[i] as number;
        assert.ok(given > 0, `only operators given a validator are listed, ${at}`);
        assert.ok(given <= operator.available, `operator ${id} within its available keys, ${at}`);
        if (i > 0) assert.ok(id > (allocation.operatorIds[i - 1] as number), `ids strictly ascending, ${at}`);
      }
      assert.ok(acceptedByContract(operators, totalActive, maxShareBps, allocation), `within the cap, ${at}`);
      if (allocation.total > 0) nonEmpty++;
    }
    assert.ok(nonEmpty > CASES / 4, `the cases exercise real allocations (${nonEmpty} non-empty)`);
  });
});
