/**
 * trETH's integrations on one chain, through one path for a local network and a public one: the
 * rate feed, then Uniswap v3 (each of its contracts deployed unless its address is given) and the
 * trETH/WETH pool initialized at the token's rate, then, on request, a liquidity provider's
 * position around the rate. The result is the deployment's `defi` section.
 */

import type { Deployment, DeploymentDefi } from "@tributary/sdk";
import { rateFeedAbi } from "@tributary/sdk/abis";
import type { Address, PublicClient } from "viem";
import { loadArtifact } from "../../../contracts/lib/artifacts.js";
import { deployMorphoMarket } from "./morpho.js";
import {
  addLiquidityAroundRate,
  confirm,
  createTrETHPool,
  deployUniswap,
  type UniswapContracts,
  type Wallet,
} from "./uniswap.js";

export interface DeployDefiOptions {
  wallet: Wallet;
  publicClient: PublicClient;
  deployment: Deployment;
  /** Contracts that exist on the chain already: used, not deployed. */
  existing?: { rateFeed?: Address | undefined; uniswap?: Partial<UniswapContracts> | undefined };
  /** The pool's fee tier (default 100: 0.01%, the tier of ETH/LST pools). */
  fee?: number | undefined;
  /**
   * The Morpho Blue market (trETH collateral, WETH loan): Morpho and the IRM at given addresses or
   * deployed, the LLTV (default 94.5%), and a first lender on development chains.
   */
  morpho?:
    | {
        morpho?: Address | undefined;
        irm?: Address | undefined;
        lltv?: bigint | undefined;
        lender?: { wallet: Wallet; eth: bigint } | undefined;
      }
    | undefined;
  /** A first liquidity position around the rate, from this wallet with this much ETH on each side. */
  liquidity?: { wallet: Wallet; eth: bigint; widthBps?: number } | undefined;
  log?: ((line: string) => void) | undefined;
}

export async function deployDefi(options: DeployDefiOptions): Promise<DeploymentDefi> {
  const { wallet, publicClient: client, deployment } = options;
  const log = options.log ?? (() => {});
  const { token, weth, hashConsensus } = deployment.contracts;
  let rateFeed = options.existing?.rateFeed;
  if (rateFeed) {
    if (!(await client.getCode({ address: rateFeed })))
      throw new Error(`--rate-feed ${rateFeed}: no contract there`);
  } else {
    const { bytecode } = loadArtifact("TrETHRateFeed");
    const hash = await wallet.deployContract({
      abi: rateFeedAbi,
      bytecode,
      args: [token, hashConsensus],
      chain: wallet.chain,
      account: wallet.account,
    });
    rateFeed = (await confirm(client, hash, "deploying TrETHRateFeed")).contractAddress as Address;
  }
  log(`rate feed          ${rateFeed}`);
  const contracts = await deployUniswap(wallet, client, weth, options.existing?.uniswap);
  const pool = await createTrETHPool(wallet, client, { contracts, token, weth, fee: options.fee });
  log(`uniswap v3 factory ${pool.factory}`);
  log(`trETH/WETH pool    ${pool.pool} (fee ${pool.fee / 10_000}%)`);
  if (options.liquidity) {
    const { tickLower, tickUpper } = await addLiquidityAroundRate(options.liquidity.wallet, client, {
      pool,
      token,
      weth,
      eth: options.liquidity.eth,
      widthBps: options.liquidity.widthBps,
    });
    log(
      `liquidity          ticks ${tickLower} to ${tickUpper} from ${options.liquidity.wallet.account.address}`,
    );
  }
  let morpho: DeploymentDefi["morpho"];
  if (options.morpho) {
    morpho = await deployMorphoMarket(wallet, client, {
      token,
      weth,
      existing: { morpho: options.morpho.morpho, irm: options.morpho.irm },
      lltv: options.morpho.lltv,
      lender: options.morpho.lender,
    });
    log(
      `morpho blue        ${morpho.morpho}, market ${morpho.marketId} (LLTV ${Number(morpho.lltv) / 1e16}%)`,
    );
  }
  return { rateFeed, uniswap: pool, ...(morpho ? { morpho } : {}) };
}
