import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  formatEther,
  type Hex,
  http,
  isAddress,
  parseEther,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type Deployment, deployProtocol } from "../lib/deploy.js";
import { DEV_CHAIN_IDS, DEV_ROLES, devAccount, devPrivateKey } from "../lib/devkeys.js";
import { LIMIT_PRESETS, type LimitPreset } from "../lib/limits.js";

/** trETH's MIN_SEED: the least the constructor accepts for the dead shares, wei. */
const MIN_SEED = 1_000_000_000n;

const USAGE = `Deploys the Tributary protocol to a JSON-RPC endpoint and writes deployments/<chainId>.json.

Usage: npm run deploy -- --rpc-url <url> [options]

  --rpc-url <url>             JSON-RPC endpoint (required)
  --guardians <a,b,c>         guardian addresses (default on development chains: dev accounts 1-3)
  --guardian-quorum <n>       guardian quorum (default: a simple majority)
  --timelock-delay <seconds>  timelock delay (default: 0 on development chains, 172800 elsewhere)
  --emergency-committee <a|none>
                              may pause staking, deposits and withdrawals, nothing else; "none":
                              only governance pauses (required on public chains; default on
                              development chains: dev account 4)
  --deposit-contract <a>      existing beacon deposit contract (default: deploy one)
  --weth <a>                  existing WETH (default: deploy WETH9)
  --daily-stake-cap <eth>     refilling daily stake cap in ETH (default 150000; 0 = none)
  --treasury <a>              receives the treasury fee (default: the timelock)
  --oracle-members <a,b,c>    oracle committee members (default: none; governance adds them)
  --oracle-quorum <n>         matching votes a report needs (default: a simple majority)
  --beacon-url <url>          Beacon API of the chain the validators run on: the committee's
                              frames take its genesis time, seconds per slot and slots per epoch
                              (required on public chains; default on development chains: 32
                              slots of 12 s from the latest block's time)
  --epochs-per-frame <n>      epochs per report frame (default 225: one day)
  --initial-epoch <n>         first epoch of frame 0 (default 1)
  --limits <preset>           the reports' sanity limits: mainnet (default) or devnet (a local
                              chain's growth of hundreds of percent a year; development chains
                              only, with the development admin)
  --governor-min-quorum <trETH>
                              the Governor's quorum floor (default 1000); the quorum is
                              max(floor, 4% of trETH's total supply)
  --seed <eth>                ETH staked at deployment for shares no one owns (default 32): a
                              donation of D ETH at launch lifts the rate by D/seed at most
  --out <dir>                 output folder (default: <repo>/deployments)

Hand-over: once deployed, the timelock owns every parameter, role and upgrade, only the Governor
proposes (and cancels), and the deployer holds nothing. The summary printed at the end says who
holds what.
  --open-execution            anyone may execute an operation once its delay has passed
                              (default: only the Governor executes, for any caller of its execute)
  --dev-admin                 development chains only, and their default: the deployer ALSO
                              proposes, cancels and executes on the timelock, without a vote
  --no-dev-admin              turns the development admin off (the public-chain role set)

The deployer key comes from DEPLOYER_PRIVATE_KEY. On development chains (chain id ${DEV_CHAIN_IDS.join(", ")})
the public development key is used when it is unset; on any other chain it is required.`;

function fail(message: string): never {
  process.stderr.write(`deploy: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function address(value: string, flag: string): Address {
  if (!isAddress(value)) fail(`${flag} is not an address: ${value}`);
  return value;
}

/** Genesis time, seconds per slot and slots per epoch as a Beacon API reports them. */
export async function beaconChainConfig(
  url: string,
): Promise<{ genesisTime: bigint; secondsPerSlot: bigint; slotsPerEpoch: bigint }> {
  const get = async (path: string): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, url));
    } catch (error) {
      fail(
        `cannot reach the Beacon API at ${url}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) fail(`the Beacon API at ${url} answered ${response.status} to ${path}`);
    const body = (await response.json()) as { data?: Record<string, unknown> };
    return body.data ?? fail(`the Beacon API at ${url} sent no data for ${path}`);
  };
  const whole = (value: unknown, name: string): bigint => {
    if (typeof value !== "string" || !/^\d+$/.test(value))
      fail(`the Beacon API's ${name} is not a number: ${value}`);
    return BigInt(value);
  };
  const genesis = await get("/eth/v1/beacon/genesis");
  const spec = await get("/eth/v1/config/spec");
  return {
    genesisTime: whole(genesis.genesis_time, "genesis_time"),
    secondsPerSlot: whole(spec.SECONDS_PER_SLOT, "SECONDS_PER_SLOT"),
    slotsPerEpoch: whole(spec.SLOTS_PER_EPOCH, "SLOTS_PER_EPOCH"),
  };
}

