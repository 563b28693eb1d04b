/**
 * The deposit committee on a test network: three guardians (development accounts 1-3, quorum two),
 * each with its own nodes' clients, data directory and HTTP server, and a depositor that reaches
 * them only over HTTP. Each runs its real loop (`runLoop`) with a short poll; the test produces
 * slots with `net.advanceUntil` while they work.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BeaconClient } from "@tributary/daemon/beacon";
import type { HttpServer } from "@tributary/daemon/http";
import { createLogger } from "@tributary/daemon/log";
import { runLoop } from "@tributary/daemon/loop";
import { chainForId, createRpc } from "@tributary/daemon/rpc";
import type { LocalAccount } from "viem";
import { DEV_ROLES, devAccount } from "../../../../contracts/lib/devkeys.js";
import type { TestNetwork } from "../../../oracle/test/helpers/network.js";
import { Depositor } from "../../src/depositor.js";
import { Guardian } from "../../src/guardian.js";
import { DepositorMetrics, GuardianMetrics } from "../../src/metrics.js";
import { startGuardianServer } from "../../src/server.js";

/** Funded development account that sends the depositor's transactions. */
export const DEPOSITOR_ACCOUNT = 7;
const POLL_MS = 100;
/** COMMITTEE_LOG=<file>: every line also goes there (to read a failure). */
const LOG_FILE = process.env.COMMITTEE_LOG;

function collector(lines: string[]): (line: string) => void {
  return (line) => {
    lines.push(line);
    if (LOG_FILE) appendFileSync(LOG_FILE, `${line}\n`);
  };
}

export interface RunningGuardian {
  guardian: Guardian;
  metrics: GuardianMetrics;
  server: HttpServer;
  dataDir: string;
  logs: string[];
  stop(): Promise<void>;
}

export interface Committee {
  guardians: RunningGuardian[];
  depositor: Depositor;
  depositorMetrics: DepositorMetrics;
  depositorLogs: string[];
  /** Every guardian's and the depositor's log lines. */
  allLogs(): string[];
  startGuardian(index: number, dataDir?: string): Promise<RunningGuardian>;
  stop(): Promise<void>;
}

export interface CommitteeOptions {
  /** The guardians' and the depositor's JSON-RPC (default the network's; e.g. a flaky proxy). */
  rpcUrl?: string;
  /** The guardian URLs the depositor asks (default: the guardians' own; e.g. proxies in front of them). */
  depositorGuardianUrls?: (urls: string[]) => Promise<string[]>;
}

function clients(
  net: TestNetwork,
  account: LocalAccount,
  hooks: { rpcHooks: never; beaconHooks: never },
  rpcUrl = net.rpcUrl,
) {
  const rpc = createRpc({
    url: rpcUrl,
    timeoutMs: 10_000,
    baseDelayMs: 20,
    maxDelayMs: 200,
    hooks: hooks.rpcHooks,
  });
  const wallet = rpc.walletClient(account, chainForId(net.deployment.chainId, net.rpcUrl));
  const beacon = new BeaconClient({
    url: net.beaconProxyUrl,
    timeoutMs: 10_000,
    baseDelayMs: 20,
    maxDelayMs: 200,
    hooks: hooks.beaconHooks,
  });
  return { rpc, wallet, beacon };
}

export async function startCommittee(net: TestNetwork, options: CommitteeOptions = {}): Promise<Committee> {
  const root = mkdtempSync(join(tmpdir(), "tributary-committee-"));
  const controller = new AbortController();
  const loops: Promise<void>[] = [];

  const startGuardian = async (
    index: number,
    dataDir = join(root, `guardian-${index}`),
  ): Promise<RunningGuardian> => {
    const logs: string[] = [];
    const logger = createLogger({ level: "debug", sink: collector(logs), fields: { guardian: index } });
    const metrics = new GuardianMetrics({ defaultMetrics: false });
    const account = devAccount(DEV_ROLES.guardians[index] as number);
    const { rpc, wallet, beacon } = clients(net, account, metrics as never, options.rpcUrl);
    const guardian = new Guardian({
      publicClient: rpc.publicClient,
      wallet,
      beacon,
      deployment: net.deployment,
      dataDir,
      depositContractBlock: 0n,
      logger,
      metrics,
      receiptPollMs: 50,
      signal: controller.signal,
    });
    await guardian.init();
    const server = await startGuardianServer({ guardian, metrics, logger, host: "127.0.0.1", port: 0 });
    const own = new AbortController();
    const signal = AbortSignal.any([controller.signal, own.signal]);
    const loop = runLoop(() => guardian.step(), {
      pollIntervalMs: POLL_MS,
      signal,
      logger,
      what: "guardian step",
    });
    loops.push(loop);
    return {
      guardian,
      metrics,
      server,
      dataDir,
      logs,
      async stop() {
        own.abort();
        await loop;
        await server.close();
      },
    };
  };

  const guardians: RunningGuardian[] = [];
  for (let i = 0; i < DEV_ROLES.guardians.length; i++) guardians.push(await startGuardian(i));

  const depositorLogs: string[] = [];
  const depositorLogger = createLogger({
    level: "debug",
    sink: collector(depositorLogs),
    fields: { service: "depositor" },
  });
  const depositorMetrics = new DepositorMetrics({ defaultMetrics: false });
  const { rpc, wallet, beacon } = clients(
    net,
    devAccount(DEPOSITOR_ACCOUNT),
    depositorMetrics as never,
    options.rpcUrl,
  );
  const depositor = new Depositor({
    publicClient: rpc.publicClient,
    wallet,
    deployment: net.deployment,
    guardianUrls: options.depositorGuardianUrls
      ? await options.depositorGuardianUrls(guardians.map((g) => g.server.url))
      : guardians.map((g) => g.server.url),
    maxDepositsPerTx: 32,
    dataDir: join(root, "depositor"),
    requestTimeoutMs: 10_000,
    logger: depositorLogger,
    metrics: depositorMetrics,
    finalizedBlock: async () => {
      const number = (await beacon.block("finalized"))?.executionPayload?.blockNumber;
      return number === undefined ? undefined : BigInt(number);
    },
    signal: controller.signal,
    receiptPollMs: 50,
  });
  await depositor.init();
  loops.push(
    runLoop(() => depositor.step(), {
      pollIntervalMs: POLL_MS,
      signal: controller.signal,
      logger: depositorLogger,
      what: "depositor step",
    }),
  );

  return {
    guardians,
    depositor,
    depositorMetrics,
    depositorLogs,
    allLogs: () => [...guardians.flatMap((g) => g.logs), ...depositorLogs],
    startGuardian,
    async stop() {
      controller.abort();
      // A step waiting for a receipt waits for a slot nobody produces now: do not wait for it long.
      await Promise.race([Promise.allSettled(loops), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      for (const g of guardians) await g.server.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
