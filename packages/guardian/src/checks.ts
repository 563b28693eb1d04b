/**
 * What a guardian checks of each key before it signs a vetting that covers it, in this order:
 *
 * 1. `pubkey_length`: the pubkey is 48 bytes; `signature_length`: the signature is 96 bytes.
 * 2. `bad_signature`: the BLS deposit signature verifies over DepositMessage(pubkey, the protocol's
 *    withdrawal credentials, 32 ETH) under DOMAIN_DEPOSIT with this chain's genesis fork version and
 *    a zero genesis validators root (`is_valid_deposit_signature` of the consensus spec). A pubkey
 *    that is not a point of the curve fails here too.
 * 3. `already_deposited`: the beacon deposit contract has no earlier deposit for the pubkey, made by
 *    anyone, with any credentials. A validator whose first deposit names other credentials is not
 *    the protocol's, and a deposit the protocol did not make is not one it can account for.
 * 4. `duplicate`: no other registry key has the same pubkey.
 *
 * Vetting is a count: the first key that fails stops it, and every later key of that operator waits
 * until the operator removes the keys from there on.
 */
import { PublicKey, Signature, verify } from "@chainsafe/blst";
import { DEPOSIT_AMOUNT_GWEI, depositSigningRoot } from "@tributary/operator/keys";
import { type Hex, hexToBytes } from "viem";
import type { DepositRecord } from "./depositLog.js";

export type RefusalReason =
  | "pubkey_length"
  | "signature_length"
  | "bad_signature"
  | "already_deposited"
  | "duplicate";

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  "pubkey_length",
  "signature_length",
  "bad_signature",
  "already_deposited",
  "duplicate",
];

export interface Refusal {
  reason: RefusalReason;
  /** A sentence naming what is wrong. */
  detail: string;
}

export interface KeyCheckContext {
  /** The registry's withdrawal credentials (0x01 ++ zeros ++ the vault). */
  withdrawalCredentials: Hex;
  /** `depositDomain(genesis fork version)` of @tributary/operator/keys. */
  domain: Uint8Array;
  firstDeposit: (pubkey: Hex) => DepositRecord | undefined;
  /** Every (operator, index) holding the pubkey now. */
  holders: (pubkey: Hex) => Array<{ operatorId: number; index: number }>;
}

/**
 * Checks one key; null when it may be vetted. Signature results are cached (they never change for
 * a given key, credentials and fork), the deposit and duplicate checks are made every time.
 */
export class KeyChecker {
  private readonly signatureCache = new Map<string, boolean>();

  constructor(private readonly context: KeyCheckContext) {}

  get domain(): Uint8Array {
    return this.context.domain;
  }

  check(operatorId: number, index: number, pubkey: Hex, signature: Hex): Refusal | null {
    const pubkeyBytes = hexToBytes(pubkey);
    const signatureBytes = hexToBytes(signature);
    if (pubkeyBytes.length !== 48) {
      return { reason: "pubkey_length", detail: `the pubkey is ${pubkeyBytes.length} bytes, not 48` };
    }
    if (signatureBytes.length !== 96) {
      return {
        reason: "signature_length",
        detail: `the signature is ${signatureBytes.length} bytes, not 96`,
      };
    }
    const signed = this.signatureValid(
      pubkeyBytes,
      signatureBytes,
      `${pubkey}${signature.slice(2)}`.toLowerCase(),
    );
    if (signed !== true) return { reason: "bad_signature", detail: signed };
    const deposit = this.context.firstDeposit(pubkey);
    if (deposit) {
      const own =
        deposit.withdrawalCredentials.toLowerCase() === this.context.withdrawalCredentials.toLowerCase();
      return {
        reason: "already_deposited",
        detail: `the deposit contract already has a deposit for this pubkey (block ${deposit.blockNumber}, ${
          own
            ? "the protocol's withdrawal credentials"
            : `other withdrawal credentials ${deposit.withdrawalCredentials}`
        })`,
      };
    }
    const others = this.context
      .holders(pubkey)
      .filter((h) => h.operatorId !== operatorId || h.index !== index);
    if (others.length > 0) {
      const where = others.map((h) => `operator ${h.operatorId} index ${h.index}`).join(", ");
      return { reason: "duplicate", detail: `the same pubkey is also registered at ${where}` };
    }
    return null;
  }

  /** true, or why not. */
  private signatureValid(pubkey: Uint8Array, signature: Uint8Array, cacheKey: string): true | string {
    const cached = this.signatureCache.get(cacheKey);
    if (cached === true) return true;
    let publicKey: PublicKey;
    try {
      publicKey = PublicKey.fromBytes(pubkey, true);
    } catch {
      return "the pubkey is not a valid BLS12-381 public key";
    }
    let sig: Signature;
    try {
      sig = Signature.fromBytes(signature, true);
    } catch {
      return "the signature is not a valid BLS12-381 signature";
    }
    const root = depositSigningRoot(
      {
        pubkey,
        withdrawalCredentials: hexToBytes(this.context.withdrawalCredentials),
        amount: DEPOSIT_AMOUNT_GWEI,
      },
      this.context.domain,
    );
    const ok = verify(root, publicKey, sig);
    this.signatureCache.set(cacheKey, ok);
    return ok
      ? true
      : "the deposit signature does not verify for the protocol's withdrawal credentials, 32 ETH and this chain's genesis fork version";
  }
}
