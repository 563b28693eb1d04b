/**
 * The named scenarios. Each one runs on a fresh devnet in fast mode, acts through the SDK, the
 * devnet's processes and the beacon chain's fault routes, states what it expects, and ends (in the
 * runner) with the accounting check. Waits count slots, not seconds.
 */

import { spawn } from "node:child_process";
import { join } from "node:path";
import { generateValidatorKeys, NETWORKS } from "@tributary/operator/keys";
import { borrow, getLendingPosition, getPosition, getQueueState, supplyCollateral } from "@tributary/sdk";
import {
  accountingAbi,
  depositContractAbi,
  depositSecurityAbi,
  hashConsensusAbi,
  morphoAbi,
  morphoOracleAbi,
  operatorRegistryAbi,
  trETHAbi,
  wethAbi,
} from "@tributary/sdk/abis";
import { type AbiParameter, encodeAbiParameters, formatEther, keccak256, parseEther, parseGwei } from "viem";
import { DEV_MNEMONIC } from "../../../../contracts/lib/devkeys.js";
import { ACCOUNTS, DEPOSIT_CONTRACT, type DevnetOptions } from "../devnet.js";
import { type FlakyProxy, startFlakyProxy } from "../flaky.js";
import { REPO_ROOT } from "../processes.js";
import { type ScenarioContext, ScenarioFailure, sleep } from "./context.js";
import { runCrosschain } from "./crosschain.js";

const EPOCH = 32;
/** Slots from genesis until four validators deposited at the start are active (measured: ~13 epochs), with room. */
const ACTIVATION_SLOTS = 30 * EPOCH;
/** Slots within which a frame's report is applied once due (frames of 4 epochs), with room. */
const REPORT_SLOTS = 3 * 4 * EPOCH;

export interface Scenario {
  name: string;
  summary: string;
  /** Run by CI (`npm test`); the others on demand. */
  ci: boolean;
  devnet?: Partial<
    Pick<
      DevnetOptions,
      "operators" | "keysPerOperator" | "bondPerValidator" | "epochsPerFrame" | "daemonEndpoints" | "withL2"
    >
  >;
  run(ctx: ScenarioContext): Promise<void>;
}

const STAKER = ACCOUNTS.stakerBase;
/** The flaky links of the flaky-rpc scenario (set when its devnet starts). */
const flaky: { rpc?: FlakyProxy; beacon?: FlakyProxy } = {};

/** Stakes enough for every key, waits until all are active on the beacon chain. */
async function stakeAndActivate(ctx: ScenarioContext, extraEth = 20): Promise<number> {
  const keys = ctx.devnet.operators.reduce((n, op) => n + op.pubkeys.length, 0);
  await ctx.stake(STAKER, String(keys * 32 + extraEth));
  await ctx.mark("deposit", `staked ${keys * 32 + extraEth} ETH for ${keys} validators`);
  await ctx.waitValidators("deposited", keys, ["pending_initialized", "pending_queued", "active_ongoing"], {
    maxSlots: ACTIVATION_SLOTS,
  });
  await ctx.mark("deposit", `${keys} validators deposited`);
  await ctx.waitValidators("active", keys, ["active_ongoing"], { maxSlots: ACTIVATION_SLOTS });
  await ctx.mark("deposit", `${keys} validators active`);
  return keys;
}

/** Waits for the first report whose reference slot is after `slot`; returns it. */
async function reportAfter(ctx: ScenarioContext, slot: number, maxSlots = REPORT_SLOTS) {
  let found: Awaited<ReturnType<ScenarioContext["reports"]>>[number] | undefined;
  await ctx.waitFor(
    `a report with a reference slot after ${slot}`,
    async () => {
      found = (await ctx.reports()).find((r) => r.refSlot > slot);
      return found !== undefined;
    },
    { maxSlots },
  );
  const report = found as NonNullable<typeof found>;
  await ctx.mark("report", `report for ref slot ${report.refSlot}, rate ${rateText(report.shareRate)}`);
  return report;
}

function rateText(shareRate: bigint): string {
  return `${(Number(shareRate / 10n ** 9n) / 1e18).toFixed(9)} ETH/trETH`;
}

async function lossesOf(ctx: ScenarioContext, operatorId: bigint) {
  return ctx.client.getContractEvents({
    address: ctx.deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    eventName: "LossCharged",
    args: { operatorId },
    fromBlock: BigInt(ctx.deployment.startBlock ?? 0),
    strict: true,
  });
}

/**
 * Slashes the first validator of operator 0 ("one"), or every validator of the protocol ("all":
 * then no protocol validator can propose the block with the slashing, so no whistleblower reward
 * offsets the loss), and waits for the report that charges operator 0's loss.
 */
