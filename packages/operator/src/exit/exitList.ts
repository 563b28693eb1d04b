/**
 * Exit lists as the accounting module publishes them (`ExitRequestsPublished`): entries packed
 * `operatorId (uint24) ++ keyIndex (uint40) ++ targetExited (uint32) ++ pubkey (48 bytes)`.
 */
import { BaseError } from "@tributary/sdk";
import { type Hex, hexToBigInt, keccak256, sliceHex } from "viem";

/** Bytes of one packed entry: 3 + 5 + 4 + 48. */
export const EXIT_ENTRY_BYTES = 60;

export interface ExitRequest {
  operatorId: number;
  /** The key's index in its operator's list in the registry. */
  keyIndex: number;
  /** The operator's cumulative exited count that meets this request. */
  targetExited: number;
  pubkey: Hex;
}

/** Packed exit list data whose length is not a whole number of entries. */
export class MalformedExitListError extends BaseError {
  override name = "MalformedExitListError";
  constructor(bytes: number) {
    super(`An exit list of ${bytes} bytes is not a whole number of ${EXIT_ENTRY_BYTES}-byte entries.`, {
      docsPath: "exit-daemon",
    });
  }
}

/** The entries of packed exit list data. */
export function decodeExitList(data: Hex): ExitRequest[] {
  const bytes = (data.length - 2) / 2;
  if (!Number.isInteger(bytes) || bytes % EXIT_ENTRY_BYTES !== 0) throw new MalformedExitListError(bytes);
  const out: ExitRequest[] = [];
  for (let at = 0; at < bytes; at += EXIT_ENTRY_BYTES) {
    out.push({
      operatorId: Number(hexToBigInt(sliceHex(data, at, at + 3))),
      keyIndex: Number(hexToBigInt(sliceHex(data, at + 3, at + 8))),
      targetExited: Number(hexToBigInt(sliceHex(data, at + 8, at + 12))),
      pubkey: sliceHex(data, at + 12, at + EXIT_ENTRY_BYTES).toLowerCase() as Hex,
    });
  }
  return out;
}

/** Packs entries as the accounting module expects them (the inverse of `decodeExitList`). */
export function encodeExitList(entries: readonly ExitRequest[]): Hex {
  const hex = entries
    .map(
      (e) =>
        e.operatorId.toString(16).padStart(6, "0") +
        e.keyIndex.toString(16).padStart(10, "0") +
        e.targetExited.toString(16).padStart(8, "0") +
        e.pubkey.slice(2).toLowerCase(),
    )
    .join("");
  return `0x${hex}`;
}

/** The hash a report names for packed exit list data. */
export function exitListHash(data: Hex): Hex {
  return keccak256(data);
}
