import { BaseError } from "./base.js";
import type { ContractError, ContractErrorArgs, ContractErrorName } from "./contract.js";

/**
 * What a pre-check throws when the contract would refuse the call with its custom error
 * `errorName`: the name and values only. `withErrors` turns it into the `ContractError` (with its
 * sentence), loading the sentences then, so an application that never fails never downloads them.
 */
export class Refusal<name extends ContractErrorName = ContractErrorName> extends Error {
  override name = "Refusal";
  readonly errorName: name;
  readonly args: ContractErrorArgs<name>;

  constructor(errorName: name, args: ContractErrorArgs<name>) {
    super(errorName);
    this.errorName = errorName;
    this.args = args;
  }
}

/** True when `error` is the protocol's custom error `name` (then its `args` are typed). */
export function isContractError<name extends ContractErrorName>(
  error: unknown,
  name: name,
): error is ContractError<name> {
  // By its error name rather than its class, so checking costs no sentence in a bundle.
  return error instanceof BaseError && (error as { errorName?: unknown }).errorName === name;
}
