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
  /** Set when the devnet stopped it on purpose (a scenario's fault or a restart). */
  stoppedOnPurpose: boolean;
  /** How it was started, to start it again. */
  spec: { command: string; args: string[]; env: Record<string, string> };
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
    // A restarted process appends to its log, so that a run reads as one story.
    const log = createWriteStream(logFile, { flags: "a" });
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
        if (!this.stopping && !managed.stoppedOnPurpose) this.onUnexpectedExit(managed, code);
        resolve(code);
      });
      child.once("error", () => resolve(null));
    });
    const managed: Managed = {
      name,
      logFile,
      child,
      exited,
      stoppedOnPurpose: false,
      spec: { command, args, env },
    };
    const previous = this.processes.findIndex((p) => p.name === name);
    if (previous >= 0) this.processes[previous] = managed;
    else this.processes.push(managed);
    return managed;
  }

  /** Every process by name (the latest start of each name). */
  list(): readonly Managed[] {
    return this.processes;
  }

  get(name: string): Managed {
    const managed = this.processes.find((p) => p.name === name);
    if (!managed)
      throw new Error(`no process named ${name} (have: ${this.processes.map((p) => p.name).join(", ")})`);
    return managed;
  }

  /** Starts a stopped process again with the same command, arguments and environment. */
  restart(name: string): Managed {
    const old = this.get(name);
    if (old.child.exitCode === null && old.child.signalCode === null)
      throw new Error(`${name} still runs (pid ${old.child.pid}): stop it first`);
    return this.start(name, old.spec.command, old.spec.args, old.spec.env);
  }

  /** Stops one process (SIGTERM, then SIGKILL; or SIGKILL at once, as a crash), e.g. to restart it. */
  async stop(managed: Managed, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
    managed.stoppedOnPurpose = true;
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
