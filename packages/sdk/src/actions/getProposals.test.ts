import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeFunctionData, keccak256, toHex } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { stakeFor } from "../../test/withdrawals.js";
import { receiptOf } from "../../test/writes.js";
import { governorAbi, trETHAbi } from "../generated/abis.js";
import { castVote } from "./castVote.js";
import { delegate } from "./delegate.js";
import { getProposals } from "./getProposals.js";

const VOTER = 6;
const OTHER = 7;

describe("getProposals", () => {
  let t: TestProtocol;
  const calldatas = [] as `0x${string}`[];
  before(async () => {
    t = await startTestProtocol();
    await stakeFor(t, VOTER, "10");
    const voter = t.local.wallet(VOTER);
    await receiptOf(
      t.local.publicClient,
      await delegate(voter, { delegatee: t.local.address(VOTER), deployment: t.deployment }),
    );
    await t.local.publicClient.request({ method: "evm_increaseTime", params: [1] } as never);
    await t.local.publicClient.request({ method: "evm_mine", params: [] } as never);
    for (const description of ["First: read the name", "Second: read the symbol"]) {
      const data = encodeFunctionData({
        abi: trETHAbi,
        functionName: description.startsWith("First") ? "name" : "symbol",
      });
      calldatas.push(data);
      await receiptOf(
        t.local.publicClient,
        await voter.writeContract({
          address: t.deployment.contracts.governor,
          abi: governorAbi,
          functionName: "propose",
          args: [[t.deployment.contracts.token], [0n], [data], description],
          chain: undefined,
        }),
      );
    }
  });
  after(() => t?.stop());

  it("finds the same proposals when the scan is split block by block", async () => {
    const split = await getProposals(t.local.publicClient, {
      deployment: t.deployment,
      fromBlock: BigInt(t.deployment.blockNumber),
      maxBlockRange: 1n,
    });
    assert.deepEqual(
      split.map((p) => p.description),
      ["Second: read the symbol", "First: read the name"],
    );
  });

  it("lists proposals newest first with state, votes, quorum and whether the voter voted", async () => {
    const pending = await getProposals(t.local.publicClient, {
      deployment: t.deployment,
      voter: t.local.address(VOTER),
    });
    assert.deepEqual(
      pending.map((p) => p.description),
      ["Second: read the symbol", "First: read the name"],
    );
    const first = pending[1];
    assert.ok(first);
    const id = await t.local.publicClient.readContract({
      address: t.deployment.contracts.governor,
      abi: governorAbi,
      functionName: "hashProposal",
      args: [
        [t.deployment.contracts.token],
        [0n],
        [calldatas[0] as `0x${string}`],
        keccak256(toHex(first.description)),
      ],
    });
    assert.equal(first.proposalId, id);
    assert.equal(first.proposer, t.local.address(VOTER));
    assert.equal(first.state, "pending");
    assert.equal(first.hasVoted, false);
    assert.deepEqual(first.votes, { for: 0n, against: 0n, abstain: 0n });
    assert.ok(first.voteEnd > first.voteStart);

    // Into the voting period: vote for the first one.
    const now = (await t.local.publicClient.getBlock()).timestamp;
    await t.local.publicClient.request({
      method: "evm_increaseTime",
      params: [Number(first.voteStart - now) + 2],
    } as never);
    await t.local.publicClient.request({ method: "evm_mine", params: [] } as never);
    await receiptOf(
      t.local.publicClient,
      await castVote(t.local.wallet(VOTER), { proposalId: id, support: "for", deployment: t.deployment }),
    );
    const [, voted] = await getProposals(t.local.publicClient, {
      deployment: t.deployment,
      voter: t.local.address(VOTER),
    });
    assert.equal(voted?.state, "active");
    assert.equal(voted?.hasVoted, true);
    const weight = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "getVotes",
      args: [t.local.address(VOTER)],
    });
    assert.equal(voted?.votes.for, weight);
    const quorum = await t.local.publicClient.readContract({
      address: t.deployment.contracts.governor,
      abi: governorAbi,
      functionName: "quorum",
      args: [first.voteStart],
    });
    assert.equal(voted?.quorum, quorum);
    const other = await getProposals(t.local.publicClient, {
      deployment: t.deployment,
      voter: t.local.address(OTHER),
    });
    assert.equal(other[1]?.hasVoted, false, "another account has not voted");
    assert.equal(
      (await getProposals(t.local.publicClient, { deployment: t.deployment }))[1]?.hasVoted,
      undefined,
    );
  });

  it("names a bad voter address", async () => {
    await assert.rejects(
      getProposals(t.local.publicClient, { deployment: t.deployment, voter: "0x1234" as `0x${string}` }),
      /voter/,
    );
  });
});
