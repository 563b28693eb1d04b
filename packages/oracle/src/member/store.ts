/**
 * The member's local state: what it cannot read back from the chain cheaply, kept small and written
 * atomically. Everything else (votes, what was applied, roots) is read from the chain.
 *
 * - operator sums at recent reference slots (the next report measures rewards from them);
 * - the commission split of recent reports (the next tree allocates it);
 * - recent rewards trees by root (the next tree adds to the one on chain);
 * - recent exit lists by hash (the next list names their pending validators first);
 * - refusals per frame (never spend gas twice on a transaction the contract refuses).
 */
import type { Hex } from "viem";
import type { ExitEntry, RewardsTreeState, Snapshot } from "../report/types.js";

export const STATE_VERSION = 1;
/** At most this many entries of each kind (a committee that misses frames keeps computing new ones). */
const KEEP = 64;

export interface MemberState {
  version: number;
  snapshots: Snapshot[];
  splits: { refSlot: number; split: Record<string, bigint> }[];
  trees: RewardsTreeState[];
  exitLists: { hash: Hex; entries: ExitEntry[] }[];
  refusals: { refSlot: number; action: "vote" | "submit"; error: string }[];
  /** Reference slots whose publication (files, exit list event) is done. */
  published: number[];
}

export function emptyState(): MemberState {
  return {
    version: STATE_VERSION,
    snapshots: [],
    splits: [],
    trees: [],
    exitLists: [],
    refusals: [],
    published: [],
  };
}

function keepLast<T>(list: T[], item: T, same: (a: T) => boolean): T[] {
  return [...list.filter((x) => !same(x)), item].slice(-KEEP);
}

export function putSnapshot(state: MemberState, snapshot: Snapshot): void {
  state.snapshots = keepLast(state.snapshots, snapshot, (s) => s.refSlot === snapshot.refSlot);
}

export function putSplit(state: MemberState, refSlot: number, split: Record<string, bigint>): void {
  state.splits = keepLast(state.splits, { refSlot, split }, (s) => s.refSlot === refSlot);
}

export function putTree(state: MemberState, tree: RewardsTreeState): void {
  state.trees = keepLast(state.trees, tree, (t) => t.root === tree.root);
}

/**
 * Forgets what no report can need any more: sums and splits of reference slots before the last
 * processed one (the next report reads that one's), and trees other than the one on chain and
 * those computed since.
 */
export function pruneState(state: MemberState, lastProcessedRefSlot: number, onChainRoot: Hex): void {
  state.snapshots = state.snapshots.filter((s) => s.refSlot >= lastProcessedRefSlot);
  state.splits = state.splits.filter((s) => s.refSlot >= lastProcessedRefSlot);
  const current = treeForRoot(state, onChainRoot);
  const at = current ? state.trees.indexOf(current) : -1;
  if (at > 0) state.trees = state.trees.slice(at);
}

export function putExitList(state: MemberState, hash: Hex, entries: ExitEntry[]): void {
  state.exitLists = keepLast(state.exitLists, { hash, entries }, (l) => l.hash === hash);
}

/** A tree whose root matches the one on chain (the contract keeps its first 152 bits). */
export function treeForRoot(state: MemberState, onChainRoot: Hex): RewardsTreeState | undefined {
  const prefix = onChainRoot.slice(0, 2 + 38).toLowerCase();
  return state.trees.find((t) => t.root.slice(0, 2 + 38).toLowerCase() === prefix);
}

/** JSON with bigints as `{"$n":"123"}`, so the state round-trips exactly. */
export function serializeState(state: MemberState): string {
  return JSON.stringify(state, (_k, v) => (typeof v === "bigint" ? { $n: v.toString() } : v));
}

export function parseState(text: string, checkShape = false): MemberState {
  const parsed = JSON.parse(text, (_k, v) =>
    v !== null && typeof v === "object" && typeof v.$n === "string" && Object.keys(v).length === 1
      ? BigInt(v.$n)
      : v,
  ) as MemberState;
  if (parsed.version !== STATE_VERSION)
    throw new Error(`state version ${parsed.version}, expected ${STATE_VERSION}`);
  return parsed;
}
