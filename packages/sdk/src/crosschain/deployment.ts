/**
 * The crosschain deployment: both sides of trETH's bridge (Ethereum, the home chain, and a remote
 * chain), as `npm start -- --with-l2` writes it to `deployments/crosschain.json`. Browsers pass the
 * parsed object; Node reads the file with `loadCrosschainDeployment` from `@tributary/sdk/node`.
 */
import { type Address, isAddress } from "viem";
import { InvalidArgumentError } from "../errors/base.js";

/** Ethereum's side: trETH's own bridge contracts. */
export interface CrosschainHomeSide {
  chainId: number;
  /** JSON-RPC endpoint the deployment was made on (local networks record it). */
  rpcUrl?: string | undefined;
  /** trETH. */
  token: Address;
  /** Sends governance's (the timelock's) batches of calls to the remote chain. */
  governanceRelay?: Address | undefined;
  messageBridge: Address;
  /** Locks shares sent away in its own trETH account and releases them when they come back. */
  tokenBridge: Address;
  /** Sends each report's rate, read on chain, to the remote chain. */
  rateSender: Address;
  /** The rate feed the sender reads (`TrETHRateFeed`). */
  rateFeed: Address;
  /** Stakes the remote deposit pool's batches and locks the shares it minted. */
  stakeReceiver: Address;
  /** First block of the deployment, decimal: event scans start here. */
  startBlock: string;
}

/** The remote chain's side: bridged trETH and what relays the rate and takes deposits there. */
export interface CrosschainRemoteSide {
  chainId: number;
  rpcUrl?: string | undefined;
  /** Runs governance's batches from Ethereum; owns the remote contracts once handed over. */
  governanceRelay?: Address | undefined;
  messageBridge: Address;
  tokenBridge: Address;
  /** `BridgedTrETH`: ERC-20, ERC-2612 and ERC-7802, at the same address on every chain. */
  bridgedToken: Address;
  /** The rate relayed from Ethereum, with its report's time (Chainlink feed and `getRate()`). */
  rateReceiver: Address;
  /** Takes WETH and mints bridged trETH at the relayed rate, minus a fee. */
  depositPool: Address;
  weth: Address;
  startBlock: string;
}

export interface CrosschainDeployment {
  home: CrosschainHomeSide;
  remote: CrosschainRemoteSide;
}

/** Parameter of the crosschain actions. */
export interface CrosschainParameter {
  crosschain: CrosschainDeployment;
}

const HOME_ADDRESSES = [
  "token",
  "messageBridge",
  "tokenBridge",
  "rateSender",
  "rateFeed",
  "stakeReceiver",
] as const;
const REMOTE_ADDRESSES = [
  "messageBridge",
  "tokenBridge",
  "bridgedToken",
  "rateReceiver",
  "depositPool",
  "weth",
] as const;

/**
 * Checks a crosschain deployment read from JSON and returns it typed. Throws
 * `InvalidArgumentError` naming the first field that is missing or malformed, and `source` (a
 * file name, a URL) so the reader knows where.
 */
export function parseCrosschainDeployment(
  value: unknown,
  source = "the crosschain deployment",
): CrosschainDeployment {
  const fail = (what: string): never => {
    throw new InvalidArgumentError("crosschain", `${source}: ${what}.`, { docsPath: "crosschain" });
  };
  if (typeof value !== "object" || value === null) fail("not a JSON object");
  const sides = value as Record<string, unknown>;
  const check = (side: "home" | "remote", keys: readonly string[]) => {
    const s = sides[side] as Record<string, unknown> | undefined;
    if (typeof s !== "object" || s === null) return fail(`no "${side}" side`);
    if (!Number.isSafeInteger(s.chainId) || (s.chainId as number) <= 0)
      fail(`${side}.chainId is not a chain id`);
    for (const key of keys) {
      if (typeof s[key] !== "string" || !isAddress(s[key] as string))
        fail(`${side}.${key} is not an address`);
    }
    if (typeof s.startBlock !== "string" || !/^\d+$/.test(s.startBlock))
      fail(`${side}.startBlock is not a block number`);
    if (s.rpcUrl !== undefined && typeof s.rpcUrl !== "string") fail(`${side}.rpcUrl is not a URL`);
    if (
      s.governanceRelay !== undefined &&
      (typeof s.governanceRelay !== "string" || !isAddress(s.governanceRelay))
    ) {
      fail(`${side}.governanceRelay is not an address`);
    }
  };
  check("home", HOME_ADDRESSES);
  check("remote", REMOTE_ADDRESSES);
  const deployment = value as CrosschainDeployment;
  if (deployment.home.chainId === deployment.remote.chainId) {
    fail(`both sides are on chain ${deployment.home.chainId}`);
  }
  return deployment;
}

/** Which side of `crosschain` chain `chainId` is; `InvalidArgumentError` when it is neither. */
export function crosschainSide(
  crosschain: CrosschainDeployment,
  chainId: number | undefined,
): "home" | "remote" {
  if (chainId === crosschain.home.chainId) return "home";
  if (chainId === crosschain.remote.chainId) return "remote";
  throw new InvalidArgumentError(
    "crosschain",
    `The client is on chain ${chainId ?? "(none named)"}, which is neither side of the crosschain deployment (Ethereum: chain ${crosschain.home.chainId}, remote: chain ${crosschain.remote.chainId}).`,
    { docsPath: "crosschain" },
  );
}
