/**
 * Runs one scenario on a fresh devnet (fast mode, paced by the scenario context), then holds the
 * chain and runs the accounting check. Writes the run's events (JSON) and a chart (SVG) beside the
 * devnet's logs, and returns the verdict.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountingAbi, depositSecurityAbi, trETHAbi, withdrawalQueueAbi } from "@tributary/sdk/abis";
import type { PublicClient } from "viem";
import { freePort } from "../../../../contracts/lib/bench.js";
import { DEPOSIT_CONTRACT, type Devnet, startDevnet } from "../devnet.js";
import { type AccountingResult, accountingTable, checkAccounting } from "./accounting.js";
import { type ChartMark, renderChart } from "./chart.js";
import { PACE_IDLE_MS, ScenarioContext } from "./context.js";
import type { Scenario } from "./scenarios.js";

export interface RunOptions {
  dataDir: string;
  elPort: number;
  beaconPort: number;
  daemonPortBase: number;
  print: (line: string) => void;
}

export interface ScenarioResult {
  scenario: string;
  verdict: "pass" | "fail";
  wall_s: number;
  reports: number;
  wei_unaccounted: string | null;
  failures: string[];
  events_file: string;
  chart_file: string;
}

const bigintJson = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

/** Every protocol event of the run with its beacon slot, for the events file and the chart. */
async function protocolEvents(devnet: Devnet, client: PublicClient, toBlock: bigint) {
  const c = devnet.deployment.contracts;
  const range = { fromBlock: BigInt(devnet.deployment.startBlock ?? 0), toBlock, strict: true } as const;
  const [reports, exits, deposits, requests, claims] = await Promise.all([
    client.getContractEvents({
      address: c.accounting,
      abi: accountingAbi,
      eventName: "ReportApplied",
      ...range,
    }),
    client.getContractEvents({
      address: c.accounting,
      abi: accountingAbi,
      eventName: "ExitRequestsSet",
      ...range,
    }),
    client.getContractEvents({
      address: c.depositSecurity,
      abi: depositSecurityAbi,
      eventName: "Deposited",
      ...range,
    }),
    client.getContractEvents({ address: c.token, abi: trETHAbi, eventName: "RedeemRequest", ...range }),
    client.getContractEvents({
      address: c.withdrawalQueue,
      abi: withdrawalQueueAbi,
      eventName: "WithdrawalClaimed",
      ...range,
    }),
  ]);
  const slotOf = new Map<bigint, number>();
  const slot = async (blockNumber: bigint) => {
    if (!slotOf.has(blockNumber)) {
      const block = await client.getBlock({ blockNumber });
      slotOf.set(
        blockNumber,
        Math.max(0, Math.round((Number(block.timestamp) - devnet.genesisTime) / devnet.secondsPerSlot)),
      );
    }
    return slotOf.get(blockNumber) as number;
  };
  const out: { slot: number; kind: string; block: bigint; args: unknown }[] = [];
  for (const [kind, list] of [
    ["report", reports],
    ["exits-named", exits],
    ["deposit", deposits],
    ["request", requests],
    ["claim", claims],
  ] as const)
    for (const e of list)
      out.push({ slot: await slot(e.blockNumber), kind, block: e.blockNumber, args: e.args });
  return out.sort((a, b) => a.slot - b.slot);
}

