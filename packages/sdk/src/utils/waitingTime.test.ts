import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEther } from "viem";
import { MAINNET_BEACON_SPEC } from "./exitQueue.js";
import { solvePath, type WaitingTimeInputs } from "./waitingTime.js";

// Genesis at 0, frames of 225 epochs (7,200 slots, 86,400 s) from epoch 1; frame 0 (reference slot
// 31) applied. Now is slot 100 (1,200 s): the first report for a request now is for reference slot
// 31 + 7,200 = 7,231 (86,772 s), deadline slot 14,431 (173,172 s).
const inputs: WaitingTimeInputs = {
  now: 1_200n,
  schedule: {
    genesisTime: 0n,
    secondsPerSlot: 12n,
    slotsPerEpoch: 32n,
    initialEpoch: 1n,
    epochsPerFrame: 225n,
    lastProcessedRefSlot: 31n,
  },
  requestSlot: 100n,
  need: parseEther("1"),
  bufferMin: parseEther("2"),
  bufferMax: parseEther("2"),
  vault: 0n,
  skimWei: 0n,
  skimSeconds: 0n,
  inFlight: [],
  exits: {
    spec: MAINNET_BEACON_SPEC,
    beaconGenesis: 0n,
    queue: { earliestExitEpoch: 0n, exitBalanceToConsume: 0n },
    churn: 256_000_000_000n,
    sweepSlots: 100n,
    exitDeadline: 345_600n,
    available: 10n,
  },
};

describe("waiting-time bounds", () => {
  it("covered by the buffer: the next report, from its reference slot to its deadline", () => {
    assert.equal(solvePath(inputs, "earliest").time, 86_772n, "reference slot 7,231 x 12 s");
    assert.equal(solvePath(inputs, "latest").time, 173_172n, "deadline slot 14,431 x 12 s");
    assert.equal(solvePath(inputs, "latest").plan, null, "no exits");
  });

  it("100 ETH short: 4 validators exit, then a later report", () => {
    const short = { ...inputs, need: parseEther("100"), bufferMin: 0n, bufferMax: 0n };
    // Earliest: named at 86,772 s (epoch 225), exit epoch 225 + 5 = 230, withdrawable 486
    // (186,624 s), no sweep wait: the report for reference slot 21,631 (259,572 s) is the first after.
    const early = solvePath(short, "earliest");
    assert.equal(early.plan?.validators, 4n, "ceil(100 / 32)");
    assert.equal(early.plan?.exitEpoch, 230n, "exit epoch");
    assert.equal(early.plan?.arrival, 186_624n, "withdrawable epoch 486 x 384 s");
    assert.equal(early.time, 259_572n, "earliest");
    // Latest: named at the deadline 173,172 s, exited at the operators' deadline 518,772 s (epoch
    // 1,350), exit epoch 1,355, withdrawable 1,611 (618,624 s), a sweep of 100 slots: 619,824 s. The
    // first reference slot after it is 86,772 + 7 x 86,400 = 691,572 s; its deadline 777,972 s.
    const late = solvePath(short, "latest");
    assert.equal(late.plan?.arrival, 619_824n, "arrival");
    assert.equal(late.time, 777_972n, "latest");
  });

  it("more than the protocol's validators can cover: no bound", () => {
    const short = { ...inputs, need: parseEther("1000"), bufferMin: 0n, bufferMax: 0n };
    assert.equal(solvePath(short, "latest").plan?.validators, 10n, "capped at the validators available");
    assert.equal(solvePath(short, "latest").time, null, "no report has the ETH");
  });
});
