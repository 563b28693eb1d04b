/**
 * Runs the real binary (`node bin/tributary.js`) as a child process against a local chain with the
 * real deployment, written to a temporary file passed with --deployment.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestProtocol, type TestProtocol } from "../../sdk/test/harness.js";

const BIN = fileURLToPath(new URL("../bin/tributary.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliChain extends TestProtocol {
  deploymentFile: string;
  dir: string;
  /** Runs `tributary --rpc-url <chain> --deployment <file> ...args`. */
  cli(args: string[], options?: { env?: Record<string, string> }): Promise<CliResult>;
}

/** Runs the binary with `args` and no terminal (stdin closed, output piped). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      // A clean environment: no account or endpoint leaks in from the shell running the tests.
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export async function startCliChain(options: { dailyStakeCap?: bigint } = {}): Promise<CliChain> {
  const protocol = await startTestProtocol(options);
  const dir = mkdtempSync(join(tmpdir(), "tributary-cli-"));
  const deploymentFile = join(dir, `${protocol.deployment.chainId}.json`);
  writeFileSync(deploymentFile, JSON.stringify(protocol.deployment, null, 2));
  return {
    ...protocol,
    deploymentFile,
    dir,
    cli: (args, { env = {} } = {}) =>
      runCli(["--rpc-url", protocol.local.url, "--deployment", deploymentFile, ...args], env),
  };
}

/** The JSON a --json command printed: stdout must be exactly one JSON document. */
export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** Describes a run for assertion messages. */
export function show(result: CliResult): string {
  return `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}
