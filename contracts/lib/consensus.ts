import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ConsensusNode {
  url: string;
  logFile: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the embedded consensus layer (packages/consensus) against an EVM node and waits until its
 * Beacon API answers. Its logs go to `logFile`.
 */
export async function startConsensus(options: {
  elRpc: string;
  port: number;
  depositContract: string;
  slotTime: number;
  logFile: string;
  extraArgs?: string[];
}): Promise<ConsensusNode> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    [
      join(repoRoot, "packages", "consensus", "src", "cli.ts"),
      "--el-rpc",
      options.elRpc,
      "--port",
      String(options.port),
      "--deposit-contract",
      options.depositContract,
      "--slot-time",
      String(options.slotTime),
      ...(options.extraArgs ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) =>
      reject(new Error(`the consensus layer exited with code ${code}; see ${options.logFile}`)),
    ),
  );
  const ready = (async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      try {
        const response = await fetch(`${url}/eth/v1/node/health`);
        if (response.status === 200 || response.status === 206) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the consensus layer did not answer on ${url} within 60 s; see ${options.logFile}`);
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  return {
    url,
    logFile: options.logFile,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
