/**
 * The daemon's options: each from its flag, else its environment variable, else its default,
 * resolved once by `parseConfig(argv, env)` (no side effects: it reads nothing but its arguments).
 * A bad value is a `ConfigError` naming the flag (or variable) and the value; `--help` is a
 * `HelpRequested` carrying the text. `configFromProcess()` does both for a command-line entry.
 *
 * Keys never come from the command line: ORACLE_PRIVATE_KEY (environment) or an encrypted keystore
 * (--keystore, password from ORACLE_KEYSTORE_PASSWORD or a hidden prompt). Secrets in the config
 * are `Secret` values, printed as "[redacted]".
 */

import { type AccountSource, DEV_CHAIN_IDS, DEV_MNEMONIC } from "@tributary/daemon/account";
import { LOG_LEVELS, type LogLevel, Secret } from "@tributary/daemon/log";
import {
  boolean,
  ConfigError,
  ether,
  HelpRequested,
  integer,
  logLevel,
  nonEmpty,
  type Source,
  seconds,
  url,
  urlList,
} from "@tributary/daemon/options";
import { Command, CommanderError, Option } from "commander";

export { type AccountSource, ConfigError, DEV_CHAIN_IDS, DEV_MNEMONIC, HelpRequested, type Source };

export interface OracleConfig {
  beaconUrl: string;
  rpcUrl: string;
  /** The SDK's deployment JSON; undefined: `deployments/<chainId>.json` of the repository. */
  deploymentFile: string | undefined;
  account: AccountSource;
  /** Local state and published files (relative paths are relative to the working directory). */
  dataDir: string;
  httpHost: string;
  /** 0: a free port. */
  httpPort: number;
  pollIntervalMs: number;
  /** Warn when the member's balance is below this. */
  lowBalanceWei: bigint;
  dryRun: boolean;
  once: boolean;
  logLevel: LogLevel;
  /** Retries after the first attempt of each request. */
  maxRetries: number;
  requestTimeoutMs: number;
  /** Other members' HTTP servers (bootstrap of the tree and the last split). */
  peerUrls: string[];
  /** Where each option came from (for the startup log line). */
  sources: Record<OptionName, Source>;
}

const MAX_DEV_INDEX = 999;

type Parsed = {
  beaconUrl: string;
  rpcUrl: string;
  deploymentFile: string | undefined;
  keystore: string | undefined;
  devAccount: number | undefined;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  pollIntervalMs: number;
  lowBalanceWei: bigint;
  dryRun: boolean;
  once: boolean;
  logLevel: LogLevel;
  maxRetries: number;
  requestTimeoutMs: number;
  peerUrls: string[];
};
type OptionName = keyof Parsed;

interface Spec<K extends OptionName> {
  name: K;
  /** The flag and its argument, as commander reads it. */
  flag: string;
  env: string;
  description: string;
  /** The default as written in the help; undefined: none. */
  default: string | undefined;
  boolean?: true;
  /** Reads a value; throws a sentence (without the flag's name) when it is wrong. */
  parse: (text: string) => Parsed[K];
}

