import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { trETHAbi } from "../generated/abis.js";
import { getStakeLimit } from "./getStakeLimit.js";

const CAP = parseEther("1000");
const USER = 6;
const EMERGENCY = 4;

describe("getStakeLimit", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol({ dailyStakeCap: CAP });
  });
  after(() => t?.stop());

  const send = async (index: number, functionName: "stake" | "pauseStaking", value?: bigint) => {
    const { local, deployment } = t;
    const args = functionName === "stake" ? [local.address(index)] : [];
    await local.gasOf(
      await local.wallet(index).writeContract({
        address: deployment.contracts.token,
        abi: trETHAbi,
        functionName,
        args,
        value,
        chain: undefined,
      } as never),
    );
  };

  it("shows the daily cap and what is left of it", async () => {
    const before = await getStakeLimit(t.local.publicClient, { deployment: t.deployment });
    assert.equal(before.dailyCap, CAP, "the cap set at deployment");
    assert.equal(before.unlimited, false, "capped");
    assert.equal(before.paused, false, "not paused");
    assert.ok(before.available <= CAP, `available ${before.available} within the cap`);
    await send(USER, "stake", parseEther("100"));
    const after = await getStakeLimit(t.local.publicClient, { deployment: t.deployment });
    // The cap refills by CAP per day: a few seconds pass between the two reads.
    const refill = (CAP * 60n) / 86_400n;
    assert.ok(
      after.available <= before.available - parseEther("100") + refill &&
        after.available >= before.available - parseEther("100"),
      `100 ETH used: ${before.available} -> ${after.available}`,
    );
    assert.equal(after.maxStake, after.available, "maxDeposit is the cap's room here");
  });

  it("shows a pause, and nothing can be staked then", async () => {
    await send(EMERGENCY, "pauseStaking");
    const limit = await getStakeLimit(t.local.publicClient, { deployment: t.deployment });
    assert.equal(limit.paused, true, "paused");
    assert.equal(limit.maxStake, 0n, "maxDeposit is 0 while paused");
  });
});
