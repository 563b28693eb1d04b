import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type CachedBeaconStateFulu, processSlots } from "@lodestar/state-transition";
import { startTestNode, type TestNode } from "./helpers/node.js";

// Spec constants, restated here so the expected values do not come from the code under test.
const EFFECTIVE_BALANCE_INCREMENT = 1_000_000_000n;
const BASE_REWARD_FACTOR = 64n;
const WEIGHT_DENOMINATOR = 64n;
const FLAG_WEIGHTS = [14n, 26n, 14n]; // TIMELY_SOURCE, TIMELY_TARGET, TIMELY_HEAD
const SYNC_REWARD_WEIGHT = 2n;
const PROPOSER_WEIGHT = 8n;
const SLOTS_PER_EPOCH = 32n;
const SYNC_COMMITTEE_SIZE = 512n;
const MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA = 4096n;
const WHISTLEBLOWER_REWARD_QUOTIENT_ELECTRA = 4096n;
const EPOCHS_PER_SLASHINGS_VECTOR = 8192;

function isqrt(n: bigint): bigint {
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

function totalActiveBalance(state: CachedBeaconStateFulu): bigint {
  let total = 0n;
  const epoch = state.epochCtx.epoch;
  for (const v of state.validators.getAllReadonlyValues()) {
    if (v.activationEpoch <= epoch && epoch < v.exitEpoch) total += BigInt(v.effectiveBalance);
  }
  return total;
}

function baseRewardPerIncrement(total: bigint): bigint {
  return (EFFECTIVE_BALANCE_INCREMENT * BASE_REWARD_FACTOR) / isqrt(total);
}

describe("rewards and penalties follow the spec formulas", () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
  });
  after(async () => {
    await t.node.stop();
  });

  it("pays a validator the spec's attestation reward over an epoch", async () => {
    await t.node.advanceTo(6 * 32 - 1);
    const endOfEpoch = t.node.chain.history.stateAtSlot(6 * 32 - 1);
    assert.ok(endOfEpoch, "state at the end of epoch 5");
    // The epoch transition into epoch 6 pays epoch 4's attestations (all online, all timely).
    const afterTransition = processSlots(endOfEpoch.clone(), 6 * 32) as CachedBeaconStateFulu;
    const total = totalActiveBalance(endOfEpoch);
    const activeIncrements = total / EFFECTIVE_BALANCE_INCREMENT;
    const perIncrement = baseRewardPerIncrement(total);
    for (const index of [0, 17, 63]) {
      const effective = BigInt(endOfEpoch.validators.getReadonly(index).effectiveBalance);
      const baseReward = (effective / EFFECTIVE_BALANCE_INCREMENT) * perIncrement;
      let expected = 0n;
      for (const weight of FLAG_WEIGHTS) {
        // Every active validator participated: unslashed participating increments = active increments.
        expected += (baseReward * weight * activeIncrements) / (activeIncrements * WEIGHT_DENOMINATOR);
      }
      const delta: bigint =
        BigInt(afterTransition.balances.get(index)) - BigInt(endOfEpoch.balances.get(index));
      assert.equal(delta, expected, `epoch reward of validator ${index}`);
    }
  });

  it("charges a slashed validator the spec's initial penalty and rewards the whistleblowing proposer", async () => {
    const chain = t.node.chain;
    const victims = [3, 4, 5];
    const slot = chain.processedSlot + 1;
    const pre = processSlots(chain.head.clone(), slot) as CachedBeaconStateFulu;
    const proposer = pre.epochCtx.getBeaconProposer(slot);
    assert.ok(!victims.includes(proposer), "proposer is not a victim (seeded chain)");
    chain.slash("double-vote", victims);
    await t.node.advanceTo(slot);
    const post = chain.head;
    const block = chain.headBlock.block?.message;
    assert.ok(block, "block kept");
    assert.equal(block.body.attesterSlashings.length, 1, "one attester slashing for the set");

    const total = totalActiveBalance(pre);
    const perIncrement = baseRewardPerIncrement(total);
    const participantReward =
      (perIncrement * (total / EFFECTIVE_BALANCE_INCREMENT) * SYNC_REWARD_WEIGHT) /
      WEIGHT_DENOMINATOR /
      SLOTS_PER_EPOCH /
      SYNC_COMMITTEE_SIZE;
    const seats = (index: number) =>
      BigInt(pre.epochCtx.currentSyncCommitteeIndexed.validatorIndices.filter((i) => i === index).length);
    const withdrawn = (index: number) =>
      block.body.executionPayload.withdrawals
        .filter((w) => w.validatorIndex === index)
        .reduce((sum, w) => sum + BigInt(w.amount), 0n);

    const slashingEpoch = pre.epochCtx.epoch;
    for (const index of victims) {
      const effective = BigInt(pre.validators.getReadonly(index).effectiveBalance);
      const validator = post.validators.getReadonly(index);
      assert.equal(validator.slashed, true, `validator ${index} slashed`);
      assert.equal(
        validator.withdrawableEpoch >= slashingEpoch + EPOCHS_PER_SLASHINGS_VECTOR,
        true,
        `validator ${index} withdrawable no earlier than EPOCHS_PER_SLASHINGS_VECTOR later`,
      );
      const expected =
        -(effective / MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA) +
        seats(index) * participantReward -
        withdrawn(index);
      const delta = BigInt(post.balances.get(index)) - BigInt(pre.balances.get(index));
      assert.equal(delta, expected, `initial slashing penalty of validator ${index}`);
    }
    const slashedSum = victims.reduce(
      (sum, i) => sum + BigInt(pre.validators.getReadonly(i).effectiveBalance),
      0n,
    );
    assert.equal(
      BigInt(post.slashings.get(slashingEpoch % EPOCHS_PER_SLASHINGS_VECTOR)),
      slashedSum,
      "slashings vector records the slashed effective balance",
    );
    const whistleblowerReward = victims.reduce(
      (sum, i) =>
        sum + BigInt(pre.validators.getReadonly(i).effectiveBalance) / WHISTLEBLOWER_REWARD_QUOTIENT_ELECTRA,
      0n,
    );
    // The proposer is also the whistleblower, so it receives the whole whistleblower reward
    // (PROPOSER_WEIGHT / WEIGHT_DENOMINATOR of it as proposer, the rest as whistleblower).
    assert.equal(
      (whistleblowerReward * PROPOSER_WEIGHT) / WEIGHT_DENOMINATOR +
        (whistleblowerReward - (whistleblowerReward * PROPOSER_WEIGHT) / WEIGHT_DENOMINATOR),
      whistleblowerReward,
      "whistleblower split",
    );
  });

  it("slashes a proposer that double-proposes", async () => {
    const chain = t.node.chain;
    chain.slash("double-propose", [9]);
    await t.node.advanceTo(chain.processedSlot + 1);
    assert.equal(chain.head.validators.getReadonly(9).slashed, true, "double proposer slashed");
    assert.equal(
      chain.headBlock.block?.message.body.proposerSlashings.length,
      1,
      "proposer slashing included",
    );
  });

  it("misses attestations and proposals of offline validators", async () => {
    const chain = t.node.chain;
    const offline = Array.from({ length: 16 }, (_, i) => 40 + i);
    chain.offline.setOffline(offline, true);
    const start = chain.processedSlot;
    const startState = chain.head;
    await t.node.advanceTo(start + 2 * 32);
    const startBalances = offline.map((i) => startState.balances.get(i));
    const endBalances = offline.map((i) => chain.head.balances.get(i));
    assert.ok(
      endBalances.every((b, i) => b < (startBalances[i] ?? 0)),
      "offline validators lose balance (missed attestation and sync penalties)",
    );
    assert.ok(
      chain.head.balances.get(20) > startState.balances.get(20) - 1e9,
      "online validator keeps earning",
    );
    chain.offline.setOffline(offline, false);
  });
});