const SPECS: { [K in OptionName]: Spec<K> } = {
  beaconUrl: {
    name: "beaconUrl",
    flag: "--beacon-url <url>",
    env: "ORACLE_BEACON_URL",
    description: "Beacon API of a consensus node (any standard one)",
    default: "http://127.0.0.1:5052",
    parse: url,
  },
  rpcUrl: {
    name: "rpcUrl",
    flag: "--rpc-url <url>",
    env: "ORACLE_RPC_URL",
    description: "JSON-RPC of an execution node",
    default: "http://127.0.0.1:8545",
    parse: url,
  },
  deploymentFile: {
    name: "deploymentFile",
    flag: "--deployment <file>",
    env: "ORACLE_DEPLOYMENT",
    description: "the protocol's deployment JSON (default: deployments/<chainId>.json of the repository)",
    default: undefined,
    parse: nonEmpty,
  },
  keystore: {
    name: "keystore",
    flag: "--keystore <file>",
    env: "ORACLE_KEYSTORE",
    description:
      "the member's key, a Web3 Secret Storage v3 keystore; password from ORACLE_KEYSTORE_PASSWORD or a prompt",
    default: undefined,
    parse: nonEmpty,
  },
  devAccount: {
    name: "devAccount",
    flag: "--dev-account <index>",
    env: "ORACLE_DEV_ACCOUNT",
    description: `account <index> of the public test mnemonic (only on chains ${DEV_CHAIN_IDS.join(", ")})`,
    default: undefined,
    parse: integer(0, MAX_DEV_INDEX),
  },
  dataDir: {
    name: "dataDir",
    flag: "--data-dir <dir>",
    env: "ORACLE_DATA_DIR",
    description: "local state and published files",
    default: ".data/oracle",
    parse: nonEmpty,
  },
  httpHost: {
    name: "httpHost",
    flag: "--http-host <host>",
    env: "ORACLE_HTTP_HOST",
    description: "address of the HTTP server (/health, /metrics, /v1/...)",
    default: "127.0.0.1",
    parse: nonEmpty,
  },
  httpPort: {
    name: "httpPort",
    flag: "--http-port <port>",
    env: "ORACLE_HTTP_PORT",
    description: "port of the HTTP server (0: a free port)",
    default: "9102",
    parse: integer(0, 65_535),
  },
  pollIntervalMs: {
    name: "pollIntervalMs",
    flag: "--poll-interval <seconds>",
    env: "ORACLE_POLL_INTERVAL",
    description: "seconds between two looks at the chain",
    default: "12",
    parse: seconds(0.05, 86_400),
  },
  lowBalanceWei: {
    name: "lowBalanceWei",
    flag: "--low-balance <eth>",
    env: "ORACLE_LOW_BALANCE",
    description: "warn when the member's balance falls below this many ETH",
    default: "0.5",
    parse: ether,
  },
  dryRun: {
    name: "dryRun",
    flag: "--dry-run",
    env: "ORACLE_DRY_RUN",
    description: "compute and publish reports, never vote or submit (no key needed)",
    default: "false",
    boolean: true,
    parse: boolean,
  },
  once: {
    name: "once",
    flag: "--once",
    env: "ORACLE_ONCE",
    description: "run one iteration, then exit",
    default: "false",
    boolean: true,
    parse: boolean,
  },
  logLevel: {
    name: "logLevel",
    flag: "--log-level <level>",
    env: "ORACLE_LOG_LEVEL",
    description: `lowest level logged: ${LOG_LEVELS.join(", ")}`,
    default: "info",
    parse: logLevel,
  },
  maxRetries: {
    name: "maxRetries",
    flag: "--max-retries <n>",
    env: "ORACLE_MAX_RETRIES",
    description: "retries of a failed request (timeouts, 5xx, 429, malformed bodies) before giving up",
    default: "3",
    parse: integer(0, 100),
  },
  requestTimeoutMs: {
    name: "requestTimeoutMs",
    flag: "--request-timeout <seconds>",
    env: "ORACLE_REQUEST_TIMEOUT",
    description: "seconds to wait for an answer (for a state download: between two chunks)",
    default: "30",
    parse: seconds(0.05, 3_600),
  },
  peerUrls: {
    name: "peerUrls",
    flag: "--peer-urls <urls>",
    env: "ORACLE_PEER_URLS",
    description:
      "other members' HTTP servers, comma-separated: a member that lost its state (or joins) takes the rewards tree and the last report's commission split from them, checked against the chain",
    default: "",
    parse: urlList,
  },
};

const ENV_ONLY = `Environment only (keys never go on the command line):
  ORACLE_PRIVATE_KEY          the member's private key (64 hex digits); instead of --keystore
  ORACLE_KEYSTORE_PASSWORD    the keystore's password; without it, asked on the terminal

Each option: its flag, else its environment variable, else its default.
The account: --keystore, --dev-account or ORACLE_PRIVATE_KEY (exactly one; none with --dry-run).`;

function flagName(spec: Spec<OptionName>): string {
  return spec.flag.split(" ")[0] ?? spec.flag;
}

/** The commander program: its parser and its help (no action, no output of its own). */
export function buildProgram(output: { out: string; err: string }): Command {
  const program = new Command("oracle")
    .description(
      "Tributary oracle member: computes each frame's report from a beacon node, votes its hash, submits it, and publishes the rewards tree and the exit list.",
    )
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
    .addHelpText("after", `\n${ENV_ONLY}`);
  for (const spec of Object.values(SPECS) as Spec<OptionName>[]) {
    const suffix = [
      `env ${spec.env}`,
      ...(spec.default !== undefined && !spec.boolean ? [`default ${spec.default}`] : []),
    ];
    program.addOption(new Option(spec.flag, `${spec.description} (${suffix.join(", ")})`));
  }
  return program;
}

