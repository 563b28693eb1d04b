/**
 * The operators' rewards tree: cumulative trETH shares per operator, as OpenZeppelin's
 * StandardMerkleTree (leaf = keccak256(bytes.concat(keccak256(abi.encode(operatorId, account,
 * cumulativeShares))))), the format the rewards distributor checks and that @openzeppelin/merkle-tree
 * (and its Solidity MerkleProof) read. The dump is the library's own JSON.
 *
 * Allocation (README, "Rules: commission"): the commission shares a report minted are allocated in
 * the next report's tree, to each operator in proportion to its commission in wei in that report,
 * rounded down; what rounding leaves stays in the distributor unallocated. So the tree never
 * allocates more shares than were minted, and no member has to predict a share count.
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Address, Hex } from "viem";
import type { AppliedCommission, OperatorState, RewardsTreeState, TreeEntry } from "./types.js";

export const LEAF_ENCODING = ["uint256", "address", "uint256"] as const;
export const ZERO_ROOT = `0x${"0".repeat(64)}` as Hex;

/** The next tree: `tree` plus the allocation of `applied`'s commission shares. */
export function nextTree(
  tree: RewardsTreeState,
  applied: AppliedCommission | undefined,
  operators: readonly OperatorState[],
): RewardsTreeState {
  if (!applied || applied.refSlot <= tree.allocatedThroughRefSlot) return tree;
  const cumulative = new Map<number, bigint>();
  for (const e of tree.entries) cumulative.set(e.operatorId, e.shares);
  let totalWei = 0n;
  for (const wei of Object.values(applied.split)) totalWei += wei;
  if (totalWei > 0n && applied.commissionShares > 0n) {
    for (const [id, wei] of Object.entries(applied.split).sort((a, b) => Number(a[0]) - Number(b[0]))) {
      const shares = (applied.commissionShares * wei) / totalWei;
      if (shares > 0n) cumulative.set(Number(id), (cumulative.get(Number(id)) ?? 0n) + shares);
    }
  }
  const accounts = new Map<number, Address>(operators.map((o) => [o.id, o.rewardAddress]));
  const previousAccounts = new Map<number, Address>(tree.entries.map((e) => [e.operatorId, e.account]));
  const entries: TreeEntry[] = [...cumulative.entries()]
    .filter(([, shares]) => shares > 0n)
    .sort((a, b) => a[0] - b[0])
    .map(([operatorId, shares]) => ({
      operatorId,
      // The reward address at the reference block; an operator no longer listed keeps its last one.
      account: (accounts.get(operatorId) ?? previousAccounts.get(operatorId)) as Address,
      shares,
    }));
  return {
    allocatedThroughRefSlot: applied.refSlot,
    root: (buildTree(entries)?.root as Hex | undefined) ?? ZERO_ROOT,
    entries,
  };
}

export function buildTree(
  entries: readonly TreeEntry[],
): StandardMerkleTree<[bigint, string, bigint]> | undefined {
  if (entries.length === 0) return undefined;
  return StandardMerkleTree.of(
    entries.map((e) => [BigInt(e.operatorId), e.account, e.shares] as [bigint, string, bigint]),
    [...LEAF_ENCODING],
  );
}

/** The tree's dump (OpenZeppelin's format) and each operator's proof, as published. */
export function publishedTree(tree: RewardsTreeState): {
  root: Hex;
  allocatedThroughRefSlot: number;
  dump: unknown;
  proofs: Record<string, { account: Address; cumulativeShares: string; proof: Hex[] }>;
} {
  const built = buildTree(tree.entries);
  const proofs: Record<string, { account: Address; cumulativeShares: string; proof: Hex[] }> = {};
  if (built) {
    for (const [i, [id, account, shares]] of built.entries()) {
      proofs[String(id)] = {
        account: account as Address,
        cumulativeShares: shares.toString(),
        proof: built.getProof(i) as Hex[],
      };
    }
  }
  return {
    root: tree.root,
    allocatedThroughRefSlot: tree.allocatedThroughRefSlot,
    dump: built ? jsonSafe(built.dump()) : null,
    proofs,
  };
}

/** Reads a published tree back and checks it against a root (e.g. the one on chain). */
export function treeFromDump(dump: unknown, allocatedThroughRefSlot: number): RewardsTreeState {
  const tree = StandardMerkleTree.load(dump as Parameters<typeof StandardMerkleTree.load>[0]);
  tree.validate();
  const entries: TreeEntry[] = [];
  for (const [, [id, account, shares]] of tree.entries()) {
    entries.push({
      operatorId: Number(id),
      account: account as Address,
      shares: BigInt(shares as string | bigint),
    });
  }
  entries.sort((a, b) => a.operatorId - b.operatorId);
  return { allocatedThroughRefSlot, root: tree.root as Hex, entries };
}

function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
