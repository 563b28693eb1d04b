import type { Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/**
 * The public test mnemonic that anvil and Hardhat fund by default. Its keys are known to everyone:
 * they are used on development chains only, and the deploy script refuses them elsewhere.
 */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Chain ids of development chains (anvil, Hardhat). */
export const DEV_CHAIN_IDS: readonly number[] = [31337, 1337];

export function devAccount(index: number) {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export function devPrivateKey(index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for development account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** Development roles: 0 deploys, 1-3 are guardians, 4 is the emergency committee. */
export const DEV_ROLES = { deployer: 0, guardians: [1, 2, 3], emergencyCommittee: 4, firstUser: 5 } as const;
