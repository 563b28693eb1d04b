/**
 * `npm run deploy-defi -- --rpc-url <url> [--deployment <file>] [existing addresses]`: trETH's rate
 * feed and its Uniswap v3 pool on any chain, written into the deployment file's `defi` section.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Deployment } from "@tributary/sdk";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  isAddress,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_CHAIN_IDS, DEV_ROLES, devPrivateKey } from "../../../contracts/lib/devkeys.js";
import { deployDefi } from "./deploy.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

const USAGE = `Deploys trETH's DeFi integrations next to a deployment of the protocol and writes them into
its deployment file (the "defi" section): the trETH/ETH rate feed, Uniswap v3 (from Uniswap's own
npm artifacts) and the trETH/WETH pool initialized at the token's rate. On a chain where a contract
exists already, pass its address: it is used, not deployed.

Usage: npm run deploy-defi -- --rpc-url <url> [options]

  --rpc-url <url>             JSON-RPC endpoint (required)
  --deployment <file>         the protocol's deployment (default: deployments/<chainId>.json)
  --rate-feed <a>             an existing TrETHRateFeed
  --uniswap-factory <a>       an existing Uniswap v3 factory (with the fee tier enabled)
  --position-manager <a>      an existing NonfungiblePositionManager
  --swap-router <a>           an existing SwapRouter
  --quoter <a>                an existing QuoterV2
  --morpho <a>                an existing Morpho Blue (its owner must have enabled the IRM and the LLTV)
  --irm <a>                   an existing IRM for the market (default: deploy a fixed 2% a year)
  --no-morpho                 no lending market
  --fee <n>                   the pool's fee tier, hundredths of a bp (default 100: 0.01%)
  --liquidity-eth <eth>       development chains only: a first position of this much ETH on each
                              side, ±0.5% around the rate, from dev account 13 (default 0: none)

The deployer key comes from DEPLOYER_PRIVATE_KEY; on development chains (chain id ${DEV_CHAIN_IDS.join(", ")})
it defaults to the public development key of account ${DEV_ROLES.deployer}.`;

/** Dev account that provides the first liquidity on a development chain. */
export const LIQUIDITY_ACCOUNT = 13;

function fail(message: string): never {
  process.stderr.write(`deploy-defi: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    "rpc-url": { type: "string" },
    deployment: { type: "string" },
    "rate-feed": { type: "string" },
    "uniswap-factory": { type: "string" },
    "position-manager": { type: "string" },
    "swap-router": { type: "string" },
    quoter: { type: "string" },
    morpho: { type: "string" },
    irm: { type: "string" },
    "no-morpho": { type: "boolean", default: false },
    fee: { type: "string", default: "100" },
    "liquidity-eth": { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const rpcUrl = values["rpc-url"] ?? fail("--rpc-url is required (--help lists the options)");
const address = (flag: string): Address | undefined => {
  const value = values[flag as keyof typeof values] as string | undefined;
  if (value === undefined) return undefined;
  if (!isAddress(value)) fail(`--${flag} ${value} is not an address`);
  return value;
};
const fee = Number(values.fee);
if (!Number.isInteger(fee) || fee <= 0 || fee >= 1_000_000) fail(`--fee ${values.fee} is not a fee tier`);
let liquidityEth: bigint;
try {
  liquidityEth = parseEther(values["liquidity-eth"] as string);
} catch {
  fail(`--liquidity-eth ${values["liquidity-eth"]} is not an amount of ETH`);
}

const publicClient = createPublicClient({ transport: http(rpcUrl) });
const chainId = await publicClient.getChainId().catch((error: Error) => fail(`${rpcUrl}: ${error.message}`));
const dev = DEV_CHAIN_IDS.includes(chainId);
const envKey = process.env.DEPLOYER_PRIVATE_KEY as Hex | undefined;
if (!envKey && !dev) fail(`chain ${chainId} is not a development chain: set DEPLOYER_PRIVATE_KEY`);
if (liquidityEth > 0n && !dev) fail("--liquidity-eth uses a development key: development chains only");
const file = values.deployment ?? join(ROOT, "deployments", `${chainId}.json`);
let deployment: Deployment;
try {
  deployment = JSON.parse(readFileSync(file, "utf8")) as Deployment;
} catch (error) {
  fail(`cannot read the protocol's deployment ${file}: ${(error as Error).message}`);
}
if (deployment.chainId !== chainId)
  fail(`${file} is chain ${deployment.chainId}'s deployment, not chain ${chainId}'s`);
const wallet = createWalletClient({
  account: privateKeyToAccount(envKey ?? devPrivateKey(DEV_ROLES.deployer)),
  transport: http(rpcUrl),
});
const defi = await deployDefi({
  wallet,
  publicClient,
  deployment,
  fee,
  existing: {
    rateFeed: address("rate-feed"),
    uniswap: {
      factory: address("uniswap-factory"),
      positionManager: address("position-manager"),
      swapRouter: address("swap-router"),
      quoter: address("quoter"),
    },
  },
  morpho: values["no-morpho"] ? undefined : { morpho: address("morpho"), irm: address("irm") },
  liquidity:
    liquidityEth > 0n
      ? {
          wallet: createWalletClient({
            account: privateKeyToAccount(devPrivateKey(LIQUIDITY_ACCOUNT)),
            transport: http(rpcUrl),
          }),
          eth: liquidityEth,
        }
      : undefined,
  log: (line) => process.stdout.write(`${line}\n`),
}).catch((error: Error) => fail(error.message));
writeFileSync(file, `${JSON.stringify({ ...deployment, defi }, null, 2)}\n`);
process.stdout.write(`wrote the defi section of ${file}\n`);
