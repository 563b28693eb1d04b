/**
 * The living local network: anvil, the embedded consensus layer, the protocol deployed with its
 * committee's frames taken from the beacon chain's genesis, three oracle members (quorum two),
 * three guardians (quorum two), the depositor, operators with keys, bonds and exit daemons, and
 * sample stakers. Every account and key is a public development one.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deployDefi } from "@tributary/defi";
import { planAddKeys, sendAddKeys } from "@tributary/operator";
import { generateValidatorKeys, NETWORKS } from "@tributary/operator/keys";
import { type Deployment, registerOperator } from "@tributary/sdk";
import { operatorRegistryAbi, timelockAbi } from "@tributary/sdk/abis";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  formatEther,
  http,
  keccak256,
  numberToHex,
  type PublicClient,
  parseEther,
  stringToHex,
  type Transport,
  type WalletClient,
  zeroHash,
} from "viem";
import { foundry } from "viem/chains";
import { type AnvilNode, startAnvil } from "../../../contracts/lib/anvil.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount } from "../../../contracts/lib/devkeys.js";
import { describeLimits } from "../../../contracts/lib/limits.js";
import { main as deploy } from "../../../contracts/scripts/deploy.js";
import { followClock, RELAYER_ACCOUNTS, type RemoteChain, startRemoteChain } from "./l2.js";
import { type Managed, REPO_ROOT, Supervisor } from "./processes.js";
import { SampleStakers } from "./stakers.js";
import { StatusReporter } from "./status.js";

/** The beacon deposit contract's mainnet address: the consensus layer installs the real contract there. */
export const DEPOSIT_CONTRACT = "0x00000000219ab540356cBB839Cbe05303d7705Fa";
/** Development accounts by role (0-4: deployer, guardians, emergency committee; see DEV_ROLES). */
export const ACCOUNTS = {
  depositor: 9,
  members: [10, 11, 12],
  /** Provides the first liquidity of the trETH/WETH pool. */
  liquidity: 13,
  /** Lends WETH on the Morpho market. */
  lender: 14,
  operatorBase: 20,
  stakerBase: 30,
} as const;
/** Password of the operators' development keystores (public, like every key here). */
export const KEYSTORE_PASSWORD = "tributary-devnet";
const FUNDING = parseEther("100000");

export interface DevnetOptions {
  elPort: number;
  beaconPort: number;
  /** Seconds per slot (virtual in fast mode). */
  slotTime: number;
  /** Slots back to back in virtual time, `slotPauseMs` apart. */
  fast: boolean;
  slotPauseMs: number;
  epochsPerFrame: number;
  operators: number;
  keysPerOperator: number;
  stakers: number;
  /** Seconds from start to the beacon chain's genesis: room for the deployment and setup. */
  genesisDelay: number;
  dataDir: string;
  /** First port of the daemons' HTTP servers (oracle 0-2, guardians 3-5, depositor 6, exit daemons 7+). */
  daemonPortBase: number;
  /**
   * Port of the indexer's analytics API (default: the daemon port base + 100); `false` runs no
   * indexer (the scenarios, which check the chain themselves).
   */
  apiPort?: number | false;
  /**
   * Port of the dashboard (default: the daemon port base + 200); `false`, or no API, serves none.
   * It is built first when its build is missing or older than its sources.
   */
  dashboardPort?: number | false;
  /** Where status lines go. */
  print: (line: string) => void;
  /** Print a status line every epoch. Default true. */
  statusLines?: boolean;
  /**
   * Bond per validator, wei, set through the timelock (development admin) before the operators
   * join; default: the deployment's (4 ETH). A scenario lowers it to show a loss beyond the bond.
   */
  bondPerValidator?: bigint;
  /**
   * ETH a side of the trETH/WETH pool's first liquidity (default 500; 0: the pool is created empty).
   * Its trETH is staked, so it sits in the buffer until deposited: scenarios that size a request
   * against the buffer start with none.
   */
  poolLiquidityEth?: bigint;
  /**
   * The endpoints the daemons use, from the direct ones: a scenario puts a flaky link in between.
   * Default: the direct ones.
   */
  /**
   * A remote chain (a second anvil on this port) with trETH bridged to it, its rate relayed and
   * staking from it, and the relayer committee (`npm start -- --with-l2`).
   */
  withL2?: { port: number } | undefined;
  daemonEndpoints?: (direct: {
    rpcUrl: string;
    beaconUrl: string;
  }) => Promise<{ rpcUrl: string; beaconUrl: string }>;
}

