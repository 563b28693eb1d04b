/**
 * Child processes of the devnet: each one's output goes to its own log file, and `stopAll` ends
 * every one (SIGTERM, then SIGKILL after a grace period), in the reverse order of their start.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Grace period between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 5_000;

export interface Managed {
  name: string;
  logFile: string;
  child: ChildProcess;
  /** Resolves when the process has exited (at once if it already has). */
  exited: Promise<number | null>;
}

export class Supervisor {
  private readonly processes: Managed[] = [];
  private stopping = false;

  constructor(
    private readonly logDir: string,
    /** Called when a process exits while the devnet is not stopping. */
    private readonly onUnexpectedExit: (process: Managed, code: number | null) => void,
  ) {
    mkdirSync(logDir, { recursive: true });
    // Whatever ends this process (a crash, a closed terminal), the children end with it.
    process.once("exit", () => {
      for (const managed of this.processes) {
        if (managed.child.exitCode === null && managed.child.signalCode === null)
          managed.child.kill("SIGKILL");
      }
    });
  }

  /** Runs a TypeScript entry point of the repository under Node with tsx, its output to `<name>.log`. */
  startScript(name: string, script: string, args: string[], env: Record<string, string> = {}): Managed {
    return this.start(name, process.execPath, ["--import", "tsx", join(REPO_ROOT, script), ...args], env);
  }

  start(name: string, command: string, args: string[], env: Record<string, string> = {}): Managed {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => {
        log.end();
        if (!this.stopping) this.onUnexpectedExit(managed, code);
        resolve(code);
      });
      child.once("error", () => resolve(null));
    });
    const managed: Managed = { name, logFile, child, exited };
    this.processes.push(managed);
    return managed;
  }

  list(): readonly Managed[] {
    return this.processes;
  }

  /** Stops one process (SIGTERM, then SIGKILL), e.g. to restart it. */
  async stop(managed: Managed, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
    managed.child.kill(signal);
    const timer = setTimeout(() => managed.child.kill("SIGKILL"), STOP_GRACE_MS);
    await managed.exited;
    clearTimeout(timer);
  }

  /** Stops every process, the last started first. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const managed of [...this.processes].reverse()) await this.stop(managed);
  }
}