export async function main(argv: string[]): Promise<Deployment> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "rpc-url": { type: "string" },
      guardians: { type: "string" },
      "guardian-quorum": { type: "string" },
      "timelock-delay": { type: "string" },
      "emergency-committee": { type: "string" },
      "deposit-contract": { type: "string" },
      weth: { type: "string" },
      "daily-stake-cap": { type: "string" },
      treasury: { type: "string" },
      "oracle-members": { type: "string" },
      "oracle-quorum": { type: "string" },
      "beacon-url": { type: "string" },
      "epochs-per-frame": { type: "string" },
      "initial-epoch": { type: "string" },
      limits: { type: "string" },
      "governor-min-quorum": { type: "string" },
      seed: { type: "string" },
      "open-execution": { type: "boolean" },
      "dev-admin": { type: "boolean" },
      "no-dev-admin": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const rpcUrl = values["rpc-url"] ?? fail("--rpc-url is required");
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const chainId = await publicClient.getChainId().catch((error: unknown) => {
    fail(`cannot reach ${rpcUrl}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const dev = DEV_CHAIN_IDS.includes(chainId);

  const envKey = process.env.DEPLOYER_PRIVATE_KEY as Hex | undefined;
  if (!envKey && !dev) fail(`chain ${chainId} is not a development chain: set DEPLOYER_PRIVATE_KEY`);
  if (envKey && !dev && envKey.toLowerCase() === devPrivateKey(DEV_ROLES.deployer).toLowerCase()) {
    fail(`refusing the public development key on chain ${chainId}`);
  }
  const account = privateKeyToAccount(envKey ?? devPrivateKey(DEV_ROLES.deployer));
  const wallet = createWalletClient({ account, transport: http(rpcUrl) });

  const guardians = values.guardians
    ? values.guardians.split(",").map((g) => address(g.trim(), "--guardians"))
    : dev
      ? DEV_ROLES.guardians.map((i) => devAccount(i).address)
      : fail("--guardians is required on public chains");
  const quorum = values["guardian-quorum"]
    ? Number(values["guardian-quorum"])
    : Math.floor(guardians.length / 2) + 1;
  if (!Number.isInteger(quorum) || quorum <= guardians.length / 2 || quorum > guardians.length) {
    fail(
      `--guardian-quorum must be a majority of the ${guardians.length} guardians, got ${values["guardian-quorum"]}`,
    );
  }
  const delay = values["timelock-delay"] ?? (dev ? "0" : "172800");
  if (!/^\d+$/.test(delay)) fail(`--timelock-delay must be a whole number of seconds, got ${delay}`);
  const cap = values["daily-stake-cap"] ?? "150000";
  if (!/^\d+(\.\d{1,3})?$/.test(cap))
    fail(`--daily-stake-cap must be ETH with at most 3 decimals, got ${cap}`);

  const members = values["oracle-members"]
    ? values["oracle-members"].split(",").map((m) => address(m.trim(), "--oracle-members"))
    : [];
  if (new Set(members.map((m) => m.toLowerCase())).size !== members.length) {
    fail(`--oracle-members lists an address twice: ${values["oracle-members"]}`);
  }
  const oracleQuorum = values["oracle-quorum"]
    ? Number(values["oracle-quorum"])
    : Math.floor(members.length / 2) + 1;
  if (
    values["oracle-quorum"] !== undefined &&
    (!Number.isInteger(oracleQuorum) || oracleQuorum <= members.length / 2 || oracleQuorum > members.length)
  ) {
    fail(
      `--oracle-quorum must be a majority of the ${members.length} oracle members, got ${values["oracle-quorum"]}`,
    );
  }
  const epochs = values["epochs-per-frame"] ?? "225";
  if (!/^[1-9]\d*$/.test(epochs) || Number(epochs) > 65_535) {
    fail(`--epochs-per-frame must be a whole number from 1 to 65535, got ${epochs}`);
  }
  const initialEpoch = values["initial-epoch"] ?? "1";
  if (!/^\d+$/.test(initialEpoch)) fail(`--initial-epoch must be a whole number, got ${initialEpoch}`);
  const limits = values.limits ?? "mainnet";
  if (!(limits in LIMIT_PRESETS)) {
    fail(`--limits must be one of ${Object.keys(LIMIT_PRESETS).join(", ")}, got ${limits}`);
  }
  if (limits !== "mainnet" && !dev) {
    fail(`--limits ${limits} is for development chains only; chain ${chainId} keeps the mainnet limits`);
  }
  const minQuorum = values["governor-min-quorum"];
  if (minQuorum !== undefined && !/^\d+(\.\d{1,18})?$/.test(minQuorum)) {
    fail(`--governor-min-quorum must be trETH with at most 18 decimals, got ${minQuorum}`);
  }
  if (values["dev-admin"] && values["no-dev-admin"])
    fail("--dev-admin and --no-dev-admin exclude each other");
  const devAdmin = dev ? !values["no-dev-admin"] : false;
  if (values["dev-admin"] && !dev) {
    fail(`--dev-admin is for development chains only; on chain ${chainId} only the Governor proposes`);
  }
  const committeeFlag = values["emergency-committee"];
  if (committeeFlag === undefined && !dev) {
    fail('--emergency-committee is required on public chains (an address, or "none")');
  }
  const emergencyCommittee: Address =
    committeeFlag === undefined
      ? devAccount(DEV_ROLES.emergencyCommittee).address
      : committeeFlag === "none"
        ? zeroAddress
        : address(committeeFlag, "--emergency-committee");
  const seed = values.seed ?? "32";
  if (!/^\d+(\.\d{1,18})?$/.test(seed) || parseEther(seed) < MIN_SEED) {
    fail(`--seed must be ETH with at most 18 decimals, at least ${formatEther(MIN_SEED)}, got ${seed}`);
  }
  const beaconUrl = values["beacon-url"];
  if (!beaconUrl && !dev)
    fail("--beacon-url is required on public chains (report frames follow its genesis)");
  const chain = beaconUrl ? await beaconChainConfig(beaconUrl) : undefined;

  const deployment = await deployProtocol({
    wallet,
    publicClient,
    guardians,
    guardianQuorum: quorum,
    timelockDelay: BigInt(delay),
    devAdmin,
    openExecution: values["open-execution"] ?? false,
    emergencyCommittee,
    seed: parseEther(seed),
    depositContract: values["deposit-contract"]
      ? address(values["deposit-contract"], "--deposit-contract")
      : undefined,
    weth: values.weth ? address(values.weth, "--weth") : undefined,
    dailyStakeCap: parseEther(cap),
    treasury: values.treasury ? address(values.treasury, "--treasury") : undefined,
    governor: { minimumQuorum: minQuorum === undefined ? undefined : parseEther(minQuorum) },
    oracle: {
      members,
      quorum: members.length > 0 ? oracleQuorum : undefined,
      epochsPerFrame: BigInt(epochs),
      initialEpoch: BigInt(initialEpoch),
      ...chain,
    },
    limits: limits as LimitPreset,
  });

  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const outDir = values.out ?? join(repoRoot, "deployments");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${chainId}.json`);
  writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
  process.stdout.write(`deployed to chain ${chainId}; addresses written to ${file}\n`);
  process.stdout.write(`${describeHandover(deployment).join("\n")}\n`);
  return deployment;
}

/** Who holds what after the deployment, one line each (printed by the script). */
export function describeHandover(deployment: Deployment): string[] {
  const h = deployment.handover;
  const { governor, timelock } = deployment.contracts;
  const none = (a: Address) => (a === zeroAddress ? "none (only governance pauses)" : a);
  return [
    "hand-over:",
    `  owner of every parameter, role and upgrade: the timelock ${timelock} (delay ${h.timelockDelay} s)`,
    h.devAdmin
      ? `  proposes: the governor ${governor} and the deployer ${deployment.deployer} (dev admin)`
      : `  proposes: the governor only (${governor})`,
    h.openExecution
      ? "  executes: anyone, once an operation's delay has passed (--open-execution)"
      : h.devAdmin
        ? `  executes: the governor and the deployer ${deployment.deployer} (dev admin)`
        : "  executes: the governor only (anyone may call its execute for a passed proposal)",
    h.devAdmin
      ? "  dev admin: ON - the deployer changes any parameter without a vote; development only (--no-dev-admin turns it off)"
      : "  dev admin: off - the deployer holds nothing",
    `  emergency committee: ${none(h.emergencyCommittee)}`,
    `  treasury: ${h.treasury}`,
    `  seed: ${formatEther(BigInt(h.seed))} ETH in dead shares`,
    `  governor quorum: the larger of ${formatEther(BigInt(h.minimumQuorum))} trETH and 4% of the total supply`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`deploy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
