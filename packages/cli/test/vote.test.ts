import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { governorAbi, timelockAbi, trETHAbi } from "@tributary/sdk/abis";
import { type Address, encodeFunctionData, formatEther, type Hex, keccak256, parseEther, toHex } from "viem";
import { formatEth } from "../src/format.js";
import { type CliChain, type CliResult, parseJson, show, startCliChain } from "./run.js";

/** The voter (8, as in the other CLI tests) and a second holder who proposes (9). */
const VOTER = 8;
const PROPOSER = 9;
/** Above the quorum's floor of 1,000 trETH, so that this one vote reaches the quorum. */
const STAKE = "1200";
/** A holder who never delegated: its votes at any snapshot are zero. */
const UNDELEGATED = 6;

/** `text` matched literally in a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("tributary vote: a real proposal on the local deployment", () => {
  let t: CliChain;
  let voter: Address;
  let governor: Address;
  const account = ["--dev-account", String(VOTER)];
  const nonce = () => t.local.publicClient.getTransactionCount({ address: voter });
  const rpc = (method: string, params: unknown[]) =>
    t.local.publicClient.request({ method, params } as never);
  /** Moves anvil's clock by `seconds` and mines a block at the new time. */
  const advance = async (seconds: bigint) => {
    await rpc("evm_increaseTime", [Number(seconds)]);
    await rpc("evm_mine", []);
  };
  const state = (proposalId: bigint) =>
    t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "state",
      args: [proposalId],
    });
  const proposalVotes = (proposalId: bigint) =>
    t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "proposalVotes",
      args: [proposalId],
    });
  const hasVoted = (proposalId: bigint) =>
    t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "hasVoted",
      args: [proposalId, voter],
    });
  /** Moves anvil's clock past the voting delay (read from the Governor): the proposal becomes active. */
  const startVoting = async () => {
    const delay = await t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "votingDelay",
    });
    await advance(delay + 1n);
  };

  /** Proposes a harmless call (the timelock's getMinDelay) as `proposer`; returns the proposal id. */
  async function propose(description: string): Promise<bigint> {
    const targets = [t.deployment.contracts.timelock] as const;
    const calldatas = [encodeFunctionData({ abi: timelockAbi, functionName: "getMinDelay" })] as const;
    await t.local.gasOf(
      await t.local.wallet(PROPOSER).writeContract({
        address: governor,
        abi: governorAbi,
        functionName: "propose",
        args: [targets, [0n], calldatas, description],
        chain: undefined,
      }),
    );
    return t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "hashProposal",
      args: [targets, [0n], calldatas, keccak256(toHex(description))],
    });
  }

  /** Runs a command that must fail with `code` and `sentence`, sending nothing. */
  async function refuses(args: string[], code: number, sentence: RegExp): Promise<CliResult> {
    const before = await nonce();
    const result = await t.cli(args);
    assert.equal(result.code, code, `exit code of ${args.join(" ")}: ${show(result)}`);
    assert.match(result.stderr, sentence, `sentence of ${args.join(" ")}: ${show(result)}`);
    assert.equal(await nonce(), before, `nothing sent by ${args.join(" ")}`);
    return result;
  }

  let first: bigint;
  let second: bigint;

  before(async () => {
    t = await startCliChain();
    voter = t.local.address(VOTER);
    governor = t.deployment.contracts.governor;
    // The voter stakes and delegates to itself through the CLI; the proposer twice the threshold.
    const staked = await t.cli([...account, "--yes", "stake", STAKE]);
    assert.equal(staked.code, 0, show(staked));
    const proposer = t.local.address(PROPOSER);
    const threshold = await t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "proposalThreshold",
    });
    const proposerArgs = ["--dev-account", String(PROPOSER), "--yes"];
    for (const args of [
      [...proposerArgs, "stake", formatEther(threshold * 2n)],
      [...proposerArgs, "delegate", proposer],
      [...account, "--yes", "delegate", voter],
    ]) {
      const result = await t.cli(args);
      assert.equal(result.code, 0, show(result));
    }
    // A proposal's snapshot is the time it is made: the delegations must be checkpointed before it.
    await advance(1n);
    first = await propose("Read the timelock's minimum delay");
  });
  after(() => t?.stop());

  it("refuses a vote before the voting starts, saying the proposal is pending", async () => {
    assert.equal(await state(first), 0, "pending on chain");
    await refuses(
      [...account, "--yes", "vote", String(first), "for"],
      3,
      new RegExp(`Proposal ${first} is pending; this needs it active\\. Nothing was sent\\.`),
    );
  });

  it("refuses a proposal that does not exist", async () => {
    const result = await refuses(
      [...account, "--yes", "vote", "12345", "against"],
      3,
      /There is no proposal 12345\. Nothing was sent\./,
    );
    assert.equal(result.stdout, "", `nothing on stdout: ${show(result)}`);
  });

  it("votes for, with a reason, and the vote counts with the account's weight", async () => {
    await startVoting();
    assert.equal(await state(first), 1, "active on chain");
    const snapshot = await t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "proposalSnapshot",
      args: [first],
    });
    const weight = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "getPastVotes",
      args: [voter, snapshot],
    });
    assert.ok(weight >= parseEther(STAKE) - parseEther("1"), `the staked trETH votes: ${weight}`);

    const result = await t.cli([
      ...account,
      "--yes",
      "vote",
      String(first),
      "for",
      "--reason",
      "harmless read",
    ]);
    assert.equal(result.code, 0, show(result));
    assert.match(
      result.stdout,
      new RegExp(
        `Vote for proposal ${first} with ${literal(formatEth(weight))} trETH of votes \\("harmless read"\\)\\.`,
      ),
      `preview in words: ${show(result)}`,
    );
    assert.match(
      result.stdout,
      new RegExp(
        `Voted for proposal ${first} with ${literal(formatEth(weight))} trETH of votes in block \\d+`,
      ),
      `receipt in words, with the weight: ${show(result)}`,
    );
    assert.equal(await hasVoted(first), true, "hasVoted");
    const [against, forVotes, abstain] = await proposalVotes(first);
    assert.deepEqual([against, forVotes, abstain], [0n, weight, 0n], "for = the account's weight");
    const quorum = await t.local.publicClient.readContract({
      address: governor,
      abi: governorAbi,
      functionName: "quorum",
      args: [snapshot],
    });
    assert.ok(forVotes >= quorum, `this one vote reaches the quorum: ${forVotes} of ${quorum}`);
  });

  it("refuses a vote that would weigh nothing (no delegation before the proposal)", async () => {
    const staked = await t.cli(["--dev-account", String(UNDELEGATED), "--yes", "stake", "5"]);
    assert.equal(staked.code, 0, show(staked));
    const holder = t.local.address(UNDELEGATED);
    const before = await t.local.publicClient.getTransactionCount({ address: holder });
    const result = await t.cli(["--dev-account", String(UNDELEGATED), "--yes", "vote", String(first), "for"]);
    assert.equal(result.code, 3, show(result));
    assert.match(
      result.stderr,
      new RegExp(`${holder} had no votes at the snapshot of proposal ${first}.*Nothing was sent\\.`),
      show(result),
    );
    assert.equal(await t.local.publicClient.getTransactionCount({ address: holder }), before, "nothing sent");
  });

  it("refuses a second vote on the same proposal", async () => {
    await refuses(
      [...account, "--yes", "vote", String(first), "against"],
      3,
      new RegExp(`${voter} already voted on this proposal\\. Nothing was sent\\.`),
    );
    const [against] = await proposalVotes(first);
    assert.equal(against, 0n, "no vote against");
  });

  it("votes with --json: only JSON, the weight and the reason", async () => {
    second = await propose("Read the timelock's minimum delay, again");
    await startVoting();
    const result = await t.cli([
      ...account,
      "--json",
      "--yes",
      "vote",
      toHex(second),
      "abstain",
      "--reason",
      "no opinion",
    ]);
    assert.equal(result.code, 0, show(result));
    const out = parseJson<{
      action: string;
      proposalId: string;
      support: string;
      reason: string;
      weight: string;
      hash: Hex;
      gasUsed: string;
    }>(result);
    assert.equal(out.action, "vote", "action");
    assert.equal(out.proposalId, second.toString(), "the proposal id in decimal, whatever was typed");
    assert.equal(out.support, "abstain", "support");
    assert.equal(out.reason, "no opinion", "reason");
    const [, , abstain] = await proposalVotes(second);
    assert.ok(abstain > 0n, "abstain counted");
    assert.equal(BigInt(out.weight), abstain, "the weight it reported is the one counted");
    assert.equal(await hasVoted(second), true, "hasVoted");
    const receipt = await t.local.publicClient.getTransactionReceipt({ hash: out.hash });
    assert.equal(receipt.gasUsed.toString(), out.gasUsed, "gas used as in the receipt");
  });

  it("refuses a malformed support value or proposal id (usage errors)", async () => {
    await refuses([...account, "--yes", "vote", String(first), "maybe"], 2, /maybe/);
    await refuses([...account, "--yes", "vote", String(first), "1"], 2, /for, against, abstain/);
    await refuses(
      [...account, "--yes", "vote", "proposal-one", "for"],
      2,
      /"proposal-one" is not a proposal id/,
    );
  });
});
