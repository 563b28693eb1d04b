import { createServer } from "node:net";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  type Hash,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { startAnvil } from "./anvil.js";
import { type Deployment, type DeployOptions, deployProtocol } from "./deploy.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount } from "./devkeys.js";

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalProtocol {
  url: string;
  deployment: Deployment;
  publicClient: PublicClient;
  wallet(index: number): WalletClient<Transport, Chain | undefined, Account>;
  /** Waits for a transaction and fails if it reverted. */
  gasOf(hash: Hash): Promise<bigint>;
  address(index: number): Address;
  stop(): Promise<void>;
}

/**
 * Starts a fresh anvil node (every transaction in its own block) and deploys the protocol on it,
 * with the development admin: the deployer also proposes and executes on the timelock (no delay).
 */
export async function startLocalProtocol(
  options: { dailyStakeCap?: bigint; oracle?: DeployOptions["oracle"] } = {},
): Promise<LocalProtocol> {
  // Opcode traces (REPORT_TRACE=ops) need anvil to record steps.
  const steps = process.env.REPORT_TRACE === "ops" ? ["--steps-tracing"] : [];
  const node = await startAnvil(await freePort(), ["--mnemonic", DEV_MNEMONIC, "--silent", ...steps]);
  const publicClient = createPublicClient({ transport: http(node.url) });
  const wallet = (index: number) =>
    createWalletClient({ account: devAccount(index), transport: http(node.url) });
  try {
    const deployment = await deployProtocol({
      wallet: wallet(DEV_ROLES.deployer),
      publicClient,
      guardians: DEV_ROLES.guardians.map((i) => devAccount(i).address),
      guardianQuorum: 2,
      timelockDelay: 0n,
      devAdmin: true,
      emergencyCommittee: devAccount(DEV_ROLES.emergencyCommittee).address,
      dailyStakeCap: options.dailyStakeCap,
      oracle: options.oracle,
    });
    return {
      url: node.url,
      deployment,
      publicClient,
      wallet,
      address: (index) => devAccount(index).address,
      async gasOf(hash) {
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
        return receipt.gasUsed;
      },
      stop: () => node.stop(),
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