export async function runScenario(scenario: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const started = performance.now();
  const wall = () => Math.round((performance.now() - started) / 100) / 10;
  mkdirSync(o.dataDir, { recursive: true });
  const runLog = join(o.dataDir, "devnet.log");
  const devnetDir = join(o.dataDir, "devnet");
  writeFileSync(runLog, "");
  const devnet = await startDevnet({
    elPort: o.elPort,
    beaconPort: o.beaconPort,
    slotTime: 12,
    fast: true,
    slotPauseMs: PACE_IDLE_MS,
    epochsPerFrame: scenario.devnet?.epochsPerFrame ?? 4,
    operators: scenario.devnet?.operators ?? 2,
    keysPerOperator: scenario.devnet?.keysPerOperator ?? 2,
    stakers: 0,
    genesisDelay: 20,
    dataDir: devnetDir,
    daemonPortBase: o.daemonPortBase,
    print: (line) => appendFileSync(runLog, `${line}\n`),
    statusLines: false,
    apiPort: false,
    // No pool liquidity: its staked trETH would swell the buffer the scenarios size requests against.
    poolLiquidityEth: 0n,
    ...(scenario.devnet?.bondPerValidator === undefined
      ? {}
      : { bondPerValidator: scenario.devnet.bondPerValidator }),
    ...(scenario.devnet?.withL2 === undefined
      ? {}
      : { withL2: { port: scenario.devnet.withL2.port || (await freePort()) } }),
    ...(scenario.devnet?.daemonEndpoints === undefined
      ? {}
      : { daemonEndpoints: scenario.devnet.daemonEndpoints }),
  });
  o.print(`devnet up in ${wall()} s (its output: ${runLog}; logs: ${join(devnetDir, "logs")})`);
  const ctx = new ScenarioContext(devnet, o.print);
  ctx.start();
  let error: unknown;
  let accounting: AccountingResult | undefined;
  let events: Awaited<ReturnType<typeof protocolEvents>> = [];
  try {
    try {
      await scenario.run(ctx);
    } catch (e) {
      error = e;
      o.print(`  the scenario stopped: ${(e as Error).message}`);
    }
    // The chain at rest for the check: no slot while it reads.
    const slot = await ctx.holdChain();
    ctx.stop();
    await ctx.scanWithdrawals();
    const blockNumber = await ctx.client.getBlockNumber();
    o.print(`accounting check at slot ${slot}, block ${blockNumber}:`);
    accounting = await checkAccounting({
      beaconUrl: devnet.beaconUrl,
      publicClient: ctx.client,
      deployment: devnet.deployment,
      depositContract: DEPOSIT_CONTRACT,
      blockNumber,
      stateId: "head",
      withdrawalsToVault: ctx.withdrawalsToVault,
      checkedRates: ctx.checkedRates,
    });
    o.print(accountingTable(accounting));
    events = await protocolEvents(devnet, ctx.client, blockNumber);
  } catch (e) {
    error ??= e;
    o.print(`  the check could not run: ${(e as Error).message}`);
  } finally {
    ctx.stop();
    await devnet.stop();
  }
  const failures = [
    ...(error ? [(error as Error).message] : []),
    ...ctx.failures,
    ...(accounting?.problems ?? ["no accounting check"]),
  ];
  const reports = events.filter((e) => e.kind === "report").length;
  const eventsFile = join(o.dataDir, "events.json");
  const chartFile = join(o.dataDir, "chart.svg");
  const marks: ChartMark[] = [
    ...ctx.marks,
    ...events
      .filter((e) => e.kind === "report" || e.kind === "claim")
      .map((e) => ({ slot: e.slot, kind: e.kind as "report" | "claim", label: e.kind })),
  ];
  writeFileSync(
    eventsFile,
    `${JSON.stringify(
      {
        scenario: scenario.name,
        summary: scenario.summary,
        genesisTime: devnet.genesisTime,
        secondsPerSlot: devnet.secondsPerSlot,
        deployment: devnet.deployment.contracts,
        faults: ctx.marks,
        events,
        samples: ctx.samples,
        accounting,
        failures,
      },
      bigintJson,
      2,
    )}\n`,
  );
  writeFileSync(
    chartFile,
    renderChart({ title: `${scenario.name}: ${scenario.summary}`, samples: ctx.samples, marks }),
  );
  return {
    scenario: scenario.name,
    verdict: failures.length === 0 ? "pass" : "fail",
    wall_s: wall(),
    reports,
    wei_unaccounted: accounting ? accounting.unaccounted.toString() : null,
    failures,
    events_file: eventsFile,
    chart_file: chartFile,
  };
}
