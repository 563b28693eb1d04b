import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { firstReportFrom, nextReport, type ReportSchedule, slotAt } from "./reportSchedule.js";

// Slots of 12 s, epochs of 32 slots, frames of 225 epochs (7,200 slots) from epoch 10.
const schedule: ReportSchedule = {
  genesisTime: 1_000n,
  secondsPerSlot: 12n,
  slotsPerEpoch: 32n,
  initialEpoch: 10n,
  epochsPerFrame: 225n,
  lastProcessedRefSlot: 0n,
};
const timeOfSlot = (slot: bigint) => 1_000n + slot * 12n;

describe("report schedule (HashConsensus frames)", () => {
  it("before the first frame: frame 0, reference slot 10 x 32 - 1 = 319, deadline 319 + 7,200", () => {
    const w = firstReportFrom(schedule, 160n, timeOfSlot(160n));
    assert.equal(w.refSlot, 319n, "reference slot");
    assert.equal(w.deadlineSlot, 7_519n, "deadline slot");
    assert.equal(w.refTime, 4_828n, "1,000 + 319 x 12");
    assert.equal(w.deadlineTime, 91_228n, "1,000 + 7,519 x 12");
  });

  it("a request after the current reference slot waits for the next frame's report", () => {
    // Epoch 300 is in frame 1 ((300 - 10) / 225), reference slot (10 + 225) x 32 - 1 = 7,519.
    const now = timeOfSlot(9_600n);
    assert.equal(slotAt(schedule, now), 9_600n, "slot of now");
    assert.equal(firstReportFrom(schedule, 9_600n, now).refSlot, 14_719n, "next frame");
  });

  it("a request before the current reference slot is in the current frame's report, unless applied", () => {
    const now = timeOfSlot(9_600n);
    assert.equal(firstReportFrom(schedule, 7_000n, now).refSlot, 7_519n, "current frame, open");
    const applied = { ...schedule, lastProcessedRefSlot: 7_519n };
    const w = firstReportFrom(applied, 7_000n, now);
    assert.equal(w.refSlot, 14_719n, "current frame applied: the next one");
    assert.equal(nextReport(applied, w).refSlot, 21_919n, "and the one after");
  });
});
