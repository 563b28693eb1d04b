/**
 * A daemon's command line: each option from its flag, else its environment variable, else its
 * default, resolved once by `parse(argv, env)` with no side effect. A bad value is a `ConfigError`
 * naming the flag (or variable) and the value; `--help` is a `HelpRequested` carrying the text.
 *
 * Keys never come from the command line: `<PREFIX>_PRIVATE_KEY` (environment), an encrypted keystore
 * (`--keystore`, password from `<PREFIX>_KEYSTORE_PASSWORD` or a prompt) or, on a development chain,
 * `--dev-account`. Secrets are `Secret` values, printed as "[redacted]".
 *
 * @example
 * const cli = defineCommand({ name: "guardian", description: "...", envPrefix: "GUARDIAN", options: {
 *   ...commonOptions("GUARDIAN", { httpPort: "9110", dataDir: ".data/guardian" }),
 * }});
 * const { values, account } = cli.fromProcess();
 */
import { Command, CommanderError, Option } from "commander";
import { type AccountSource, DEV_CHAIN_IDS } from "./account.js";
import { LOG_LEVELS, type LogLevel, Secret } from "./log.js";

export type Source = "flag" | "env" | "default";

/** An option the command line or the environment set wrongly, or a missing account. Exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly exitCode = 2;
}

/** `--help` was asked: `text` is the help; exit code 0. */
export class HelpRequested extends Error {
  override name = "HelpRequested";
  readonly exitCode = 0;
  constructor(readonly text: string) {
    super("help requested");
  }
}

export interface OptionSpec<T> {
  /** The flag and its argument, as commander reads it: "--rpc-url <url>", "--once". */
  flag: string;
  env: string;
  description: string;
  /** The default as written in the help; undefined: none (the value is then undefined). */
  default: string | undefined;
  boolean?: true;
  /** Reads a value; throws a sentence (without the flag's name) when it is wrong. */
  parse: (text: string) => T;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of options of any value type.
type Specs = Record<string, OptionSpec<any>>;

export type OptionValues<S extends Specs> = {
  [K in keyof S]: S[K]["default"] extends string
    ? ReturnType<S[K]["parse"]>
    : ReturnType<S[K]["parse"]> | undefined;
};

// ---------------------------------------------------------------- parsers

export function url(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error("is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("is not an http(s) URL");
  return text;
}

export function urlList(text: string): string[] {
  return text
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "")
    .map(url);
}

export function integer(min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
      throw new Error(`is not a whole number from ${min} to ${max}`);
    }
    return Number(text);
  };
}

/** Seconds in, milliseconds out. */
export function seconds(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || value < min || value > max) {
      throw new Error(`is not a number of seconds from ${min} to ${max}`);
    }
    return Math.round(value * 1000);
  };
}

export function nonEmpty(text: string): string {
  if (text.trim() === "") throw new Error("is empty");
  return text;
}

const WEI_PER_ETH = 10n ** 18n;

/** A decimal amount of ETH in wei (at most 18 decimals). */
export function ether(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!match) throw new Error("is not an amount of ETH (e.g. 0.5)");
  return BigInt(match[1] ?? "0") * WEI_PER_ETH + BigInt((match[2] ?? "").padEnd(18, "0"));
}

export function logLevel(text: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text))
    throw new Error(`is not one of ${LOG_LEVELS.join(", ")}`);
  return text as LogLevel;
}

export function boolean(text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text.trim())) return true;
  if (/^(0|false|no|off|)$/i.test(text.trim())) return false;
  throw new Error("is not a boolean (1, true, yes or 0, false, no)");
}

// ---------------------------------------------------------------- common options

const MAX_DEV_INDEX = 999;

/**
 * The options every daemon has: its nodes, deployment, key, local state, HTTP server, polling,
 * logs and retries. `defaults` sets the per-daemon defaults (port, data directory, poll interval).
 */
