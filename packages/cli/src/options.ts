/** Options every command takes (resolved by the parser: flag, then environment, then default). */
export interface GlobalOptions {
  /** JSON-RPC endpoint. */
  rpcUrl: string;
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
