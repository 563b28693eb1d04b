/**
 * Uniswap v3 for trETH: the factory, position manager, swap router and QuoterV2 deployed from the
 * artifacts Uniswap publishes on npm (their bytecode unchanged), or taken at given addresses where
 * they exist already; the trETH/WETH pool created and initialized at the token's rate; and
 * concentrated liquidity around that rate.
 */
import { createRequire } from "node:module";
import {
  positionManagerAbi,
  quoterV2Abi,
  swapRouterAbi,
  trETHAbi,
  uniswapV3FactoryAbi,
  uniswapV3PoolAbi,
  wethAbi,
} from "@tributary/sdk/abis";
import type { Abi, Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from "viem";
import { maxUint256, zeroAddress } from "viem";

const require = createRequire(import.meta.url);
const bytecodeOf = (path: string): Hex => (require(path) as { bytecode: Hex }).bytecode;

export type Wallet = WalletClient<Transport, Chain | undefined, Account>;

export interface UniswapContracts {
  factory: Address;
  positionManager: Address;
  swapRouter: Address;
  quoter: Address;
}

export interface UniswapPool extends UniswapContracts {
  pool: Address;
  /** Fee tier, hundredths of a basis point (100 = 0.01%). */
  fee: number;
}

/** Waits for a transaction and fails, naming it, if it reverted. */
export async function confirm(client: PublicClient, hash: Hash, what: string) {
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${what} reverted (transaction ${hash})`);
  return receipt;
}

/** Sends `functionName` on `address` from `wallet` and waits for it, failing by name if it reverted. */
export async function sendAndConfirm(
  wallet: Wallet,
  client: PublicClient,
  address: Address,
  abi: unknown,
  functionName: string,
  args: readonly unknown[],
  value?: bigint,
) {
  const request = { address, abi, functionName, args, value, account: wallet.account };
  // A margin over the estimate: the estimate is made in the pending block, and a call whose cost
  // depends on the block's time (a Uniswap pool writes an oracle observation once per second) can
  // cost more in the block that includes it.
  const estimate = await client.estimateContractGas(
    request as unknown as Parameters<PublicClient["estimateContractGas"]>[0],
  );
  const hash = await wallet.writeContract({
    ...request,
    gas: (estimate * 5n) / 4n,
    chain: wallet.chain,
  } as unknown as Parameters<Wallet["writeContract"]>[0]);
  return confirm(client, hash, `${functionName} on ${address}`);
}

async function deployFromArtifact(
  wallet: Wallet,
  client: PublicClient,
  name: string,
  abi: Abi,
  path: string,
  args: readonly unknown[],
): Promise<Address> {
  const hash = await wallet.deployContract({
    abi,
    bytecode: bytecodeOf(path),
    args,
    chain: wallet.chain,
    account: wallet.account,
  } as Parameters<Wallet["deployContract"]>[0]);
  const receipt = await confirm(client, hash, `deploying ${name}`);
  if (!receipt.contractAddress) throw new Error(`deploying ${name} created no contract`);
  return receipt.contractAddress;
}

/** Uniswap v3's contracts: each one given is used as is (after checking it has code), the rest deployed. */
export async function deployUniswap(
  wallet: Wallet,
  client: PublicClient,
  weth: Address,
  existing: Partial<UniswapContracts> = {},
): Promise<UniswapContracts> {
  for (const [name, address] of Object.entries(existing)) {
    if (address && !(await client.getCode({ address }))) {
      throw new Error(`--${name} ${address}: no contract there on chain ${await client.getChainId()}`);
    }
  }
  const factory =
    existing.factory ??
    (await deployFromArtifact(
      wallet,
      client,
      "UniswapV3Factory",
      uniswapV3FactoryAbi,
      "@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json",
      [],
    ));
  if (!existing.factory) {
    // The 0.01% tier (tick spacing 1) is not in the factory's constructor: Uniswap's governance
    // enabled it on mainnet afterwards, as its owner does here.
    await confirm(
      client,
      await wallet.writeContract({
        address: factory,
        abi: uniswapV3FactoryAbi,
        functionName: "enableFeeAmount",
        args: [100, 1],
        chain: wallet.chain,
        account: wallet.account,
      }),
      "enabling the 0.01% fee tier",
    );
  }
  const periphery = "@uniswap/v3-periphery/artifacts/contracts";
  const positionManager =
    existing.positionManager ??
    // No token descriptor: positions work; only their NFT image (tokenURI) is not served.
    (await deployFromArtifact(
      wallet,
      client,
      "NonfungiblePositionManager",
      positionManagerAbi,
      `${periphery}/NonfungiblePositionManager.sol/NonfungiblePositionManager.json`,
      [factory, weth, zeroAddress],
    ));
  const swapRouter =
    existing.swapRouter ??
    (await deployFromArtifact(
      wallet,
      client,
      "SwapRouter",
      swapRouterAbi,
      `${periphery}/SwapRouter.sol/SwapRouter.json`,
      [factory, weth],
    ));
  const quoter =
    existing.quoter ??
    (await deployFromArtifact(
      wallet,
      client,
      "QuoterV2",
      quoterV2Abi,
      `${periphery}/lens/QuoterV2.sol/QuoterV2.json`,
      [factory, weth],
    ));
  return { factory, positionManager, swapRouter, quoter };
}

const Q96 = 2n ** 96n;
const WEI = 10n ** 18n;

function sqrt(value: bigint): bigint {
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/** The pool's sqrtPriceX96 for `rate` (wei of ETH per trETH): price is token1 per token0. */
export function sqrtPriceX96(rate: bigint, trETHIsToken0: boolean): bigint {
  return trETHIsToken0 ? sqrt((rate * Q96 * Q96) / WEI) : sqrt((WEI * Q96 * Q96) / rate);
}

/** The tick whose price is closest below `price` (token1 per token0, as a float). */
export function tickOf(price: number): number {
  return Math.floor(Math.log(price) / Math.log(1.0001));
}

/** Creates the trETH/WETH pool (if the factory has none at `fee`) and initializes it at the token's rate. */
export async function createTrETHPool(
  wallet: Wallet,
  client: PublicClient,
  options: { contracts: UniswapContracts; token: Address; weth: Address; fee?: number },
): Promise<UniswapPool> {
  const fee = options.fee ?? 100;
  const { factory, positionManager } = options.contracts;
  const rate = await client.readContract({
    address: options.token,
    abi: trETHAbi,
    functionName: "convertToAssets",
    args: [WEI],
  });
  const trETHIsToken0 = BigInt(options.token) < BigInt(options.weth);
  const [token0, token1] = trETHIsToken0 ? [options.token, options.weth] : [options.weth, options.token];
  const spacing = await client.readContract({
    address: factory,
    abi: uniswapV3FactoryAbi,
    functionName: "feeAmountTickSpacing",
    args: [fee],
  });
  if (spacing === 0)
    throw new Error(`the Uniswap v3 factory ${factory} has no fee tier ${fee} (${fee / 10_000}%)`);
  await confirm(
    client,
    await wallet.writeContract({
      address: positionManager,
      abi: positionManagerAbi,
      functionName: "createAndInitializePoolIfNecessary",
      args: [token0, token1, fee, sqrtPriceX96(rate, trETHIsToken0)],
      chain: wallet.chain,
      account: wallet.account,
    }),
    "creating the trETH/WETH pool",
  );
  const pool = await client.readContract({
    address: factory,
    abi: uniswapV3FactoryAbi,
    functionName: "getPool",
    args: [token0, token1, fee],
  });
  if (pool === zeroAddress)
    throw new Error(`the factory has no trETH/WETH pool at fee ${fee} after creating it`);
  return { ...options.contracts, pool, fee };
}

/**
 * A liquidity provider's position: `eth` wei staked for trETH and as much wrapped to WETH, put in
 * the range of ±`widthBps` around the token's rate (rounded to the pool's tick spacing).
 */
export async function addLiquidityAroundRate(
  wallet: Wallet,
  client: PublicClient,
  options: { pool: UniswapPool; token: Address; weth: Address; eth: bigint; widthBps?: number },
): Promise<{ tokenId: bigint; tickLower: number; tickUpper: number }> {
  const { pool, token, weth, eth } = options;
  const widthBps = options.widthBps ?? 50;
  const owner = wallet.account.address;
  const send = (address: Address, abi: Abi, functionName: string, args: readonly unknown[], value?: bigint) =>
    sendAndConfirm(wallet, client, address, abi, functionName, args, value);
  await send(token, trETHAbi, "stake", [owner], eth);
  await send(weth, wethAbi, "deposit", [], eth);
  await send(token, trETHAbi, "approve", [pool.positionManager, maxUint256]);
  await send(weth, wethAbi, "approve", [pool.positionManager, maxUint256]);
  const [shares, rate, spacing] = await Promise.all([
    client.readContract({ address: token, abi: trETHAbi, functionName: "balanceOf", args: [owner] }),
    client.readContract({ address: token, abi: trETHAbi, functionName: "convertToAssets", args: [WEI] }),
    client.readContract({ address: pool.pool, abi: uniswapV3PoolAbi, functionName: "tickSpacing" }),
  ]);
  const trETHIsToken0 = BigInt(token) < BigInt(weth);
  const price = trETHIsToken0 ? Number(rate) / 1e18 : 1e18 / Number(rate);
  const width = widthBps / 10_000;
  const round = (tick: number, up: boolean) =>
    (up ? Math.ceil(tick / spacing) : Math.floor(tick / spacing)) * spacing;
  const tickLower = round(tickOf(price * (1 - width)), false);
  const tickUpper = round(tickOf(price * (1 + width)), true);
  const [amount0, amount1] = trETHIsToken0 ? [shares, eth] : [eth, shares];
  const { timestamp } = await client.getBlock();
  const receipt = await send(pool.positionManager, positionManagerAbi, "mint", [
    {
      token0: trETHIsToken0 ? token : weth,
      token1: trETHIsToken0 ? weth : token,
      fee: pool.fee,
      tickLower,
      tickUpper,
      amount0Desired: amount0,
      amount1Desired: amount1,
      amount0Min: 0n,
      amount1Min: 0n,
      recipient: owner,
      deadline: timestamp + 3_600n,
    },
  ]);
  // The position's NFT: the Transfer (mint) event of the position manager.
  const mint = receipt.logs.find(
    (log) =>
      log.address.toLowerCase() === pool.positionManager.toLowerCase() &&
      log.topics[0] === "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
  );
  return { tokenId: BigInt(mint?.topics[3] ?? 0), tickLower, tickUpper };
}
