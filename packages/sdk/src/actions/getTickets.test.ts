import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { withdrawalQueueAbi } from "../generated/abis.js";
import { getTickets } from "./getTickets.js";

const WHALE = 5;
const BUYER = 7;

describe("getTickets", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  const status = (id: bigint) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "getRequestStatus",
      args: [id],
    });
  const mintTime = async (id: bigint) => {
    const [log] = await t.local.publicClient.getContractEvents({
      address: t.deployment.contracts.withdrawalQueue,
      abi: withdrawalQueueAbi,
      eventName: "Transfer",
      args: { tokenId: id },
      fromBlock: 0n,
    });
    assert.ok(log, `mint of ${id} found`);
    return (await t.local.publicClient.getBlock({ blockNumber: log.blockNumber })).timestamp;
  };

  it("is empty for an address that never requested", async () => {
    const tickets = await getTickets(t.local.publicClient, {
      owner: t.local.address(BUYER),
      deployment: t.deployment,
    });
    assert.deepEqual(tickets, [], "no tickets");
  });

  it("lists held tickets with status, assets and claimable; follows transfers and claims", async () => {
    const { scenario, local, deployment } = t;
    const whale = local.address(WHALE);
    const buyer = local.address(BUYER);
    await scenario.addOperators(1);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, true));
    assert.equal(await scenario.requests(4), 4n, "four requests");
    const queue = deployment.contracts.withdrawalQueue;
    await local.gasOf(
      await local.wallet(WHALE).writeContract({
        address: queue,
        abi: withdrawalQueueAbi,
        functionName: "transferFrom",
        args: [whale, buyer, 2n],
        chain: undefined,
      }),
    );
    // A report with rewards finalizes 1-3 (at their lower request rate); 4 stays pending.
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 3n));
    await local.gasOf(
      await local.wallet(WHALE).writeContract({
        address: queue,
        abi: withdrawalQueueAbi,
        functionName: "claim",
        args: [1n, whale, false],
        chain: undefined,
      }),
    );

    const mine = await getTickets(local.publicClient, { owner: whale, deployment });
    assert.deepEqual(
      mine.map((x) => [x.requestId, x.status]),
      [
        [1n, "claimed"],
        [3n, "finalized"],
        [4n, "pending"],
      ],
      "the whale holds 1 (claimed receipt), 3 and 4; 2 was sold",
    );
    const [claimed, finalized, pending] = mine as [(typeof mine)[0], (typeof mine)[0], (typeof mine)[0]];
    for (const ticket of mine) {
      assert.equal(ticket.owner, whale, `owner of ${ticket.requestId}`);
      assert.equal(ticket.shares, parseEther("0.01"), `shares of ${ticket.requestId}`);
      assert.equal(
        ticket.requestedAt,
        await mintTime(ticket.requestId),
        `requestedAt of ${ticket.requestId}`,
      );
    }
    const s3 = await status(3n);
    assert.equal(finalized.claimable, s3.claimableAssets, "claimable is what the queue pays");
    assert.equal(finalized.assets, s3.claimableAssets, "a finalized ticket is worth its claim");
    assert.equal(finalized.finalizedAt, s3.finalizedAt, "finalizedAt from the queue");
    assert.ok(finalized.claimable > 0n, "something to claim");
    assert.equal(claimed.claimable, 0n, "nothing left to claim on a receipt");
    assert.equal(
      claimed.assets,
      finalized.assets,
      "the receipt shows what the claim paid (same shares, same rate)",
    );
    assert.equal(pending.claimable, 0n, "pending pays nothing yet");
    assert.equal(pending.finalizedAt, null, "not finalized");
    const s4 = await status(4n);
    // The rate rose since request 4 was made: it is capped at its rate at request.
    assert.ok(
      pending.requestRate !== null && pending.requestRate === s4.requestRate,
      "request rate from the queue",
    );
    assert.equal(
      pending.assets,
      (s4.shares * s4.requestRate) / 10n ** 27n,
      "pending = shares x rate at request",
    );
    assert.equal(pending.sharesAhead, 0n, "nothing unfinalized ahead of 4");

    const bought = await getTickets(local.publicClient, { owner: buyer, deployment });
    assert.deepEqual(
      bought.map((x) => [x.requestId, x.status, x.owner]),
      [[2n, "finalized", buyer]],
      "the buyer holds 2",
    );
    assert.equal(bought[0]?.requestedAt, await mintTime(2n), "requestedAt from the mint, not the transfer");
    assert.equal(bought[0]?.claimable, (await status(2n)).claimableAssets, "claimable for the buyer");

    const chunked = await getTickets(local.publicClient, { owner: whale, deployment, maxBlockRange: 3n });
    assert.deepEqual(chunked, mine, "scanning in 3-block ranges gives the same tickets");
  });

  it("refuses a malformed owner before sending anything", async () => {
    await assert.rejects(
      getTickets(t.local.publicClient, { owner: "0x1234" as `0x${string}`, deployment: t.deployment }),
      { name: "InvalidArgumentError", argument: "owner" },
    );
  });
});
