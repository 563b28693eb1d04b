import { SecretKey } from "@chainsafe/blst";
import { interopSecretKey } from "@lodestar/state-transition";

/**
 * Keys of the genesis validators that do not belong to the protocol. They are the well-known
 * "interop" keys (secret key i = sha256(i) mod r), so anyone can recompute them: local use only.
 */
export function genesisSecretKey(index: number): SecretKey {
  return interopSecretKey(index);
}

export function genesisPubkeys(count: number, cached: Uint8Array[] = []): Uint8Array[] {
  const pubkeys = cached.slice(0, count);
  for (let i = pubkeys.length; i < count; i++) {
    pubkeys.push(genesisSecretKey(i).toPublicKey().toBytes());
  }
  return pubkeys;
}

export { SecretKey };
