/**
 * Voluntary exits signed as the consensus spec and EIP-7044 define them: the domain is
 * DOMAIN_VOLUNTARY_EXIT with the Capella fork version (whatever the current fork) and the genesis
 * validators root, so that a signed exit stays valid across later forks.
 */
import type { SecretKey } from "@chainsafe/blst";
import { DOMAIN_VOLUNTARY_EXIT } from "@lodestar/params";
import { computeDomain, computeSigningRoot } from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import type { SignedVoluntaryExitJson } from "@tributary/daemon/beacon";
import { type Hex, hexToBytes, toHex } from "viem";

/** What the exit domain is built from (read from the Beacon API: genesis and spec). */
export interface ExitDomainInput {
  /** CAPELLA_FORK_VERSION, 4 bytes. */
  capellaForkVersion: Hex;
  genesisValidatorsRoot: Hex;
}

/** The signing domain of voluntary exits (EIP-7044: Capella's fork version). */
export function voluntaryExitDomain(input: ExitDomainInput): Uint8Array {
  return computeDomain(
    DOMAIN_VOLUNTARY_EXIT,
    hexToBytes(input.capellaForkVersion),
    hexToBytes(input.genesisValidatorsRoot),
  );
}

/**
 * Signs `VoluntaryExit(epoch, validatorIndex)` with the validator's key, in the Beacon API's JSON.
 *
 * @example
 * const exit = signVoluntaryExit(secretKey, { epoch: 300, validatorIndex: 42 }, domainInput);
 * await beacon.submitVoluntaryExit(exit);
 */
export function signVoluntaryExit(
  secretKey: SecretKey,
  message: { epoch: number; validatorIndex: number },
  domain: ExitDomainInput | Uint8Array,
): SignedVoluntaryExitJson {
  const bytes = domain instanceof Uint8Array ? domain : voluntaryExitDomain(domain);
  const root = computeSigningRoot(ssz.phase0.VoluntaryExit, message, bytes);
  return {
    message: { epoch: String(message.epoch), validator_index: String(message.validatorIndex) },
    signature: toHex(secretKey.sign(root).toBytes()),
  };
}