export interface DevnetOperator {
  id: bigint;
  /** Development account index of its manager (also its reward address). */
  account: number;
  keystores: string;
  pubkeys: `0x${string}`[];
}

export interface Devnet {
  rpcUrl: string;
  beaconUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  dataDir: string;
  supervisor: Supervisor;
  status: StatusReporter;
  publicClient: PublicClient;
  wallet: (account: number) => DevWallet;
  operators: DevnetOperator[];
  /** The beacon chain's genesis time (unix seconds) and seconds per slot. */
  genesisTime: number;
  secondsPerSlot: number;
  /** The remote chain, with `withL2`. */
  l2?: RemoteChain | undefined;
  /** Stops every process this devnet started. */
  stop(): Promise<void>;
}

export type DevWallet = WalletClient<Transport, Chain, Account>;

export async function startDevnet(o: DevnetOptions): Promise<Devnet> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  rmSync(o.dataDir, { recursive: true, force: true });
  mkdirSync(o.dataDir, { recursive: true });
  const logDir = join(o.dataDir, "logs");
  const supervisor = new Supervisor(logDir, (p, code) => {
    o.print(`! ${p.name} exited with code ${code}; its log: ${p.logFile}`);
  });
  let anvil: AnvilNode | undefined;
  let l2: RemoteChain | undefined;
  let stopClock: (() => void) | undefined;
  let stakers: SampleStakers | undefined;
  let status: StatusReporter | undefined;
  const stop = async () => {
    stakers?.stop();
    status?.stop();
    stopClock?.();
    await supervisor.stopAll();
    await l2?.node.stop();
    await anvil?.stop();
  };
  try {
    anvil = await startAnvil(o.elPort, ["--mnemonic", DEV_MNEMONIC, "--silent"]);
    const node = anvil.process;
    process.once("exit", () => {
      if (node.exitCode === null && node.signalCode === null) node.kill("SIGKILL");
    });
    const rpcUrl = anvil.url;
    const publicClient = createPublicClient({ chain: foundry, transport: http(rpcUrl) }) as PublicClient;
    const wallet = (account: number): DevWallet =>
      createWalletClient({ account: devAccount(account), chain: foundry, transport: http(rpcUrl) });
    const rpc = (method: string, params: unknown[]) => publicClient.request({ method, params } as never);
    o.print(`EVM node (anvil) at ${rpcUrl}`);

    // The consensus layer first: its genesis is a few seconds ahead, so that the committee's frames
    // are deployed from its Beacon API and every setup transaction lands before its first slot.
    const beaconUrl = `http://127.0.0.1:${o.beaconPort}`;
    const consensus = supervisor.startScript("consensus", "packages/consensus/src/cli.ts", [
      "--el-rpc",
      rpcUrl,
      "--port",
      String(o.beaconPort),
      "--deposit-contract",
      DEPOSIT_CONTRACT,
      "--slot-time",
      String(o.slotTime),
      "--data-dir",
      join(o.dataDir, "consensus"),
      "--devnet-timing",
      "--genesis-delay",
      String(o.genesisDelay),
      ...(o.fast ? ["--fast", "--slot-pause", String(o.slotPauseMs)] : []),
    ]);
    await waitForHttp(`${beaconUrl}/eth/v1/beacon/genesis`, consensus, 60_000);
    o.print(`consensus layer (Beacon API) at ${beaconUrl}; genesis in ${o.genesisDelay} s`);

    const funded = [
      ACCOUNTS.depositor,
      ...ACCOUNTS.members,
      ACCOUNTS.liquidity,
      ACCOUNTS.lender,
      ...Array.from({ length: o.operators }, (_, i) => ACCOUNTS.operatorBase + i),
      // The sample stakers, and a few more for scenarios and for a person trying the CLI.
      ...Array.from({ length: Math.max(o.stakers, 4) }, (_, i) => ACCOUNTS.stakerBase + i),
    ];
    for (const account of funded)
      await rpc("anvil_setBalance", [devAccount(account).address, numberToHex(FUNDING)]);

    const deploymentDir = join(o.dataDir, "deployment");
    const deployment = await deploy([
      "--rpc-url",
      rpcUrl,
      "--beacon-url",
      beaconUrl,
      "--deposit-contract",
      DEPOSIT_CONTRACT,
      "--oracle-members",
      ACCOUNTS.members.map((i) => devAccount(i).address).join(","),
      "--oracle-quorum",
      "2",
      "--epochs-per-frame",
      String(o.epochsPerFrame),
      "--initial-epoch",
      "1",
      "--limits",
      "devnet",
      "--out",
      deploymentDir,
    ]);
    const deploymentFile = join(deploymentDir, `${deployment.chainId}.json`);
    // The CLI and the SDK's Node helpers read deployments/<chainId>.json of the repository.
    mkdirSync(join(REPO_ROOT, "deployments"), { recursive: true });
    writeFileSync(join(REPO_ROOT, "deployments", `${deployment.chainId}.json`), readFileSync(deploymentFile));
    // A crosschain deployment of an earlier run names contracts this chain no longer has.
    if (!o.withL2) rmSync(join(REPO_ROOT, "deployments", "crosschain.json"), { force: true });
    o.print(`protocol deployed (${elapsed()}); sanity limits: the devnet preset (local chains only):`);
    for (const line of describeLimits("devnet")) o.print(`    ${line}`);

    if (o.bondPerValidator !== undefined) {
      await governance(wallet(DEV_ROLES.deployer), publicClient, deployment, {
        target: deployment.contracts.operatorRegistry,
        data: encodeFunctionData({
          abi: operatorRegistryAbi,
          functionName: "setBondPerValidator",
          args: [o.bondPerValidator],
        }),
        what: `bond per validator ${formatEther(o.bondPerValidator)} ETH`,
      });
      o.print(`bond per validator set to ${formatEther(o.bondPerValidator)} ETH through the timelock`);
    }

    // Operators: register, make keys (EIP-2333 from the public mnemonic), add them with their bond.
    const operators: DevnetOperator[] = [];
    for (let i = 0; i < o.operators; i++) {
      const account = ACCOUNTS.operatorBase + i;
      const operator = wallet(account);
      const id = await publicClient.readContract({
        address: deployment.contracts.operatorRegistry,
        abi: operatorRegistryAbi,
        functionName: "operatorCount",
      });
      const hash = await registerOperator(operator, {
        rewardAddress: operator.account.address,
        commissionBps: 500 + 250 * i,
        bond: 0n,
        deployment,
      });
      await publicClient.waitForTransactionReceipt({ hash });
      const outDir = join(o.dataDir, "operators", String(id));
      const generated = await generateValidatorKeys({
        mnemonic: DEV_MNEMONIC,
        startIndex: i * 1_000,
        count: o.keysPerOperator,
        withdrawalVault: deployment.contracts.withdrawalVault,
        network: NETWORKS.devnet,
        outDir,
        keystores: true,
        password: KEYSTORE_PASSWORD,
        // A cheap KDF: these keys are public anyway, and the devnet should start in seconds.
        kdf: { function: "pbkdf2", c: 2 },
      });
      const plan = await planAddKeys(publicClient, {
        deployment,
        operatorId: id,
        depositData: generated.keys.map((k) => k.depositData),
        forkVersion: NETWORKS.devnet.forkVersion as `0x${string}`,
        autoBond: true,
      });
      await sendAddKeys(operator, plan, { deployment });
      operators.push({
        id,
        account,
        keystores: outDir,
        pubkeys: generated.keys.map((k) => `0x${k.depositData.pubkey.replace(/^0x/, "")}` as `0x${string}`),
      });
      o.print(
        `operator ${id}: ${operator.account.address}, ${o.keysPerOperator} keys, commission ${(500 + 250 * i) / 100}%`,
      );
    }

    stakers = new SampleStakers({
      publicClient,
      wallet,
      deployment,
      accounts: Array.from({ length: o.stakers }, (_, i) => ACCOUNTS.stakerBase + i),
      print: o.print,
    });
    // Enough for every operator's keys, so that deposits begin at once.
    await stakers.seed(BigInt(o.operators * o.keysPerOperator) * parseEther("32"));

    // trETH in DeFi: the rate feed, Uniswap v3 and the trETH/WETH pool with liquidity around the rate.
    const poolEth = o.poolLiquidityEth ?? parseEther("500");
    deployment.defi = await deployDefi({
      wallet: wallet(DEV_ROLES.deployer),
      publicClient,
      deployment,
      liquidity:
        poolEth > 0n ? { wallet: wallet(ACCOUNTS.liquidity), eth: poolEth, widthBps: 50 } : undefined,
      morpho: { lender: { wallet: wallet(ACCOUNTS.lender), eth: parseEther("1000") } },
    });
    writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    writeFileSync(join(REPO_ROOT, "deployments", `${deployment.chainId}.json`), readFileSync(deploymentFile));
    o.print(
      `trETH/WETH pool (Uniswap v3, 0.01%) at ${deployment.defi.uniswap?.pool} with ${formatEther(poolEth)} ETH a side around the rate; rate feed at ${deployment.defi.rateFeed}`,
    );
    o.print(
      `Morpho Blue at ${deployment.defi.morpho?.morpho}: trETH collateral, WETH loan, LLTV 94.5%, 1,000 WETH lent (market ${deployment.defi.morpho?.marketId})`,
    );

    if (o.withL2) {
      const rateFeed = deployment.defi.rateFeed;
      if (!rateFeed) throw new Error("--with-l2 needs the rate feed, deployed with the DeFi contracts");
      l2 = await startRemoteChain({
        port: o.withL2.port,
        dataDir: o.dataDir,
        home: { publicClient, rpcUrl },
        token: deployment.contracts.token,
        timelock: deployment.contracts.timelock,
        rateFeed,
        reportPeriod: o.epochsPerFrame * 32 * o.slotTime,
      });
      const node = l2.node.process;
      process.once("exit", () => {
        if (node.exitCode === null && node.signalCode === null) node.kill("SIGKILL");
      });
      const { home, remote } = l2.crosschain;
      stopClock = followClock(publicClient, l2.publicClient);
      o.print(`remote chain (anvil, chain ${remote.chainId}) at ${l2.rpcUrl}; its clock follows Ethereum's`);
      o.print(
        `  bridged trETH ${remote.bridgedToken} (the same address on every chain); token bridges ${home.tokenBridge} -> ${remote.tokenBridge}`,
      );
      o.print(
        `  rate receiver ${remote.rateReceiver}; deposit pool ${remote.depositPool} (WETH ${remote.weth}); relayers ${RELAYER_ACCOUNTS.join(", ")} (2 of 3)`,
      );
      o.print(`  addresses written to ${l2.crosschainFile}`);
    }

    // From the first slot on, only slots mine blocks, as on a real network.
    await rpc("evm_setAutomine", [false]);
    o.print(`ready to stake (${elapsed()})`);

    // The daemons.
    const poll = o.fast ? "1" : String(Math.max(1, Math.min(o.slotTime, 12)));
    const endpoints = o.daemonEndpoints
      ? await o.daemonEndpoints({ rpcUrl, beaconUrl })
      : { rpcUrl, beaconUrl };
    const common = [
      "--rpc-url",
      endpoints.rpcUrl,
      "--beacon-url",
      endpoints.beaconUrl,
      "--deployment",
      deploymentFile,
      "--poll-interval",
      poll,
    ];
    const port = (k: number) => String(o.daemonPortBase + k);
    const url = (k: number) => `http://127.0.0.1:${port(k)}`;
    for (const [k, account] of ACCOUNTS.members.entries()) {
      supervisor.startScript(`oracle-${k}`, "packages/oracle/src/cli.ts", [
        ...common,
        "--dev-account",
        String(account),
        "--data-dir",
        join(o.dataDir, `oracle-${k}`),
        "--http-port",
        port(k),
        "--peer-urls",
        ACCOUNTS.members
          .map((_, j) => url(j))
          .filter((_, j) => j !== k)
          .join(","),
      ]);
    }
    for (const [k, account] of DEV_ROLES.guardians.entries()) {
      supervisor.startScript(`guardian-${k}`, "packages/guardian/src/cli.ts", [
        "guardian",
        ...common,
        "--dev-account",
        String(account),
        "--data-dir",
        join(o.dataDir, `guardian-${k}`),
        "--http-port",
        port(3 + k),
      ]);
    }
    supervisor.startScript("depositor", "packages/guardian/src/cli.ts", [
      "depositor",
      ...common,
      "--dev-account",
      String(ACCOUNTS.depositor),
      "--data-dir",
      join(o.dataDir, "depositor"),
      "--http-port",
      port(6),
      "--guardian-urls",
      DEV_ROLES.guardians.map((_, k) => url(3 + k)).join(","),
    ]);
    for (const [k, operator] of operators.entries()) {
      supervisor.startScript(
        `exits-${operator.id}`,
        "packages/operator/src/exit/cli.ts",
        [
          ...common,
          "--operator-id",
          String(operator.id),
          "--keystores",
          operator.keystores,
          "--data-dir",
          join(o.dataDir, `exits-${operator.id}`),
          "--http-port",
          port(7 + k),
        ],
        { OPERATOR_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD },
      );
    }
    if (l2) {
      for (const [k, account] of RELAYER_ACCOUNTS.entries()) {
        supervisor.startScript(`relayer-${k}`, "packages/relayer/src/cli.ts", [
          "--rpc-url",
          endpoints.rpcUrl,
          "--remote-rpc-url",
          l2.rpcUrl,
          "--crosschain",
          l2.crosschainFile,
          "--remote-block-tag",
          "latest",
          "--poll-interval",
          poll,
          "--batch-interval",
          "30",
          "--dev-account",
          String(account),
          "--data-dir",
          join(o.dataDir, `relayer-${k}`),
          "--http-port",
          port(40 + k),
          "--peer-urls",
          RELAYER_ACCOUNTS.map((_, j) => url(40 + j))
            .filter((_, j) => j !== k)
            .join(","),
        ]);
      }
    }
    const apiPort = o.apiPort === undefined ? o.daemonPortBase + 100 : o.apiPort;
    if (apiPort !== false) {
      supervisor.startScript("indexer", "packages/indexer/src/cli.ts", [
        "--rpc-url",
        rpcUrl,
        "--beacon-url",
        beaconUrl,
        "--deployment",
        deploymentFile,
        "--poll-interval",
        poll,
        "--data-dir",
        join(o.dataDir, "indexer"),
        "--http-port",
        String(apiPort),
      ]);
    }
    const dashboardPort =
      apiPort === false ? false : o.dashboardPort === undefined ? o.daemonPortBase + 200 : o.dashboardPort;
    if (dashboardPort !== false && apiPort !== false) {
      supervisor.startScript("dashboard", "apps/dashboard/serve.ts", [
        "--port",
        String(dashboardPort),
        "--config",
        JSON.stringify({
          chainId: deployment.chainId,
          rpcUrl,
          apiUrl: `http://127.0.0.1:${apiPort}`,
          deployment,
          // Public development keys, offered on this local chain only.
          devWallet: true,
          oracleUrls: ACCOUNTS.members.map((_, k) => `http://127.0.0.1:${o.daemonPortBase + k}`),
          // The remote chain, with --with-l2: the portfolio shows bridged trETH there.
          ...(l2 ? { crosschain: l2.crosschain } : {}),
        }),
      ]);
    }
    o.print("");
    o.print("daemons (logs; /health and /metrics on each port):");
    for (const p of supervisor.list()) {
      const args = p.child.spawnargs;
      const at = args.indexOf("--http-port");
      const where = at >= 0 ? `http://127.0.0.1:${args[at + 1]}` : p.name === "consensus" ? beaconUrl : "";
      o.print(`  ${p.name.padEnd(12)} ${where.padEnd(24)} ${p.logFile}`);
    }
    if (apiPort !== false) {
      o.print(
        `analytics API: http://127.0.0.1:${apiPort}/v1/stats (OpenAPI: http://127.0.0.1:${apiPort}/openapi.json)`,
      );
    }
    if (dashboardPort !== false && apiPort !== false) {
      o.print(`dashboard: http://127.0.0.1:${dashboardPort}/ (development wallet built in)`);
    }
    o.print("");
    // Every process of this devnet, for whoever must check that none is left.
    writeFileSync(
      join(o.dataDir, "pids.json"),
      `${JSON.stringify({ anvil: node.pid, ...(l2 ? { "anvil-l2": l2.node.process.pid } : {}), ...Object.fromEntries(supervisor.list().map((p) => [p.name, p.child.pid])) }, null, 2)}\n`,
    );
    stakers.start();
    status = new StatusReporter({ publicClient, beaconUrl, deployment, print: o.print });
    if (o.statusLines ?? true) status.start();
    const genesis = (await (await fetch(`${beaconUrl}/eth/v1/beacon/genesis`)).json()) as {
      data: { genesis_time: string };
    };
    return {
      rpcUrl,
      beaconUrl,
      deployment,
      deploymentFile,
      dataDir: o.dataDir,
      supervisor,
      status,
      publicClient,
      wallet,
      operators,
      genesisTime: Number(genesis.data.genesis_time),
      secondsPerSlot: o.slotTime,
      l2,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Runs one call as governance on a development chain: the deployer holds the timelock's
 * development admin role with a zero delay, so it schedules and executes at once.
 */
export async function governance(
  admin: DevWallet,
  publicClient: PublicClient,
  deployment: Deployment,
  call: { target: `0x${string}`; data: `0x${string}`; what: string },
): Promise<void> {
  const salt = keccak256(stringToHex(call.what));
  const timelock = deployment.contracts.timelock;
  for (const [functionName, args] of [
    ["schedule", [call.target, 0n, call.data, zeroHash, salt, 0n]],
    ["execute", [call.target, 0n, call.data, zeroHash, salt]],
  ] as const) {
    const hash = await admin.writeContract({
      address: timelock,
      abi: timelockAbi,
      functionName,
      args,
    } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`governance ${functionName} of ${call.what} reverted`);
  }
}

/** Polls `url` until it answers 2xx; fails at once if `process` exits meanwhile. */
async function waitForHttp(url: string, process: Managed, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void process.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${process.name} exited while starting; see ${process.logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${process.name} did not answer at ${url} within ${timeoutMs / 1000} s; see ${process.logFile}`,
  );
}
