/**
 * Adding the keys of a deposit data file: the whole file checked first (network, credentials,
 * signatures, keys already used, bond), then the keys sent in chunks, each chunk one transaction.
 * A re-run skips the keys the operator already has, so a run cut short is resumed: nothing is lost
 * or added twice.
 */
import { type Deployment, getOperator, addKeys as sdkAddKeys } from "@tributary/sdk";
import { operatorRegistryAbi } from "@tributary/sdk/abis";
import {
  type Account,
  type Chain,
  type Client,
  concat,
  type Hash,
  type Hex,
  type Transport,
  type WalletClient,
} from "viem";
import { readContract, waitForTransactionReceipt } from "viem/actions";
import { AddKeysIncompleteError, BondBelowRequiredError, KeysAlreadyUsedError } from "../errors.js";
import { type ParsedDeposit, parseDepositData } from "../keys/index.js";
import { currentKeys, readDepositedKeys, readRegistryKeys } from "./usedKeys.js";

type AnyClient = Client<Transport, Chain | undefined>;
export type OperatorWallet = WalletClient<Transport, Chain, Account>;

/** Keys per transaction by default: about 100k gas a key keeps a chunk well under a block. */
export const DEFAULT_KEYS_PER_TRANSACTION = 50;

export interface PlanAddKeysParameters {
  deployment: Deployment;
  operatorId: bigint;
  /** The deposit data file's text (or parsed JSON). */
  depositData: string | unknown;
  /** GENESIS_FORK_VERSION of the network (see `depositForkVersion`). */
  forkVersion: Hex;
  /** ETH to post as bond, wei; with `autoBond` the registry's `bondTopUp` is used. */
  bond?: bigint | undefined;
  autoBond?: boolean | undefined;
}

export interface AddKeysPlan {
  operatorId: bigint;
  /** Every deposit of the file, checked. */
  deposits: ParsedDeposit[];
  /** Keys of the file the operator already has (a previous run): skipped. */
  skipped: { pubkey: Hex; index: number }[];
  /** Keys to add, in the file's order. */
  toAdd: ParsedDeposit[];
  /** The registry's `bondTopUp` for them, wei. */
  requiredBond: bigint;
  /** The bond that will be sent, wei. */
  bond: bigint;
  withdrawalCredentials: Hex;
}

/**
 * Checks a deposit data file against the chain, sending nothing. Throws the keys module's named
 * `DepositDataError`s (another network, other credentials, a bad signature, a duplicate),
 * `KeysAlreadyUsedError` (in the registry under another operator or removed; deposited in the
 * deposit contract) and `BondBelowRequiredError`.
 */
export async function planAddKeys(
  client: AnyClient,
  parameters: PlanAddKeysParameters,
): Promise<AddKeysPlan> {
  const { deployment, operatorId } = parameters;
  const withdrawalCredentials = await readContract(client, {
    address: deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    functionName: "withdrawalCredentials",
  });
  const deposits = parseDepositData(parameters.depositData, {
    forkVersion: parameters.forkVersion,
    withdrawalCredentials,
  });
  const [operator, registry, deposited] = await Promise.all([
    getOperator(client, { operatorId, deployment }),
    readRegistryKeys(client, deployment),
    readDepositedKeys(client, deployment),
  ]);
  const mine = currentKeys(registry, operatorId, operator.keys.total);
  const skipped: { pubkey: Hex; index: number }[] = [];
  const toAdd: ParsedDeposit[] = [];
  const usedInRegistry: Hex[] = [];
  const usedDeposited: Hex[] = [];
  for (const deposit of deposits) {
    const pubkey = deposit.pubkey.toLowerCase() as Hex;
    const index = mine.get(pubkey);
    if (index !== undefined) {
      skipped.push({ pubkey, index });
      continue;
    }
    if (registry.added.has(pubkey)) usedInRegistry.push(pubkey);
    else if (deposited.has(pubkey)) usedDeposited.push(pubkey);
    else toAdd.push(deposit);
  }
  if (usedInRegistry.length > 0 || usedDeposited.length > 0)
    throw new KeysAlreadyUsedError(usedInRegistry, usedDeposited);
  let requiredBond = 0n;
  if (toAdd.length > 0) {
    [requiredBond] = await readContract(client, {
      address: deployment.contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "bondTopUp",
      args: [operatorId, BigInt(toAdd.length)],
    });
  }
  const bond = parameters.autoBond ? requiredBond : (parameters.bond ?? 0n);
  if (bond < requiredBond) throw new BondBelowRequiredError(bond, requiredBond, toAdd.length);
  return { operatorId, deposits, skipped, toAdd, requiredBond, bond, withdrawalCredentials };
}

export interface AddKeysProgress {
  chunk: number;
  chunks: number;
  keys: number;
  hash: Hash;
}

/**
 * Sends a plan's keys, `keysPerTransaction` per transaction, each waiting for its receipt. The
 * bond goes with the chunks as the registry asks for it (`bondTopUp` of each chunk), the rest of
 * an explicit bond with the last. If a chunk fails, `AddKeysIncompleteError` lists the keys that
 * landed and those that did not (its cause is the failure); running again resumes.
 */
export async function sendAddKeys(
  wallet: OperatorWallet,
  plan: AddKeysPlan,
  options: {
    deployment: Deployment;
    keysPerTransaction?: number | undefined;
    onProgress?: ((progress: AddKeysProgress) => void) | undefined;
  },
): Promise<{ hashes: Hash[]; added: Hex[] }> {
  const size = Math.max(1, options.keysPerTransaction ?? DEFAULT_KEYS_PER_TRANSACTION);
  const chunks: ParsedDeposit[][] = [];
  for (let i = 0; i < plan.toAdd.length; i += size) chunks.push(plan.toAdd.slice(i, i + size));
  const landed: Hex[] = [];
  const hashes: Hash[] = [];
  let bondLeft = plan.bond;
  for (const [i, chunk] of chunks.entries()) {
    try {
      const [topUp] = await readContract(wallet, {
        address: options.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "bondTopUp",
        args: [plan.operatorId, BigInt(chunk.length)],
      });
      const last = i === chunks.length - 1;
      // Each chunk sends what the registry asks for it (within the bond offered); the last, the rest.
      const value = last ? maxBigInt(bondLeft, topUp) : minBigInt(topUp, bondLeft);
      const hash = await sdkAddKeys(wallet, {
        operatorId: plan.operatorId,
        pubkeys: concat(chunk.map((d) => d.pubkey)),
        signatures: concat(chunk.map((d) => d.signature)),
        bond: value,
        deployment: options.deployment,
      });
      const receipt = await waitForTransactionReceipt(wallet, { hash });
      if (receipt.status !== "success") throw new Error(`the addKeys transaction ${hash} reverted`);
      bondLeft = bondLeft > value ? bondLeft - value : 0n;
      hashes.push(hash);
      landed.push(...chunk.map((d) => d.pubkey));
      options.onProgress?.({ chunk: i + 1, chunks: chunks.length, keys: chunk.length, hash });
    } catch (cause) {
      const notLanded = chunks.slice(i).flatMap((c) => c.map((d) => d.pubkey));
      throw new AddKeysIncompleteError(landed, notLanded, { cause });
    }
  }
  return { hashes, added: landed };
}

const minBigInt = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBigInt = (a: bigint, b: bigint) => (a > b ? a : b);
