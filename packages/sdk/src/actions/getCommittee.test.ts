import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { hashConsensusAbi } from "../generated/abis.js";
import { getCommittee } from "./getCommittee.js";

describe("getCommittee", () => {
  let t: TestProtocol;
  before(async () => {
    t = await startTestProtocol();
  });
  after(() => t?.stop());

  const read = <const name extends "getCurrentFrame" | "getChainConfig">(functionName: name) =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.hashConsensus,
      abi: hashConsensusAbi,
      functionName,
    });

  it("shows the members, quorum and schedule, with no report yet", async () => {
    const c = await getCommittee(t.local.publicClient, { deployment: t.deployment });
    const members = [10, 11, 12].map((i) => t.local.address(i)).sort();
    assert.deepEqual([...c.members].sort(), members, "members are the oracle accounts 10-12");
    assert.equal(c.quorum, 2n, "quorum 2");
    assert.equal(c.memberStates.length, 3, "a state per member");
    assert.ok(
      c.memberStates.every((m) => m.lastVotedRefSlot === 0n && m.currentFrameReportHash === null),
      "no votes",
    );
    assert.equal(c.chain.slotsPerEpoch, 32n, "32 slots per epoch");
    assert.equal(c.chain.secondsPerSlot, 12n, "12 s slots");
    assert.equal(c.chain.epochsPerFrame, 225n, "a frame is a day");
    assert.equal(c.lastReport, null, "no report yet");
    assert.equal(c.lastProcessedRefSlot, 0n, "nothing processed");
    assert.equal(c.keepsUp, true, "no deadline has passed");
  });

  it("follows reports, the next frame and whether the committee keeps up", async () => {
    const { scenario, local, deployment } = t;
    await scenario.addOperators(1);
    const refSlot = await scenario.nextFrame();
    await scenario.applyReport(await scenario.typicalReport(refSlot, 0n, true));
    const reportBlock = await local.publicClient.getBlock();
    let c = await getCommittee(local.publicClient, { deployment });
    const [currentRef, deadline] = await read("getCurrentFrame");
    const [, secondsPerSlot, genesisTime] = await read("getChainConfig");
    assert.deepEqual(
      c.frame && [c.frame.refSlot, c.frame.deadlineSlot],
      [currentRef, deadline],
      "the frame is getCurrentFrame",
    );
    assert.ok(c.frame?.consensusHash, "a consensus hash this frame");
    assert.equal(c.frame?.support, 2n, "two members agreed on it");
    assert.deepEqual(
      c.lastReport,
      { refSlot, blockNumber: reportBlock.number, timestamp: reportBlock.timestamp },
      "the last report is the one applied",
    );
    assert.equal(c.nextFrame.refSlot, deadline, "the next frame describes this frame's last slot");
    assert.equal(c.nextFrame.time, genesisTime + deadline * secondsPerSlot, "and its time is that slot's");
    assert.ok(c.memberStates.filter((m) => m.lastVotedRefSlot === refSlot).length === 2, "two members voted");
    assert.equal(c.keepsUp, true, "reported the current frame");
    assert.ok(c.currentSlot > refSlot && c.currentSlot <= deadline, "the latest block is in the frame");

    await scenario.nextFrame();
    c = await getCommittee(local.publicClient, { deployment });
    assert.equal(c.keepsUp, true, "one frame without a report, its deadline not passed: keeping up");
    assert.equal(c.frame?.consensusHash, null, "no consensus in the new frame");

    await scenario.nextFrame();
    c = await getCommittee(local.publicClient, { deployment });
    assert.equal(c.keepsUp, false, "the previous frame's deadline passed unreported");
    assert.equal(c.lastReport?.refSlot, refSlot, "the last report is still the old one");
  });
});
