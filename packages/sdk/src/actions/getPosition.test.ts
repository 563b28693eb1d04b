import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { zeroAddress } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { trETHAbi } from "../generated/abis.js";
import { getPosition } from "./getPosition.js";
import { getTickets } from "./getTickets.js";

const WHALE = 5;

describe("getPosition", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  const token = (functionName: "balanceOf" | "convertToAssets" | "getVotes", arg: bigint | `0x${string}`) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName,
      args: [arg],
    } as never) as Promise<bigint>;

  it("sums balance, votes and tickets of one address", async () => {
    const { scenario, local, deployment } = t;
    const whale = local.address(WHALE);
    await scenario.addOperators(1);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 0n, true));
    await scenario.requests(3);
    await scenario.applyReport(await scenario.typicalReport(await scenario.nextFrame(), 2n));

    let p = await getPosition(local.publicClient, { address: whale, deployment });
    const balance = await token("balanceOf", whale);
    assert.equal(p.shares, balance, "shares are the balance");
    assert.equal(p.assets, await token("convertToAssets", balance), "assets are convertToAssets(balance)");
    assert.equal(p.delegate, zeroAddress, "never delegated");
    assert.equal(p.votes, 0n, "no votes without delegation");
    assert.deepEqual(
      p.tickets,
      await getTickets(local.publicClient, { owner: whale, deployment }),
      "the tickets",
    );
    assert.equal(p.tickets.length, 3, "three tickets");
    const claimable = p.tickets.reduce((sum, x) => sum + x.claimable, 0n);
    assert.ok(claimable > 0n, "two finalized tickets to claim");
    assert.equal(p.claimable, claimable, "claimable is the tickets' sum");
    assert.equal(p.pending, p.tickets[2]?.assets, "pending is the unfinalized ticket's value");

    await local.gasOf(
      await local.wallet(WHALE).writeContract({
        address: deployment.contracts.token,
        abi: trETHAbi,
        functionName: "delegate",
        args: [whale],
        chain: undefined,
      }),
    );
    p = await getPosition(local.publicClient, { address: whale, deployment });
    assert.equal(p.delegate, whale, "self-delegated");
    assert.equal(p.votes, await token("getVotes", whale), "votes as the token counts them");
    assert.equal(p.votes, p.shares, "a self-delegate votes its balance");
  });

  it("refuses a malformed address", async () => {
    await assert.rejects(
      getPosition(t.local.publicClient, { address: "bob" as `0x${string}`, deployment: t.deployment }),
      {
        name: "InvalidArgumentError",
        argument: "address",
      },
    );
  });
});
