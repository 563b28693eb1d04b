import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { toHex } from "../src/hex.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

const EPOCHS = 5;

describe("state ids resolve to the post-state whose root they name", () => {
  let t: TestNode;
  let api: ReturnType<typeof getClient>;

  before(async () => {
    t = await startTestNode();
    api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config: t.node.chain.config });
  });
  after(async () => {
    await t.node.stop();
  });

  it(`states/{slot}/root equals headers/{slot}'s state_root at every slot of ${EPOCHS} epochs`, async () => {
    let checked = 0;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const last = (epoch + 1) * SLOTS_PER_EPOCH - 1;
      // Each epoch is checked right after it is produced, while all its post-states are retained.
      await t.node.advanceTo(last);
      for (let slot = epoch * SLOTS_PER_EPOCH; slot <= last; slot++) {
        const header = (await api.beacon.getBlockHeader({ blockId: slot })).value();
        const headerStateRoot = toHex(header.header.message.stateRoot);
        const stateRoot = toHex((await api.beacon.getStateRoot({ stateId: slot })).value().root);
        assert.equal(stateRoot, headerStateRoot, `slot ${slot}: states/{slot}/root vs header state_root`);
        const roundTrip = toHex((await api.beacon.getStateRoot({ stateId: headerStateRoot })).value().root);
        assert.equal(
          roundTrip,
          headerStateRoot,
          `slot ${slot}: state id = state_root resolves to that state`,
        );
        const fork = await fetch(`${t.node.apiUrl}/eth/v1/beacon/states/${headerStateRoot}/fork`);
        assert.equal(fork.status, 200, `slot ${slot}: other routes take the state root as well`);
        checked++;
      }
    }
    assert.equal(checked, EPOCHS * SLOTS_PER_EPOCH, "every slot had a block and was checked");
  });

  it("keeps the epoch-boundary states older than the recent window as post-states", async () => {
    // Epochs 0..2 have left the 64-slot window of recent states; their first and last slots stay queryable.
    for (const slot of [0, 32, 63, 64, 95]) {
      const header = (await api.beacon.getBlockHeader({ blockId: slot })).value();
      const stateRoot = (await api.beacon.getStateRoot({ stateId: slot })).value().root;
      assert.equal(toHex(stateRoot), toHex(header.header.message.stateRoot), `boundary slot ${slot}`);
    }
  });

  for (const id of ["finalized", "justified"] as const) {
    it(`${id} resolves to the post-state of the checkpoint block`, async () => {
      const checkpoints = (await api.beacon.getStateFinalityCheckpoints({ stateId: "head" })).value();
      const checkpoint = id === "finalized" ? checkpoints.finalized : checkpoints.currentJustified;
      assert.ok(checkpoint.epoch >= 2, `${id} checkpoint is past genesis (epoch ${checkpoint.epoch})`);
      const block = (await api.beacon.getBlockHeader({ blockId: id })).value();
      assert.equal(toHex(block.root), toHex(checkpoint.root), `blocks/${id} is the checkpoint block`);
      assert.equal(
        block.header.message.slot,
        checkpoint.epoch * SLOTS_PER_EPOCH,
        "checkpoint block at the epoch's first slot",
      );
      const stateRoot = (await api.beacon.getStateRoot({ stateId: id })).value().root;
      assert.equal(
        toHex(stateRoot),
        toHex(block.header.message.stateRoot),
        `states/${id}/root is the checkpoint block's post-state root`,
      );
      const full = (await api.beacon.getBlockV2({ blockId: id })).value();
      assert.equal(full.message.slot, block.header.message.slot, `blocks/${id} body served`);
    });
  }
});
