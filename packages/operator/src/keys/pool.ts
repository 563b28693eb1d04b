import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { KeysError } from "./errors.js";
import type { Task, TaskResult } from "./tasks.js";

interface Pending {
  id: number;
  task: Task;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A task failed inside a worker thread; `name` is its original error's class name. */
export class KeyWorkerError extends KeysError {
  override name = "KeyWorkerError";
  readonly originalName: string;
  constructor(originalName: string, message: string) {
    super(`Key worker task failed: ${originalName}: ${message}`);
    this.originalName = originalName;
  }
}

/**
 * A fixed pool of worker threads for the CPU-bound key work: keystore KDFs (scrypt at the
 * standard cost is about a second of one core per key) and deposit signing. Its size defaults to
 * the machine's available parallelism, so every core runs one task at a time. Close it when done.
 */
export class KeyWorkerPool {
  readonly size: number;
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: Pending[] = [];
  readonly #running = new Map<Worker, Pending>();
  #nextId = 0;
  #closed = false;

  constructor(size: number = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) throw new KeysError(`Invalid pool size ${size}.`);
    this.size = size;
  }

  /** Runs `task` on the next free worker (workers start on first use). */
  run<T extends Task>(task: T): Promise<TaskResult<T>> {
    if (this.#closed) return Promise.reject(new KeysError("The key worker pool is closed."));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, task, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Starts every worker now, so a timed run does not pay their start-up. */
  async warm(): Promise<void> {
    while (this.#workers.length < this.size) this.#spawn();
    await Promise.all(this.#workers.map((w) => new Promise((resolve) => w.once("online", resolve))));
  }

  /** Stops every worker; pending tasks are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0))
      pending.reject(new KeysError("The key worker pool was closed."));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      if (this.#idle.length === 0 && this.#workers.length < this.size) this.#spawn();
      const worker = this.#idle.pop();
      if (!worker) return;
      const pending = this.#queue.shift() as Pending;
      this.#running.set(worker, pending);
      worker.postMessage({ id: pending.id, task: pending.task });
    }
  }

  #spawn(): void {
    const url = new URL(`./worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
    const execArgv = [...process.execArgv];
    // The package runs from TypeScript source: a worker of a .ts file needs tsx registered too.
    if (url.pathname.endsWith(".ts") && !execArgv.some((arg) => arg.includes("tsx")))
      execArgv.push("--import", "tsx");
    const worker = new Worker(url, { execArgv });
    worker.on(
      "message",
      (message: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
        const pending = this.#running.get(worker);
        this.#running.delete(worker);
        this.#idle.push(worker);
        if (pending && pending.id === message.id) {
          if (message.error) pending.reject(new KeyWorkerError(message.error.name, message.error.message));
          else pending.resolve(message.result);
        }
        this.#dispatch();
      },
    );
    worker.on("error", (error) => {
      const pending = this.#running.get(worker);
      this.#running.delete(worker);
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      pending?.reject(new KeysError("A key worker thread crashed.", { cause: error }));
      if (!this.#closed) this.#dispatch();
    });
    this.#workers.push(worker);
    this.#idle.push(worker);
  }
}
