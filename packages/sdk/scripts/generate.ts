/**
 * Generates the SDK's typed ABIs from the contracts' build artifacts, and the table of published
 * deployments (`src/generated/deployments.ts`) from the committed `deployments/<chainId>.json`
 * files. `src/generated/` is the repository's only copy of the protocol's ABIs and addresses: the
 * deploy script, the daemons, the CLI and the dashboard import them.
 *
 * Each ABI is written twice, `as const` both times:
 *   - `abis.ts`: each contract's whole ABI (`trETHAbi`, ...) and every custom error once
 *     (`protocolErrorsAbi`), for the deployer, the daemons and anyone who wants all of it;
 *   - `<contract>.ts` (`trETH.ts`, `withdrawalQueue.ts`, ...): one export per function or event
 *     name (overloads together), without `internalType`, for the SDK's actions. An action imports
 *     the module as a namespace (`import * as trETHAbi from "../generated/trETH.js"`) and passes
 *     `trETHAbi.stake` as its ABI, so a bundler keeps only the items the application calls; a whole
 *     array is one value a bundler cannot trim.
 *
 *   tsx scripts/generate.ts          write the files (and remove generated files no longer made)
 *   tsx scripts/generate.ts --check  exit 1, naming the file, if one differs from what it would write
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const artifacts = join(root, "contracts", "artifacts");
const generated = join(here, "..", "src", "generated");

/** Exported name of each ABI, and the source of the contract it comes from. */
const CONTRACTS = [
  ["trETHAbi", "src/token/TrETH.sol", "TrETH"],
  ["withdrawalQueueAbi", "src/withdrawals/WithdrawalQueue.sol", "WithdrawalQueue"],
  ["accountingAbi", "src/accounting/Accounting.sol", "Accounting"],
  ["hashConsensusAbi", "src/oracle/HashConsensus.sol", "HashConsensus"],
  ["operatorRegistryAbi", "src/operators/OperatorRegistry.sol", "OperatorRegistry"],
  ["depositSecurityAbi", "src/deposit/DepositSecurity.sol", "DepositSecurity"],
  ["rewardsDistributorAbi", "src/accounting/RewardsDistributor.sol", "RewardsDistributor"],
  ["withdrawalVaultAbi", "src/vaults/WithdrawalVault.sol", "WithdrawalVault"],
  ["governorAbi", "src/governance/TributaryGovernor.sol", "TributaryGovernor"],
  ["timelockAbi", "src/governance/TributaryTimelock.sol", "TributaryTimelock"],
  ["proxyAbi", "src/proxy/TributaryProxy.sol", "TributaryProxy"],
  ["wethAbi", "src/external/WETH9.sol", "WETH9"],
  ["depositContractAbi", "src/deposit/DepositContract.sol", "DepositContract"],
  ["rateFeedAbi", "src/feeds/TrETHRateFeed.sol", "TrETHRateFeed"],
  // Crosschain: the message bridge and the contracts on either side of it.
  ["messageBridgeAbi", "src/crosschain/MessageBridge.sol", "MessageBridge"],
  ["tokenBridgeAbi", "src/crosschain/TokenBridge.sol", "TokenBridge"],
  ["bridgedTrETHAbi", "src/crosschain/BridgedTrETH.sol", "BridgedTrETH"],
  ["rateSenderAbi", "src/crosschain/RateSender.sol", "RateSender"],
  ["rateReceiverAbi", "src/crosschain/RateReceiver.sol", "RateReceiver"],
  ["remoteDepositPoolAbi", "src/crosschain/RemoteDepositPool.sol", "RemoteDepositPool"],
  ["remoteStakeReceiverAbi", "src/crosschain/RemoteStakeReceiver.sol", "RemoteStakeReceiver"],
  ["governanceRelayAbi", "src/crosschain/GovernanceRelay.sol", "GovernanceRelay"],
  // Uniswap v3, from the artifacts Uniswap publishes on npm (the contracts they deployed).
  ["uniswapV3FactoryAbi", "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol", "UniswapV3Factory"],
  ["uniswapV3PoolAbi", "@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol", "UniswapV3Pool"],
  ["quoterV2Abi", "@uniswap/v3-periphery/artifacts/contracts/lens/QuoterV2.sol", "QuoterV2"],
  ["swapRouterAbi", "@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol", "SwapRouter"],
  ["morphoAbi", "@morpho-org/morpho-blue/src/Morpho.sol", "Morpho"],
  ["morphoOracleAbi", "src/defi/TrETHMorphoOracle.sol", "TrETHMorphoOracle"],
  ["fixedRateIrmAbi", "src/defi/FixedRateIrm.sol", "FixedRateIrm"],
  [
    "positionManagerAbi",
    "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol",
    "NonfungiblePositionManager",
  ],
] as const;

interface AbiItem {
  type: string;
  name?: string;
  inputs?: { type: string; components?: unknown[] }[];
}

/** The module of a contract's items: `trETHAbi` -> `trETH`. */
const moduleName = (exportName: string) => exportName.replace(/Abi$/, "");

function loadAbi(source: string, name: string): AbiItem[] {
  // The protocol's own build (which also compiles Morpho Blue from its npm source), else a
  // package's published artifacts (`@scope/name/...`).
  const built = join(artifacts, source, `${name}.json`);
  const file =
    existsSync(built) || !source.startsWith("@") ? built : join(root, "node_modules", source, `${name}.json`);
  if (!existsSync(file)) {
    throw new Error(
      `no artifact for ${name} at ${file}: run \`npm run build -w @tributary/contracts\` first`,
    );
  }
  return (JSON.parse(readFileSync(file, "utf8")) as { abi: AbiItem[] }).abi;
}

