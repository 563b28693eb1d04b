/**
 * The exit daemon's options: each from its flag, else its environment variable, else its default,
 * resolved once by `parseExitConfig(argv, env)` (no side effects). A bad value is a `ConfigError`
 * naming the flag or variable and the value; `--help` is `HelpRequested` with the text.
 * The keystores' password only comes from the environment (OPERATOR_KEYSTORE_PASSWORD).
 */
import { LOG_LEVELS, type LogLevel, Secret } from "@tributary/daemon/log";
import { Command, CommanderError, Option } from "commander";

export type Source = "flag" | "env" | "default";

export interface ExitConfig {
  beaconUrl: string;
  rpcUrl: string;
  deploymentFile: string | undefined;
  operatorId: number;
  keystoresDir: string | undefined;
  keystorePassword: Secret | undefined;
  presignedDir: string | undefined;
  exitListFile: string | undefined;
  dataDir: string;
  httpHost: string;
  httpPort: number;
  pollIntervalMs: number;
  warnBeforeSeconds: number;
  fromBlock: number | undefined;
  logLevel: LogLevel;
  dryRun: boolean;
  once: boolean;
  sources: Record<string, Source>;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly exitCode = 2;
}

export class HelpRequested extends Error {
  override name = "HelpRequested";
  readonly exitCode = 0;
  constructor(readonly text: string) {
    super("help requested");
  }
}

interface Spec {
  key: string;
  flag: string;
  env: string;
  description: string;
  default: string | undefined;
  boolean?: true;
  parse: (text: string) => unknown;
}

function url(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error("is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("is not an http(s) URL");
  return text;
}
const integer = (min: number, max: number) => (text: string) => {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max)
    throw new Error(`is not a whole number from ${min} to ${max}`);
  return Number(text);
};
const nonEmpty = (text: string) => {
  if (text.trim() === "") throw new Error("is empty");
  return text;
};
const boolean = (text: string) => {
  if (/^(1|true|yes|on)$/i.test(text.trim())) return true;
  if (/^(0|false|no|off|)$/i.test(text.trim())) return false;
  throw new Error("is not a boolean (1, true, yes or 0, false, no)");
};

const SPECS: Spec[] = [
  {
    key: "beaconUrl",
    flag: "--beacon-url <url>",
    env: "OPERATOR_BEACON_URL",
    description: "Beacon API of a consensus node (any standard one)",
    default: "http://127.0.0.1:5052",
    parse: url,
  },
  {
    key: "rpcUrl",
    flag: "--rpc-url <url>",
    env: "OPERATOR_RPC_URL",
    description: "JSON-RPC of an execution node (reads only: no account is needed)",
    default: "http://127.0.0.1:8545",
    parse: url,
  },
  {
    key: "deploymentFile",
    flag: "--deployment <file>",
    env: "OPERATOR_DEPLOYMENT",
    description: "the protocol's deployment JSON (default: deployments/<chainId>.json of the repository)",
    default: undefined,
    parse: nonEmpty,
  },
  {
    key: "operatorId",
    flag: "--operator-id <id>",
    env: "OPERATOR_ID",
    description: "the operator whose validators this daemon exits (required)",
    default: undefined,
    parse: integer(0, 2 ** 24 - 1),
  },
  {
    key: "keystoresDir",
    flag: "--keystores <dir>",
    env: "OPERATOR_KEYSTORES_DIR",
    description: "directory of EIP-2335 keystores; password from OPERATOR_KEYSTORE_PASSWORD",
    default: undefined,
    parse: nonEmpty,
  },
  {
    key: "presignedDir",
    flag: "--presigned-exits <dir>",
    env: "OPERATOR_PRESIGNED_EXITS_DIR",
    description:
      "directory of exits signed ahead of time (tributary operator sign-exits), instead of keystores",
    default: undefined,
    parse: nonEmpty,
  },
  {
    key: "exitListFile",
    flag: "--exit-list <file>",
    env: "OPERATOR_EXIT_LIST",
    description:
      'an exit list given directly, JSON {"data": "0x<packed entries>", "deadline": <unix seconds>}',
    default: undefined,
    parse: nonEmpty,
  },
  {
    key: "dataDir",
    flag: "--data-dir <dir>",
    env: "OPERATOR_DATA_DIR",
    description: "local state (lists seen, exits posted)",
    default: ".data/operator-exits",
    parse: nonEmpty,
  },
  {
    key: "httpHost",
    flag: "--http-host <host>",
    env: "OPERATOR_HTTP_HOST",
    description: "address of the HTTP server (/health, /metrics)",
    default: "127.0.0.1",
    parse: nonEmpty,
  },
  {
    key: "httpPort",
    flag: "--http-port <port>",
    env: "OPERATOR_HTTP_PORT",
    description: "port of the HTTP server (0: a free port)",
    default: "9103",
    parse: integer(0, 65_535),
  },
  {
    key: "pollIntervalMs",
    flag: "--poll-interval <seconds>",
    env: "OPERATOR_POLL_INTERVAL",
    description: "seconds between two passes",
    default: "12",
    parse: (text) => integer(1, 86_400)(text) * 1000,
  },
  {
    key: "warnBeforeSeconds",
    flag: "--warn-before <seconds>",
    env: "OPERATOR_WARN_BEFORE",
    description: "warn when a pending exit's deadline is closer than this",
    default: "86400",
    parse: integer(0, 365 * 86_400),
  },
  {
    key: "fromBlock",
    flag: "--from-block <block>",
    env: "OPERATOR_FROM_BLOCK",
    description: "first block scanned on a fresh start (default: the deployment's block)",
    default: undefined,
    parse: integer(0, Number.MAX_SAFE_INTEGER),
  },
  {
    key: "logLevel",
    flag: "--log-level <level>",
    env: "OPERATOR_LOG_LEVEL",
    description: `one of ${LOG_LEVELS.join(", ")}`,
    default: "info",
    parse: (text) => {
      if (!(LOG_LEVELS as readonly string[]).includes(text))
        throw new Error(`is not one of ${LOG_LEVELS.join(", ")}`);
      return text;
    },
  },
  {
    key: "dryRun",
    flag: "--dry-run",
    env: "OPERATOR_DRY_RUN",
    description: "find and sign exits, never post them",
    default: "false",
    boolean: true,
    parse: boolean,
  },
  {
    key: "once",
    flag: "--once",
    env: "OPERATOR_ONCE",
    description: "run one pass, then exit",
    default: "false",
    boolean: true,
    parse: boolean,
  },
];

