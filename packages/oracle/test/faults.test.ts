/**
 * Faults the members survive, frame after frame on one network: a member down, a member voting a
 * wrong report, a member killed between its vote and the submission and restarted, a beacon node
 * and an RPC node answering errors or refusing connections, a report the contract refuses, and a
 * member running out of gas money. Reports still land, with exactly one vote per member per frame.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { accountingAbi, hashConsensusAbi } from "@tributary/sdk/abis";
import { type Hex, keccak256, numberToHex, toHex } from "viem";
import { startServer } from "../src/server.js";
import { type BeaconProxy, startBeaconProxy } from "./helpers/beaconProxy.js";
import { type RunningMember, setLocalLimits, startMember } from "./helpers/members.js";
import { reportPace, startTestNetwork, type TestNetwork } from "./helpers/network.js";

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

async function frameRef(net: TestNetwork): Promise<number> {
  try {
    const [refSlot] = await net.publicClient.readContract({
      address: net.deployment.contracts.hashConsensus,
      abi: hashConsensusAbi,
      functionName: "getCurrentFrame",
    });
    return Number(refSlot);
  } catch {
    return net.initialEpoch * 32 - 1;
  }
}

async function votedRef(net: TestNetwork, member: number): Promise<number> {
  const [last] = await net.publicClient.readContract({
    address: net.deployment.contracts.hashConsensus,
    abi: hashConsensusAbi,
    functionName: "getMemberState",
    args: [net.members[member]?.address as Hex],
  });
  return Number(last);
}

/** The reference slot of the next report due (the current frame's, or the next one's once applied). */
async function dueRef(net: TestNetwork): Promise<number> {
  const ref = await frameRef(net);
  return (await lastProcessed(net)) >= ref ? ref + FRAME_SLOTS : ref;
}

async function untilApplied(net: TestNetwork, refSlot: number, what: string): Promise<void> {
  await net.advanceUntil(async () => (await lastProcessed(net)) >= refSlot, {
    maxSlots: 3 * FRAME_SLOTS,
    pauseMs: () => reportPace(net, refSlot),
    what,
  });
}

/** A member's HTTP server, the peer a member without state takes the tree and the last split from. */
function serve(member: RunningMember) {
  return startServer({
    host: "127.0.0.1",
    port: 0,
    dataDir: member.dataDir,
    metrics: member.metrics,
    health: () => member.oracle.health(),
  });
}

function logged(member: RunningMember, msg: string): Record<string, unknown>[] {
  return member.logs.filter((l) => typeof l.msg === "string" && (l.msg as string).includes(msg));
}

