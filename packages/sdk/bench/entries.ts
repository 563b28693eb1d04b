/**
 * The entries the size benchmark bundles: what a dapp writes to stake, request a redemption and
 * claim it with each SDK, viem included. Each entry calls what it imports, as a dapp would, so the
 * bundler keeps exactly the code that flow needs.
 */

export interface SizeEntry {
  /** Short key, used in the JSON output. */
  key: string;
  /** One line for the table. */
  label: string;
  /** "tributary" and "lido" are the two sides of the bar; "context" entries are shown for scale. */
  role: "tributary" | "lido" | "context";
  /** The entry module's source (ESM, imports resolve from packages/sdk). */
  source: string;
}

/**
 * Tributary: the SDK's actions take a plain viem `Client` (viem's tree-shakable `createClient`), so a
 * dapp needs no decorated public or wallet client: one client on the injected wallet's provider for
 * the writes, and `waitForTransactionReceipt` to see them included (Lido's actions wait themselves).
 */
const tributary = `
import { createClient, custom, http } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import { claim, requestRedeem, stake } from "@tributary/sdk";

export function connect(provider, account, deployment) {
  const client = createClient({ account, transport: custom(provider) });
  const reader = createClient({ transport: http() });
  const included = (hash) => waitForTransactionReceipt(reader, { hash });
  return {
    stake: async (amount) => included(await stake(client, { amount, deployment })),
    requestRedeem: async (shares) => included(await requestRedeem(client, { shares, deployment })),
    claim: async (requestId) => included(await claim(client, { requestId, deployment })),
  };
}
`;

/**
 * Lido: LidoSDKCore (it builds its own public client from the RPC URLs and needs a wallet client)
 * with the stake and withdraw modules, imported from their sub-paths as the Lido docs show. The
 * withdraw module's request and claim parts hang off one class, so this is also what a dapp that
 * only requests and claims gets.
 */
const lido = `
import { createWalletClient, custom } from "viem";
import { LidoSDKCore } from "@lidofinance/lido-ethereum-sdk/core";
import { LidoSDKStake } from "@lidofinance/lido-ethereum-sdk/stake";
import { LidoSDKWithdraw } from "@lidofinance/lido-ethereum-sdk/withdraw";

export function connect(provider, account, chainId, rpcUrl) {
  const walletClient = createWalletClient({ account, transport: custom(provider) });
  const core = new LidoSDKCore({ chainId, rpcUrls: [rpcUrl], walletClient });
  const staking = new LidoSDKStake({ core });
  const withdraw = new LidoSDKWithdraw({ core });
  return {
    stake: (value) => staking.stakeEth({ value }),
    requestRedeem: (amount) => withdraw.request.requestWithdrawalWithPermit({ amount, token: "stETH" }),
    claim: (requestId) => withdraw.claim.claimRequests({ requestsIds: [requestId] }),
  };
}
`;

const lidoStake = `
import { createWalletClient, custom } from "viem";
import { LidoSDKCore } from "@lidofinance/lido-ethereum-sdk/core";
import { LidoSDKStake } from "@lidofinance/lido-ethereum-sdk/stake";

export function connect(provider, account, chainId, rpcUrl) {
  const walletClient = createWalletClient({ account, transport: custom(provider) });
  const core = new LidoSDKCore({ chainId, rpcUrls: [rpcUrl], walletClient });
  const staking = new LidoSDKStake({ core });
  return { stake: (value) => staking.stakeEth({ value }) };
}
`;

const tributaryRead = `
import { createClient, http } from "viem";
import { getRate } from "@tributary/sdk";

export function rate(url, deployment) {
  return getRate(createClient({ transport: http(url) }), { deployment });
}
`;

/** The same flow as "tributary" on viem's decorated clients, which carry every public and wallet action. */
const tributaryDecorated = `
import { createPublicClient, createWalletClient, custom, http } from "viem";
import { claim, requestRedeem, stake } from "@tributary/sdk";

export function connect(provider, account, deployment) {
  const wallet = createWalletClient({ account, transport: custom(provider) });
  const reader = createPublicClient({ transport: http() });
  const included = (hash) => reader.waitForTransactionReceipt({ hash });
  return {
    stake: async (amount) => included(await stake(wallet, { amount, deployment })),
    requestRedeem: async (shares) => included(await requestRedeem(wallet, { shares, deployment })),
    claim: async (requestId) => included(await claim(wallet, { requestId, deployment })),
  };
}
`;

const viemDecorated = `
import { createPublicClient, createWalletClient, custom, http } from "viem";

export function connect(provider, account) {
  return {
    wallet: createWalletClient({ account, transport: custom(provider) }),
    reader: createPublicClient({ transport: http() }),
  };
}
`;

export const ENTRIES: readonly SizeEntry[] = [
  {
    key: "tributary",
    label: "tributary: stake + requestRedeem + claim",
    role: "tributary",
    source: tributary,
  },
  { key: "lido", label: "lido: core + stake + withdraw (request, claim)", role: "lido", source: lido },
  { key: "lido_stake", label: "lido: core + stake module alone", role: "context", source: lidoStake },
  { key: "tributary_read", label: "tributary read-only (getRate)", role: "context", source: tributaryRead },
  {
    key: "tributary_decorated",
    label: "tributary flow on createPublicClient + createWalletClient",
    role: "context",
    source: tributaryDecorated,
  },
  {
    key: "viem_decorated",
    label: "viem alone: createPublicClient + createWalletClient",
    role: "context",
    source: viemDecorated,
  },
];
