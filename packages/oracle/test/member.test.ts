/**
 * Three members (quorum two) on anvil + the embedded consensus layer, with real protocol
 * validators: reports land frame after frame, the rate equals an independent computation to the
 * wei, commission reaches the tree and is claimed with its proof, a withdrawal is finalized at the
 * right rate and claimed, and demand beyond the buffer names validators to exit.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  accountingAbi,
  hashConsensusAbi,
  rewardsDistributorAbi,
  trETHAbi,
  withdrawalQueueAbi,
} from "@tributary/sdk/abis";
import { type Address, decodeFunctionData, type Hex, parseEther } from "viem";
import { startServer } from "../src/server.js";
import { appliedReports, expectedReport } from "./helpers/expected.js";
import { type RunningMember, setLocalLimits, startMember } from "./helpers/members.js";
import { reportPace, STAKER_INDEX, startTestNetwork, type TestNetwork } from "./helpers/network.js";

const FRAME_SLOTS = 4 * 32;

async function lastProcessed(net: TestNetwork): Promise<number> {
  return Number(
    await net.publicClient.readContract({
      address: net.deployment.contracts.accounting,
      abi: accountingAbi,
      functionName: "lastProcessedRefSlot",
    }),
  );
}

async function currentRefSlot(net: TestNetwork): Promise<number> {
  try {
    const [refSlot] = await net.publicClient.readContract({
      address: net.deployment.contracts.hashConsensus,
      abi: hashConsensusAbi,
      functionName: "getCurrentFrame",
    });
    return Number(refSlot);
  } catch {
    // Before the first frame: its reference slot is the last slot before the initial epoch.
    return net.initialEpoch * 32 - 1;
  }
}

/** Advances until the report for the current frame is applied. */
async function nextReport(net: TestNetwork, what: string): Promise<number> {
  let refSlot = await currentRefSlot(net);
  // The frame whose report is applied lasts until the next one starts: wait for that one's.
  if ((await lastProcessed(net)) >= refSlot) refSlot += FRAME_SLOTS;
  await net.advanceUntil(async () => (await lastProcessed(net)) >= refSlot, {
    maxSlots: 2 * FRAME_SLOTS,
    pauseMs: () => reportPace(net, refSlot),
    what,
  });
  return refSlot;
}

