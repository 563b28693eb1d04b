/**
 * Oracle members run in this process against a test network: each with its own data directory,
 * metrics, logs and loop, stoppable and restartable (same data directory) at any point.
 */
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@tributary/daemon/log";
import { accountingAbi, timelockAbi } from "@tributary/sdk/abis";
import { type Address, encodeFunctionData, type Hex, keccak256, toHex, zeroHash } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createOracle, type Oracle } from "../../src/daemon.js";
import { Metrics } from "../../src/metrics.js";
import type { TestNetwork } from "./network.js";

export interface RunningMember {
  index: number;
  address: Address;
  dataDir: string;
  oracle: Oracle;
  metrics: Metrics;
  logs: Record<string, unknown>[];
  /** Stops the loop (as a kill would: wherever it is). */
  stop(): Promise<void>;
}

export async function startMember(
  net: TestNetwork,
  index: number,
  options: {
    dataDir?: string;
    beaconUrl?: string;
    rpcUrl?: string;
    peers?: string[];
    logs?: Record<string, unknown>[];
  } = {},
): Promise<RunningMember> {
  const member = net.members[index];
  if (!member) throw new Error(`no member ${index}`);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `oracle-member-${index}-`));
  const logs = options.logs ?? [];
  const logger = createLogger({
    level: "debug",
    sink: (line) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      // ORACLE_TEST_LOGS=<file>: every member's lines also go there, to read after a failure.
      if (process.env.ORACLE_TEST_LOGS) appendFileSync(process.env.ORACLE_TEST_LOGS, `${line}\n`);
    },
    fields: { member: index },
  });
  const metrics = new Metrics({ defaultMetrics: false });
  const controller = new AbortController();
  const oracle = await createOracle({
    beaconUrl: options.beaconUrl ?? net.beaconUrl,
    rpcUrl: options.rpcUrl ?? net.rpcUrl,
    deployment: net.deployment,
    account: privateKeyToAccount(member.privateKey),
    dataDir,
    logger,
    metrics,
    pollIntervalMs: 25,
    lowBalanceWei: 10n ** 17n,
    dryRun: false,
    maxRetries: 3,
    requestTimeoutMs: 10_000,
    receiptPollMs: 25,
    peers: options.peers,
    signal: controller.signal,
  });
  const running = oracle.run();
  return {
    index,
    address: member.address,
    dataDir,
    oracle,
    metrics,
    logs,
    async stop() {
      controller.abort();
      await running;
    },
  };
}

/** Runs `data` on `target` through the timelock (the development admin schedules and executes, no delay). */
export async function asTimelock(net: TestNetwork, target: Address, data: Hex): Promise<void> {
  const admin = net.wallet(0);
  const timelock = net.deployment.contracts.timelock;
  const salt = keccak256(toHex(`${target}${data}${Date.now()}${Math.random()}`));
  const schedule = await admin.writeContract({
    address: timelock,
    abi: timelockAbi,
    functionName: "schedule",
    args: [target, 0n, data, zeroHash, salt, 0n],
    chain: undefined,
  });
  await net.include(schedule, "timelock schedule");
  const execute = await admin.writeContract({
    address: timelock,
    abi: timelockAbi,
    functionName: "execute",
    args: [target, 0n, data, zeroHash, salt],
    chain: undefined,
  });
  await net.include(execute, "timelock execute");
}

/**
 * Limits for a small local chain: a few dozen validators earn hundreds of percent a year at
 * mainnet's rules (rewards scale with 1/sqrt(total stake)), far above the mainnet default of 10%.
 */
export async function setLocalLimits(
  net: TestNetwork,
  overrides: Partial<{
    treasuryFeeBps: number;
    maxAnnualClGrowthBps: number;
    maxLossBps: number;
    maxRateIncreasePerReport: number;
    maxCommissionBps: number;
    exitDeadline: number;
    missedExitPenalty: bigint;
  }> = {},
): Promise<void> {
  const limits = {
    treasuryFeeBps: 500,
    maxAnnualClGrowthBps: 5_000_000,
    maxLossBps: 50,
    maxRateIncreasePerReport: 750_000,
    maxCommissionBps: 1000,
    exitDeadline: 4 * 86_400,
    missedExitPenalty: 10n ** 18n,
    ...overrides,
  };
  await asTimelock(
    net,
    net.deployment.contracts.accounting,
    encodeFunctionData({ abi: accountingAbi, functionName: "setLimits", args: [limits] }),
  );
}
