import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ANVIL = fileURLToPath(new URL("../../../../node_modules/.bin/anvil", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type Anvil = { url: string; stop(): Promise<void> };

/**
 * Genesis timestamp of test EVM chains: a fixed genesis block hash makes the beacon chain anchored on it (its
 * RANDAO mixes, hence committees and proposers) the same on every run.
 */
export const ANVIL_GENESIS_TIMESTAMP = 1_700_000_000;

/** Spawns anvil on a free port and waits until it answers JSON-RPC. */
export async function startAnvil(extraArgs: string[] = []): Promise<Anvil> {
  const port = await freePort();
  const args = [
    "--port",
    String(port),
    "--silent",
    "--timestamp",
    String(ANVIL_GENESIS_TIMESTAMP),
    ...extraArgs,
  ];
  const child: ChildProcess = spawn(ANVIL, args, {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) break;
    } catch {
      if (attempt > 200 || child.exitCode !== null) throw new Error(`anvil did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
