/**
 * The waiting-time model, with every input read beforehand (no I/O here): a request is finalized
 * by the first report whose reference slot is at or after the request and that has ETH for every
 * request up to it. A report's ETH is the trETH buffer, the vault (pulled by the report) and what
 * reaches the vault before its reference slot: skimmed rewards and exited validators' balances.
 * When that falls short, the report names validators to exit; their ETH comes after the operators'
 * exit deadline, the beacon exit queue, the withdrawability delay and the withdrawal sweep, and a
 * later report pulls it.
 *
 * Two paths give the range: the earliest counts the whole buffer, the skimmed rewards expected
 * from the recent vault inflow, exits as soon as they are named, an empty sweep wait and a report
 * at its reference slot; the latest counts only the buffer withdrawal requests reserve, no new
 * skimmed rewards, exits at the operators' deadline, a full sweep cycle and a report at its
 * processing deadline.
 */
import {
  type BeaconSpec,
  computeExitEpochs,
  type ExitQueueState,
  maxBig as max,
  minBig,
} from "./exitQueue.js";
import { firstReportFrom, nextReport, type ReportSchedule, type ReportWindow } from "./reportSchedule.js";

/** A validator's exit is assumed to return 32 ETH (the deposit; rewards above it are skimmed). */
export const VALIDATOR_BALANCE_WEI = 32n * 10n ** 18n;
const GWEI = 10n ** 9n;
/** Frames looked ahead before the estimate gives up (about 2.7 years of daily frames). */
const MAX_REPORTS = 1_000;

export interface BasisPart {
  /** What this part is: "queue", "next report", "exit queue", ... */
  part: string;
  /** What it adds to the latest bound, seconds (0 for parts that are amounts). */
  seconds: number;
  /** The data and method behind it, in words. */
  detail: string;
}

/** ETH already on its way to the vault (validators exiting), with when it arrives. */
export interface Arrival {
  amount: bigint;
  earliest: bigint;
  latest: bigint;
  detail: string;
}

export interface ExitTerms {
  spec: BeaconSpec;
  /** Unix seconds of the beacon chain's slot 0. */
  beaconGenesis: bigint;
  queue: ExitQueueState;
  /** Activation-exit churn, gwei per epoch. */
  churn: bigint;
  /** Slots of a full withdrawal sweep cycle. */
  sweepSlots: bigint;
  /** Seconds operators have to exit a named validator (Accounting `limits().exitDeadline`). */
  exitDeadline: bigint;
  /** Protocol validators a report can still name. */
  available: bigint;
}

export interface WaitingTimeInputs {
  now: bigint;
  schedule: ReportSchedule;
  /** The request's slot (or the next slot, for an amount not yet requested). */
  requestSlot: bigint;
  /** Wei every request up to this one needs. */
  need: bigint;
  /** Buffer the queue can count on (what withdrawal requests reserve) and the whole buffer. */
  bufferMin: bigint;
  bufferMax: bigint;
  vault: bigint;
  /** Recent vault inflow: `skimWei` over `skimSeconds` (0 seconds: no history). */
  skimWei: bigint;
  skimSeconds: bigint;
  inFlight: Arrival[];
  exits: ExitTerms;
}

export interface ExitPlan {
  /** Validators the report names (capped at those available) and those the shortfall asks for. */
  validators: bigint;
  wanted: bigint;
  namedAt: bigint;
  initiatedAt: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
  /** Unix seconds the ETH is in the vault. */
  arrival: bigint;
}

export interface PathResult {
  /** Unix seconds the finalizing report is applied; null if no report within reach has the ETH. */
  time: bigint | null;
  /** The report that names the exits (the first one the request can be in). */
  first: ReportWindow;
  finalizing: ReportWindow | null;
  plan: ExitPlan | null;
}

function epochTime(t: ExitTerms, epoch: bigint): bigint {
  return t.beaconGenesis + epoch * t.spec.SLOTS_PER_EPOCH * t.spec.SECONDS_PER_SLOT;
}

function epochAt(t: ExitTerms, time: bigint): bigint {
  if (time <= t.beaconGenesis) return 0n;
  return (time - t.beaconGenesis) / (t.spec.SLOTS_PER_EPOCH * t.spec.SECONDS_PER_SLOT);
}

/** One bound: `earliest` or `latest`. */
export function solvePath(inp: WaitingTimeInputs, path: "earliest" | "latest"): PathResult {
  const early = path === "earliest";
  const base = (early ? inp.bufferMax : inp.bufferMin) + inp.vault;
  const skim = (time: bigint) =>
    early && inp.skimSeconds > 0n && time > inp.now ? (inp.skimWei * (time - inp.now)) / inp.skimSeconds : 0n;
  const first = firstReportFrom(inp.schedule, inp.requestSlot, inp.now);

  // The first report names exits for what its ETH and the exits under way do not cover.
  const underWay = inp.inFlight.reduce((sum, a) => sum + a.amount, 0n);
  const shortfall = inp.need - base - skim(first.refTime) - underWay;
  let plan: ExitPlan | null = null;
  if (shortfall > 0n) {
    const t = inp.exits;
    const wanted = (shortfall + VALIDATOR_BALANCE_WEI - 1n) / VALIDATOR_BALANCE_WEI;
    const validators = minBig(wanted, t.available);
    const namedAt = early ? max(inp.now, first.refTime) : max(inp.now, first.deadlineTime);
    const initiatedAt = namedAt + (early ? 0n : t.exitDeadline);
    const balances = Array.from({ length: Number(validators) }, () => VALIDATOR_BALANCE_WEI / GWEI);
    const { exitEpochs } = computeExitEpochs(t.queue, epochAt(t, initiatedAt), balances, t.churn, t.spec);
    const exitEpoch = exitEpochs.reduce(max, 0n);
    const withdrawableEpoch = exitEpoch + t.spec.MIN_VALIDATOR_WITHDRAWABILITY_DELAY;
    const sweep = early ? 0n : t.sweepSlots * t.spec.SECONDS_PER_SLOT;
    const arrival = epochTime(t, withdrawableEpoch) + sweep;
    plan = { validators, wanted, namedAt, initiatedAt, exitEpoch, withdrawableEpoch, arrival };
  }

  let w = first;
  for (let i = 0; i < MAX_REPORTS; i++) {
    const at = w.refTime;
    let available = base + skim(at);
    for (const a of inp.inFlight) if ((early ? a.earliest : a.latest) <= at) available += a.amount;
    if (plan && plan.arrival <= at) available += plan.validators * VALIDATOR_BALANCE_WEI;
    if (available >= inp.need) {
      const time = early ? max(inp.now, w.refTime) : max(inp.now, w.deadlineTime);
      return { time, first, finalizing: w, plan };
    }
    w = nextReport(inp.schedule, w);
  }
  return { time: null, first, finalizing: null, plan };
}
