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

export interface TerminalResult {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr together, as on a screen; lines end in \r\n). */
  screen: string;
}

/** A CSI control sequence: ESC [ parameters letter. */
const CONTROL_SEQUENCE = new RegExp(`${"\u001b"}\\[[0-9;]*[A-Za-z]`, "g");
/** A screen's text without the terminal's control sequences (readline moves the cursor around an answer). */
export const plainText = (screen: string) => screen.replace(CONTROL_SEQUENCE, "");

/** How long a run on the terminal may take before it is ended as stuck (a question nobody answers). */
const TERMINAL_LIMIT_MS = 60_000;

/** Single-quotes a word for /bin/sh. */
const shellWord = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * Runs the binary on a pseudo-terminal, with util-linux `script` (stdin, stdout and stderr are the
 * terminal), typing `answer` and Enter once the screen (without control sequences) shows `prompt`.
 * `script -e` ends with the binary's exit code. A run still going after a minute is ended and fails.
 */
export function runCliInTerminal(
  args: string[],
  { prompt, answer, env = {} }: { prompt?: RegExp; answer?: string; env?: Record<string, string> } = {},
): Promise<TerminalResult> {
  const command = [process.execPath, BIN, ...args].map(shellWord).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "", SHELL: "/bin/sh", TERM: "xterm", ...env },
    });
    let screen = "";
    let answered = false;
    const stuck = setTimeout(() => {
      child.kill();
      reject(new Error(`still running after ${TERMINAL_LIMIT_MS} ms; the screen:\n${screen}`));
    }, TERMINAL_LIMIT_MS);
    const onOutput = (chunk: Buffer) => {
      screen += chunk.toString();
      if (prompt && answer !== undefined && !answered && prompt.test(plainText(screen))) {
        answered = true;
        child.stdin.write(`${answer}\r`);
      }
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(stuck);
      child.stdin.destroy();
      resolve({ code, screen });
    });
  });
}