/** Canonical signature of an ABI item's inputs, to merge the errors of every contract once. */
function signature(item: AbiItem): string {
  const type = (p: { type: string; components?: unknown[] }): string =>
    p.type.startsWith("tuple")
      ? `(${(p.components as { type: string }[]).map(type).join(",")})${p.type.slice(5)}`
      : p.type;
  return `${item.name}(${(item.inputs ?? []).map(type).join(",")})`;
}

function abisFile(): string {
  const lines = [
    "// Generated by scripts/generate.ts from the contracts' build artifacts. Do not edit.",
    "// Regenerate with `npm run generate -w @tributary/sdk` after changing a contract.",
    "",
  ];
  const errors = new Map<string, AbiItem>();
  for (const [exportName, source, name] of CONTRACTS) {
    const abi = loadAbi(source, name);
    for (const item of abi) if (item.type === "error") errors.set(signature(item), item);
    lines.push(`/** ABI of \`${name}\` (${source}). */`);
    lines.push(`export const ${exportName} = ${JSON.stringify(abi)} as const;`, "");
  }
  const all = [...errors.values()].sort((a, b) => signature(a).localeCompare(signature(b)));
  lines.push(
    "/** Every custom error of the protocol's contracts, once each, without `internalType` (for decoding reverts). */",
  );
  lines.push(`export const protocolErrorsAbi = ${JSON.stringify(lean(all))} as const;`, "");
  return lines.join("\n");
}

/** An ABI item without `internalType` (Solidity's own type names, which viem does not read), recursively. */
function lean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lean);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "internalType")
        .map(([key, v]) => [key, lean(v)]),
    );
  }
  return value;
}

/**
 * One contract's functions and events, one `export const` per name (a function's overloads in one
 * array), in the order of the artifact. Errors are left to `protocolErrorsAbi`, which decodes reverts.
 */
function itemsFile(exportName: string, source: string, name: string): string {
  const groups = new Map<string, AbiItem[]>();
  for (const item of loadAbi(source, name)) {
    if ((item.type !== "function" && item.type !== "event") || !item.name) continue;
    if (!/^[A-Za-z_$][\w$]*$/.test(item.name)) throw new Error(`${name}.${item.name} is no JavaScript name`);
    groups.set(item.name, [...(groups.get(item.name) ?? []), item]);
  }
  const lines = [
    "// Generated by scripts/generate.ts from the contracts' build artifacts. Do not edit.",
    "// Regenerate with `npm run generate -w @tributary/sdk` after changing a contract.",
    `// ${name} (${source}): one export per function or event name, overloads together, for`,
    `// \`import * as ${exportName} from "./${moduleName(exportName)}.js"\`; the whole array is \`${exportName}\` in abis.ts.`,
    "",
  ];
  for (const [itemName, items] of groups) {
    lines.push(`export const ${itemName} = ${JSON.stringify(lean(items))} as const;`);
  }
  lines.push("");
  return lines.join("\n");
}

function deploymentsFile(): string {
  const dir = join(root, "deployments");
  // Only committed files are published: a local chain's deployment changes at every start.
  let tracked: string[] = [];
  try {
    tracked = execFileSync("git", ["ls-files", "deployments"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((f) => /^deployments\/\d+\.json$/.test(f));
  } catch {
    tracked = existsSync(dir) ? readdirSync(dir).map((f) => `deployments/${f}`) : [];
  }
  const entries = tracked
    .sort()
    .map((f) => JSON.parse(readFileSync(join(root, f), "utf8")) as { chainId: number })
    .map((d) => `  ${d.chainId}: ${JSON.stringify(d)},`);
  return [
    "// Generated by scripts/generate.ts from the committed deployments/<chainId>.json files. Do not edit.",
    'import type { Deployment } from "../deployment.js";',
    "",
    "/** Published deployments by chain id. A local chain's deployment is passed in or read from disk (`@tributary/sdk/node`). */",
    `export const deployments: Readonly<Record<number, Deployment>> = {${entries.length ? `\n${entries.join("\n")}\n` : ""}};`,
    "",
  ].join("\n");
}

const check = process.argv.includes("--check");
let stale = 0;
const files: [string, string][] = [
  ["abis.ts", abisFile()],
  ...CONTRACTS.map(([exportName, source, name]): [string, string] => [
    `${moduleName(exportName)}.ts`,
    itemsFile(exportName, source, name),
  ]),
  ["deployments.ts", deploymentsFile()],
];
const made = new Set(files.map(([name]) => name));
for (const name of existsSync(generated) ? readdirSync(generated) : []) {
  if (made.has(name)) continue;
  if (check) {
    process.stderr.write(
      `src/generated/${name} is no longer generated: run \`npm run generate -w @tributary/sdk\`\n`,
    );
    stale++;
  } else {
    rmSync(join(generated, name));
    process.stdout.write(`removed src/generated/${name}\n`);
  }
}
for (const [name, content] of files) {
  const path = join(generated, name);
  const fresh = content;
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  if (fresh === current) continue;
  if (check) {
    process.stderr.write(
      `src/generated/${name} is out of date with the contracts: run \`npm run generate -w @tributary/sdk\`\n`,
    );
    stale++;
  } else {
    writeFileSync(path, fresh);
    process.stdout.write(`wrote src/generated/${name}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
