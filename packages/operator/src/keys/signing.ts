import type { SecretKey } from "@chainsafe/blst";
import { DOMAIN_DEPOSIT } from "@lodestar/params";
import { computeDomain, computeSigningRoot, ZERO_HASH } from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import { hexToBytes } from "viem";
import type { DepositNetwork } from "./networks.js";

/** 32 ETH in gwei: the deposit of one validator. */
export const DEPOSIT_AMOUNT_GWEI = 32_000_000_000;

/** The fields a deposit signs and the deposit contract hashes, as bytes. */
export interface DepositFields {
  pubkey: Uint8Array;
  withdrawalCredentials: Uint8Array;
  amount: number;
}

/** A signed deposit with its two SSZ roots. */
export interface SignedDeposit extends DepositFields {
  signature: Uint8Array;
  /** hash_tree_root(DepositMessage): what the signature's signing root commits to. */
  depositMessageRoot: Uint8Array;
  /** hash_tree_root(DepositData): what the deposit contract checks and accumulates. */
  depositDataRoot: Uint8Array;
}

/**
 * DOMAIN_DEPOSIT for a network: compute_domain(DOMAIN_DEPOSIT, GENESIS_FORK_VERSION, zero root).
 * Deposits are valid on every fork of a chain, so the genesis version and no validators root are used.
 */
export function depositDomain(forkVersion: DepositNetwork["forkVersion"]): Uint8Array {
  return computeDomain(DOMAIN_DEPOSIT, hexToBytes(forkVersion), ZERO_HASH);
}

/** The signing root of a deposit message under `domain` (compute_signing_root). */
export function depositSigningRoot(fields: DepositFields, domain: Uint8Array): Uint8Array {
  return computeSigningRoot(ssz.phase0.DepositMessage, fields, domain);
}

/** Signs a deposit of `secretKey`'s pubkey and computes its roots. */
export function signDeposit(
  secretKey: SecretKey,
  pubkey: Uint8Array,
  withdrawalCredentials: Uint8Array,
  domain: Uint8Array,
): SignedDeposit {
  const fields = { pubkey, withdrawalCredentials, amount: DEPOSIT_AMOUNT_GWEI };
  const signature = secretKey.sign(depositSigningRoot(fields, domain)).toBytes();
  return {
    ...fields,
    signature,
    depositMessageRoot: ssz.phase0.DepositMessage.hashTreeRoot(fields),
    depositDataRoot: ssz.phase0.DepositData.hashTreeRoot({ ...fields, signature }),
  };
}

/** hash_tree_root of a DepositMessage. */
export function depositMessageRoot(fields: DepositFields): Uint8Array {
  return ssz.phase0.DepositMessage.hashTreeRoot(fields);
}

/** hash_tree_root of a DepositData. */
export function depositDataRoot(fields: DepositFields & { signature: Uint8Array }): Uint8Array {
  return ssz.phase0.DepositData.hashTreeRoot(fields);
}