async function slash(ctx: ScenarioContext, scope: "one" | "all") {
  await stakeAndActivate(ctx);
  const baseline = await reportAfter(ctx, await ctx.head());
  const onChain = (await ctx.validators()).filter((v) => v.index !== null);
  const victims =
    scope === "all"
      ? onChain
      : onChain.filter((v) => v.operatorId === ctx.devnet.operators[0]?.id).slice(0, 1);
  const victim = victims[0];
  if (victim === undefined) throw new ScenarioFailure("no validator of operator 0 on the beacon chain");
  const bondBefore = await ctx.client.readContract({
    address: ctx.deployment.contracts.operatorRegistry,
    abi: operatorRegistryAbi,
    functionName: "bondValue",
    args: [victim.operatorId],
  });
  const indices = victims.map((v) => v.index as number);
  await ctx.beaconPost("/tributary/v1/faults/slash", { kind: "double-vote", indices });
  await ctx.mark(
    "fault",
    scope === "all"
      ? `slash validators ${indices.join(", ")} (every operator)`
      : `slash validator ${indices.join(", ")} (operator ${victim.operatorId})`,
  );
  let charged: Awaited<ReturnType<typeof lossesOf>> = [];
  await ctx.waitFor(
    "the loss charged to the operator's bond",
    async () => {
      charged = await lossesOf(ctx, victim.operatorId);
      return charged.length > 0;
    },
    { maxSlots: REPORT_SLOTS },
  );
  const loss = charged[0] as (typeof charged)[number];
  const report = (await ctx.reports()).find((r) => r.blockNumber === loss.blockNumber);
  if (!report) throw new ScenarioFailure("no report in the block that charged the loss");
  await ctx.mark(
    "report",
    `loss ${formatEther(loss.args.amount)} ETH: bond covered ${formatEther(loss.args.covered)}, debt ${formatEther(loss.args.debt)}`,
  );
  return { baseline, report, loss: loss.args, bondBefore, victim };
}

/** The report tuple the members hash (keccak256 of its ABI encoding), from the contract's ABI. */
const REPORT_PARAMETERS = (
  accountingAbi.find((item) => item.type === "function" && item.name === "submitReportData") as {
    inputs: readonly AbiParameter[];
  }
).inputs;

type ReportTuple = {
  refSlot: bigint;
  clBalance: bigint;
  [field: string]: unknown;
};

/**
 * The honest report of the current frame, as a member computes it: the oracle itself in
 * `--dry-run` (it computes and prints, sends nothing), on the devnet's endpoints.
 */
