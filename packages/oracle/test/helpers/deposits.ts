/**
 * Protocol validators made the protocol's way: real BLS keys with deposit signatures over the
 * registry's withdrawal credentials, added by their operator (bond posted), vetted by a quorum of
 * guardians, funded by a stake, and deposited through DepositSecurity with guardian signatures
 * over the deposit contract's root.
 */
import type { SecretKey } from "@chainsafe/blst";
import { DOMAIN_DEPOSIT } from "@lodestar/params";
import { computeDomain, computeSigningRoot, interopSecretKey, ZERO_HASH } from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import { addKeys, stake } from "@tributary/sdk";
import { depositContractAbi, depositSecurityAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import {
  type Account,
  type Chain,
  concat,
  encodeAbiParameters,
  type Hash,
  type Hex,
  keccak256,
  type PublicClient,
  parseEther,
  type TransactionReceipt,
  type Transport,
  toHex,
  type WalletClient,
} from "viem";
import type { Deployment } from "../../../../contracts/lib/deploy.js";
import { DEV_ROLES, devAccount } from "../../../../contracts/lib/devkeys.js";
import { LOCAL_GENESIS_FORK_VERSION } from "../../../consensus/src/config.js";

const DEPOSIT_GWEI = 32_000_000_000;
const DEPOSIT_WEI = parseEther("32");

export type DevWallet = WalletClient<Transport, Chain, Account>;

/** A protocol key: real BLS key, deposited through DepositSecurity with the registry's credentials. */
export interface ProtocolKey {
  pubkey: Hex;
  operatorId: number;
  /** Index of the key in its operator's key list in the registry. */
  keyIndex: number;
  /** Signs voluntary exits; never print it. */
  secretKey: SecretKey;
}

export type SignedKey = ProtocolKey & { signature: Hex };

/**
 * Interop key `interopIndex` (secret key = sha256(index) mod r: public, local use only) with its
 * deposit signature: DepositMessage(pubkey, credentials, 32 ETH) under DOMAIN_DEPOSIT with the local
 * chain's genesis fork version, as `is_valid_deposit_signature` checks it.
 */
export function signedKey(
  interopIndex: number,
  credentials: Hex,
  operatorId: number,
  keyIndex: number,
): SignedKey {
  const secretKey = interopSecretKey(interopIndex);
  const pubkey = secretKey.toPublicKey().toBytes();
  const domain = computeDomain(
    DOMAIN_DEPOSIT,
    Buffer.from(LOCAL_GENESIS_FORK_VERSION.slice(2), "hex"),
    ZERO_HASH,
  );
  const message = {
    pubkey,
    withdrawalCredentials: Buffer.from(credentials.slice(2), "hex"),
    amount: DEPOSIT_GWEI,
  };
  const signature = secretKey.sign(computeSigningRoot(ssz.phase0.DepositMessage, message, domain));
  return { pubkey: toHex(pubkey), operatorId, keyIndex, secretKey, signature: toHex(signature.toBytes()) };
}

/** Signatures of the first `quorum` guardians (dev accounts 1-3) over `digest`, sorted by signer as DepositSecurity wants. */
export function guardianSignatures(digest: Hex, quorum: number): Promise<Hex[]> {
  const signers = DEV_ROLES.guardians
    .slice(0, quorum)
    .map((i) => devAccount(i))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  return Promise.all(signers.map((s) => s.sign({ hash: digest })));
}

export interface DepositContext {
  publicClient: PublicClient;
  deployment: Deployment;
  wallet(account: number): DevWallet;
  /** Waits until the transactions are in blocks (producing slots once the chain runs). */
  include(hashes: Hash | Hash[], what?: string): Promise<TransactionReceipt[]>;
  /** True while anvil mines every transaction at once (before genesis). */
  automine(): boolean;
  /** Development account that manages `operatorId`. */
  operatorAccount(operatorId: number): number;
  /** Development account that stakes the ETH the deposits need. */
  staker: number;
  /** The next key for an operator, at its next key index. */
  newKey(operatorId: number, keyIndex: number): SignedKey;
}

/**
 * Adds `count` keys to each operator, has the guardians vet them, stakes 32 ETH per key and makes
 * one guarded deposit of them all. Four steps, each one block (one slot once the chain runs).
 */
export async function depositKeys(
  ctx: DepositContext,
  batches: Array<{ operatorId: number; count: number }>,
): Promise<ProtocolKey[]> {
  const { publicClient, deployment } = ctx;
  const { contracts } = deployment;
  const operator = (operatorId: number) =>
    publicClient.readContract({
      address: contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [BigInt(operatorId)],
    });

  const created: SignedKey[] = [];
  const added: Hash[] = [];
  for (const { operatorId, count } of batches) {
    const { totalKeys } = await operator(operatorId);
    const keys = Array.from({ length: count }, (_, i) => ctx.newKey(operatorId, totalKeys + i));
    created.push(...keys);
    // The SDK posts the bond the keys lack (bondTopUp) with them.
    added.push(
      await addKeys(ctx.wallet(ctx.operatorAccount(operatorId)), {
        operatorId: BigInt(operatorId),
        pubkeys: concat(keys.map((k) => k.pubkey)),
        signatures: concat(keys.map((k) => k.signature)),
        deployment,
      }),
    );
  }
  await ctx.include(added, "addKeys");

  const guardian = ctx.wallet(DEV_ROLES.guardians[0]);
  const vetted: Hash[] = [];
  for (const { operatorId } of batches) {
    const { totalKeys, keysNonce } = await operator(operatorId);
    const args = [BigInt(operatorId), BigInt(totalKeys), BigInt(keysNonce)] as const;
    const digest = await publicClient.readContract({
      address: contracts.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "vetDigest",
      args,
    });
    vetted.push(
      await guardian.writeContract({
        address: contracts.depositSecurity,
        abi: depositSecurityAbi,
        functionName: "vetKeys",
        args: [...args, await guardianSignatures(digest, deployment.guardianQuorum)],
      }),
    );
    // One account sends them all: one after the other before genesis; pooled for one slot after.
    if (ctx.automine()) await ctx.include(vetted.slice(-1), "vetKeys");
  }
  await ctx.include(vetted, "vetKeys");

  const amount = BigInt(created.length) * DEPOSIT_WEI;
  await ctx.include(await stake(ctx.wallet(ctx.staker), { amount, deployment }), "stake");

  const operatorIds = batches.map((b) => BigInt(b.operatorId));
  const counts = batches.map((b) => BigInt(b.count));
  const depositRoot = await publicClient.readContract({
    address: contracts.depositContract,
    abi: depositContractAbi,
    functionName: "get_deposit_root",
  });
  const nonce = await publicClient.readContract({
    address: contracts.depositSecurity,
    abi: depositSecurityAbi,
    functionName: "depositNonce",
  });
  const allocation = keccak256(
    encodeAbiParameters([{ type: "uint256[]" }, { type: "uint256[]" }], [operatorIds, counts]),
  );
  const digest = await publicClient.readContract({
    address: contracts.depositSecurity,
    abi: depositSecurityAbi,
    functionName: "depositDigest",
    args: [depositRoot, nonce, allocation],
  });
  const batch = {
    depositRoot,
    nonce,
    operatorIds,
    counts,
    pubkeys: concat(created.map((k) => k.pubkey)),
    keySignatures: concat(created.map((k) => k.signature)),
  };
  const hash = await guardian.writeContract({
    address: contracts.depositSecurity,
    abi: depositSecurityAbi,
    functionName: "deposit",
    args: [batch, await guardianSignatures(digest, deployment.guardianQuorum)],
  });
  await ctx.include(hash, "deposit");
  return created.map(({ signature: _, ...key }) => key);
}
