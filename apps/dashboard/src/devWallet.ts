/**
 * The built-in development wallet: the local chain's public development accounts, signed in the
 * page with their well-known keys (the mnemonic every local node prints). It exists only for chain
 * 31337; `config.ts` never offers it elsewhere, and `connect` refuses any other chain.
 *
 * Accounts 5 to 8 of the mnemonic: the local network's deployer, guardians, committee, depositor,
 * oracle members, operators and sample stakers use others, so a person here never races a daemon
 * for a nonce.
 */
import type { Address, Chain, LocalAccount } from "viem";
import { createWalletClient, http, numberToHex } from "viem";
import { createConnector } from "wagmi";
import { LOCAL_CHAIN_ID } from "./config.js";

const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNT_INDEXES = [5, 6, 7, 8] as const;

let accounts: Promise<LocalAccount[]> | undefined;
/** The development accounts, derived once (the derivation code loads only when asked). */
function devAccounts(): Promise<LocalAccount[]> {
  accounts ??= import("viem/accounts").then(({ mnemonicToAccount }) =>
    DEV_ACCOUNT_INDEXES.map((addressIndex) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex })),
  );
  return accounts;
}

export function devWallet(rpcUrl: string) {
  let selected = 0;
  let connected = false;
  return createConnector((config) => {
    const chain = config.chains.find((c) => c.id === LOCAL_CHAIN_ID) as Chain | undefined;
    const account = async () => (await devAccounts())[selected] as LocalAccount;
    return {
      id: "tributary-dev-wallet",
      name: "Development wallet",
      type: "devWallet",
      async connect(parameters) {
        if (!chain) throw new Error("the development wallet exists only on the local chain (31337)");
        if (parameters?.chainId !== undefined && parameters.chainId !== LOCAL_CHAIN_ID) {
          throw new Error("the development wallet exists only on the local chain (31337)");
        }
        connected = true;
        const address = (await account()).address;
        return {
          accounts: (parameters?.withCapabilities ? [{ address, capabilities: {} }] : [address]) as never,
          chainId: LOCAL_CHAIN_ID,
        };
      },
      async disconnect() {
        connected = false;
      },
      async getAccounts() {
        return connected ? [(await account()).address] : [];
      },
      async getChainId() {
        return LOCAL_CHAIN_ID;
      },
      async getClient() {
        if (!chain) throw new Error("the development wallet exists only on the local chain (31337)");
        return createWalletClient({ account: await account(), chain, transport: http(rpcUrl) });
      },
      async getProvider() {
        return {
          request: async ({ method, params }: { method: string; params?: unknown[] }) => {
            if (method === "eth_chainId") return numberToHex(LOCAL_CHAIN_ID);
            if (method === "eth_accounts" || method === "eth_requestAccounts") {
              return [(await account()).address];
            }
            const response = await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params ?? [] }),
            });
            const body = (await response.json()) as { result?: unknown; error?: { message: string } };
            if (body.error) throw new Error(body.error.message);
            return body.result;
          },
        };
      },
      async isAuthorized() {
        return connected;
      },
      onAccountsChanged() {},
      onChainChanged() {},
      onDisconnect() {
        connected = false;
      },
      /** Another development account, by its position in DEV_ACCOUNT_INDEXES. */
      async useAccount(position: number): Promise<Address> {
        selected = Math.max(0, Math.min(DEV_ACCOUNT_INDEXES.length - 1, position));
        const address = (await account()).address;
        config.emitter.emit("change", { accounts: [address] });
        return address;
      },
    };
  });
}
