/**
 * The oracle's frame schedule as HashConsensus defines it: frames of `epochsPerFrame` epochs from
 * `initialEpoch`; a frame's reference slot is the last slot of the frame before it, and its report
 * may be applied until the frame's own last slot (the processing deadline). No I/O here.
 */

export interface ReportSchedule {
  /** Unix seconds of slot 0 (HashConsensus `getChainConfig`). */
  genesisTime: bigint;
  secondsPerSlot: bigint;
  slotsPerEpoch: bigint;
  /** HashConsensus `getFrameConfig`. */
  initialEpoch: bigint;
  epochsPerFrame: bigint;
  /** Accounting `lastProcessedRefSlot`: that frame's report is applied. */
  lastProcessedRefSlot: bigint;
}

/** A report the committee can still make: its reference slot and the times it may be applied in. */
export interface ReportWindow {
  refSlot: bigint;
  deadlineSlot: bigint;
  /** Unix seconds of the reference slot: the report cannot come earlier. */
  refTime: bigint;
  /** Unix seconds of the processing deadline slot: after it the frame's report is lost. */
  deadlineTime: bigint;
}

export function frameSlots(s: ReportSchedule): bigint {
  return s.epochsPerFrame * s.slotsPerEpoch;
}

/** The slot at unix time `time` (0 before genesis), as the contracts compute it. */
export function slotAt(s: ReportSchedule, time: bigint): bigint {
  return time > s.genesisTime ? (time - s.genesisTime) / s.secondsPerSlot : 0n;
}

export function slotTime(s: ReportSchedule, slot: bigint): bigint {
  return s.genesisTime + slot * s.secondsPerSlot;
}

function windowOf(s: ReportSchedule, refSlot: bigint): ReportWindow {
  const deadlineSlot = refSlot + frameSlots(s);
  return { refSlot, deadlineSlot, refTime: slotTime(s, refSlot), deadlineTime: slotTime(s, deadlineSlot) };
}

/**
 * The first report, at unix time `now` or later, whose reference slot is at or after `slot` (so
 * that its data sees what happened in `slot`), that is not applied yet and whose frame has not
 * ended: the current frame's report if it is still open and late enough, else a later frame's.
 */
export function firstReportFrom(s: ReportSchedule, slot: bigint, now: bigint): ReportWindow {
  const epf = s.epochsPerFrame;
  const nowEpoch = slotAt(s, now) / s.slotsPerEpoch;
  // The current frame (or frame 0 before the initial epoch): earlier frames' deadlines have passed.
  const frameIndex = nowEpoch < s.initialEpoch ? 0n : (nowEpoch - s.initialEpoch) / epf;
  let refSlot = (s.initialEpoch + frameIndex * epf) * s.slotsPerEpoch - 1n;
  const lowest = slot > s.lastProcessedRefSlot ? slot : s.lastProcessedRefSlot + 1n;
  if (refSlot < lowest) {
    const frames = (lowest - refSlot + frameSlots(s) - 1n) / frameSlots(s);
    refSlot += frames * frameSlots(s);
  }
  return windowOf(s, refSlot);
}

/** The report of the frame after `w`'s. */
export function nextReport(s: ReportSchedule, w: ReportWindow): ReportWindow {
  return windowOf(s, w.refSlot + frameSlots(s));
}