describe("three members, quorum two", () => {
  let net: TestNetwork;
  let members: RunningMember[] = [];

  before(async () => {
    net = await startTestNetwork({ operators: 3, validatorsPerOperator: 2 });
    await setLocalLimits(net);
    members = await Promise.all([0, 1, 2].map((i) => startMember(net, i)));
  });
  after(async () => {
    await Promise.all(members.map((m) => m.stop()));
    await net?.stop();
  });

  it("apply reports frame after frame, each at the rate an independent computation gives, to the wei", async () => {
    const keys = net.protocolValidators.map((v) => ({ pubkey: v.pubkey, operatorId: v.operatorId }));
    const refs: number[] = [];
    for (let frame = 0; frame < 3; frame++) refs.push(await nextReport(net, `report ${frame + 1}`));
    const events = await appliedReports(net);
    assert.equal(events.length, 3);
    let lastRef = 0;
    for (const [i, event] of events.entries()) {
      assert.equal(Number(event.args.refSlot), refs[i]);
      const tx = await net.publicClient.getTransaction({ hash: event.transactionHash });
      const { args } = decodeFunctionData({ abi: accountingAbi, data: tx.input });
      const report = (args as readonly unknown[])[0] as { elRewardsVaultAmount: bigint; clBalance: bigint };
      assert.equal(event.args.elRewardsPulled, report.elRewardsVaultAmount, "no EL rewards held back");
      const expected = await expectedReport(net, {
        refSlot: refs[i] as number,
        lastRefSlot: lastRef,
        appliedBlock: event.blockNumber,
        keys,
      });
      assert.equal(report.clBalance, expected.clBalance, `report ${i + 1}: balance`);
      assert.equal(event.args.shareRate, expected.shareRate, `report ${i + 1}: share rate`);
      assert.ok(expected.rewards > 0n, "the validators earned");
      lastRef = refs[i] as number;
    }
  });

  it("cast exactly one vote per member per frame", async () => {
    const votes = await net.publicClient.getContractEvents({
      address: net.deployment.contracts.hashConsensus,
      abi: hashConsensusAbi,
      eventName: "ReportReceived",
      fromBlock: 0n,
      strict: true,
    });
    const count = new Map<string, number>();
    for (const v of votes) {
      const key = `${v.args.refSlot}:${v.args.member.toLowerCase()}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    assert.ok(count.size >= 6, "at least two members voted in each of three frames");
    for (const [key, n] of count) assert.equal(n, 1, `one vote for ${key}`);
  });

  it("put the commission in the tree, where an operator claims it with its proof over HTTP", async () => {
    const member = members[0] as RunningMember;
    const server = await startServer({
      host: "127.0.0.1",
      port: 0,
      dataDir: member.dataDir,
      metrics: member.metrics,
      health: () => member.oracle.health(),
    });
    try {
      const res = await fetch(`${server.url}/v1/rewards-tree/proof/0`);
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as Record<string, unknown>;
      const entry = (body.entry ?? body) as { account: Address; cumulativeShares: string; proof: Hex[] };
      const { rewardsDistributor, token, accounting } = net.deployment.contracts;
      const root = await net.publicClient.readContract({
        address: accounting,
        abi: accountingAbi,
        functionName: "rewardsRoot",
      });
      assert.notEqual(root, `0x${"0".repeat(64)}`, "a report set a root");
      const before = await net.publicClient.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [entry.account],
      });
      const hash = await net.wallet(STAKER_INDEX).writeContract({
        address: rewardsDistributor,
        abi: rewardsDistributorAbi,
        functionName: "claim",
        args: [0n, entry.account, BigInt(entry.cumulativeShares), entry.proof],
        chain: undefined,
      });
      await net.include(hash, "commission claim");
      const afterBalance = await net.publicClient.readContract({
        address: token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [entry.account],
      });
      assert.equal(afterBalance - before, BigInt(entry.cumulativeShares));
      assert.ok(BigInt(entry.cumulativeShares) > 0n);
      const health = await (await fetch(`${server.url}/health`)).json();
      assert.equal(
        (health as { ok?: boolean; status?: string }).ok ?? (health as { status: string }).status === "ok",
        true,
      );
    } finally {
      await server.close();
    }
  });

  it("finalize a withdrawal request at the report's rate, and the staker claims it", async () => {
    const { token, withdrawalQueue } = net.deployment.contracts;
    const shares = parseEther("1");
    const { requestId } = await net.requestRedeem(STAKER_INDEX, shares);
    const rateBefore = (await appliedReports(net)).at(-1)?.args.shareRate as bigint;
    await nextReport(net, "the report that finalizes the request");
    const status = await net.publicClient.readContract({
      address: withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "getRequestStatus",
      args: [requestId],
    });
    assert.equal(status.finalized, true);
    const rateAfter = (await appliedReports(net)).at(-1)?.args.shareRate as bigint;
    const rate = rateBefore < rateAfter ? rateBefore : rateAfter;
    const expected = (shares * rate) / 10n ** 27n;
    assert.ok(
      status.claimableAssets <= expected && status.claimableAssets + 2n >= expected,
      `claimable ${status.claimableAssets}, expected ${expected} (min of the rates)`,
    );
    const staker = net.wallet(STAKER_INDEX);
    const balance = await net.publicClient.getBalance({ address: staker.account.address });
    const hash = await staker.writeContract({
      address: withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "claim",
      args: [requestId, staker.account.address, false],
      chain: undefined,
    });
    const [receipt] = await net.include(hash, "withdrawal claim");
    const gas = (receipt?.gasUsed ?? 0n) * (receipt?.effectiveGasPrice ?? 0n);
    const received = (await net.publicClient.getBalance({ address: staker.account.address })) - balance + gas;
    assert.equal(received, status.claimableAssets);
    void token;
  });

  it("name validators to exit when demand exceeds the buffer, by the documented rule", async () => {
    const { token, accounting } = net.deployment.contracts;
    const buffer = await net.publicClient.getBalance({ address: token });
    // Ask for the buffer plus about 1.5 validators' worth.
    const shares = await net.publicClient.readContract({
      address: token,
      abi: trETHAbi,
      functionName: "convertToShares",
      args: [buffer + parseEther("48")],
    });
    await net.requestRedeem(STAKER_INDEX, shares);
    const refSlot = await nextReport(net, "the report that asks for exits");
    const sets = await net.publicClient.getContractEvents({
      address: accounting,
      abi: accountingAbi,
      eventName: "ExitRequestsSet",
      fromBlock: 0n,
      strict: true,
    });
    const set = sets.at(-1);
    assert.ok(set, "the report named an exit list");
    assert.equal(Number(set.args.refSlot), refSlot);
    assert.equal(set.args.count, 2n, "two validators cover 48 ETH");
    // Published on chain by a member, and over its files.
    await net.advanceUntil(
      async () =>
        (
          await net.publicClient.getContractEvents({
            address: accounting,
            abi: accountingAbi,
            eventName: "ExitRequestsPublished",
            fromBlock: 0n,
          })
        ).length > 0,
      { maxSlots: 16, pauseMs: 15, what: "the exit list published" },
    );
    const published = await net.publicClient.getContractEvents({
      address: accounting,
      abi: accountingAbi,
      eventName: "ExitRequestsPublished",
      fromBlock: 0n,
      strict: true,
    });
    const data = published.at(-1)?.args.data as Hex;
    const entries: { operatorId: number; keyIndex: number; target: number }[] = [];
    for (let i = 2; i < data.length; i += 120) {
      entries.push({
        operatorId: Number.parseInt(data.slice(i, i + 6), 16),
        keyIndex: Number.parseInt(data.slice(i + 6, i + 16), 16),
        target: Number.parseInt(data.slice(i + 16, i + 24), 16),
      });
    }
    // Every operator has two exitable validators: the lowest id first, then the next operator.
    assert.deepEqual(entries, [
      { operatorId: 0, keyIndex: 0, target: 1 },
      { operatorId: 1, keyIndex: 0, target: 1 },
    ]);
  });
});
