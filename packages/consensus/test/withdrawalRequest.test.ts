import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient } from "@lodestar/api";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { createTestClient, http, publicActions, walletActions } from "viem";
import { foundry } from "viem/chains";
import { genesisValidatorAddress } from "../src/chain/fromGenesis.js";
import { DEVNET_TIMING } from "../src/config.js";
import { JsonRpcExecutionLayer } from "../src/el/jsonRpcExecution.js";
import { httpTransport } from "../src/el/rpc.js";
import {
  REQUEST_QUEUE_HEAD_SLOT,
  REQUEST_QUEUE_TAIL_SLOT,
  WITHDRAWAL_REQUEST_ADDRESS,
} from "../src/el/systemContracts.js";
import { createLogger } from "../src/log.js";
import { type Anvil, startAnvil } from "./helpers/anvil.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

const VALIDATOR = 5;

// EIP-7002 on anvil: a request queued in the contract by the validator's withdrawal address is dequeued by the
// emulated system call, carried by the next block's execution requests and exits the validator.
describe("EIP-7002 withdrawal request from the EVM", () => {
  let anvil: Anvil;
  let t: TestNode;

  before(async () => {
    anvil = await startAnvil();
    const el = new JsonRpcExecutionLayer(httpTransport(anvil.url), createLogger("silent"));
    t = await startTestNode({ timing: DEVNET_TIMING }, el);
  });
  after(async () => {
    await t?.node.stop();
    await anvil?.stop();
  });

  it("exits a validator whose withdrawal address asks for a full withdrawal", async () => {
    const chain = t.node.chain;
    const api = getClient({ baseUrl: t.node.apiUrl ?? "" }, { config: chain.config });
    const evm = createTestClient({ chain: foundry, mode: "anvil", transport: http(anvil.url) })
      .extend(publicActions)
      .extend(walletActions);
    await t.node.advanceTo((DEVNET_TIMING.shardCommitteePeriod + 1) * SLOTS_PER_EPOCH);

    const source = genesisValidatorAddress(VALIDATOR);
    await evm.setBalance({ address: source, value: 10n ** 18n });
    await evm.impersonateAccount({ address: source });
    // An empty call returns the current fee (EIP-7002); the request is pubkey ++ amount (0: full exit).
    const fee = BigInt((await evm.call({ to: WITHDRAWAL_REQUEST_ADDRESS })).data ?? "0x0");
    const pubkey = Buffer.from(chain.head.validators.getReadonly(VALIDATOR).pubkey).toString("hex");
    const hash = await evm.sendTransaction({
      account: source,
      to: WITHDRAWAL_REQUEST_ADDRESS,
      data: `0x${pubkey}${"00".repeat(8)}`,
      value: fee,
    });
    assert.equal((await evm.waitForTransactionReceipt({ hash })).status, "success", "request accepted");
    const tailBefore = await evm.getStorageAt({
      address: WITHDRAWAL_REQUEST_ADDRESS,
      slot: `0x${REQUEST_QUEUE_TAIL_SLOT}`,
    });
    assert.equal(BigInt(tailBefore ?? "0x0"), 1n, "one request queued");

    await t.node.advanceTo(chain.processedSlot + 1);
    const requests = chain.headBlock.block?.message.body.executionRequests.withdrawals ?? [];
    assert.equal(requests.length, 1, "the next block carries the request");
    assert.equal(
      Buffer.from(requests[0]?.validatorPubkey ?? []).toString("hex"),
      pubkey,
      "for the validator",
    );
    for (const slot of [REQUEST_QUEUE_HEAD_SLOT, REQUEST_QUEUE_TAIL_SLOT]) {
      const word = await evm.getStorageAt({ address: WITHDRAWAL_REQUEST_ADDRESS, slot: `0x${slot}` });
      assert.equal(BigInt(word ?? "0x0"), 0n, `queue slot ${slot} reset once emptied`);
    }
    const validator = (
      await api.beacon.getStateValidator({ stateId: "head", validatorId: VALIDATOR })
    ).value();
    assert.equal(validator.status, "active_exiting", "exit initiated by the request");
  });
});
