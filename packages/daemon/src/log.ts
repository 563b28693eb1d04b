/**
 * Structured logs: one JSON object per line, `{"time","level","msg",...fields}`, on stdout (or a
 * sink). Child loggers carry bound fields. bigint values are written as decimal strings, errors as
 * {name, message, code, cause}, byte arrays as hex (or their length when long).
 *
 * Secrets are never written: a field whose name says it holds one (privateKey, password, secret,
 * mnemonic, ...) is replaced by "[redacted]" at any depth, and so is every occurrence of a value
 * registered with `redact()` (the signing key) in any string, the message included.
 */
import { inspect } from "node:util";

export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export const REDACTED = "[redacted]";

/**
 * A value that must not be printed: `toJSON`, `toString` and `util.inspect` give "[redacted]";
 * `reveal()` gives the value to the one place that uses it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Field names that hold secrets: anything naming a private key, password, passphrase, secret,
 * mnemonic or seed, an API key or a bare `key`. Public keys (`pubkey`, `publicKey`) are not secret.
 */
const SECRET_NAME =
  /(private_?key|signing_?key|passw(or)?d|passphrase|secret|mnemonic|seed|api_?key|auth(orization)?$|^key$|^pk$)/i;
const PUBLIC_KEY_NAME = /pub(lic)?_?key/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !PUBLIC_KEY_NAME.test(name);
}

/** Keys of the line itself; a field with one of these names is written as `field.<name>`. */
const RESERVED = new Set(["time", "level", "msg"]);
/** Bytes of a byte array written in full; longer ones are written as their length. */
const MAX_HEX_BYTES = 64;
const MAX_DEPTH = 8;
/** Shortest value `redact()` accepts: a short string would blank out innocent text. */
const MIN_SECRET_CHARS = 16;

export interface LoggerOptions {
  /** Lowest level written (default "info"). */
  level?: LogLevel | undefined;
  /** Where lines go, without their newline (default: stdout). */
  sink?: ((line: string) => void) | undefined;
  /** Fields on every line. */
  fields?: LogFields | undefined;
  /** The clock (tests pass a fixed one). */
  now?: (() => Date) | undefined;
}

/** State shared by a logger and its children. */
interface Shared {
  level: LogLevel;
  sink: (line: string) => void;
  now: () => Date;
  /** Lowercase secrets, without 0x. */
  secrets: string[];
}

export class Logger {
  private constructor(
    private readonly shared: Shared,
    private readonly bound: LogFields,
  ) {}

  static create(options: LoggerOptions = {}): Logger {
    return new Logger(
      {
        level: options.level ?? "info",
        sink: options.sink ?? ((line) => process.stdout.write(`${line}\n`)),
        now: options.now ?? (() => new Date()),
        secrets: [],
      },
      options.fields ?? {},
    );
  }

  /** A logger whose lines also carry `fields` (shares the level, sink and secrets). */
  child(fields: LogFields): Logger {
    return new Logger(this.shared, { ...this.bound, ...fields });
  }

  /**
   * Never write `value` (e.g. the signing key, with or without 0x, any case) in any line of this
   * logger, its parent or children. Values shorter than 16 characters are refused.
   */
  redact(value: string): void {
    const normalized = value.trim().replace(/^0x/i, "").toLowerCase();
    if (normalized.length < MIN_SECRET_CHARS) {
      throw new RangeError(`A value to redact must have at least ${MIN_SECRET_CHARS} characters.`);
    }
    if (!this.shared.secrets.includes(normalized)) this.shared.secrets.push(normalized);
  }

  get level(): LogLevel {
    return this.shared.level;
  }

