/**
 * `npm start`'s network in fast mode, for the browser tests and the benchmark: spawned from the
 * devnet CLI on free ports with its own data directory; resolves once the dashboard serves its
 * `config.json`. `stop()` ends it with SIGINT (SIGKILL after 15 s) and removes the data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CrosschainDeployment } from "@tributary/sdk";
import { freePort } from "../../../contracts/lib/bench.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface TestDevnet {
  dashboard: string;
  rpcUrl: string;
  apiUrl: string;
  config: { deployment: { contracts: Record<string, `0x${string}`> }; crosschain?: CrosschainDeployment };
  /** Everything the devnet printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** With `withL2`, the remote chain too (`--with-l2`): bridged trETH, the relayer committee. */
export async function startDevnet(
  timeoutMs = 180_000,
  options: { withL2?: boolean } = {},
): Promise<TestDevnet> {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-dashboard-"));
  const rpcPort = await freePort();
  let output = "";
  const devnet: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "packages", "devnet", "src", "cli.ts"),
      "--fast",
      "--port",
      String(rpcPort),
      "--beacon-port",
      String(await freePort()),
      "--daemon-port-base",
      String(20_000 + Math.floor(Math.random() * 20_000)),
      "--genesis-delay",
      "20",
      "--data-dir",
      dataDir,
      ...(options.withL2 ? ["--with-l2", "--l2-port", String(await freePort())] : []),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  devnet.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  devnet.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (devnet.exitCode === null) {
      const exited = new Promise((resolve) => devnet.once("exit", resolve));
      devnet.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (devnet.exitCode === null) devnet.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + timeoutMs;
    while (!/dashboard: (http\S+)/.test(output)) {
      if (devnet.exitCode !== null) throw new Error(`the devnet exited:\n${output.slice(-3_000)}`);
      if (Date.now() > deadline)
        throw new Error(`no dashboard within ${timeoutMs / 1000} s:\n${output.slice(-3_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const dashboard = (/dashboard: (http\S+)/.exec(output) as RegExpExecArray)[1] as string;
    const apiUrl = (/analytics API: (http\S+)\/v1\/stats/.exec(output) as RegExpExecArray)[1] as string;
    // The server builds the app first when its build is stale: wait for it to answer.
    let response: Response | undefined;
    while (!response?.ok) {
      if (Date.now() > deadline)
        throw new Error(`the dashboard did not answer in time:\n${output.slice(-3_000)}`);
      response = await fetch(`${dashboard}config.json`).catch(() => undefined);
      if (!response?.ok) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const config = (await response.json()) as TestDevnet["config"];
    return { dashboard, rpcUrl: `http://127.0.0.1:${rpcPort}`, apiUrl, config, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