export function commonOptions(
  prefix: string,
  defaults: { httpPort: string; dataDir: string; pollInterval?: string },
) {
  return {
    beaconUrl: {
      flag: "--beacon-url <url>",
      env: `${prefix}_BEACON_URL`,
      description: "Beacon API of a consensus node (any standard one)",
      default: "http://127.0.0.1:5052",
      parse: url,
    },
    rpcUrl: {
      flag: "--rpc-url <url>",
      env: `${prefix}_RPC_URL`,
      description: "JSON-RPC of an execution node",
      default: "http://127.0.0.1:8545",
      parse: url,
    },
    deploymentFile: {
      flag: "--deployment <file>",
      env: `${prefix}_DEPLOYMENT`,
      description: "the protocol's deployment JSON (default: deployments/<chainId>.json of the repository)",
      default: undefined,
      parse: nonEmpty,
    },
    keystore: {
      flag: "--keystore <file>",
      env: `${prefix}_KEYSTORE`,
      description: `the signing key, a Web3 Secret Storage v3 keystore; password from ${prefix}_KEYSTORE_PASSWORD or a prompt`,
      default: undefined,
      parse: nonEmpty,
    },
    devAccount: {
      flag: "--dev-account <index>",
      env: `${prefix}_DEV_ACCOUNT`,
      description: `account <index> of the public test mnemonic (only on chains ${DEV_CHAIN_IDS.join(", ")})`,
      default: undefined,
      parse: integer(0, MAX_DEV_INDEX),
    },
    dataDir: {
      flag: "--data-dir <dir>",
      env: `${prefix}_DATA_DIR`,
      description: "local state",
      default: defaults.dataDir,
      parse: nonEmpty,
    },
    httpHost: {
      flag: "--http-host <host>",
      env: `${prefix}_HTTP_HOST`,
      description: "address of the HTTP server (/health, /metrics, /v1/...)",
      default: "127.0.0.1",
      parse: nonEmpty,
    },
    httpPort: {
      flag: "--http-port <port>",
      env: `${prefix}_HTTP_PORT`,
      description: "port of the HTTP server (0: a free port)",
      default: defaults.httpPort,
      parse: integer(0, 65_535),
    },
    pollIntervalMs: {
      flag: "--poll-interval <seconds>",
      env: `${prefix}_POLL_INTERVAL`,
      description: "seconds between two looks at the chain",
      default: defaults.pollInterval ?? "12",
      parse: seconds(0.05, 86_400),
    },
    once: {
      flag: "--once",
      env: `${prefix}_ONCE`,
      description: "run one iteration, then exit",
      default: "false",
      boolean: true as const,
      parse: boolean,
    },
    logLevel: {
      flag: "--log-level <level>",
      env: `${prefix}_LOG_LEVEL`,
      description: `lowest level logged: ${LOG_LEVELS.join(", ")}`,
      default: "info",
      parse: logLevel,
    },
    maxRetries: {
      flag: "--max-retries <n>",
      env: `${prefix}_MAX_RETRIES`,
      description: "retries of a failed request (timeouts, 5xx, 429, malformed bodies) before giving up",
      default: "3",
      parse: integer(0, 100),
    },
    requestTimeoutMs: {
      flag: "--request-timeout <seconds>",
      env: `${prefix}_REQUEST_TIMEOUT`,
      description: "seconds to wait for an answer",
      default: "30",
      parse: seconds(0.05, 3_600),
    },
  } satisfies Specs;
}

// ---------------------------------------------------------------- the command

export interface CommandDefinition<S extends Specs> {
  /** The program's name in the help. */
  name: string;
  description: string;
  /** Prefix of the key's environment variables (`<PREFIX>_PRIVATE_KEY`, `<PREFIX>_KEYSTORE_PASSWORD`). */
  envPrefix: string;
  options: S;
  /**
   * What the key is for, in the error when none is given (e.g. "the guardian's key"). Without it
   * the command signs nothing: no key is asked for and `account` is `{ kind: "none" }`.
   */
  keyPurpose?: string | undefined;
}

export interface ParsedCommand<S extends Specs> {
  values: OptionValues<S>;
  sources: Record<keyof S, Source>;
  account: AccountSource;
}

