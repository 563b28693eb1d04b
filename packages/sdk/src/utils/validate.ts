import { type Address, isAddress } from "viem";
import { InvalidArgumentError } from "../errors/base.js";

/** Throws `InvalidArgumentError` unless `value` is a non-negative bigint (wei or shares). */
export function checkAmount(argument: string, value: unknown): bigint {
  if (typeof value !== "bigint") {
    throw new InvalidArgumentError(argument, `\`${argument}\` must be an amount in wei as a bigint.`);
  }
  if (value < 0n) {
    throw new InvalidArgumentError(argument, `\`${argument}\` must not be negative (got ${value}).`);
  }
  return value;
}

/** Throws `InvalidArgumentError` unless `value` is an address (any checksum case accepted). */
export function checkAddress(argument: string, value: unknown): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new InvalidArgumentError(argument, `\`${argument}\` is not an address: ${String(value)}.`);
  }
  return value as Address;
}

/** Throws `InvalidArgumentError` unless `value` is a non-negative integer id (number or bigint). */
export function checkId(argument: string, value: unknown): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "bigint" && value >= 0n) return value;
  throw new InvalidArgumentError(
    argument,
    `\`${argument}\` must be a non-negative integer (got ${String(value)}).`,
  );
}
