import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  activationExitChurnLimit,
  balanceChurnLimit,
  beaconSpecFrom,
  computeExitEpochs,
  MAINNET_BEACON_SPEC,
  sweepCycleSlots,
} from "./exitQueue.js";

const ETH = 1_000_000_000n; // gwei

describe("exit queue (consensus-specs, Electra)", () => {
  it("churn: total active balance / 65,536, at least 128 ETH, whole ETH, capped at 256 ETH for exits", () => {
    // 34,000,000 ETH / 65,536 = 518.798828125 ETH -> 518 ETH; the exit churn caps at 256 ETH.
    assert.equal(balanceChurnLimit(34_000_000n * ETH), 518n * ETH, "balance churn at 34M ETH");
    assert.equal(activationExitChurnLimit(34_000_000n * ETH), 256n * ETH, "exit churn capped");
    // 10,000,000 ETH / 65,536 = 152.587890625 ETH -> 152 ETH, below the cap.
    assert.equal(activationExitChurnLimit(10_000_000n * ETH), 152n * ETH, "exit churn at 10M ETH");
    // 1,000,000 ETH / 65,536 = 15.26 ETH, below the 128 ETH floor.
    assert.equal(balanceChurnLimit(1_000_000n * ETH), 128n * ETH, "floor of 128 ETH");
    assert.equal(activationExitChurnLimit(64n * ETH), 128n * ETH, "a tiny chain still churns 128 ETH");
  });

  it("exit epochs: current epoch + 1 + MAX_SEED_LOOKAHEAD while the churn lasts, then the next epoch", () => {
    // Empty queue, epoch 100, 128 ETH churn: four 32 ETH exits fit epoch 105, the fifth spills to 106
    // with 128 - 32 = 96 ETH of that epoch left.
    const { exitEpochs, queue } = computeExitEpochs(
      { earliestExitEpoch: 0n, exitBalanceToConsume: 0n },
      100n,
      [32n * ETH, 32n * ETH, 32n * ETH, 32n * ETH, 32n * ETH],
      128n * ETH,
    );
    assert.deepEqual(exitEpochs, [105n, 105n, 105n, 105n, 106n], "exit epochs");
    assert.deepEqual(queue, { earliestExitEpoch: 106n, exitBalanceToConsume: 96n * ETH }, "queue after");
  });

  it("exit epochs behind a backlog: the queue's epoch, then as many epochs as the churn needs", () => {
    // earliest_exit_epoch 500 with 10 ETH left: a 32 ETH exit needs 22 ETH more, one more epoch
    // (501), leaving 10 + 256 - 32 = 234 ETH.
    const { exitEpochs, queue } = computeExitEpochs(
      { earliestExitEpoch: 500n, exitBalanceToConsume: 10n * ETH },
      100n,
      [32n * ETH],
      256n * ETH,
    );
    assert.deepEqual(exitEpochs, [501n], "behind the backlog");
    assert.deepEqual(queue, { earliestExitEpoch: 501n, exitBalanceToConsume: 234n * ETH }, "queue after");
  });

  it("sweep: validators owed a withdrawal / 16 per slot, or all validators / 16,384 per slot", () => {
    // 1,000,000 / 16 = 62,500 slots (~8.7 days) > 1,100,000 / 16,384 = 67.1 -> 68.
    assert.equal(sweepCycleSlots(1_000_000n, 1_100_000n), 62_500n, "mainnet-scale sweep");
    assert.equal(sweepCycleSlots(10n, 1_000_000n), 62n, "few withdrawals: bounded by the scan");
    assert.equal(sweepCycleSlots(5n, 64n), 1n, "a small chain sweeps within a slot");
    assert.equal(sweepCycleSlots(0n, 0n), 0n, "nothing to sweep");
  });

  it("takes spec values from a beacon node's /eth/v1/config/spec and keeps mainnet for the rest", () => {
    const { spec, fromNode } = beaconSpecFrom({ SECONDS_PER_SLOT: "6", SLOTS_PER_EPOCH: "8", OTHER: "1" });
    assert.equal(spec.SECONDS_PER_SLOT, 6n, "from the node");
    assert.equal(spec.SLOTS_PER_EPOCH, 8n, "from the node");
    assert.equal(
      spec.MAX_WITHDRAWALS_PER_PAYLOAD,
      MAINNET_BEACON_SPEC.MAX_WITHDRAWALS_PER_PAYLOAD,
      "default",
    );
    assert.deepEqual(fromNode, ["SECONDS_PER_SLOT", "SLOTS_PER_EPOCH"], "keys taken");
  });
});