export interface DaemonCommand<S extends Specs> {
  help(): string;
  parse(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand<S>;
  /**
   * `parse(argv, process.env)` (default argv: the process's arguments); prints the help (exit 0) or
   * the usage error (exit 2) and exits instead of returning.
   */
  fromProcess(argv?: readonly string[]): ParsedCommand<S>;
}

function flagName(spec: OptionSpec<unknown>): string {
  return spec.flag.split(" ")[0] ?? spec.flag;
}

export function defineCommand<S extends Specs>(definition: CommandDefinition<S>): DaemonCommand<S> {
  const prefix = definition.envPrefix;
  const keyless = definition.keyPurpose === undefined;
  const envOnly = keyless
    ? "Each option: its flag, else its environment variable, else its default."
    : `Environment only (keys never go on the command line):
  ${`${prefix}_PRIVATE_KEY`.padEnd(30)}the signing key (64 hex digits); instead of --keystore
  ${`${prefix}_KEYSTORE_PASSWORD`.padEnd(30)}the keystore's password; without it, asked on the terminal

Each option: its flag, else its environment variable, else its default.
The account: --keystore, --dev-account or ${prefix}_PRIVATE_KEY (exactly one).`;

  const build = (output: { out: string; err: string }): Command => {
    const program = new Command(definition.name)
      .description(definition.description)
      .helpOption("-h, --help", "show this help")
      .allowExcessArguments(false)
      .exitOverride()
      .configureOutput({
        writeOut: (text) => {
          output.out += text;
        },
        writeErr: (text) => {
          output.err += text;
        },
        outputError: () => {},
      })
      .addHelpText("after", `\n${envOnly}`);
    for (const spec of Object.values(definition.options)) {
      const suffix = [
        `env ${spec.env}`,
        ...(spec.default !== undefined && !spec.boolean ? [`default ${spec.default}`] : []),
      ];
      program.addOption(new Option(spec.flag, `${spec.description} (${suffix.join(", ")})`));
    }
    return program;
  };

  const accountSource = (
    values: Record<string, unknown>,
    env: Readonly<Record<string, string | undefined>>,
  ): AccountSource => {
    if (keyless) return { kind: "none" };
    const privateKey = env[`${prefix}_PRIVATE_KEY`]?.trim() || undefined;
    const keystore = values.keystore as string | undefined;
    const devAccount = values.devAccount as number | undefined;
    const given = [
      keystore !== undefined && `--keystore (or ${prefix}_KEYSTORE)`,
      devAccount !== undefined && `--dev-account (or ${prefix}_DEV_ACCOUNT)`,
      privateKey !== undefined && `${prefix}_PRIVATE_KEY`,
    ].filter((x): x is string => typeof x === "string");
    if (given.length > 1) throw new ConfigError(`Give one account, not several: ${given.join(", ")}.`);
    if (keystore !== undefined) {
      const password = env[`${prefix}_KEYSTORE_PASSWORD`];
      return {
        kind: "keystore",
        file: keystore,
        password: password === undefined ? undefined : new Secret(password),
      };
    }
    if (devAccount !== undefined) return { kind: "dev", index: devAccount };
    if (privateKey !== undefined) {
      // The value is never repeated in the message.
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(privateKey)) {
        throw new ConfigError(
          `${prefix}_PRIVATE_KEY is not a private key: expected 64 hexadecimal digits (with or without 0x).`,
        );
      }
      return {
        kind: "privateKey",
        privateKey: new Secret(privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`),
      };
    }
    throw new ConfigError(
      `The ${definition.name} needs ${definition.keyPurpose}: pass --keystore <file>, set ${prefix}_PRIVATE_KEY, or on a development chain pass --dev-account <index>.`,
    );
  };

  const parse = (
    argv: readonly string[],
    env: Readonly<Record<string, string | undefined>>,
  ): ParsedCommand<S> => {
    const output = { out: "", err: "" };
    const program = build(output);
    try {
      program.parse([...argv], { from: "user" });
    } catch (error) {
      if (error instanceof CommanderError) {
        if (error.code === "commander.helpDisplayed" || error.code === "commander.help") {
          throw new HelpRequested(output.out);
        }
        throw new ConfigError(error.message.replace(/^error: /, ""));
      }
      throw error;
    }
    const flags = program.opts<Record<string, string | boolean | undefined>>();
    const values: Record<string, unknown> = {};
    const sources: Record<string, Source> = {};
    for (const [name, spec] of Object.entries(definition.options)) {
      const flag = flags[new Option(spec.flag).attributeName()];
      const fromEnv = env[spec.env];
      let text: string | undefined;
      let where: string;
      if (flag !== undefined) {
        text = typeof flag === "boolean" ? String(flag) : flag;
        sources[name] = "flag";
        where = flagName(spec);
      } else if (fromEnv !== undefined && fromEnv !== "") {
        text = fromEnv;
        sources[name] = "env";
        where = spec.env;
      } else {
        text = spec.default;
        sources[name] = "default";
        where = `the default of ${flagName(spec)}`;
      }
      if (text === undefined) continue;
      try {
        values[name] = spec.parse(text);
      } catch (error) {
        throw new ConfigError(`${where} "${text}" ${(error as Error).message}.`);
      }
    }
    return {
      values: values as OptionValues<S>,
      sources: sources as Record<keyof S, Source>,
      account: accountSource(values, env),
    };
  };

  return {
    help: () => `${build({ out: "", err: "" }).helpInformation()}\n${envOnly}\n`,
    parse,
    fromProcess(argv = process.argv.slice(2)) {
      try {
        return parse(argv, process.env);
      } catch (error) {
        if (error instanceof HelpRequested) {
          process.stdout.write(error.text.endsWith("\n") ? error.text : `${error.text}\n`);
          process.exit(0);
        }
        if (error instanceof ConfigError) {
          process.stderr.write(`Error: ${error.message}\nSee --help.\n`);
          process.exit(error.exitCode);
        }
        throw error;
      }
    },
  };
}
