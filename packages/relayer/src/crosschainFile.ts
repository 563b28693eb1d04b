import { readFileSync } from "node:fs";
import { type Address, isAddress } from "viem";

/** The crosschain deployment: both sides' contracts (written by the devnet's `--with-l2`). */
export interface CrosschainDeployment {
  home: {
    chainId: number;
    messageBridge: Address;
    tokenBridge: Address;
    rateSender: Address;
    rateFeed: Address;
    stakeReceiver: Address;
    startBlock: string;
  };
  remote: {
    chainId: number;
    messageBridge: Address;
    tokenBridge: Address;
    bridgedToken: Address;
    rateReceiver: Address;
    depositPool: Address;
    weth: Address;
    startBlock: string;
  };
}

/** Reads and checks a crosschain deployment file, naming what is wrong. */
export function loadCrosschainDeployment(file: string): CrosschainDeployment {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`the crosschain deployment ${file} cannot be read: ${(error as Error).message}`);
  }
  const d = parsed as CrosschainDeployment;
  const check = (side: "home" | "remote", keys: string[]) => {
    const s = (d as unknown as Record<string, Record<string, unknown>>)[side];
    if (typeof s !== "object" || s === null) throw new Error(`${file}: no "${side}" side`);
    if (!Number.isSafeInteger(s.chainId)) throw new Error(`${file}: ${side}.chainId is not a chain id`);
    for (const k of keys) {
      if (typeof s[k] !== "string" || !isAddress(s[k] as string))
        throw new Error(`${file}: ${side}.${k} is not an address`);
    }
    if (typeof s.startBlock !== "string" || !/^\d+$/.test(s.startBlock))
      throw new Error(`${file}: ${side}.startBlock is not a block number`);
  };
  check("home", ["messageBridge", "tokenBridge", "rateSender", "rateFeed", "stakeReceiver"]);
  check("remote", ["messageBridge", "tokenBridge", "bridgedToken", "rateReceiver", "depositPool", "weth"]);
  return d;
}
