/**
 * `POST /eth/v1/beacon/rewards/attestations/{epoch}` against the state transition itself: for every epoch of a chain
 * that goes through normal operation, an inactivity leak (over a third of the validators offline, finality
 * stalled) and the recovery, each validator's reward components add up to the change of its balance in the epoch
 * transition that applies them, to the Gwei.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { processSlots } from "@lodestar/state-transition";
import { startTestNode, type TestNode } from "./helpers/node.js";

/** 22 of 64 validators (over a third) offline from epoch 3 to epoch 12: finality stalls and the leak starts. */
const OFFLINE = Array.from({ length: 22 }, (_, i) => i * 3);
const OFFLINE_FROM_EPOCH = 3;
const ONLINE_AGAIN_EPOCH = 13;
const LAST_EPOCH = 15;

describe("attestation rewards route", () => {
  let t: TestNode;

  before(async () => {
    t = await startTestNode({ retainEpochs: 32 });
    const chain = t.node.chain;
    await t.node.advanceTo(OFFLINE_FROM_EPOCH * SLOTS_PER_EPOCH - 1);
    chain.offline.setOffline(OFFLINE, true);
    await t.node.advanceTo(ONLINE_AGAIN_EPOCH * SLOTS_PER_EPOCH - 1);
    chain.offline.setOffline(OFFLINE, false);
    await t.node.advanceTo((LAST_EPOCH + 2) * SLOTS_PER_EPOCH - 1);
  });
  after(async () => {
    await t?.node.stop();
  });

  it("adds up to each balance change of the epoch transition, in and out of an inactivity leak", async () => {
    const api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config: t.node.chain.config });
    let penalisedInLeak = 0;
    const leakEpochs: number[] = [];
    for (let epoch = 1; epoch <= LAST_EPOCH; epoch++) {
      const { totalRewards, idealRewards } = (await api.beacon.getAttestationsRewards({ epoch })).value();
      const lastSlot = (epoch + 2) * SLOTS_PER_EPOCH - 1;
      const before = t.node.chain.history.stateAtSlot(lastSlot);
      assert.ok(before !== null && before.slot === lastSlot, `state at slot ${lastSlot} retained`);
      const afterTransition = processSlots(before.clone(), lastSlot + 1);
      assert.equal(totalRewards.length, 64, `epoch ${epoch}: every validator is eligible`);
      for (const r of totalRewards) {
        const delta: number =
          afterTransition.balances.get(r.validatorIndex) - before.balances.get(r.validatorIndex);
        assert.equal(
          r.head + r.target + r.source + r.inclusionDelay + r.inactivity,
          delta,
          `epoch ${epoch}, validator ${r.validatorIndex}: rewards equal the balance change`,
        );
        if (r.inactivity < 0) penalisedInLeak++;
      }
      // In a leak a validator that did all its duties earns nothing: its balance stays put.
      const online = 1;
      const leaking = afterTransition.balances.get(online) === before.balances.get(online);
      if (leaking) leakEpochs.push(epoch);
      const noIdeal = idealRewards.every(
        (ideal) => ideal.source === 0 && ideal.target === 0 && ideal.head === 0,
      );
      assert.equal(noIdeal, leaking, `epoch ${epoch}: no ideal rewards exactly during the leak`);
    }
    assert.ok(leakEpochs.length >= 3, `the chain leaked for several epochs (${leakEpochs.join(", ")})`);
    assert.ok(penalisedInLeak > 0, "inactivity penalties were charged");
  });
});