  set level(level: LogLevel) {
    this.shared.level = level;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.shared.level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.write("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.write("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.write("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.write("error", msg, fields);
  }

  private write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (!this.enabled(level)) return;
    const line: Record<string, unknown> = {
      time: this.shared.now().toISOString(),
      level,
      msg: this.scrub(msg),
    };
    const serializer = new Serializer((text) => this.scrub(text), this.shared.level === "debug");
    for (const source of [this.bound, fields ?? {}]) {
      for (const [name, value] of Object.entries(source)) {
        if (value === undefined) continue;
        const key = RESERVED.has(name) ? `field.${name}` : name;
        line[key] = isSecretName(name) ? REDACTED : serializer.value(value, 0);
      }
    }
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch (error) {
      text = JSON.stringify({ time: line.time, level, msg: line.msg, logError: String(error) });
    }
    this.shared.sink(text);
  }

  /** Replaces every registered secret in `text`. */
  private scrub(text: string): string {
    const secrets = this.shared.secrets;
    if (secrets.length === 0) return text;
    let lower = text.toLowerCase();
    let result = text;
    for (const secret of secrets) {
      let at = lower.indexOf(secret);
      while (at !== -1) {
        // Drop a 0x in front too, so the redacted text does not hint at the format.
        const start = at >= 2 && lower.slice(at - 2, at) === "0x" ? at - 2 : at;
        result = result.slice(0, start) + REDACTED + result.slice(at + secret.length);
        lower = lower.slice(0, start) + REDACTED.toLowerCase() + lower.slice(at + secret.length);
        at = lower.indexOf(secret, start + REDACTED.length);
      }
    }
    return result;
  }
}

/** Turns any value into JSON-safe data, redacting by name and by value. */
class Serializer {
  private readonly seen = new Set<object>();
  constructor(
    private readonly scrub: (text: string) => string,
    private readonly stacks: boolean,
  ) {}

  value(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case "string":
        return this.scrub(value);
      case "bigint":
        return value.toString();
      case "number":
        return Number.isFinite(value) ? value : String(value);
      case "boolean":
        return value;
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
    }
    if (value === null) return null;
    const object = value as object;
    if (this.seen.has(object)) return "[circular]";
    if (depth >= MAX_DEPTH) return "[too deep]";
    this.seen.add(object);
    try {
      return this.object(object, depth);
    } finally {
      this.seen.delete(object);
    }
  }

  private object(value: object, depth: number): unknown {
    if (value instanceof Secret) return REDACTED;
    if (value instanceof Error) return this.error(value, depth);
    if (value instanceof Date) return value.toISOString();
    if (value instanceof URL) return this.scrub(redactUrl(value));
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return bytes.length <= MAX_HEX_BYTES
        ? this.scrub(`0x${Buffer.from(bytes).toString("hex")}`)
        : `[${bytes.length} bytes]`;
    }
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth + 1) ?? null);
    if (value instanceof Map) {
      return this.entries(
        [...value.entries()].map(([k, v]) => [String(k), v]),
        depth,
      );
    }
    if (value instanceof Set) return [...value].map((item) => this.value(item, depth + 1) ?? null);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return this.value(toJSON.call(value), depth + 1);
    return this.entries(Object.entries(value), depth);
  }

  private entries(entries: [string, unknown][], depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, item] of entries) {
      if (isSecretName(name)) {
        out[name] = REDACTED;
        continue;
      }
      const serialized = this.value(item, depth + 1);
      if (serialized !== undefined) out[name] = serialized;
    }
    return out;
  }

  private error(error: Error, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = { name: error.name, message: this.scrub(error.message) };
    for (const field of ["code", "reason", "status", "retryable", "attempts"] as const) {
      const value = (error as unknown as Record<string, unknown>)[field];
      if (value !== undefined && typeof value !== "object") out[field] = this.value(value, depth + 1);
    }
    if (this.stacks && error.stack) out.stack = this.scrub(error.stack);
    if (error.cause !== undefined) out.cause = this.value(error.cause, depth + 1);
    return out;
  }
}

/** A URL without its credentials (user:password@) and query string (API keys often live there). */
export function redactUrl(url: URL | string): string {
  try {
    const parsed = new URL(url);
    const credentials = parsed.username || parsed.password ? `${REDACTED}@` : "";
    const query = parsed.search ? `?${REDACTED}` : "";
    return `${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}`;
  } catch {
    return REDACTED;
  }
}

/** A logger: `Logger.create`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return Logger.create(options);
}
