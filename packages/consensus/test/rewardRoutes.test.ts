/**
 * The rewards routes against the state transition itself. Attestation rewards: for every epoch of a chain that
 * goes through normal operation, an inactivity leak (over a third of the validators offline, finality stalled)
 * and the recovery, each validator's components add up to the change of its balance in the epoch transition that
 * applies them. Block and sync committee rewards: each block's proposer and sync committee members gain exactly
 * what the routes say, once the block's withdrawals are taken out. All to the Gwei.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { processSlots } from "@lodestar/state-transition";
import type { fulu } from "@lodestar/types";
import { startTestNode, type TestNode } from "./helpers/node.js";

/** 22 of 64 validators (over a third) offline from epoch 3 to epoch 12: finality stalls and the leak starts. */
const OFFLINE = Array.from({ length: 22 }, (_, i) => i * 3);
const OFFLINE_FROM_EPOCH = 3;
const ONLINE_AGAIN_EPOCH = 13;
const LAST_EPOCH = 15;

describe("rewards routes", () => {
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

  it("attestation rewards add up to each balance change of the epoch transition, in and out of a leak", async () => {
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

  it("block and sync committee rewards are what each block pays its proposer and sync committee", async () => {
    const api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config: t.node.chain.config });
    const history = t.node.chain.history;
    const head = t.node.chain.processedSlot;
    let checked = 0;
    // The last 40 slots: the blocks' pre-states are retained, an epoch boundary is crossed.
    for (let slot = head - 40; slot <= head; slot++) {
      const stored = history.blockAtSlot(slot);
      if (stored === undefined) continue;
      const block = history.fullBlock(stored) as fulu.SignedBeaconBlock;
      const parent = history.stateAtSlot(slot - 1);
      const post = history.stateAtSlot(slot);
      assert.ok(parent !== null && post !== null, `states around slot ${slot}`);
      const pre = processSlots(parent.clone(), slot);
      const blockRewards = (await api.beacon.getBlockRewards({ blockId: slot })).value();
      const syncRewards = (await api.beacon.getSyncCommitteeRewards({ blockId: slot })).value();
      const expected = new Map<number, number>();
      const add = (index: number, gwei: number) => expected.set(index, (expected.get(index) ?? 0) + gwei);
      add(blockRewards.proposerIndex, blockRewards.total);
      for (const { validatorIndex, reward } of syncRewards) add(validatorIndex, reward);
      for (const w of block.message.body.executionPayload.withdrawals)
        add(w.validatorIndex, -Number(w.amount));
      for (let index = 0; index < post.balances.length; index++) {
        const delta: number = post.balances.get(index) - pre.balances.get(index);
        assert.equal(delta, expected.get(index) ?? 0, `slot ${slot}, validator ${index}: balance change`);
      }
      checked++;
    }
    assert.ok(checked >= 30, `blocks checked: ${checked}`);
  });
});