describe("faults", () => {
  let net: TestNetwork;
  let beaconProxy: BeaconProxy;
  let rpcProxy: BeaconProxy;
  const members: (RunningMember | undefined)[] = [undefined, undefined, undefined];

  before(async () => {
    net = await startTestNetwork({ operators: 2, validatorsPerOperator: 2 });
    await setLocalLimits(net);
    beaconProxy = net.beaconProxy;
    rpcProxy = await startBeaconProxy(net.rpcUrl);
  });
  after(async () => {
    await Promise.all(members.map((m) => m?.stop()));
    await rpcProxy?.stop();
    await net?.stop();
  });

  it("one member down: the other two apply the report; a low balance is warned about", async () => {
    // Member 1 holds little gas money: a warning long before it is empty.
    await net.publicClient.request({
      method: "anvil_setBalance" as never,
      params: [net.members[1]?.address, numberToHex(5n * 10n ** 16n)] as never,
    });
    members[0] = await startMember(net, 0);
    members[1] = await startMember(net, 1);
    const ref = await dueRef(net);
    await untilApplied(net, ref, "report with member 2 down");
    assert.equal(await votedRef(net, 2), 0, "member 2 never voted");
    const warning = logged(members[1] as RunningMember, "running out of gas money");
    assert.ok(warning.length >= 1, "member 1 warned about its balance");
    assert.equal(warning[0]?.level, "warn");
  });

  it("a member votes a wrong report, a beacon node and an RPC node fail: the honest two still agree", async () => {
    await (members[1] as RunningMember).stop();
    members[1] = undefined;
    // Member 2 reads the beacon node and the RPC through proxies that fail first.
    beaconProxy.setFault({ status: 503, count: 12 });
    rpcProxy.setFault({ status: 200, count: 6, body: '{"jsonrpc":"2.0","id":1,"result":' });
    // Member 2 joins after reports with commission were applied: it takes their split from member 0.
    const server = await serve(members[0] as RunningMember);
    try {
      members[2] = await startMember(net, 2, {
        beaconUrl: beaconProxy.url,
        rpcUrl: rpcProxy.url,
        peers: [server.url],
      });
      await lyingMemberAndFailingNodes();
    } finally {
      await server.close();
    }
  });

  async function lyingMemberAndFailingNodes(): Promise<void> {
    const ref = await dueRef(net);
    // Member 1 (its daemon stopped) votes a wrong hash as soon as the frame allows.
    const wrong = keccak256(toHex(`a wrong report for ${ref}`));
    await net.advanceUntil(async () => (await frameRef(net)) === ref && (await net.finalizedSlot()) >= ref, {
      maxSlots: 3 * FRAME_SLOTS,
      pauseMs: 5,
      what: "the frame's reference slot final",
    });
    const hash = await net.members[1]?.wallet.writeContract({
      address: net.deployment.contracts.hashConsensus,
      abi: hashConsensusAbi,
      functionName: "submitReport",
      args: [BigInt(ref), wrong, 1n],
      chain: undefined,
    });
    await net.include(hash as Hex, "the wrong vote");
    // Then the beacon node goes down for a while.
    await beaconProxy.setDown(true);
    await net.advanceSlots(6);
    await beaconProxy.setDown(false);
    await untilApplied(net, ref, "report with a lying member and failing nodes");
    assert.ok(beaconProxy.faulted >= 1, "the beacon proxy answered errors");
    assert.ok(rpcProxy.faulted >= 1, "the RPC proxy answered errors");
    const m0 = members[0] as RunningMember;
    const disagreement = logged(m0, "another member voted a different report");
    assert.ok(disagreement.length >= 1, "member 0 logged the disagreement");
    assert.equal(disagreement[0]?.theirs, wrong);
    assert.match(String(disagreement[0]?.ours), /^0x[0-9a-f]{64}$/);
    const text = await (members[2] as RunningMember).metrics.registry.metrics();
    assert.match(text, /oracle_beacon_request_errors_total\{reason="[a-z_]+"\} [1-9]/);
    assert.match(text, /oracle_rpc_request_errors_total\{reason="[a-z_]+"\} [1-9]/);
  }

  it("a member killed between its vote and the submission is restarted: no second vote, the report lands", async () => {
    const ref = await dueRef(net);
    await net.advanceSlots(1);
    // Only member 0 runs at first: it votes, and no quorum can form until member 2 votes.
    const dir2 = (members[2] as RunningMember).dataDir;
    await (members[2] as RunningMember).stop();
    members[2] = undefined;
    await net.advanceUntil(async () => (await votedRef(net, 0)) >= ref, {
      maxSlots: 3 * FRAME_SLOTS,
      pauseMs: 15,
      what: "member 0's vote",
    });
    const m0 = members[0] as RunningMember;
    await m0.stop();
    members[0] = await startMember(net, 0, { dataDir: m0.dataDir });
    members[2] = await startMember(net, 2, { dataDir: dir2 });
    await untilApplied(net, ref, "report after a restart");
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
    for (const [key, n] of count) assert.equal(n, 1, `one vote for ${key}`);
  });

  it("a member without state (new, or its disk lost) takes the tree and the last split from a peer", async () => {
    const m0 = members[0] as RunningMember;
    const server = await serve(m0);
    try {
      const root = await net.publicClient.readContract({
        address: net.deployment.contracts.accounting,
        abi: accountingAbi,
        functionName: "rewardsRoot",
      });
      assert.notEqual(root, `0x${"0".repeat(64)}`, "a tree is on chain");
      // Member 2 loses its disk; member 1 is back, fresh too; both know member 0's server.
      await (members[2] as RunningMember).stop();
      members[2] = await startMember(net, 2, { peers: [server.url] });
      members[1] = await startMember(net, 1, { peers: [server.url] });
      await (members[0] as RunningMember).stop();
      members[0] = undefined;
      // Members 1 and 2 alone make the quorum: they must compute the same report as before.
      const ref = await dueRef(net);
      await untilApplied(net, ref, "a report by the two members that took their state from a peer");
      const m2 = members[2] as RunningMember;
      assert.ok(logged(m2, "taken from a peer").length >= 1, "member 2 used the peer");
    } finally {
      await server.close();
    }
  });

  it("a report the contract would refuse is logged with its values and counted, costs no gas; the next frame catches up", async () => {
    // A growth limit no frame can meet: the report would be refused, so no member votes.
    await setLocalLimits(net, { maxAnnualClGrowthBps: 1 });
    const ref = await dueRef(net);
    const running = members.filter((m): m is RunningMember => m !== undefined);
    const nonces = await Promise.all(
      running.map((m) => net.publicClient.getTransactionCount({ address: m.address })),
    );
    await net.advanceUntil(
      async () => running.every((m) => logged(m, "the contract would refuse").length > 0),
      { maxSlots: 3 * FRAME_SLOTS, pauseMs: 15, what: "the refusal" },
    );
    await net.advanceSlots(8);
    for (const [i, m] of running.entries()) {
      const refused = logged(m, "the contract would refuse");
      assert.equal(refused.length, 1, "logged once: not tried again in the frame");
      assert.equal(refused[0]?.error, "AccountingClGrowthTooHigh");
      assert.match(
        String((refused[0]?.args as Record<string, string> | undefined)?.growth),
        /^\d+$/,
        "the values are logged",
      );
      const text = await m.metrics.registry.metrics();
      assert.match(text, /oracle_report_refusals_total\{error="AccountingClGrowthTooHigh"\} 1/);
      assert.equal(
        await net.publicClient.getTransactionCount({ address: m.address }),
        nonces[i],
        "no gas spent",
      );
    }
    assert.ok((await lastProcessed(net)) < ref);
    // Limits back: the next frame's report covers both frames.
    await setLocalLimits(net);
    const next = ref + FRAME_SLOTS;
    await untilApplied(net, next, "the catch-up report");
    const applied = await net.publicClient.getContractEvents({
      address: net.deployment.contracts.accounting,
      abi: accountingAbi,
      eventName: "ReportApplied",
      fromBlock: 0n,
      strict: true,
    });
    assert.equal(Number(applied.at(-1)?.args.refSlot), next);
    assert.ok((applied.at(-1)?.args.rewards ?? 0n) > 0n);
  });
});
