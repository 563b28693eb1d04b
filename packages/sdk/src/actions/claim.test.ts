import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { reportFinalizing, requestsBy, stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { wethAbi, withdrawalQueueAbi } from "../generated/abis.js";
import { claim, estimateClaimGas, simulateClaim } from "./claim.js";

const USER = 6;
const OTHER = 7;
const RECEIVER = 8;

describe("claim", () => {
  let t: TestProtocol;
  let ids: bigint[];
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(1);
    await stakeFor(t, USER, "5");
    ids = await requestsBy(t, USER, 4);
    // The first report (warm-up) finalizes the first three; the fourth stays pending.
    await reportFinalizing(t, ids[2] as bigint, true);
  });
  after(() => t?.stop());

  const status = (id: bigint) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "getRequestStatus",
      args: [id],
    });

  it("pays one ticket's simulated ETH to the receiver", async () => {
    const client = t.local.wallet(USER);
    const receiver = t.local.address(RECEIVER);
    const id = ids[0] as bigint;
    const parameters = { requestId: id, receiver, deployment: t.deployment };
    const { result, request } = await simulateClaim(client, parameters);
    assert.equal(result, (await status(id)).claimableAssets, "simulates the claimable amount");
    assert.equal(request.functionName, "claim", "a request finalized by the next record needs no hint");
    const estimate = await estimateClaimGas(client, parameters);
    const before = await t.local.publicClient.getBalance({ address: receiver });
    const receipt = await receiptOf(t.local.publicClient, await claim(client, parameters));
    assert.equal((await t.local.publicClient.getBalance({ address: receiver })) - before, result, "ETH paid");
    assert.equal((await status(id)).claimed, true, "the ticket is claimed");
    assertGasClose(estimate, receipt.gasUsed, "claim");
  });

  it("pays several tickets in one transaction as WETH", async () => {
    const client = t.local.wallet(USER);
    const receiver = t.local.address(RECEIVER);
    const requestIds = [ids[1] as bigint, ids[2] as bigint];
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(USER),
      () => claim(client, { requestIds, deployment: t.deployment }),
      "InvalidArgumentError",
      (e) => assert.equal(e.argument, "asWeth", "several tickets need asWeth"),
    );
    const parameters = { requestIds, receiver, asWeth: true, deployment: t.deployment };
    const { result, request } = await simulateClaim(client, parameters);
    assert.equal(request.functionName, "redeem", "trETH's redeem with ids");
    const expected =
      (await status(requestIds[0] as bigint)).claimableAssets +
      (await status(requestIds[1] as bigint)).claimableAssets;
    assert.equal(result, expected, "pays both tickets");
    const estimate = await estimateClaimGas(client, parameters);
    const weth = () =>
      t.local.publicClient.readContract({
        address: t.deployment.contracts.weth,
        abi: wethAbi,
        functionName: "balanceOf",
        args: [receiver],
      });
    const before = await weth();
    const receipt = await receiptOf(t.local.publicClient, await claim(client, parameters));
    assert.equal((await weth()) - before, result, "WETH paid");
    assertGasClose(estimate, receipt.gasUsed, "redeem with ids");
  });

  it("refuses a ticket not finalized, claimed, unknown, or held by someone else, without sending", async () => {
    const client = t.local.wallet(USER);
    const user = t.local.address(USER);
    await assertRefusedUnsent(
      t.local.publicClient,
      user,
      () => claim(client, { requestId: ids[3] as bigint, deployment: t.deployment }),
      "WithdrawalQueueNotFinalizedError",
      (e) => {
        assert.equal(
          (e.args as { lastFinalizedRequestId: bigint }).lastFinalizedRequestId,
          ids[2],
          "carries the last finalized id",
        );
        assert.match(String(e.shortMessage), /not finalized yet/, "says so");
      },
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      user,
      () => claim(client, { requestId: ids[0] as bigint, deployment: t.deployment }),
      "WithdrawalQueueAlreadyClaimedError",
    );
    await assertRefusedUnsent(
      t.local.publicClient,
      user,
      () => claim(client, { requestId: 999n, deployment: t.deployment }),
      "WithdrawalQueueUnknownRequestError",
    );
    // Finalize the fourth, then let another account try it.
    await reportFinalizing(t, ids[3] as bigint);
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(OTHER),
      () => claim(t.local.wallet(OTHER), { requestId: ids[3] as bigint, deployment: t.deployment }),
      "WithdrawalQueueNotHolderError",
      (e) => assert.equal((e.args as { holder: string }).holder, user, "names the holder"),
    );
  });
});
