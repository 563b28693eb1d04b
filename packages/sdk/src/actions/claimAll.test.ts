import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { reportFinalizing, requestsBy, stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { wethAbi, withdrawalQueueAbi } from "../generated/abis.js";
import { claimAll, estimateClaimAllGas, simulateClaimAll } from "./claimAll.js";
import { transferTicket } from "./transferTicket.js";

const USER = 6;
const OTHER = 7;

describe("claimAll", () => {
  let t: TestProtocol;
  let ids: bigint[];
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(1);
    await stakeFor(t, USER, "6");
    ids = await requestsBy(t, USER, 3);
    await reportFinalizing(t, ids[1] as bigint, true);
  });
  after(() => t?.stop());

  const claimed = async (id: bigint) =>
    (
      await t.local.publicClient.readContract({
        address: t.deployment.contracts.withdrawalQueue,
        abi: withdrawalQueueAbi,
        functionName: "getRequestStatus",
        args: [id],
      })
    ).claimed;

  it("claims every finalized ticket as ETH, one transaction each, and leaves the pending one", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    const simulated = await simulateClaimAll(client, { deployment: t.deployment });
    assert.deepEqual(simulated.requestIds, ids.slice(0, 2), "the two finalized tickets");
    assert.equal(simulated.requests.length, 2, "one claim each");
    const estimate = await estimateClaimAllGas(client, { deployment: t.deployment });
    const before = await t.local.publicClient.getBalance({ address: user });
    const hashes = await claimAll(client, { deployment: t.deployment });
    assert.equal(hashes.length, 2, "two transactions");
    let gasUsed = 0n;
    let fees = 0n;
    for (const hash of hashes) {
      const receipt = await receiptOf(t.local.publicClient, hash);
      gasUsed += receipt.gasUsed;
      fees += receipt.gasUsed * receipt.effectiveGasPrice;
    }
    const gained = (await t.local.publicClient.getBalance({ address: user })) - before + fees;
    assert.equal(gained, simulated.result, "ETH paid is what was simulated");
    assert.equal(await claimed(ids[0] as bigint), true, "first claimed");
    assert.equal(await claimed(ids[2] as bigint), false, "the pending one is left");
    assertGasClose(estimate, gasUsed, "two claims");
  });

  it("says what is pending when nothing is claimable, without sending", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => claimAll(t.local.wallet(USER), { deployment: t.deployment }),
      "NothingToClaimError",
      (e) => assert.deepEqual(e.pending, [ids[2]], "lists the pending ticket"),
    );
  });

  it("claims tickets received by transfer, as WETH in one transaction, and not those sent away", async () => {
    const more = await requestsBy(t, USER, 2);
    await receiptOf(
      t.local.publicClient,
      await transferTicket(t.local.wallet(USER), {
        requestId: more[0] as bigint,
        to: t.local.address(OTHER),
        deployment: t.deployment,
      }),
    );
    await reportFinalizing(t, more[1] as bigint);
    const client = t.local.wallet(USER);
    const simulated = await simulateClaimAll(client, { asWeth: true, deployment: t.deployment });
    assert.deepEqual(simulated.requestIds, [ids[2], more[1]], "its own finalized tickets only");
    const hashes = await claimAll(client, { asWeth: true, deployment: t.deployment });
    assert.equal(hashes.length, 1, "one transaction");
    await receiptOf(t.local.publicClient, hashes[0] as `0x${string}`);
    const weth = await t.local.publicClient.readContract({
      address: t.deployment.contracts.weth,
      abi: wethAbi,
      functionName: "balanceOf",
      args: [t.local.address(USER)],
    });
    assert.equal(weth, simulated.result, "WETH paid");
    const other = await simulateClaimAll(t.local.wallet(OTHER), { deployment: t.deployment });
    assert.deepEqual(other.requestIds, [more[0]], "the ticket received is the other account's to claim");
  });
});