const ENVIRONMENT_HELP = `
Environment: every option has its variable (shown above); flags win over variables.
  OPERATOR_KEYSTORE_PASSWORD  password of the keystores in --keystores (never on the command line)

The daemon reads exit lists from finalized blocks (ExitRequestsSet, ExitRequestsPublished), keeps
this operator's entries, and before each deadline posts a voluntary exit for each named validator
(POST /eth/v1/beacon/pool/voluntary_exits). HTTP: /health, /metrics.`;

/** Resolves the options from `argv` (without node and the script) and `env`. */
export function parseExitConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ExitConfig {
  const command = new Command("operator-exits")
    .description("Posts this operator's voluntary exits before the protocol's deadlines.")
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .helpOption("-h, --help", "show this help");
  const attribute = new Map<string, string>();
  for (const spec of SPECS) {
    // The environment is read from `env` below (not process.env): the help names each variable.
    const option = new Option(spec.flag, `${spec.description} (env: ${spec.env})`);
    if (spec.default !== undefined && !spec.boolean) option.default(spec.default);
    if (spec.boolean) option.argParser((v) => v);
    attribute.set(spec.key, option.attributeName());
    command.addOption(option);
  }
  command.addHelpText("after", ENVIRONMENT_HELP);
  try {
    command.parse(argv as string[], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError && error.code === "commander.helpDisplayed")
      throw new HelpRequested(command.helpInformation() + ENVIRONMENT_HELP);
    if (error instanceof CommanderError) throw new ConfigError(error.message.replace(/^error: /, ""));
    throw error;
  }
  const raw = command.opts() as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source> = {};
  for (const spec of SPECS) {
    const name = attribute.get(spec.key) as string;
    const source = command.getOptionValueSource(name);
    let text: string | undefined;
    let from: Source = "default";
    if (source === "cli") {
      text = spec.boolean ? "true" : String(raw[name]);
      from = "flag";
    } else if (env[spec.env] !== undefined && env[spec.env] !== "") {
      text = env[spec.env];
      from = "env";
    } else text = spec.default;
    sources[spec.key] = from;
    if (text === undefined) {
      values[spec.key] = undefined;
      continue;
    }
    try {
      values[spec.key] = spec.parse(text);
    } catch (error) {
      const name = from === "env" ? spec.env : spec.flag.split(" ")[0];
      throw new ConfigError(`${name} "${text}" ${(error as Error).message}.`);
    }
  }
  if (values.operatorId === undefined) throw new ConfigError("--operator-id (or OPERATOR_ID) is required.");
  if (!values.keystoresDir && !values.presignedDir)
    throw new ConfigError("Give --keystores <dir> or --presigned-exits <dir>: where the exits come from.");
  if (values.keystoresDir && values.presignedDir)
    throw new ConfigError("Give --keystores or --presigned-exits, not both.");
  const password = env.OPERATOR_KEYSTORE_PASSWORD;
  if (values.keystoresDir && !password)
    throw new ConfigError("--keystores needs the keystores' password in OPERATOR_KEYSTORE_PASSWORD.");
  return {
    ...(values as Omit<ExitConfig, "keystorePassword" | "sources">),
    keystorePassword: password ? new Secret(password) : undefined,
    sources,
  } as ExitConfig;
}
