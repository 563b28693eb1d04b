import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { requestsBy, stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { withdrawalQueueAbi } from "../generated/abis.js";
import { estimateTransferTicketGas, simulateTransferTicket, transferTicket } from "./transferTicket.js";

const USER = 6;
const OTHER = 7;

describe("transferTicket", () => {
  let t: TestProtocol;
  let ids: bigint[];
  before(async () => {
    t = await startTestProtocol();
    await stakeFor(t, USER, "3");
    ids = await requestsBy(t, USER, 2);
  });
  after(() => t?.stop());

  const ownerOf = (id: bigint) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "ownerOf",
      args: [id],
    });

  it("moves the ticket to the new holder", async () => {
    const client = t.local.wallet(USER);
    const parameters = { requestId: ids[0] as bigint, to: t.local.address(OTHER), deployment: t.deployment };
    const { request } = await simulateTransferTicket(client, parameters);
    assert.equal(request.functionName, "safeTransferFrom", "safe by default");
    const estimate = await estimateTransferTicketGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await transferTicket(client, parameters));
    assert.equal(await ownerOf(ids[0] as bigint), t.local.address(OTHER), "the other account holds it");
    assertGasClose(estimate, receipt.gasUsed, "transferTicket");
  });

  it("refuses a ticket the account does not hold, and a malformed address", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () =>
        transferTicket(t.local.wallet(USER), {
          requestId: ids[0] as bigint,
          to: t.local.address(USER),
          deployment: t.deployment,
        }),
      "WithdrawalQueueNotHolderError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () =>
        transferTicket(t.local.wallet(USER), {
          requestId: ids[1] as bigint,
          to: "0xnot-an-address" as `0x${string}`,
          deployment: t.deployment,
        }),
      "InvalidArgumentError",
    );
  });
});
