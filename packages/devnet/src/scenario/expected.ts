/**
 * An independent computation of a report's share rate, from the Beacon API's JSON (validator
 * balances, the frame's blocks) and the EVM state before the report, with the fee terms: the
 * treasury fee on the rewards and each operator's commission on its validators' rewards. It shares
 * no code with the oracle. A loss charged to a bond burns that operator's bond shares, so the holders'
 * rate does not fall for it; only the part beyond the bond (the debt) lowers it.
 */
import type { Deployment } from "@tributary/sdk";
import { accountingAbi, operatorRegistryAbi, trETHAbi } from "@tributary/sdk/abis";
import type { Address, PublicClient } from "viem";

const GWEI = 10n ** 9n;
const DEPOSIT = 32n * 10n ** 18n;

type ValidatorJson = { index: string; balance: string; validator: { pubkey: string } };
export type BlockJson = {
  data: {
    message: {
      proposer_index: string;
      body: {
        execution_payload: {
          block_number: string;
          withdrawals: { validator_index: string; address: string; amount: string }[];
        };
      };
    };
  };
};

export interface ExpectedNetwork {
  beaconUrl: string;
  publicClient: PublicClient;
  deployment: Deployment;
}

/**
 * Blocks and balances of finalized slots never change, and a beacon node keeps them only so long
 * (a restarted one keeps none from before): what was read once is kept here, per node.
 */
const blocks = new Map<string, BlockJson | null>();
const validatorSets = new Map<string, ValidatorJson[]>();

/** Records a block read elsewhere (null: the slot, already produced, has no block). */
export function rememberBlock(beaconUrl: string, slot: number, block: BlockJson | null): void {
  blocks.set(`${beaconUrl} ${slot}`, block);
}

