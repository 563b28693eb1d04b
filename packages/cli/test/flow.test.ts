import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { trETHAbi } from "@tributary/sdk/abis";
import { type Address, parseEther } from "viem";
import { countingProxy } from "./rpcProxy.js";
import { type CliChain, parseJson, runCli, show, startCliChain } from "./run.js";

/** Development account of the person using the CLI here (5 and 7 are the scenario's). */
const USER = 8;

describe("tributary: stake, status, unstake, claim", () => {
  let t: CliChain;
  let user: Address;
  const account = ["--dev-account", String(USER)];
  const trETH = () =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [user],
    });
  const requestIds: bigint[] = [];

  before(async () => {
    t = await startCliChain();
    user = t.local.address(USER);
    await t.scenario.addOperators(1);
    const refSlot = await t.scenario.nextFrame();
    await t.scenario.applyReport(await t.scenario.typicalReport(refSlot, 0n, true));
  });
  after(() => t?.stop());

  it("stakes, and says what it did in words", async () => {
    const before = await trETH();
    const result = await t.cli([...account, "--yes", "stake", "1"]);
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /Stake 1\.0 ETH for about [\d.]+ trETH\./, `preview: ${show(result)}`);
    assert.match(result.stdout, /gas +[\d,]+ \(estimated\)/, `gas in the preview: ${show(result)}`);
    assert.match(
      result.stdout,
      /Staked 1\.0 ETH for [\d.]+ trETH in block \d+, gas [\d,]+/,
      `receipt in words: ${show(result)}`,
    );
    assert.ok((await trETH()) > before, "trETH minted");
  });

  it("stakes with --json: only JSON on stdout, the minted shares exact", async () => {
    const before = await trETH();
    const result = await t.cli([...account, "--json", "--yes", "stake", "0.5"]);
    assert.equal(result.code, 0, show(result));
    const out = parseJson<{ action: string; amount: string; shares: string; gasUsed: string; hash: string }>(
      result,
    );
    assert.equal(out.action, "stake", "action");
    assert.equal(out.amount, parseEther("0.5").toString(), "amount in wei, as a decimal string");
    assert.equal(BigInt(out.shares), (await trETH()) - before, "shares = the balance's growth");
    assert.ok(BigInt(out.gasUsed) > 21_000n, `gas used ${out.gasUsed}`);
    assert.match(out.hash, /^0x[0-9a-f]{64}$/, "hash");
  });

  it("quotes the ways out: no pool on this chain is said, the queue at today's rate with its wait", async () => {
    const result = await t.cli([...account, "quote", "0.5"]);
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /DEX: +none \(no trETH pool is deployed on this chain\)/, show(result));
    assert.match(result.stdout, /Queue: +[\d.]+ ETH at today's rate, finalized in /, show(result));
    const json = parseJson<{ dex: null; queue: { eth: string } }>(
      await t.cli([...account, "--json", "quote", "0.5"]),
    );
    assert.equal(json.dex, null);
    const eth = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [parseEther("0.5")],
    });
    assert.equal(BigInt(json.queue.eth), eth, "the queue's ETH is the token's");
    const bad = await t.cli([...account, "quote", "half"]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /trETH/, show(bad));
  });

  it("shows the position, rate, APR with its method and stake limit", async () => {
    const result = await t.cli([...account, "status"]);
    assert.equal(result.code, 0, show(result));
    for (const part of [user, "trETH", "Rate", "APR", "method:", "Stake limit"]) {
      assert.ok(result.stdout.includes(part), `status shows ${part}: ${show(result)}`);
    }
    const json = await t.cli(["--json", "status", user]);
    assert.equal(json.code, 0, show(json));
    const out = parseJson<{
      address: string;
      position: { shares: string };
      rate: { ethPerTrETH: string };
      apr: { method: string };
      stakeLimit: { available: string; paused: boolean };
    }>(json);
    assert.equal(out.address, user, "address");
    assert.equal(BigInt(out.position.shares), await trETH(), "shares as on chain");
    const rate = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "convertToAssets",
      args: [parseEther("1")],
    });
    assert.equal(BigInt(out.rate.ethPerTrETH), rate, "rate as the token computes it");
    assert.ok(out.apr.method.length > 10, `APR method stated: ${out.apr.method}`);
    assert.equal(out.stakeLimit.paused, false, "staking open");
  });

  it("delegates the votes to the account itself", async () => {
    const result = await t.cli([...account, "--json", "--yes", "delegate", user]);
    assert.equal(result.code, 0, show(result));
    const out = parseJson<{ action: string; delegatee: string; votes: string }>(result);
    assert.equal(out.delegatee, user, "delegatee");
    const votes = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "getVotes",
      args: [user],
    });
    assert.equal(votes, await trETH(), "voting power = balance");
    assert.equal(BigInt(out.votes), votes, "the votes it reported");
  });

  it("unstakes into tickets, with an estimated wait for each", async () => {
    const shares = await trETH();
    const result = await t.cli([...account, "--yes", "unstake", "0.5"]);
    assert.equal(result.code, 0, show(result));
    const match = /ticket #(\d+) in block \d+, gas [\d,]+/.exec(result.stdout);
    assert.ok(match?.[1], `ticket id in words: ${show(result)}`);
    requestIds.push(BigInt(match[1]));
    assert.equal(await trETH(), shares - parseEther("0.5"), "0.5 trETH escrowed");

    const json = await t.cli([...account, "--json", "--yes", "unstake", "all"]);
    assert.equal(json.code, 0, show(json));
    const out = parseJson<{ action: string; requestId: string; shares: string }>(json);
    assert.equal(out.action, "unstake", "action");
    assert.equal(BigInt(out.shares), shares - parseEther("0.5"), "all: the rest of the balance");
    requestIds.push(BigInt(out.requestId));
    assert.equal(await trETH(), 0n, "nothing left");

    const status = await t.cli([...account, "--json", "status"]);
    assert.equal(status.code, 0, show(status));
    const { waits } = parseJson<{ waits: { requestId: string; minSeconds: number; maxSeconds: number }[] }>(
      status,
    );
    assert.deepEqual(
      waits.map((w) => BigInt(w.requestId)),
      requestIds,
      "a waiting time for each pending ticket",
    );
    for (const wait of waits) assert.ok(wait.maxSeconds >= wait.minSeconds, "a range");
    // The shared state read once beside the position; both tickets' own reads in one round trip.
    const proxy = await countingProxy(t.local.url);
    try {
      const counted = await runCli([
        ...account,
        "--rpc-url",
        proxy.url,
        "--deployment",
        t.deploymentFile,
        "status",
      ]);
      assert.equal(counted.code, 0, show(counted));
      assert.ok(
        proxy.counts.requests <= 4,
        `status with two pending tickets in at most 4 round trips: ${JSON.stringify(proxy.counts.trips)}`,
      );
    } finally {
      await proxy.close();
    }
    const human = await t.cli([...account, "status"]);
    assert.match(human.stdout, /Pending tickets/, show(human));
    assert.match(human.stdout, new RegExp(`#${requestIds[0]} .*claimable in`), show(human));
  });

  it("claims after a report finalizes the tickets", async () => {
    const refSlot = await t.scenario.nextFrame();
    await t.scenario.applyReport(await t.scenario.typicalReport(refSlot, requestIds[1] ?? 0n));
    const tickets = await t.cli([...account, "--json", "tickets"]);
    assert.equal(tickets.code, 0, show(tickets));
    const list = parseJson<{ tickets: { requestId: string; status: string; claimable: string }[] }>(tickets);
    assert.deepEqual(
      list.tickets.map((x) => x.status),
      ["finalized", "finalized"],
      "both finalized by the report",
    );

    const balance = await t.local.publicClient.getBalance({ address: user });
    const first = await t.cli([...account, "--yes", "claim", String(requestIds[0])]);
    assert.equal(first.code, 0, show(first));
    const claimed = /Claimed ([\d.,]+) ETH from ticket #(\d+) in block \d+, gas [\d,]+/.exec(first.stdout);
    assert.ok(claimed, `receipt in words: ${show(first)}`);
    assert.equal(claimed[2], String(requestIds[0]), "the ticket asked for");
    assert.ok((await t.local.publicClient.getBalance({ address: user })) > balance, "ETH received");

    const rest = await t.cli([...account, "--json", "--yes", "claim", "--all"]);
    assert.equal(rest.code, 0, show(rest));
    const out = parseJson<{ action: string; requestIds: string[]; assets: string; fee: string }>(rest);
    assert.deepEqual(out.requestIds, [String(requestIds[1])], "the other ticket");
    const expected = BigInt(list.tickets.find((x) => x.requestId === String(requestIds[1]))?.claimable ?? 0);
    assert.equal(BigInt(out.assets), expected, "paid what the ticket showed as claimable");
  });
});
