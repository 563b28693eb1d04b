import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient, WireFormat } from "@lodestar/api";
import { SLOTS_PER_EPOCH, SLOTS_PER_HISTORICAL_ROOT } from "@lodestar/params";
import { type fulu, ssz } from "@lodestar/types";
import { toHex } from "../src/hex.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

// The whole header window, produced for real (64 validators, ~10 s): full blocks stay served for as long as
// their headers are.
const HEAD = SLOTS_PER_HISTORICAL_ROOT + 2 * SLOTS_PER_EPOCH;

describe("block retention", () => {
  let t: TestNode;
  let api: ReturnType<typeof getClient>;

  before(async () => {
    t = await startTestNode({ retainEpochs: 4 });
    await t.node.advanceTo(HEAD);
    api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config: t.node.chain.config });
  });
  after(async () => {
    await t.node.stop();
  });

  it("serves every block of the header window, genesis and the checkpoints", async () => {
    const oldest = HEAD - SLOTS_PER_HISTORICAL_ROOT + 1;
    for (const blockId of [
      oldest,
      oldest + 1,
      HEAD - 100,
      HEAD,
      "head",
      "finalized",
      "justified",
      "genesis",
    ]) {
      const header = (await api.beacon.getBlockHeader({ blockId })).value();
      const block = (await api.beacon.getBlockV2({ blockId })).value() as fulu.SignedBeaconBlock;
      assert.equal(
        toHex(ssz.fulu.BeaconBlock.hashTreeRoot(block.message)),
        toHex(header.root),
        `blocks/${blockId} is the block of headers/${blockId}`,
      );
      const bytes = (await api.beacon.getBlockV2({ blockId }, { responseWireFormat: WireFormat.ssz })).ssz();
      assert.equal(
        toHex(ssz.fulu.BeaconBlock.hashTreeRoot(ssz.fulu.SignedBeaconBlock.deserialize(bytes).message)),
        toHex(header.root),
        `blocks/${blockId} as SSZ`,
      );
    }
    const old = (await api.beacon.getBlockV2({ blockId: oldest })).value() as fulu.SignedBeaconBlock;
    assert.ok(old.message.body.executionPayload.blockNumber > 0, "old blocks keep their execution payload");
  });

  it("says what history is kept when it is gone", async () => {
    const gone = await fetch(`${t.node.apiUrl}/eth/v2/beacon/blocks/${HEAD - SLOTS_PER_HISTORICAL_ROOT}`);
    assert.equal(gone.status, 404, "block before the header window");
    assert.match(
      ((await gone.json()) as { message: string }).message,
      /keeps the blocks of the last 8192 slots/,
      "404 says how many blocks are kept",
    );
    const state = await fetch(
      `${t.node.apiUrl}/eth/v1/beacon/states/${HEAD - 10 * SLOTS_PER_EPOCH + 5}/root`,
    );
    assert.equal(state.status, 404, "a mid-epoch state older than the recent window");
    assert.match(
      ((await state.json()) as { message: string }).message,
      /keeps the states of the last 64 slots/,
      "404 says which states are kept",
    );
  });
});
