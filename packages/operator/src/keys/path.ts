import { InvalidDerivationPathError } from "./errors.js";

/** EIP-2334 purpose (BLS12-381's curve number). */
export const EIP2334_PURPOSE = 12381;
/** EIP-2334 coin type of Ethereum's consensus layer. */
export const EIP2334_COIN_TYPE = 3600;
/** Largest node index EIP-2333 allows (`index < 2^32`). */
const MAX_INDEX = 2 ** 32 - 1;

/** Parses `m/12381/3600/0/0/0` into its node indices `[12381, 3600, 0, 0, 0]`. */
export function parsePath(path: string): number[] {
  const parts = path.split("/");
  if (parts[0] !== "m") throw new InvalidDerivationPathError(path, 'it must start with "m"');
  return parts.slice(1).map((part, i) => {
    if (!/^(0|[1-9][0-9]*)$/u.test(part))
      throw new InvalidDerivationPathError(path, `level ${i + 1} ("${part}") is not a decimal integer`);
    const index = Number(part);
    if (index > MAX_INDEX)
      throw new InvalidDerivationPathError(path, `level ${i + 1} (${part}) is not below 2^32`);
    return index;
  });
}

/** Formats node indices as a path: `[12381, 3600, 0, 0, 0]` gives `m/12381/3600/0/0/0`. */
export function formatPath(indices: readonly number[]): string {
  for (const index of indices)
    if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX)
      throw new InvalidDerivationPathError(
        `m/${indices.join("/")}`,
        `${index} is not an integer in [0, 2^32)`,
      );
  return ["m", ...indices].join("/");
}

/** EIP-2334 signing key path of validator `index`: `m/12381/3600/{index}/0/0`. */
export function signingKeyPath(index: number): string {
  return formatPath([EIP2334_PURPOSE, EIP2334_COIN_TYPE, index, 0, 0]);
}

/** EIP-2334 withdrawal key path of validator `index`: `m/12381/3600/{index}/0`. */
export function withdrawalKeyPath(index: number): string {
  return formatPath([EIP2334_PURPOSE, EIP2334_COIN_TYPE, index, 0]);
}
