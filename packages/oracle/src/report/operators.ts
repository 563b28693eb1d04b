/**
 * Per-operator figures of a frame, from the beacon state at the reference slot, the frame's
 * withdrawals and proposals, and the operator sums at the last processed reference slot. The rules
 * (README, "Rules"):
 *
 * - seen: the validator's pubkey is in the state's registry (any status, exited included);
 * - exited: its exit epoch is at or before the reference slot's epoch;
 * - withdrawn: also its withdrawable epoch has passed and its balance is zero (its ETH is back);
 * - net CL change of an operator: balances now + withdrawals paid to the vault in the frame
 *   - balances at the last report - 32 ETH per validator seen for the first time;
 * - loss: a negative net CL change (slashing, penalties, a validator ending below 32 ETH), charged
 *   to the operator's bond; at most 32 ETH per validator whose ETH is not back;
 * - commission base: a positive net CL change, plus the operator's part of the frame's new EL
 *   rewards in proportion to the blocks its validators proposed in the frame.
 */
import { DEPOSIT_SIZE, GWEI } from "./accountingMath.js";
import type { FrameHistory, OperatorSnapshot, OperatorState, ProtocolValidator, Snapshot } from "./types.js";

const DEPOSIT_GWEI = DEPOSIT_SIZE / GWEI;
/** Balances summed as numbers in chunks this long stay exact (1,024 x 2,048 ETH < 2^53 gwei). */
const CHUNK = 1024;

export interface OperatorFrame {
  id: number;
  seen: number;
  balanceGwei: bigint;
  withdrawnInFrameGwei: bigint;
  newlySeen: number;
  /** balance + withdrawals - previous balance - 32 ETH per newly seen, gwei (signed). */
  clNetGwei: bigint;
  exited: number;
  withdrawn: number;
  proposals: number;
  /** Validators active, not exiting, not slashed, at the reference epoch. */
  exitable: number;
}

/** Groups validators by operator and sums what the report needs. Deterministic: ordered by id. */
export function operatorFrames(
  validators: readonly ProtocolValidator[],
  history: FrameHistory,
  previous: Snapshot,
  operators: readonly OperatorState[],
  refEpoch: number,
): Map<number, OperatorFrame> {
  const frames = new Map<number, OperatorFrame>();
  for (const op of [...operators].sort((a, b) => a.id - b.id)) {
    frames.set(op.id, {
      id: op.id,
      seen: 0,
      balanceGwei: 0n,
      withdrawnInFrameGwei: 0n,
      newlySeen: 0,
      clNetGwei: 0n,
      exited: 0,
      withdrawn: 0,
      proposals: 0,
      exitable: 0,
    });
  }
  // Partial sums as numbers, flushed to bigint every CHUNK validators of an operator.
  const partial = new Map<number, { balance: number; withdrawn: number; n: number }>();
  const flush = (frame: OperatorFrame, p: { balance: number; withdrawn: number; n: number }) => {
    frame.balanceGwei += BigInt(p.balance);
    frame.withdrawnInFrameGwei += BigInt(p.withdrawn);
    p.balance = 0;
    p.withdrawn = 0;
    p.n = 0;
  };
  for (const { key, view } of validators) {
    const frame = frames.get(key.operatorId);
    if (frame === undefined || view === undefined) continue;
    let p = partial.get(key.operatorId);
    if (p === undefined) {
      p = { balance: 0, withdrawn: 0, n: 0 };
      partial.set(key.operatorId, p);
    }
    frame.seen += 1;
    p.balance += view.balanceGwei;
    p.withdrawn += history.withdrawnGwei.get(view.index) ?? 0;
    if (++p.n === CHUNK) flush(frame, p);
    frame.proposals += history.proposals.get(view.index) ?? 0;
    if (view.exitEpoch <= refEpoch) {
      frame.exited += 1;
      if (view.withdrawableEpoch <= refEpoch && view.balanceGwei === 0) frame.withdrawn += 1;
    } else if (
      view.activationEpoch <= refEpoch &&
      !view.slashed &&
      view.exitEpoch === Number.POSITIVE_INFINITY
    ) {
      frame.exitable += 1;
    }
  }
  for (const [id, p] of partial) {
    const frame = frames.get(id);
    if (frame) flush(frame, p);
  }
  for (const op of operators) {
    const frame = frames.get(op.id);
    if (!frame) continue;
    const before: OperatorSnapshot = previous.operators[String(op.id)] ?? { seen: 0, balanceGwei: 0n };
    frame.newlySeen = Math.max(0, frame.seen - before.seen);
    frame.clNetGwei =
      frame.balanceGwei +
      frame.withdrawnInFrameGwei -
      before.balanceGwei -
      BigInt(frame.newlySeen) * DEPOSIT_GWEI;
    // Cumulative counts never go back (a top-up of an exited validator must not undo its exit).
    frame.exited = Math.max(frame.exited, op.exitedKeys);
    frame.withdrawn = Math.min(frame.exited, Math.max(frame.withdrawn, op.withdrawnKeys));
  }
  return frames;
}

/** The operator sums this report leaves for the next one. */
export function snapshotOf(refSlot: number, frames: ReadonlyMap<number, OperatorFrame>): Snapshot {
  const operators: Record<string, OperatorSnapshot> = {};
  for (const [id, f] of frames) {
    if (f.seen > 0) operators[String(id)] = { seen: f.seen, balanceGwei: f.balanceGwei };
  }
  return { refSlot, operators };
}

/** The loss to charge an operator: its negative net CL change, capped at 32 ETH per validator not back. */
export function operatorLoss(frame: OperatorFrame, op: OperatorState): bigint {
  if (frame.clNetGwei >= 0n) return 0n;
  const loss = -frame.clNetGwei * GWEI;
  const cap = BigInt(op.depositedKeys - op.withdrawnKeys) * DEPOSIT_SIZE;
  return loss < cap ? loss : cap;
}
