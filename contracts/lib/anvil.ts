import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createPublicClient, http } from "viem";

const require = createRequire(import.meta.url);

/**
 * The anvil binary shipped by the @foundry-rs/anvil npm package: the platform package's native
 * binary when it resolves (one process, which signals reach directly), else the package's launcher.
 */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  try {
    const native = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
    return join(dirname(native), "bin", "anvil");
  } catch {
    const pkg = require.resolve("@foundry-rs/anvil/package.json");
    return join(dirname(pkg), "..", "..", ".bin", "anvil");
  }
}

export interface AnvilNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts anvil on `port` and resolves once it answers JSON-RPC. */
export async function startAnvil(port: number, extraArgs: string[] = []): Promise<AnvilNode> {
  const child = spawn(anvilBinary(), ["--port", String(port), "--host", "127.0.0.1", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`anvil exited with code ${code}: ${output.trim()}`))),
  );
  const ready = (async () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await client.getChainId();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`anvil did not answer on ${url} within 10 s: ${output.trim()}`);
  })();
  await Promise.race([ready, exited]);
  // An anvil that could not bind the port exits at once, while another node on that port may
  // have answered the probe: still running a moment later means the answers were its own.
  await Promise.race([new Promise((resolve) => setTimeout(resolve, 150)), exited]);
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
