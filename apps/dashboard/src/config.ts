/**
 * Where the app finds the chain and the analytics API. Read at run time from `config.json` beside
 * the page (so one build serves any network), else from the build's `VITE_*` variables.
 */
import type { Deployment } from "@tributary/sdk";

export interface DashboardConfig {
  chainId: number;
  rpcUrl: string;
  apiUrl: string;
  /** The protocol's addresses; for a chain the SDK knows, its own copy serves when absent. */
  deployment?: Deployment | undefined;
  /** Offer the built-in development wallet (public development keys). Honoured on chain 31337 only. */
  devWallet?: boolean | undefined;
  /** Oracle members' HTTP servers, tried in turn for an operator's commission proof. */
  oracleUrls?: string[] | undefined;
  /**
   * trETH's bridge to a remote chain (the SDK's `CrosschainDeployment`, with the remote `rpcUrl`):
   * the portfolio shows both chains. Checked where it is used (the portfolio names what is wrong),
   * so the other pages carry no code for it.
   */
  crosschain?: unknown;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const LOCAL_CHAIN_ID = 31337;

export async function loadConfig(): Promise<DashboardConfig> {
  let fromFile: Partial<DashboardConfig> = {};
  // A server may write the configuration into the page (as `npm start`'s does); else config.json.
  const inline = document.getElementById("tributary-config")?.textContent;
  if (inline) fromFile = JSON.parse(inline) as Partial<DashboardConfig>;
  else
    try {
      const response = await fetch("./config.json", { cache: "no-store" });
      if (response.ok) fromFile = (await response.json()) as Partial<DashboardConfig>;
    } catch {
      // No config.json: the build's variables.
    }
  const env = import.meta.env;
  const config = {
    chainId: fromFile.chainId ?? Number(env.VITE_CHAIN_ID),
    rpcUrl: fromFile.rpcUrl ?? env.VITE_RPC_URL,
    apiUrl: fromFile.apiUrl ?? env.VITE_API_URL,
    deployment: fromFile.deployment,
    devWallet: fromFile.devWallet ?? env.VITE_DEV_WALLET === "true",
    oracleUrls:
      fromFile.oracleUrls ?? (env.VITE_ORACLE_URLS ? String(env.VITE_ORACLE_URLS).split(",") : undefined),
    crosschain: fromFile.crosschain,
  };
  if (!Number.isInteger(config.chainId) || config.chainId <= 0) {
    throw new ConfigError("no chain configured: config.json needs chainId (or build with VITE_CHAIN_ID)");
  }
  if (typeof config.rpcUrl !== "string" || !/^https?:\/\//.test(config.rpcUrl)) {
    throw new ConfigError("no RPC URL configured: config.json needs rpcUrl (or build with VITE_RPC_URL)");
  }
  if (typeof config.apiUrl !== "string" || !/^https?:\/\//.test(config.apiUrl)) {
    throw new ConfigError("no API URL configured: config.json needs apiUrl (or build with VITE_API_URL)");
  }
  if (
    config.oracleUrls !== undefined &&
    (!Array.isArray(config.oracleUrls) || !config.oracleUrls.every((u) => /^https?:\/\//.test(String(u))))
  ) {
    throw new ConfigError("oracleUrls must be a list of http(s) URLs (VITE_ORACLE_URLS: comma-separated)");
  }
  return { ...config, devWallet: config.devWallet && config.chainId === LOCAL_CHAIN_ID };
}
