import { InvalidArgumentError } from "@tributary/sdk";
import { type Address, getAddress, isAddress, parseEther } from "viem";

const DECIMAL = /^\d*\.?\d*$/;

/**
 * An amount of ETH or trETH as typed ("1", "0.5", ".25") into wei, with viem's `parseEther`.
 * Junk, a sign, an exponent, more than 18 decimals and zero are refused with a sentence.
 */
export function parseAmount(text: string, argument: string, unit: "ETH" | "trETH"): bigint {
  const trimmed = text.trim();
  if (!trimmed || trimmed === "." || !DECIMAL.test(trimmed)) {
    throw new InvalidArgumentError(
      argument,
      `"${text}" is not an amount of ${unit}: write a positive decimal number such as 1 or 0.5.`,
    );
  }
  const decimals = trimmed.split(".")[1] ?? "";
  if (decimals.length > 18) {
    throw new InvalidArgumentError(
      argument,
      `"${text}" has ${decimals.length} decimals; ${unit} has 18 (1 wei = 0.000000000000000001).`,
    );
  }
  const wei = parseEther(trimmed);
  if (wei === 0n) throw new InvalidArgumentError(argument, `The amount is zero: give more than 0 ${unit}.`);
  return wei;
}

/** An address as typed into its checksummed form; anything else is refused with a sentence. */
export function parseAddress(text: string, argument: string): Address {
  const trimmed = text.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    throw new InvalidArgumentError(
      argument,
      `"${text}" is not an address: an address is 0x followed by 40 hexadecimal digits.`,
    );
  }
  if (!isAddress(trimmed)) {
    throw new InvalidArgumentError(
      argument,
      `"${text}" has a wrong checksum (its mixed case does not match): check it, or write it in lower case.`,
    );
  }
  return getAddress(trimmed);
}

/** A withdrawal request id or proposal id (decimal or 0x hex) as a bigint. */
export function parseId(text: string, argument: string, what: string): bigint {
  const trimmed = text.trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(trimmed)) {
    throw new InvalidArgumentError(argument, `"${text}" is not a ${what}: give a whole number.`);
  }
  return BigInt(trimmed);
}
