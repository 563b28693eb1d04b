/**
 * The daemon's small local state: one JSON file `{"version", "savedAt", "state"}` written
 * atomically (a temporary file in the same directory, fsync, rename over the old one, fsync of the
 * directory), so that a crash at any point leaves either the old file or the new one, whole.
 *
 * The chain is the source of truth: a file that is absent (first start) gives the initial state; a
 * file that cannot be read as this schema version (corrupt, truncated by a disk fault, written by
 * another version) is moved aside to `<name>.corrupt-<time>` with a warning, and the daemon starts
 * fresh from the initial state.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Logger } from "./log.js";

/**
 * Writes `data` to `path` atomically: a temporary file beside it (mode 0600 unless given), fsync,
 * rename over `path`, fsync of the directory. Creates the directory if needed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(
    directory,
    `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  let renamed = false;
  try {
    const handle = await open(temporary, "wx", options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    renamed = true;
    await syncDirectory(directory);
  } finally {
    if (!renamed) await unlink(temporary).catch(() => {});
  }
}

/** Makes a rename in `directory` durable (the directory entry itself is flushed). */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file could not be read for a reason other than its content (permissions, I/O error). */
export class StoreReadError extends Error {
  override name = "StoreReadError";
}

/** JSON.stringify replacer: bigint as a decimal string (the state's `validate` reads it back). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export interface JsonStoreOptions<T> {
  /** The state file, e.g. `<dataDir>/state.json`. */
  file: string;
  /** Schema version of `T`; a file of another version is moved aside. */
  version: number;
  /** The state on first start (and after a corrupt file). */
  initial: () => T;
  /** Checks a parsed state and returns it typed; throws a sentence naming what is wrong. */
  validate: (state: unknown) => T;
  /** Where the warning about a corrupt file goes. */
  logger?: Logger | undefined;
  /** The clock, for the name of a corrupt file moved aside. */
  now?: (() => Date) | undefined;
}

/** What `load` found. */
export type LoadOutcome = "loaded" | "absent" | "corrupt";

/**
 * @example
 * const store = new JsonStore({
 *   file: join(config.dataDir, "state.json"), version: 1,
 *   initial: () => ({ lastVotedRefSlot: 0 }), validate: parseState, logger,
 * });
 * let state = await store.load();
 * await store.save({ ...state, lastVotedRefSlot: refSlot });
 */
export class JsonStore<T> {
  /** What the last `load` found; the path a corrupt file was moved to. */
  lastLoad: { outcome: LoadOutcome; movedTo?: string; problem?: string } | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: JsonStoreOptions<T>) {}

  get file(): string {
    return this.options.file;
  }

  /** The saved state; the initial one if there is none or it is unusable (moved aside). */
  async load(): Promise<T> {
    const { file } = this.options;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        this.lastLoad = { outcome: "absent" };
        return this.options.initial();
      }
      throw new StoreReadError(`The state file ${file} cannot be read: ${(error as Error).message}.`, {
        cause: error,
      });
    }
    const problem = this.problemWith(text);
    if (typeof problem !== "string") {
      this.lastLoad = { outcome: "loaded" };
      return problem.state;
    }
    const movedTo = `${file}.corrupt-${stamp((this.options.now ?? (() => new Date()))())}`;
    await rename(file, movedTo);
    this.options.logger?.warn(
      "state file unusable: moved aside, starting fresh (the chain is the source of truth)",
      {
        file,
        movedTo,
        problem,
      },
    );
    this.lastLoad = { outcome: "corrupt", movedTo, problem };
    return this.options.initial();
  }

  /** Writes the state atomically; saves run one after the other in call order. */
  async save(state: T): Promise<void> {
    // Serialised before queueing: a state JSON cannot hold fails here, writing nothing.
    const text = `${JSON.stringify(
      {
        version: this.options.version,
        savedAt: (this.options.now ?? (() => new Date()))().toISOString(),
        state,
      },
      jsonReplacer,
      2,
    )}\n`;
    const next = this.queue.then(() => writeFileAtomic(this.options.file, text));
    // A failed save does not block the next ones; the caller gets its own error.
    this.queue = next.catch(() => {});
    await next;
  }

  /** The parsed state, or a sentence saying why the text is not one. */
  private problemWith(text: string): { state: T } | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return `not JSON (${(error as Error).message}; ${text.length} bytes)`;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "not a JSON object";
    const { version, state } = parsed as { version?: unknown; state?: unknown };
    if (typeof version !== "number") return "no schema version";
    if (version !== this.options.version) {
      return `schema version ${version}, but this daemon reads version ${this.options.version}`;
    }
    try {
      return { state: this.options.validate(state) };
    } catch (error) {
      return `invalid state: ${(error as Error).message}`;
    }
  }
}

/** A time for a file name: 20261201T120000.123Z (no colons). */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "");
}
