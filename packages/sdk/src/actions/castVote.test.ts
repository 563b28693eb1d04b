import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeFunctionData, keccak256, parseEther, toHex } from "viem";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { stakeFor } from "../../test/withdrawals.js";
import { assertGasClose, assertRefusedUnsent, receiptOf } from "../../test/writes.js";
import { governorAbi, trETHAbi } from "../generated/abis.js";
import { castVote, estimateCastVoteGas, simulateCastVote } from "./castVote.js";
import { delegate } from "./delegate.js";

const VOTER = 6;
/** The default voting delay of the deployment: 2 days. */
const VOTING_DELAY = 2 * 86_400;

describe("castVote", () => {
  let t: TestProtocol;
  let proposalId: bigint;
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
    const targets = [t.deployment.contracts.token] as const;
    const calldatas = [encodeFunctionData({ abi: trETHAbi, functionName: "name" })] as const;
    const description = "A proposal that reads the token's name";
    await receiptOf(
      t.local.publicClient,
      await voter.writeContract({
        address: t.deployment.contracts.governor,
        abi: governorAbi,
        functionName: "propose",
        args: [targets, [0n], calldatas, description],
        chain: undefined,
      }),
    );
    proposalId = await t.local.publicClient.readContract({
      address: t.deployment.contracts.governor,
      abi: governorAbi,
      functionName: "hashProposal",
      args: [targets, [0n], calldatas, keccak256(toHex(description))],
    });
  });
  after(() => t?.stop());

  it("refuses a proposal not active yet, without sending", async () => {
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(VOTER),
      () => castVote(t.local.wallet(VOTER), { proposalId, support: "for", deployment: t.deployment }),
      "GovernorUnexpectedProposalStateError",
      (e) => assert.match(String(e.shortMessage), /pending/, "says the proposal is pending"),
    );
  });

  it("counts the vote with the account's weight, with a reason", async () => {
    await t.local.publicClient.request({ method: "evm_increaseTime", params: [VOTING_DELAY + 1] } as never);
    await t.local.publicClient.request({ method: "evm_mine", params: [] } as never);
    const client = t.local.wallet(VOTER);
    const parameters = {
      proposalId,
      support: "for",
      reason: "reading is harmless",
      deployment: t.deployment,
    } as const;
    const { result, request } = await simulateCastVote(client, parameters);
    assert.equal(result, parseEther("10"), "the weight is the 10 trETH delegated");
    assert.equal(request.functionName, "castVoteWithReason", "with the reason");
    const estimate = await estimateCastVoteGas(client, parameters);
    const receipt = await receiptOf(t.local.publicClient, await castVote(client, parameters));
    const [against, forVotes] = await t.local.publicClient.readContract({
      address: t.deployment.contracts.governor,
      abi: governorAbi,
      functionName: "proposalVotes",
      args: [proposalId],
    });
    assert.equal(forVotes, parseEther("10"), "10 trETH for");
    assert.equal(against, 0n, "none against");
    assertGasClose(estimate, receipt.gasUsed, "castVoteWithReason");
    await assertRefusedUnsent(
      t.local.publicClient,
      t.local.address(VOTER),
      () => castVote(client, { proposalId, support: "against", deployment: t.deployment }),
      "GovernorAlreadyCastVoteError",
    );
  });
});