async function dryRunReport(ctx: ScenarioContext, account: number): Promise<ReportTuple> {
  const dataDir = join(ctx.devnet.dataDir, "liar");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(REPO_ROOT, "packages", "oracle", "src", "cli.ts"),
      "--dry-run",
      "--rpc-url",
      ctx.devnet.rpcUrl,
      "--beacon-url",
      ctx.devnet.beaconUrl,
      "--deployment",
      ctx.devnet.deploymentFile,
      "--dev-account",
      String(account),
      "--data-dir",
      dataDir,
      "--poll-interval",
      "1",
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  const start = out.indexOf("{\n");
  if (code !== 0 || start < 0) throw new Error(`the dry run failed (exit ${code}): ${out.slice(-500)}`);
  const printed = JSON.parse(out.slice(start)) as { report: Record<string, unknown> };
  const toTuple = (value: unknown): unknown => {
    if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
    if (Array.isArray(value)) return value.map(toTuple);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toTuple(v)]));
    return value;
  };
  return toTuple(printed.report) as ReportTuple;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "lifecycle",
    summary:
      "stake, deposits, activation, rewards over several reports, a request, its finalization, exits named, validators exited and swept, the claim paid",
    ci: true,
    async run(ctx) {
      await stakeAndActivate(ctx);
      const before = await reportAfter(ctx, await ctx.head());
      const after = await reportAfter(ctx, before.refSlot);
      ctx.expect(
        after.shareRate > before.shareRate,
        `rewards raise the rate (${rateText(before.shareRate)} to ${rateText(after.shareRate)})`,
      );

      // A request larger than the buffer: the report must name exits.
      const position = await getPosition(ctx.client, {
        address: ctx.devnet.wallet(STAKER).account.address,
        deployment: ctx.deployment,
      });
      const queue = await getQueueState(ctx.client, { deployment: ctx.deployment });
      const shares = (position.shares * 9n) / 10n;
      await ctx.requestRedeem(STAKER, shares);
      await ctx.mark(
        "fault",
        `request ${formatEther(shares)} trETH (buffer ${formatEther(queue.bufferedEther)} ETH)`,
      );
      const requestId = (await getQueueState(ctx.client, { deployment: ctx.deployment })).lastRequestId;
      let named = 0n;
      await ctx.waitFor(
        "exits named by a report",
        async () => {
          const events = await ctx.client.getContractEvents({
            address: ctx.deployment.contracts.accounting,
            abi: accountingAbi,
            eventName: "ExitRequestsSet",
            fromBlock: BigInt(ctx.deployment.startBlock ?? 0),
            strict: true,
          });
          named = events.reduce((n, e) => n + e.args.count, 0n);
          return named > 0n;
        },
        { maxSlots: REPORT_SLOTS },
      );
      await ctx.mark("exit", `${named} exits named`);
      await ctx.waitValidators(
        "exited",
        Number(named),
        ["exited_unslashed", "withdrawal_possible", "withdrawal_done"],
        {
          maxSlots: 20 * EPOCH,
        },
      );
      await ctx.mark("exit", `${named} validators exited`);
      await ctx.waitValidators("swept", Number(named), ["withdrawal_done"], { maxSlots: 12 * EPOCH });
      await ctx.mark("exit", `${named} validators swept to the vault`);
      await ctx.waitFor(
        `request ${requestId} finalized`,
        async () =>
          (await getQueueState(ctx.client, { deployment: ctx.deployment })).lastFinalizedRequestId >=
          requestId,
        { maxSlots: REPORT_SLOTS },
      );
      await ctx.mark("report", `request ${requestId} finalized`);
      const ethBefore = await ctx.client.getBalance({ address: ctx.devnet.wallet(STAKER).account.address });
      await ctx.claimAll(STAKER);
      const ethAfter = await ctx.client.getBalance({ address: ctx.devnet.wallet(STAKER).account.address });
      await ctx.mark("claim", `claimed ${formatEther(ethAfter - ethBefore)} ETH (net of gas)`);
      ctx.expect(ethAfter > ethBefore, "the claim paid ETH");
      const reports = await ctx.reports();
      ctx.expect(reports.length >= 4, `several reports (${reports.length})`);
    },
  },
  {
    name: "slash-within-bond",
    summary: "a validator is slashed; the operator's bond pays the loss and the rate does not fall",
    ci: false,
    async run(ctx) {
      const { baseline, report, loss } = await slash(ctx, "one");
      ctx.expect(loss.debt === 0n, `no debt (${formatEther(loss.debt)} ETH)`);
      ctx.expect(loss.covered === loss.amount, "the bond covered the whole loss");
      ctx.expect(
        report.shareRate >= baseline.shareRate,
        `the rate did not fall (${rateText(baseline.shareRate)} to ${rateText(report.shareRate)})`,
      );
    },
  },
  {
    name: "slash-beyond-bond",
    summary:
      "bonds of 0.0001 ETH per validator; every validator is slashed; each bond pays what it holds, the rate falls by the excess (to the wei of an independent computation), the debt is recorded",
    ci: true,
    devnet: { bondPerValidator: parseEther("0.0001") },
    async run(ctx) {
      const { baseline, report, loss, bondBefore, victim } = await slash(ctx, "all");
      ctx.expect(loss.debt > 0n, `a debt is recorded (${formatEther(loss.debt)} ETH)`);
      ctx.expect(
        loss.covered + 10n >= bondBefore,
        `the bond paid first: ${formatEther(loss.covered)} of its ${formatEther(bondBefore)} ETH`,
      );
      ctx.expect(
        report.shareRate < baseline.shareRate,
        `the rate fell (${rateText(baseline.shareRate)} to ${rateText(report.shareRate)})`,
      );
      const operator = await ctx.client.readContract({
        address: ctx.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "getOperator",
        args: [victim.operatorId],
      });
      ctx.expect(
        operator.debt >= loss.debt,
        `the operator's debt stays on record (${formatEther(operator.debt)} ETH)`,
      );
    },
  },
  {
    name: "oracle-member-down",
    summary:
      "one oracle member stopped for three frames; the other two keep reporting; it catches up when back",
    ci: true,
    async run(ctx) {
      await ctx.stake(STAKER, "150");
      await ctx.stopProcess("oracle-2");
      const down = await ctx.head();
      await ctx.mark("fault", "oracle-2 stopped");
      const start = (await ctx.reports()).length;
      await ctx.waitReports(start + 3, { maxSlots: 5 * REPORT_SLOTS });
      const member2 = ctx.deployment.oracle?.members[2];
      const votes = async () =>
        ctx.client.getContractEvents({
          address: ctx.deployment.contracts.hashConsensus,
          abi: hashConsensusAbi,
          eventName: "ReportReceived",
          args: { member: member2 },
          fromBlock: BigInt(ctx.deployment.startBlock ?? 0),
          strict: true,
        });
      const whileDown = (await votes()).filter((v) => Number(v.args.refSlot) > down);
      ctx.expect(whileDown.length === 0, "no vote from the stopped member");
      ctx.startProcess("oracle-2");
      const back = await ctx.head();
      await ctx.mark("recover", "oracle-2 restarted");
      await ctx.waitFor(
        "a vote from the restarted member",
        async () => (await votes()).some((v) => Number(v.args.refSlot) > back),
        { maxSlots: 2 * REPORT_SLOTS },
      );
      // Its vote can land before the other members' votes of that frame: wait for the frame's report.
      const reports = await ctx.waitReports(start + 4, { maxSlots: REPORT_SLOTS });
      ctx.expect(reports.length >= start + 4, `reports went on (${reports.length - start} since the stop)`);
    },
  },
  {
    name: "oracle-member-lying",
    summary:
      "one member votes, every frame, for the honest report with 1 ETH more on the consensus layer; the two honest members decide; the lie shows in its votes",
    ci: false,
    async run(ctx) {
      await ctx.stake(STAKER, "150");
      await ctx.stopProcess("oracle-2");
      const liar = ctx.devnet.wallet(ACCOUNTS.members[2]);
      await ctx.mark("fault", "oracle-2 replaced by a member that adds 1 ETH to every report's balance");
      const lies = new Map<number, `0x${string}`>();
      ctx.onReportDue = async (refSlot) => {
        const honest = await dryRunReport(ctx, ACCOUNTS.members[2]);
        if (BigInt(honest.refSlot) !== BigInt(refSlot))
          throw new Error(`the dry run computed ref slot ${honest.refSlot}, not ${refSlot}`);
        const lie = { ...honest, clBalance: honest.clBalance + parseEther("1") };
        const hash = keccak256(encodeAbiParameters(REPORT_PARAMETERS, [lie] as never));
        const version = await ctx.client.readContract({
          address: ctx.deployment.contracts.hashConsensus,
          abi: hashConsensusAbi,
          functionName: "getConsensusVersion",
        });
        // A higher tip than the honest members': its vote is mined first, before any consensus.
        await liar.writeContract({
          address: ctx.deployment.contracts.hashConsensus,
          abi: hashConsensusAbi,
          functionName: "submitReport",
          args: [BigInt(refSlot), hash, version],
          maxPriorityFeePerGas: parseGwei("5"),
        });
        lies.set(refSlot, hash);
        await ctx.mark(
          "fault",
          `oracle-2 votes for ref slot ${refSlot} with ${formatEther(lie.clBalance)} ETH`,
        );
      };
      try {
        const start = await ctx.head();
        const first = await reportAfter(ctx, start, 2 * REPORT_SLOTS);
        const second = await reportAfter(ctx, first.refSlot);
        const third = await reportAfter(ctx, second.refSlot);
        for (const report of [first, second, third]) {
          const lie = lies.get(report.refSlot);
          const range = { fromBlock: BigInt(ctx.deployment.startBlock ?? 0), strict: true } as const;
          const votes = await ctx.client.getContractEvents({
            address: ctx.deployment.contracts.hashConsensus,
            abi: hashConsensusAbi,
            eventName: "ReportReceived",
            args: { refSlot: BigInt(report.refSlot) },
            ...range,
          });
          const reached = await ctx.client.getContractEvents({
            address: ctx.deployment.contracts.hashConsensus,
            abi: hashConsensusAbi,
            eventName: "ConsensusReached",
            args: { refSlot: BigInt(report.refSlot) },
            ...range,
          });
          const liarVote = votes.find(
            (v) => v.args.member.toLowerCase() === liar.account.address.toLowerCase(),
          );
          ctx.expect(
            lie !== undefined && liarVote?.args.reportHash === lie,
            `ref slot ${report.refSlot}: the lie is on record in oracle-2's vote`,
          );
          ctx.expect(
            reached.length > 0 && reached.every((r) => r.args.reportHash !== lie),
            `ref slot ${report.refSlot}: the honest quorum decided (${reached[0]?.args.support ?? 0} votes)`,
          );
        }
      } finally {
        ctx.onReportDue = undefined;
      }
    },
  },
  {
    name: "oracle-quorum-lost",
    summary:
      "two of three members down for two frames: staking goes on, nothing is reported, all is caught up when they return",
    ci: false,
    async run(ctx) {
      await ctx.stake(STAKER, "100");
      const first = await reportAfter(ctx, 0);
      await ctx.stopProcess("oracle-1");
      await ctx.stopProcess("oracle-2");
      await ctx.mark("fault", "oracle-1 and oracle-2 stopped");
      const count = (await ctx.reports()).length;
      await ctx.stake(STAKER + 1, "10");
      await ctx.mark("deposit", "a stake while the quorum is lost");
      await ctx.waitSlots(2 * 4 * EPOCH + EPOCH);
      ctx.expect((await ctx.reports()).length === count, "no report without a quorum");
      ctx.startProcess("oracle-1");
      ctx.startProcess("oracle-2");
      await ctx.mark("recover", "oracle-1 and oracle-2 restarted");
      const next = await reportAfter(ctx, (await ctx.head()) - 4 * EPOCH, 2 * REPORT_SLOTS);
      ctx.expect(
        next.refSlot - first.refSlot >= 3 * 4 * EPOCH,
        `the catch-up report covers the missed frames (ref slot ${first.refSlot} to ${next.refSlot})`,
      );
    },
  },
  {
    name: "beacon-restart",
    summary:
      "the beacon node stops (its chain saved) and stays unreachable for a while, then restarts from its data directory; the daemons wait, retry and go on",
    ci: false,
    async run(ctx) {
      await ctx.stake(STAKER, "100");
      const first = await reportAfter(ctx, 0);
      // The restarted node keeps no history before its restart: check the reports so far first.
      await ctx.checkRatesNow();
      const before = await ctx.head();
      await ctx.mark("fault", "consensus layer stopped");
      await ctx.stopProcess("consensus");
      await sleep(15_000);
      ctx.startProcess("consensus");
      await ctx.waitFor("the Beacon API back", async () => (await ctx.head()) >= before, { maxSlots: 64 });
      await ctx.mark("recover", "consensus layer restarted from its saved chain");
      ctx.expect((await ctx.head()) >= before, `the chain resumed where it was (slot ${before} or later)`);
      const next = await reportAfter(ctx, first.refSlot, 2 * REPORT_SLOTS);
      const again = await reportAfter(ctx, next.refSlot);
      ctx.expect(again.refSlot > next.refSlot, "reports go on after the restart");
      const exited = ctx.devnet.supervisor
        .list()
        .filter((p) => p.child.exitCode !== null && !p.stoppedOnPurpose);
      ctx.expect(exited.length === 0, `no daemon died (${exited.map((p) => p.name).join(", ") || "none"})`);
    },
  },
  {
    name: "bank-run",
    summary:
      "four holders of 90% of the supply request all of it at once; the buffer pays what it can, exits are named over the following reports, every request is finalized and claimed",
    ci: false,
    async run(ctx) {
      const holders = [0, 1, 2, 3].map((i) => STAKER + i);
      for (const h of holders) await ctx.stake(h, "110");
      await ctx.mark("deposit", "four holders staked 110 ETH each");
      const keys = ctx.devnet.operators.reduce((n, op) => n + op.pubkeys.length, 0);
      await ctx.waitValidators("active", keys, ["active_ongoing"], { maxSlots: ACTIVATION_SLOTS });
      await ctx.mark("deposit", `${keys} validators active`);
      await reportAfter(ctx, await ctx.head());
      const supply = await ctx.client.readContract({
        address: ctx.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "totalSupply",
      });
      let requested = 0n;
      for (const h of holders) {
        const position = await getPosition(ctx.client, {
          address: ctx.devnet.wallet(h).account.address,
          deployment: ctx.deployment,
        });
        await ctx.requestRedeem(h, position.shares);
        requested += position.shares;
      }
      await ctx.mark(
        "fault",
        `bank run: ${formatEther(requested)} of ${formatEther(supply)} trETH requested`,
      );
      ctx.expect(
        requested * 10n >= supply * 9n,
        `the requests are 90% of the supply or more (${(Number((requested * 10_000n) / supply) / 100).toFixed(2)}%)`,
      );
      const last = (await getQueueState(ctx.client, { deployment: ctx.deployment })).lastRequestId;
      await ctx.waitFor(
        "every request finalized",
        async () =>
          (await getQueueState(ctx.client, { deployment: ctx.deployment })).lastFinalizedRequestId >= last,
        { maxSlots: 40 * EPOCH },
      );
      await ctx.mark("report", "every request finalized");
      const named = await ctx.client.getContractEvents({
        address: ctx.deployment.contracts.accounting,
        abi: accountingAbi,
        eventName: "ExitRequestsSet",
        fromBlock: BigInt(ctx.deployment.startBlock ?? 0),
        strict: true,
      });
      ctx.expect(
        named.length > 0,
        `exits were named (${named.reduce((n, e) => n + e.args.count, 0n)} over ${named.length} reports)`,
      );
      for (const h of holders) {
        const before = await ctx.client.getBalance({ address: ctx.devnet.wallet(h).account.address });
        await ctx.claimAll(h);
        const after = await ctx.client.getBalance({ address: ctx.devnet.wallet(h).account.address });
        ctx.expect(
          after > before + parseEther("100"),
          `holder ${h} paid ${formatEther(after - before)} ETH (net of gas)`,
        );
      }
      await ctx.mark("claim", "every holder claimed");
    },
  },
  {
    name: "flaky-rpc",
    summary:
      "every daemon reaches the EVM node and the beacon node through a link that drops, refuses, cuts short or delays a share of the responses; deposits, activation and reports go on",
    ci: false,
    devnet: {
      async daemonEndpoints(direct) {
        const options = { drop: 0.04, refuse: 0.04, corrupt: 0.04, delay: 0.1, maxDelayMs: 1_500 };
        flaky.rpc = await startFlakyProxy({ target: direct.rpcUrl, seed: 1, ...options });
        flaky.beacon = await startFlakyProxy({ target: direct.beaconUrl, seed: 2, ...options });
        return { rpcUrl: flaky.rpc.url, beaconUrl: flaky.beacon.url };
      },
    },
    async run(ctx) {
      try {
        await ctx.mark(
          "fault",
          "daemons behind flaky links (4% dropped, 4% refused, 4% cut short, 10% delayed)",
        );
        await stakeAndActivate(ctx);
        const first = await reportAfter(ctx, await ctx.head());
        const second = await reportAfter(ctx, first.refSlot, 2 * REPORT_SLOTS);
        ctx.expect(second.shareRate > first.shareRate, "rewards arrive through the flaky links");
        for (const [name, proxy] of Object.entries(flaky)) {
          const c = proxy?.counts;
          ctx.print(`  ${name} link: ${JSON.stringify(c)}`);
          ctx.expect(
            c !== undefined && c.dropped > 0 && c.refused > 0 && c.corrupted > 0 && c.delayed > 0,
            `the ${name} link injected every kind of fault`,
          );
        }
        const exited = ctx.devnet.supervisor
          .list()
          .filter((p) => p.child.exitCode !== null && !p.stoppedOnPurpose);
        ctx.expect(exited.length === 0, `no daemon died (${exited.map((p) => p.name).join(", ") || "none"})`);
      } finally {
        await flaky.rpc?.stop();
        await flaky.beacon?.stop();
      }
    },
  },
  {
    name: "front-run",
    summary:
      "an operator deposits 32 ETH of its own to one of its vetted keys, with its own withdrawal credentials, before the protocol does; a guardian pauses deposits; the protocol never deposits to that key and new stake stays in the buffer",
    ci: false,
    async run(ctx) {
      const registry = ctx.deployment.contracts.operatorRegistry;
      const deposited = () =>
        ctx.client.readContract({
          address: registry,
          abi: operatorRegistryAbi,
          functionName: "totalDepositedValidators",
        });
      // Stake for two of the four keys only: the others stay vetted and waiting.
      await ctx.stake(STAKER, "20");
      await ctx.waitFor("two deposits", async () => (await deposited()) >= 2n, {
        maxSlots: ACTIVATION_SLOTS,
      });
      await ctx.mark("deposit", "two validators deposited, two keys vetted and waiting");
      const position = 1;
      const op = ctx.devnet.operators[position];
      if (!op) throw new ScenarioFailure("no operator 1");
      const state = await ctx.client.readContract({
        address: registry,
        abi: operatorRegistryAbi,
        functionName: "getOperator",
        args: [op.id],
      });
      if (state.vettedKeys <= state.depositedKeys)
        throw new ScenarioFailure(
          `operator ${op.id} has no vetted key waiting (${state.vettedKeys} vetted, ${state.depositedKeys} deposited)`,
        );
      const keyIndex = state.depositedKeys;
      const attacker = ctx.devnet.wallet(op.account);
      const { keys } = await generateValidatorKeys({
        mnemonic: DEV_MNEMONIC,
        startIndex: position * 1_000 + keyIndex,
        count: 1,
        withdrawalVault: attacker.account.address,
        network: NETWORKS.devnet,
      });
      const d = keys[0]?.depositData;
      if (!d || `0x${d.pubkey}`.toLowerCase() !== op.pubkeys[keyIndex]?.toLowerCase())
        throw new ScenarioFailure("the derived key is not the operator's next key");
      const hex = (v: string) => `0x${v.replace(/^0x/, "")}` as `0x${string}`;
      const hash = await attacker.writeContract({
        address: DEPOSIT_CONTRACT,
        abi: depositContractAbi,
        functionName: "deposit",
        args: [hex(d.pubkey), hex(d.withdrawal_credentials), hex(d.signature), hex(d.deposit_data_root)],
        value: parseEther("32"),
      });
      await ctx.include(hash, "the operator's own deposit");
      await ctx.mark(
        "fault",
        `operator ${op.id} front-runs its key ${keyIndex} with its own withdrawal credentials`,
      );
      await ctx.waitFor(
        "deposits paused by a guardian",
        async () =>
          ctx.client.readContract({
            address: ctx.deployment.contracts.depositSecurity,
            abi: depositSecurityAbi,
            functionName: "depositsPaused",
          }),
        { maxSlots: 8 * EPOCH },
      );
      await ctx.mark("recover", "deposits paused by a guardian");
      const before = await deposited();
      await ctx.stake(STAKER + 1, "100");
      await ctx.waitSlots(4 * EPOCH);
      ctx.expect((await deposited()) === before, `no deposit while paused (${before} deposited)`);
      const buffer = await ctx.client.getBalance({ address: ctx.deployment.contracts.token });
      ctx.expect(
        buffer >= parseEther("100"),
        `the new stake waits in the buffer (${formatEther(buffer)} ETH)`,
      );
      const vaultCredentials =
        `0x01${"00".repeat(11)}${ctx.deployment.contracts.withdrawalVault.slice(2)}`.toLowerCase();
      const protocolDeposits = (
        await ctx.client.getContractEvents({
          address: DEPOSIT_CONTRACT,
          abi: depositContractAbi,
          eventName: "DepositEvent",
          fromBlock: BigInt(ctx.deployment.startBlock ?? 0),
          strict: true,
        })
      ).filter(
        (e) =>
          e.args.pubkey.toLowerCase() === hex(d.pubkey).toLowerCase() &&
          e.args.withdrawal_credentials.toLowerCase() === vaultCredentials,
      );
      ctx.expect(protocolDeposits.length === 0, "the protocol never deposited to the front-run key");
    },
  },
  {
    name: "daemon-crash",
    summary:
      "every daemon killed with SIGKILL at random points and restarted, while stake is deposited, activated and rewarded",
    ci: true,
    async run(ctx) {
      const names = ctx.devnet.supervisor
        .list()
        .map((p) => p.name)
        .filter((n) => n !== "consensus");
      let seed = 7;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed / 2_147_483_648;
      };
      const killed = new Set<string>();
      let chaos = true;
      const loop = (async () => {
        // One daemon down at a time, in a shuffled order, each once at least.
        const order = [...names].sort(() => random() - 0.5);
        let i = 0;
        while (chaos) {
          const name = order[i % order.length] as string;
          i++;
          await ctx.waitSlots(Math.floor(8 + random() * 24));
          if (!chaos) break;
          await ctx.stopProcess(name, "SIGKILL");
          killed.add(name);
          await ctx.mark("fault", `SIGKILL ${name}`);
          await ctx.waitSlots(Math.floor(4 + random() * 16));
          ctx.startProcess(name);
          await ctx.mark("recover", `${name} restarted`);
        }
      })();
      try {
        await stakeAndActivate(ctx);
        const first = await reportAfter(ctx, await ctx.head());
        await reportAfter(ctx, first.refSlot, 2 * REPORT_SLOTS);
        while (killed.size < names.length) await sleep(500);
      } finally {
        chaos = false;
        await loop.catch(() => undefined);
      }
      ctx.expect(
        killed.size === names.length,
        `every daemon was killed once at least (${[...killed].join(", ")})`,
      );
      for (const name of names) {
        const p = ctx.devnet.supervisor.get(name);
        if (p.child.exitCode !== null || p.child.signalCode !== null) ctx.startProcess(name);
      }
      const exited = ctx.devnet.supervisor
        .list()
        .filter((p) => p.child.exitCode !== null && !p.stoppedOnPurpose);
      ctx.expect(
        exited.length === 0,
        `no daemon died by itself (${exited.map((p) => p.name).join(", ") || "none"})`,
      );
      const deposited = await ctx.client.readContract({
        address: ctx.deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "totalDepositedValidators",
      });
      ctx.expect(
        Number(deposited) === ctx.devnet.operators.reduce((n, op) => n + op.pubkeys.length, 0),
        `every key deposited once (${deposited})`,
      );
    },
  },
];

