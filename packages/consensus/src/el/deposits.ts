import type { electra } from "@lodestar/types";
import { decodeAbiParameters, keccak256, toBytes } from "viem";
import { fromHex, type Hex } from "../hex.js";

/** topic0 of `DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index)`. */
export const DEPOSIT_EVENT_TOPIC = keccak256(toBytes("DepositEvent(bytes,bytes,bytes,bytes,bytes)"));

const DEPOSIT_EVENT_DATA = [
  { type: "bytes", name: "pubkey" },
  { type: "bytes", name: "withdrawalCredentials" },
  { type: "bytes", name: "amount" },
  { type: "bytes", name: "signature" },
  { type: "bytes", name: "index" },
] as const;

function littleEndianU64(hex: Hex): bigint {
  const bytes = fromHex(hex);
  if (bytes.length !== 8) throw new Error(`expected 8 bytes, got ${bytes.length}`);
  return Buffer.from(bytes).readBigUInt64LE(0);
}

/** Decodes a DepositEvent log into an EIP-6110 deposit request. */
export function depositRequestFromLog(data: Hex): electra.DepositRequest {
  const [pubkey, withdrawalCredentials, amount, signature, index] = decodeAbiParameters(
    DEPOSIT_EVENT_DATA,
    data,
  );
  return {
    pubkey: fromHex(pubkey),
    withdrawalCredentials: fromHex(withdrawalCredentials),
    amount: Number(littleEndianU64(amount)),
    signature: fromHex(signature),
    index: littleEndianU64(index),
  };
}
