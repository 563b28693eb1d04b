/** Options every command takes (resolved by the parser: flag, then environment, then default). */
export interface GlobalOptions {
  /** JSON-RPC endpoint (default: the remote chain's from the crosschain deployment when --chain names it, else the local node). */
  rpcUrl?: string | undefined;
  /** The crosschain deployment file (default: the repository's deployments/crosschain.json, if any). */
  crosschain?: string | undefined;
  /** Expected chain id, as typed. */
  chain?: string | undefined;
  /** Deployment file (default: the repository's deployments/<chainId>.json). */
  deployment?: string | undefined;
  /** Web3 Secret Storage (v3) keystore file. */
  keystore?: string | undefined;
  /** Index of a public development account, as typed (development chains only). */
  devAccount?: string | undefined;
  json: boolean;
  yes: boolean;
}