/** Morpho's health of `borrower` at a block: collateral × price × LLTV over the debt (no accrual since the market's update). */
async function healthAt(ctx: ScenarioContext, borrower: `0x${string}`, blockNumber: bigint) {
  const m = ctx.deployment.defi?.morpho;
  if (!m) throw new ScenarioFailure("the devnet has no Morpho market");
  const [[, borrowShares, collateral], market, price] = await Promise.all([
    ctx.client.readContract({
      address: m.morpho,
      abi: morphoAbi,
      functionName: "position",
      args: [m.marketId, borrower],
      blockNumber,
    }),
    ctx.client.readContract({
      address: m.morpho,
      abi: morphoAbi,
      functionName: "market",
      args: [m.marketId],
      blockNumber,
    }),
    ctx.client.readContract({ address: m.oracle, abi: morphoOracleAbi, functionName: "price", blockNumber }),
  ]);
  const borrowed = (borrowShares * (market[2] + 1n) + market[3] + 1_000_000n - 1n) / (market[3] + 1_000_000n);
  const maxBorrow = (((collateral * price) / 10n ** 36n) * BigInt(m.lltv)) / 10n ** 18n;
  return { health: Number(maxBorrow) / Number(borrowed), price, borrowed, collateral };
}

SCENARIOS.push({
  name: "borrow-liquidated",
  summary:
    "a holder borrows WETH on Morpho against trETH to the edge of the LLTV; every validator is slashed beyond bonds of 0.0001 ETH; the rate falls, the position's health falls by exactly the rate's fall, and a liquidator liquidates it through Morpho's liquidate",
  ci: false,
  devnet: { bondPerValidator: parseEther("0.0001") },
  async run(ctx) {
    const market = ctx.deployment.defi?.morpho;
    if (!market) throw new ScenarioFailure("the devnet has no Morpho market");
    await stakeAndActivate(ctx);
    await reportAfter(ctx, await ctx.head());
    const borrowerAccount = STAKER + 1;
    const wallet = ctx.devnet.wallet(borrowerAccount);
    const borrower = wallet.account.address;
    await ctx.stake(borrowerAccount, "40");
    const { shares } = await getPosition(ctx.client, { address: borrower, deployment: ctx.deployment });
    await ctx.include(
      await supplyCollateral(wallet, { shares, deployment: ctx.deployment }),
      "supply trETH as collateral",
    );
    const position = await getLendingPosition(ctx.client, { address: borrower, deployment: ctx.deployment });
    // To the edge: 99.999% of what the collateral allows, so that any fall of the rate liquidates.
    const debt = (position.maxBorrow * 99_999n) / 100_000n;
    await ctx.include(await borrow(wallet, { assets: debt, deployment: ctx.deployment }), "borrow WETH");
    await ctx.mark("fault", `borrow ${formatEther(debt)} WETH against ${formatEther(shares)} trETH`);

    const onChain = (await ctx.validators()).filter((v) => v.index !== null);
    await ctx.beaconPost("/tributary/v1/faults/slash", {
      kind: "double-vote",
      indices: onChain.map((v) => v.index as number),
    });
    await ctx.mark("fault", `slash every validator (${onChain.length})`);
    const lossReport = await (async () => {
      let found: AppliedReportLike | undefined;
      await ctx.waitFor(
        "a report that lowers the rate",
        async () => {
          const reports = await ctx.reports();
          const last = reports.at(-1);
          const previous = reports.at(-2);
          if (last && previous && last.shareRate < previous.shareRate) found = last;
          return found !== undefined;
        },
        { maxSlots: 2 * REPORT_SLOTS },
      );
      return found as AppliedReportLike;
    })();
    const before = await healthAt(ctx, borrower, lossReport.blockNumber - 1n);
    const after = await healthAt(ctx, borrower, lossReport.blockNumber);
    await ctx.mark(
      "report",
      `rate ${rateText(lossReport.shareRate)}: health ${before.health.toFixed(6)} to ${after.health.toFixed(6)}`,
    );
    ctx.expect(after.price < before.price, "the oracle's price fell with the rate");
    ctx.expect(
      after.borrowed === before.borrowed && after.collateral === before.collateral,
      "the position itself did not change",
    );
    ctx.expect(
      Math.abs(after.health / before.health - Number(after.price) / Number(before.price)) < 1e-12,
      `the health fell by exactly the rate's fall (${(after.health / before.health).toFixed(9)} = ${(Number(after.price) / Number(before.price)).toFixed(9)})`,
    );
    ctx.expect(after.health < 1, `the position is liquidatable (health ${after.health.toFixed(6)})`);

    const liquidatorAccount = STAKER + 2;
    const liquidator = ctx.devnet.wallet(liquidatorAccount);
    const weth = ctx.deployment.contracts.weth;
    const send = async (
      address: `0x${string}`,
      abi: unknown,
      functionName: string,
      args: unknown[],
      value?: bigint,
    ) =>
      ctx.include(
        await liquidator.writeContract({
          address,
          abi,
          functionName,
          args,
          value,
          chain: undefined,
        } as never),
        functionName,
      );
    await send(weth, wethAbi, "deposit", [], parseEther("60"));
    await send(weth, wethAbi, "approve", [market.morpho, 2n ** 256n - 1n]);
    const params = {
      loanToken: market.loanToken,
      collateralToken: market.collateralToken,
      oracle: market.oracle,
      irm: market.irm,
      lltv: BigInt(market.lltv),
    };
    const seize = after.collateral / 2n;
    await send(market.morpho, morphoAbi, "liquidate", [params, borrower, seize, 0n, "0x"]);
    const seized = await ctx.client.readContract({
      address: ctx.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [liquidator.account.address],
    });
    await ctx.mark("recover", `liquidated: ${formatEther(seize)} trETH seized`);
    ctx.expect(seized >= seize, `the liquidator holds the seized trETH (${formatEther(seized)})`);
    const left = await getLendingPosition(ctx.client, { address: borrower, deployment: ctx.deployment });
    ctx.expect(left.collateral === after.collateral - seize, "half the collateral was seized");
    ctx.expect(left.borrowed < after.borrowed, "the liquidator repaid part of the debt");
  },
});

SCENARIOS.push({
  name: "crosschain",
  summary:
    "trETH bridged to a remote chain and back; staking from the remote chain; a report raises the rate and the remote feed follows; two of three relayers down: the remote rate goes stale and the deposit pool stops; back up, it catches up; shares locked on Ethereum equal the bridged supply plus what is in flight, to the wei",
  ci: false,
  devnet: { withL2: { port: 0 } },
  async run(ctx) {
    await stakeAndActivate(ctx);
    await runCrosschain(ctx, (slot) => reportAfter(ctx, slot));
  },
});

type AppliedReportLike = Awaited<ReturnType<ScenarioContext["reports"]>>[number];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
