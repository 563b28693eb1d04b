import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import type { fulu } from "@lodestar/types";
import { MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { JsonRpcExecutionLayer } from "../src/el/jsonRpcExecution.js";
import { MemoryExecutionLayer } from "../src/el/memoryExecution.js";
import { httpTransport } from "../src/el/rpc.js";
import type { ExecutionBlock, ExecutionBlockParams } from "../src/el/types.js";
import { ExecutionBlockError } from "../src/errors.js";
import { toHex } from "../src/hex.js";
import { createLogger } from "../src/log.js";
import { ConsensusNode } from "../src/node.js";
import { type Anvil, startAnvil } from "./helpers/anvil.js";
import { startTestNode } from "./helpers/node.js";

const DEFAULT_FEE_RECIPIENT = "0x00000000000000000000000000000000000000fe";
const LAST_SLOT = 63;

async function post(base: string, body: unknown): Promise<{ status: number; message: string }> {
  const response = await fetch(`${base}/eth/v1/validator/prepare_beacon_proposer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, message: text };
}

// The slot loop runs by itself (fast mode) on anvil while malformed fee recipients arrive; the run must end at
// its stop slot with a block in every slot.
describe("fee recipients never stop the chain", () => {
  let anvil: Anvil;
  let node: ConsensusNode;
  const logs: string[] = [];

  before(async () => {
    anvil = await startAnvil();
    const log = createLogger("info", {}, (line) => logs.push(line));
    node = await ConsensusNode.create(
      {
        validators: 64,
        secondsPerSlot: 12,
        mode: "fast",
        depositContract: MAINNET_DEPOSIT_CONTRACT,
        defaultFeeRecipient: DEFAULT_FEE_RECIPIENT,
        retainEpochs: 16,
        dataDir: null,
        saveEveryEpochs: 1,
        api: { host: "127.0.0.1", port: 0 },
        stopAtSlot: LAST_SLOT,
      },
      { log, el: new JsonRpcExecutionLayer(httpTransport(anvil.url), log) },
    );
  });
  after(async () => {
    await node?.stop();
    await anvil?.stop();
  });

  it("answers 400 to a malformed fee recipient, and an address the EVM node rejects falls back", async () => {
    const chain = node.chain;
    // Fulu's proposer lookahead names the proposers of epochs 0 and 1 at genesis.
    const proposers = chain.head.proposerLookahead.getAll().map(Number);
    const victim = proposers[20] ?? -1;
    const victimSlots = proposers.flatMap((p, slot) => (p === victim && slot >= 1 ? [slot] : []));
    // A registration the API would refuse, as a saved chain from an older version could hold: anvil rejects
    // it as a coinbase when the validator proposes.
    chain.feeRecipients.set(victim, "0x12");

    await node.start();
    const base = node.apiUrl ?? "";
    const short = await post(base, [{ validator_index: String(victim), fee_recipient: "0x12" }]);
    assert.equal(short.status, 400, `malformed fee recipient rejected: ${short.message}`);
    assert.match(short.message, /fee_recipient/, "error names the field");
    const other = proposers[40] ?? 0;
    const mixed = await post(base, [
      { validator_index: String(other), fee_recipient: "0x00000000000000000000000000000000000000aa" },
      { validator_index: String(other + 1), fee_recipient: "0xzz000000000000000000000000000000000000aa" },
    ]);
    assert.equal(mixed.status, 400, "one bad entry rejects the request");
    assert.equal(chain.feeRecipients.has(other), false, "nothing of a rejected request is registered");
    const badIndex = await post(base, [{ validator_index: "-1", fee_recipient: DEFAULT_FEE_RECIPIENT }]);
    assert.equal(badIndex.status, 400, "malformed validator index rejected");

    await node.finished();
    assert.equal(chain.processedSlot, LAST_SLOT, "the slot loop reached its stop slot");
    const api = getClient({ baseUrl: base }, { config: chain.config });
    for (let slot = 1; slot <= LAST_SLOT; slot++) {
      const block = (await api.beacon.getBlockV2({ blockId: slot })).value() as fulu.SignedBeaconBlock;
      const feeRecipient = toHex(block.message.body.executionPayload.feeRecipient);
      if (victimSlots.includes(slot)) {
        assert.equal(feeRecipient, DEFAULT_FEE_RECIPIENT, `slot ${slot}: fell back to the default`);
      }
    }
    assert.equal(
      chain.metrics.executionErrors.get({ fallback: "default_fee_recipient" }),
      victimSlots.length,
      "each rejected coinbase counted",
    );
    assert.equal(chain.metrics.slots.get({ outcome: "proposed" }), LAST_SLOT, "every slot has a block");
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(
        `consensus_execution_errors_total\\{fallback="default_fee_recipient"\\} ${victimSlots.length}`,
      ),
      "counter served at /metrics",
    );
    const logged = logs.filter((line) => line.includes("default fee recipient")).length;
    assert.equal(logged, victimSlots.length, "each failure logged");
  });
});

/** Unit test double (says so): an in-memory execution layer that fails at chosen block timestamps. */
class FailingExecutionLayer extends MemoryExecutionLayer {
  readonly failAt = new Set<number>();

  override async produceBlock(params: ExecutionBlockParams): Promise<ExecutionBlock> {
    if (this.failAt.has(params.timestamp)) {
      throw new ExecutionBlockError("execution node failed (injected)", true, {
        timestamp: params.timestamp,
      });
    }
    return super.produceBlock(params);
  }
}

describe("an execution node error during block production", () => {
  it("leaves the slot empty, counts it, and the chain goes on and finalizes", async () => {
    const el = new FailingExecutionLayer();
    const t = await startTestNode({}, el);
    try {
      const chain = t.node.chain;
      const failed = [5, 33, 34];
      for (const slot of failed) el.failAt.add(chain.genesisTime + slot * 12);
      await t.node.advanceTo(4 * 32);
      assert.equal(chain.processedSlot, 4 * 32, "slot production went on");
      for (const slot of failed) {
        assert.equal(chain.history.blockAtSlot(slot), undefined, `slot ${slot} empty`);
      }
      assert.ok(chain.history.blockAtSlot(6), "the next slot has a block");
      assert.equal(chain.metrics.executionErrors.get({ fallback: "empty_slot" }), 3, "failures counted");
      assert.equal(chain.metrics.slots.get({ outcome: "execution_error" }), 3, "empty slots counted");
      assert.ok(chain.head.finalizedCheckpoint.epoch >= 2, "the chain still finalizes");
      assert.equal(
        t.logs.filter((line) => line.includes("the slot stays empty")).length,
        3,
        "each failure logged",
      );
    } finally {
      await t.node.stop();
    }
  });
});
