import { useQuery } from "@tanstack/react-query";
import { getPosition } from "@tributary/sdk";
import { type Client, createClient } from "viem";
import { http, useConnection, useConnectorClient, usePublicClient } from "wagmi";
import { apiGet } from "./api.js";
import { useApp } from "./context.js";

/** A route of the analytics API, read again every 12 s while shown. */
export function useApi<T>(path: string | undefined) {
  const { config } = useApp();
  return useQuery({
    queryKey: ["api", config.apiUrl, path],
    queryFn: ({ signal }) => apiGet<T>(config.apiUrl, path as string, signal),
    enabled: path !== undefined,
    refetchInterval: 12_000,
  });
}

/** The connected account, its wallet client (for writes) and the chain's public client (for reads). */
export function useAccount() {
  const connection = useConnection();
  const address = connection.status === "connected" ? connection.address : undefined;
  const { data: wallet } = useConnectorClient();
  const client = usePublicClient();
  return { address, wallet, client };
}

/** The account's trETH, its ETH value, votes, delegate and tickets (the SDK's getPosition). */
export function usePosition(address: `0x${string}` | undefined) {
  const { deployment } = useApp();
  const client = usePublicClient();
  return useQuery({
    queryKey: ["position", address],
    queryFn: () => getPosition(client as never, { deployment, address: address as `0x${string}` }),
    enabled: !!client && !!address,
  });
}

/** A client on another chain (trETH's remote chain) for the SDK's reads, on the app's own transport code. */
export function remoteClient(rpcUrl: string): Client {
  return createClient({ transport: http(rpcUrl) });
}
