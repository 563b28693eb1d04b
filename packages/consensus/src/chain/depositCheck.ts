import { PublicKey, Signature, verify } from "@chainsafe/blst";
import type { ChainForkConfig } from "@lodestar/config";
import { DOMAIN_DEPOSIT } from "@lodestar/params";
import { computeDomain, computeSigningRoot, ZERO_HASH } from "@lodestar/state-transition";
import { type electra, ssz } from "@lodestar/types";

/**
 * The spec's deposit proof-of-possession check (`is_valid_deposit_signature`), run when a deposit request is
 * read so a bad one can be logged; the state transition itself drops it in `apply_pending_deposit`.
 */
export function isValidDepositSignature(config: ChainForkConfig, request: electra.DepositRequest): boolean {
  const domain = computeDomain(DOMAIN_DEPOSIT, config.GENESIS_FORK_VERSION, ZERO_HASH);
  const signingRoot = computeSigningRoot(
    ssz.phase0.DepositMessage,
    { pubkey: request.pubkey, withdrawalCredentials: request.withdrawalCredentials, amount: request.amount },
    domain,
  );
  try {
    return verify(
      signingRoot,
      PublicKey.fromBytes(request.pubkey, true),
      Signature.fromBytes(request.signature, true),
    );
  } catch {
    return false;
  }
}