/** The help text. */
export function helpText(): string {
  const output = { out: "", err: "" };
  return `${buildProgram(output).helpInformation()}\n${ENV_ONLY}\n`;
}

/**
 * Resolves every option: flag, then environment, then default. `argv` is the user's arguments
 * only (no node, no script). Throws `ConfigError` or `HelpRequested`.
 *
 * @example
 * const config = parseConfig(["--rpc-url", "http://127.0.0.1:8545", "--once"], { ORACLE_PRIVATE_KEY: "0x..." });
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): OracleConfig {
  const output = { out: "", err: "" };
  const program = buildProgram(output);
  try {
    program.parse(argv, { from: "user" });
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
  const values: Partial<Parsed> = {};
  const sources = {} as Record<OptionName, Source>;
  for (const spec of Object.values(SPECS) as Spec<OptionName>[]) {
    const flag = flags[new Option(spec.flag).attributeName()];
    const fromEnv = env[spec.env];
    let text: string | undefined;
    let where: string;
    if (flag !== undefined) {
      text = typeof flag === "boolean" ? String(flag) : flag;
      sources[spec.name] = "flag";
      where = flagName(spec);
    } else if (fromEnv !== undefined && fromEnv !== "") {
      text = fromEnv;
      sources[spec.name] = "env";
      where = spec.env;
    } else {
      text = spec.default;
      sources[spec.name] = "default";
      where = `the default of ${flagName(spec)}`;
    }
    if (text === undefined) continue;
    try {
      (values as Record<string, unknown>)[spec.name] = spec.parse(text);
    } catch (error) {
      throw new ConfigError(`${where} "${text}" ${(error as Error).message}.`);
    }
  }
  const parsed = values as Parsed;
  return {
    beaconUrl: parsed.beaconUrl,
    rpcUrl: parsed.rpcUrl,
    deploymentFile: parsed.deploymentFile,
    account: accountSource(parsed, env),
    dataDir: parsed.dataDir,
    httpHost: parsed.httpHost,
    httpPort: parsed.httpPort,
    pollIntervalMs: parsed.pollIntervalMs,
    lowBalanceWei: parsed.lowBalanceWei,
    dryRun: parsed.dryRun,
    once: parsed.once,
    logLevel: parsed.logLevel,
    maxRetries: parsed.maxRetries,
    requestTimeoutMs: parsed.requestTimeoutMs,
    peerUrls: parsed.peerUrls,
    sources,
  };
}

function accountSource(parsed: Parsed, env: Readonly<Record<string, string | undefined>>): AccountSource {
  const privateKey = env.ORACLE_PRIVATE_KEY?.trim() || undefined;
  const given = [
    parsed.keystore !== undefined && "--keystore (or ORACLE_KEYSTORE)",
    parsed.devAccount !== undefined && "--dev-account (or ORACLE_DEV_ACCOUNT)",
    privateKey !== undefined && "ORACLE_PRIVATE_KEY",
  ].filter((x): x is string => typeof x === "string");
  if (given.length > 1) throw new ConfigError(`Give one account, not several: ${given.join(", ")}.`);
  if (parsed.keystore !== undefined) {
    const password = env.ORACLE_KEYSTORE_PASSWORD;
    return {
      kind: "keystore",
      file: parsed.keystore,
      password: password === undefined ? undefined : new Secret(password),
    };
  }
  if (parsed.devAccount !== undefined) return { kind: "dev", index: parsed.devAccount };
  if (privateKey !== undefined) {
    // The value is never repeated in the message.
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(privateKey)) {
      throw new ConfigError(
        "ORACLE_PRIVATE_KEY is not a private key: expected 64 hexadecimal digits (with or without 0x).",
      );
    }
    return {
      kind: "privateKey",
      privateKey: new Secret(privateKey.startsWith("0x") ? privateKey : `0x${privateKey}`),
    };
  }
  if (!parsed.dryRun) {
    throw new ConfigError(
      "The oracle needs the member's key: pass --keystore <file>, set ORACLE_PRIVATE_KEY, or on a development chain pass --dev-account <index>; or run with --dry-run.",
    );
  }
  return { kind: "none" };
}

/**
 * For a command-line entry: the config from `process.argv` and `process.env`; prints the help
 * (exit 0) or the usage error (exit 2) and exits instead of returning when there is one.
 */
export function configFromProcess(): OracleConfig {
  try {
    return parseConfig(process.argv.slice(2), process.env);
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
}
