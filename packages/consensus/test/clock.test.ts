import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { MemoryExecutionLayer } from "../src/el/memoryExecution.js";
import { createLogger } from "../src/log.js";
import { ConsensusNode, type NodeOptions } from "../src/node.js";
import { resolveOptions } from "../src/options.js";

function options(overrides: Partial<NodeOptions>): NodeOptions {
  return {
    validators: 64,
    secondsPerSlot: 12,
    mode: "fast",
    depositContract: MAINNET_DEPOSIT_CONTRACT,
    defaultFeeRecipient: "0x00000000000000000000000000000000000000fe",
    retainEpochs: 16,
    dataDir: null,
    saveEveryEpochs: 1,
    api: null,
    stopAtSlot: null,
    ...overrides,
  };
}

describe("slot clock", () => {
  it("a genesis delay sets the genesis that far ahead and holds fast mode until then", async () => {
    const before = Math.floor(Date.now() / 1000);
    const node = await ConsensusNode.create(options({ genesisDelay: 2, stopAtSlot: 3 }), {
      log: createLogger("error", {}, () => {}),
      el: new MemoryExecutionLayer(),
    });
    assert.ok(node.chain.genesisTime >= before + 2, "genesis two seconds from now at least");
    await node.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(node.chain.processedSlot, 0, "no slot before genesis");
    await node.finished();
    assert.equal(node.chain.processedSlot, 3, "then back to back");
    assert.ok(Date.now() >= node.chain.genesisTime * 1000, "not before the genesis time");
  });

  it("fast mode with a slot pause leaves that much wall-clock time between slots", async () => {
    const node = await ConsensusNode.create(options({ slotPauseMs: 150, stopAtSlot: 4 }), {
      log: createLogger("error", {}, () => {}),
      el: new MemoryExecutionLayer(),
    });
    const started = performance.now();
    await node.start();
    await node.finished();
    assert.equal(node.chain.processedSlot, 4);
    assert.ok(performance.now() - started >= 3 * 150, "three pauses at least between four slots");
  });

  it("the pace route reads and changes the slot pause of a running fast node", async () => {
    const node = await ConsensusNode.create(
      options({ slotPauseMs: 5, api: { host: "127.0.0.1", port: 0 } }),
      {
        log: createLogger("error", {}, () => {}),
        el: new MemoryExecutionLayer(),
      },
    );
    await node.start();
    try {
      const url = `${node.apiUrl}/tributary/v1/pace`;
      assert.deepEqual(await (await fetch(url)).json(), { data: { slot_pause_ms: 5 } });
      const post = (body: unknown) =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      assert.equal((await post({ slot_pause_ms: -1 })).status, 400, "a negative pause is refused");
      assert.equal((await post({ slot_pause_ms: 60_000 })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const held = node.chain.processedSlot;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(node.chain.processedSlot, held, "no slot within a minute's pause");
      assert.deepEqual(await (await post({ slot_pause_ms: 0 })).json(), { data: { slot_pause_ms: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.ok(node.chain.processedSlot > held, "slots resume at once when the pause is lifted");
    } finally {
      await node.stop();
    }
  });

  it("reads --genesis-delay and --slot-pause, and refuses a negative one by name", () => {
    const parsed = resolveOptions(
      ["--el-rpc", "http://127.0.0.1:8545", "--genesis-delay", "20", "--slot-pause", "250"],
      {},
    );
    assert.ok(parsed !== "help");
    assert.equal(parsed.genesisDelay, 20);
    assert.equal(parsed.slotPauseMs, 250);
    assert.throws(
      () => resolveOptions(["--el-rpc", "http://127.0.0.1:8545", "--slot-pause", "0.5"], {}),
      /--slot-pause must be an integer >= 0, got "0.5"/,
    );
  });
});
