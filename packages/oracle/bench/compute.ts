import type { StateView } from "../src/state/types.js";

/** Operators the benchmark spreads the protocol's validators over. */
export const BENCH_OPERATORS = 300;

export interface BenchReport {
  validators: number;
  /** Sum of balances per operator, gwei. */
  operatorBalancesGwei: number[];
}

/**
 * HOOK: what the benchmark times after reading the state. Until the report computation is wired in, it
 * sums the balances of each operator's validators, operator = position among the protocol's validators
 * found, modulo BENCH_OPERATORS. Replace the body with the report computation (keeping the signature, or
 * widening the return type) and every path of the benchmark times it.
 */
export function computeFromView(view: StateView): BenchReport {
  const totals = new Array<number>(BENCH_OPERATORS).fill(0);
  const validators = view.validators;
  for (let k = 0; k < validators.length; k++) {
    const operator = k % BENCH_OPERATORS;
    totals[operator] =
      (totals[operator] as number) + (validators[k] as (typeof validators)[number]).balanceGwei;
  }
  return { validators: validators.length, operatorBalancesGwei: totals };
}
