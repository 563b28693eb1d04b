/** The wagmi configuration for the configured chain: injected wallets found by EIP-6963, and the development wallet on the local chain. */
import { defineChain } from "viem";
import { createConfig, http } from "wagmi";
import { type DashboardConfig, LOCAL_CHAIN_ID } from "./config.js";
import { devWallet } from "./devWallet.js";

export function chainOf(config: DashboardConfig) {
  return defineChain({
    id: config.chainId,
    name: config.chainId === LOCAL_CHAIN_ID ? "Local network" : `Chain ${config.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function createWagmiConfig(config: DashboardConfig) {
  const chain = chainOf(config);
  return createConfig({
    chains: [chain],
    transports: { [chain.id]: http(config.rpcUrl) },
    connectors: config.devWallet ? [devWallet(config.rpcUrl)] : [],
    // Injected wallets announce themselves (EIP-6963); each becomes a connector.
    multiInjectedProviderDiscovery: true,
    ssr: false,
  });
}