async function blockAt(net: ExpectedNetwork, slot: number): Promise<BlockJson | null> {
  const key = `${net.beaconUrl} ${slot}`;
  if (blocks.has(key)) return blocks.get(key) as BlockJson | null;
  const res = await fetch(`${net.beaconUrl}/eth/v2/beacon/blocks/${slot}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`block ${slot}: ${res.status}`);
  const block = (await res.json()) as BlockJson;
  blocks.set(key, block);
  return block;
}

async function validatorsAt(net: ExpectedNetwork, slot: number, pubkeys: string[]): Promise<ValidatorJson[]> {
  if (slot === 0 || pubkeys.length === 0) return [];
  const key = `${net.beaconUrl} ${slot} ${pubkeys.join(",")}`;
  const known = validatorSets.get(key);
  if (known) return known;
  const res = await fetch(`${net.beaconUrl}/eth/v1/beacon/states/${slot}/validators`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids: pubkeys }),
  });
  if (!res.ok) throw new Error(`validators at ${slot}: ${res.status} ${await res.text()}`);
  const list = ((await res.json()) as { data: ValidatorJson[] }).data;
  validatorSets.set(key, list);
  return list;
}

export interface Expected {
  shareRate: bigint;
  clBalance: bigint;
  withdrawals: bigint;
  elRewards: bigint;
  commission: bigint;
  rewards: bigint;
}

/**
 * The rate a report for `refSlot` (the last one was `lastRefSlot`) sets when applied in block
 * `appliedBlock`, for the validators `keys` (pubkey, operator). `burnedShares`: bond shares the
 * report burned for losses (from its `LossCharged` events; 0 without a loss).
 */
export async function expectedReport(
  net: ExpectedNetwork,
  options: {
    refSlot: number;
    lastRefSlot: number;
    appliedBlock: bigint;
    keys: { pubkey: string; operatorId: number }[];
    burnedShares?: bigint;
  },
): Promise<Expected> {
  const { refSlot, lastRefSlot, keys } = options;
  const pubkeys = keys.map((k) => k.pubkey.toLowerCase());
  const [nowList, beforeList] = await Promise.all([
    validatorsAt(net, refSlot, pubkeys),
    validatorsAt(net, lastRefSlot, pubkeys),
  ]);
  const now = new Map(nowList.map((v) => [v.validator.pubkey.toLowerCase(), BigInt(v.balance)]));
  const before = new Map(beforeList.map((v) => [v.validator.pubkey.toLowerCase(), BigInt(v.balance)]));
  const indexOf = new Map(nowList.map((v) => [v.index, v.validator.pubkey.toLowerCase()]));
  const vault = net.deployment.contracts.withdrawalVault.toLowerCase();
  const withdrawn = new Map<string, bigint>();
  const proposals = new Map<string, number>();
  let withdrawals = 0n;
  let refBlockNumber: bigint | undefined;
  for (let s = lastRefSlot + 1; s <= refSlot; s++) {
    const b = await blockAt(net, s);
    if (!b) continue;
    const m = b.data.message;
    refBlockNumber = BigInt(m.body.execution_payload.block_number);
    const proposer = indexOf.get(m.proposer_index);
    if (proposer) proposals.set(proposer, (proposals.get(proposer) ?? 0) + 1);
    for (const w of m.body.execution_payload.withdrawals) {
      if (w.address.toLowerCase() !== vault) continue;
      withdrawals += BigInt(w.amount) * GWEI;
      const pk = indexOf.get(w.validator_index);
      if (pk) withdrawn.set(pk, (withdrawn.get(pk) ?? 0n) + BigInt(w.amount) * GWEI);
    }
  }
  for (let s = lastRefSlot; refBlockNumber === undefined && s >= 0; s--) {
    const b = await blockAt(net, s);
    if (b) refBlockNumber = BigInt(b.data.message.body.execution_payload.block_number);
  }
  const client = net.publicClient;
  const { accounting, token, operatorRegistry, withdrawalVault } = net.deployment.contracts;
  const vaultBalance = await client.getBalance({ address: withdrawalVault, blockNumber: refBlockNumber });
  const pre = options.appliedBlock - 1n;
  const [preBeacon, totalAssets, totalShares] = (await client.readContract({
    address: token,
    abi: trETHAbi,
    functionName: "reportState",
    blockNumber: pre,
  })) as readonly [bigint, bigint, bigint, bigint];
  const [lastClBalance, lastClValidators] = await Promise.all([
    client.readContract({
      address: accounting,
      abi: accountingAbi,
      functionName: "lastClBalance",
      blockNumber: pre,
    }),
    client.readContract({
      address: accounting,
      abi: accountingAbi,
      functionName: "lastClValidators",
      blockNumber: pre,
    }),
  ]);

  let clBalance = 0n;
  for (const b of now.values()) clBalance += b * GWEI;
  const newlySeen = BigInt(now.size) - lastClValidators;
  const postBeacon = clBalance + (preBeacon - lastClBalance - newlySeen * DEPOSIT);
  const wv = withdrawals < vaultBalance ? withdrawals : vaultBalance;
  const el = vaultBalance - wv;
  const rewards = postBeacon + wv + el - preBeacon;

  // Commission: each operator's rate on its validators' net CL rewards plus EL rewards by proposals.
  const byOperator = new Map<number, { cl: bigint; proposals: number }>();
  let protocolProposals = 0;
  for (const k of keys) {
    const pk = k.pubkey.toLowerCase();
    const o = byOperator.get(k.operatorId) ?? { cl: 0n, proposals: 0 };
    if (now.has(pk)) {
      // A validator first seen counts from its 32 ETH deposit.
      const previous = before.has(pk) ? (before.get(pk) as bigint) * GWEI : DEPOSIT;
      o.cl += (now.get(pk) as bigint) * GWEI + (withdrawn.get(pk) ?? 0n) - previous;
    }
    o.proposals += proposals.get(pk) ?? 0;
    protocolProposals += proposals.get(pk) ?? 0;
    byOperator.set(k.operatorId, o);
  }
  const perOperator: bigint[] = [];
  for (const [id, o] of byOperator) {
    const bps = await client.readContract({
      address: operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "commissionOf",
      args: [BigInt(id)],
      blockNumber: refBlockNumber,
    });
    const elShare = protocolProposals > 0 ? (el * BigInt(o.proposals)) / BigInt(protocolProposals) : 0n;
    const base = (o.cl > 0n ? o.cl : 0n) + elShare;
    perOperator.push((base * BigInt(bps)) / 10_000n);
  }
  const uncapped = perOperator.reduce((a, b) => a + b, 0n);
  const limits = await client.readContract({
    address: accounting,
    abi: accountingAbi,
    functionName: "limits",
    blockNumber: pre,
  });
  const treasuryFee = rewards > 0n ? (rewards * BigInt(limits.treasuryFeeBps)) / 10_000n : 0n;
  // The contract's caps: the commission at most maxCommissionBps of the net rewards (and the fees at
  // most the rewards); none without net rewards. Above the cap, each operator gets its share of the
  // cap, rounded down.
  const cap =
    rewards > 0n
      ? [(rewards * BigInt(limits.maxCommissionBps)) / 10_000n, rewards - treasuryFee].reduce((a, b) =>
          a < b ? a : b,
        )
      : 0n;
  const commission =
    uncapped <= cap ? uncapped : perOperator.reduce((sum, c) => sum + (c * cap) / uncapped, 0n);
  const fees = treasuryFee + commission;
  const assetsAfter = totalAssets - preBeacon + postBeacon + wv + el;
  const shares = totalShares - (options.burnedShares ?? 0n);
  const feeShares = fees === 0n ? 0n : (fees * shares) / (assetsAfter - fees);
  const shareRate = (assetsAfter * 10n ** 27n) / (shares + feeShares);
  return { shareRate, clBalance, withdrawals: wv, elRewards: el, commission, rewards };
}

export type { Address };
