/**
 * A Morpho Blue market for trETH: trETH as collateral, WETH as the loan, priced by the token's own
 * rate (`TrETHMorphoOracle`), a fixed borrow rate (`FixedRateIrm`) and an LLTV suited to an LST.
 * Morpho Blue itself is compiled from its npm source unchanged (see contracts/hardhat.config.ts);
 * where it exists already, its address is given and only the oracle (and the IRM, unless given)
 * are deployed: the IRM and the LLTV must then be enabled by Morpho's owner.
 */
import { fixedRateIrmAbi, morphoAbi, morphoOracleAbi, wethAbi } from "@tributary/sdk/abis";
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  maxUint256,
  type PublicClient,
} from "viem";
import { loadArtifact } from "../../../contracts/lib/artifacts.js";
import { confirm, sendAndConfirm, type Wallet } from "./uniswap.js";

export interface MorphoMarket {
  morpho: Address;
  oracle: Address;
  irm: Address;
  /** Liquidation LTV, 1e18 scale. */
  lltv: string;
  /** Morpho's market id: keccak256 of the market's parameters. */
  marketId: Hex;
  loanToken: Address;
  collateralToken: Address;
}

/** 94.5%: Morpho's tier for ETH-correlated collateral, as its wstETH/WETH markets use. */
export const DEFAULT_LLTV = 945_000_000_000_000_000n;
/** 2% a year, per second, rounded down. */
export const DEFAULT_RATE_PER_SECOND = 20_000_000_000_000_000n / 31_536_000n;

export const marketParamsOf = (
  m: Pick<MorphoMarket, "loanToken" | "collateralToken" | "oracle" | "irm" | "lltv">,
) => ({
  loanToken: m.loanToken,
  collateralToken: m.collateralToken,
  oracle: m.oracle,
  irm: m.irm,
  lltv: BigInt(m.lltv),
});

export function marketIdOf(params: ReturnType<typeof marketParamsOf>): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "address" },
        { type: "address" },
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
      ],
      [params.loanToken, params.collateralToken, params.oracle, params.irm, params.lltv],
    ),
  );
}

export async function deployMorphoMarket(
  wallet: Wallet,
  client: PublicClient,
  options: {
    token: Address;
    weth: Address;
    existing?: { morpho?: Address | undefined; irm?: Address | undefined } | undefined;
    lltv?: bigint | undefined;
    ratePerSecond?: bigint | undefined;
    /** A first lender (development chains): WETH wrapped from this much ETH and supplied. */
    lender?: { wallet: Wallet; eth: bigint } | undefined;
  },
): Promise<MorphoMarket> {
  const deploy = async (
    name: "Morpho" | "TrETHMorphoOracle" | "FixedRateIrm",
    abi: Abi,
    args: readonly unknown[],
  ) => {
    const { bytecode } = loadArtifact(name);
    const hash = await wallet.deployContract({
      abi,
      bytecode,
      args,
      chain: wallet.chain,
      account: wallet.account,
    });
    return (await confirm(client, hash, `deploying ${name}`)).contractAddress as Address;
  };
  const send = (
    w: Wallet,
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ) => sendAndConfirm(w, client, address, abi, functionName, args, value);
  const existing = options.existing ?? {};
  for (const [name, address] of Object.entries(existing)) {
    if (address && !(await client.getCode({ address })))
      throw new Error(`--${name} ${address}: no contract there`);
  }
  const lltv = options.lltv ?? DEFAULT_LLTV;
  const morpho = existing.morpho ?? (await deploy("Morpho", morphoAbi, [wallet.account.address]));
  const oracle = await deploy("TrETHMorphoOracle", morphoOracleAbi, [options.token]);
  const irm =
    existing.irm ??
    (await deploy("FixedRateIrm", fixedRateIrmAbi, [options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND]));
  const enabled = async (fn: "isIrmEnabled" | "isLltvEnabled", arg: Address | bigint) =>
    client.readContract({
      address: morpho,
      abi: morphoAbi,
      functionName: fn,
      args: [arg as never],
    }) as Promise<boolean>;
  if (!(await enabled("isIrmEnabled", irm))) {
    if (existing.morpho) throw new Error(`Morpho ${morpho} has not enabled the IRM ${irm}: its owner must`);
    await send(wallet, morpho, morphoAbi, "enableIrm", [irm]);
  }
  if (!(await enabled("isLltvEnabled", lltv))) {
    if (existing.morpho) throw new Error(`Morpho ${morpho} has not enabled the LLTV ${lltv}: its owner must`);
    await send(wallet, morpho, morphoAbi, "enableLltv", [lltv]);
  }
  const market = {
    morpho,
    oracle,
    irm,
    lltv: lltv.toString(),
    loanToken: options.weth,
    collateralToken: options.token,
    marketId: "0x" as Hex,
  };
  const params = marketParamsOf(market);
  market.marketId = marketIdOf(params);
  await send(wallet, morpho, morphoAbi, "createMarket", [params]);
  if (options.lender) {
    const { wallet: lender, eth } = options.lender;
    await send(lender, options.weth, wethAbi, "deposit", [], eth);
    await send(lender, options.weth, wethAbi, "approve", [morpho, maxUint256]);
    await send(lender, morpho, morphoAbi, "supply", [params, eth, 0n, lender.account.address, "0x"]);
  }
  return market;
}
