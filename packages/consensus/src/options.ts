import { parseArgs } from "node:util";
import { type ChainTiming, DEVNET_TIMING, MAINNET_DEPOSIT_CONTRACT, MAINNET_TIMING } from "./config.js";
import { OptionsError } from "./errors.js";
import type { Hex } from "./hex.js";
import type { LogLevel } from "./log.js";
import type { NodeOptions } from "./node.js";

export type CliOptions = NodeOptions & { elRpc: string; dialect: "anvil" | "hardhat"; logLevel: LogLevel };

type Spec = {
  flag: string;
  env: string;
  description: string;
  default?: string;
  boolean?: boolean;
};

/** Every flag, its environment variable and default: resolved flag > environment > default. */
export const OPTION_SPECS: Spec[] = [
  {
    flag: "el-rpc",
    env: "CONSENSUS_EL_RPC",
    description: "JSON-RPC URL of the execution node (anvil, Hardhat)",
  },
  {
    flag: "port",
    env: "CONSENSUS_PORT",
    description: "Beacon API port (0 picks a free port)",
    default: "5052",
  },
  { flag: "host", env: "CONSENSUS_HOST", description: "Beacon API listen address", default: "127.0.0.1" },
  {
    flag: "validators",
    env: "CONSENSUS_VALIDATORS",
    description: "genesis validators (not the protocol's)",
    default: "64",
  },
  { flag: "slot-time", env: "CONSENSUS_SLOT_TIME", description: "seconds per slot", default: "12" },
  {
    flag: "fast",
    env: "CONSENSUS_FAST",
    description: "produce slots as fast as possible (virtual time)",
    boolean: true,
  },
  {
    flag: "genesis-delay",
    env: "CONSENSUS_GENESIS_DELAY",
    description:
      "seconds from now to a new chain's genesis; no slot before it (room to deploy contracts that read the genesis)",
    default: "0",
  },
  {
    flag: "slot-pause",
    env: "CONSENSUS_SLOT_PAUSE",
    description: "with --fast: wall-clock milliseconds between two slots, so that daemons keep up",
    default: "0",
  },
  {
    flag: "data-dir",
    env: "CONSENSUS_DATA_DIR",
    description: "where the chain is saved ('none': memory only)",
    default: ".data/consensus",
  },
  {
    flag: "deposit-contract",
    env: "CONSENSUS_DEPOSIT_CONTRACT",
    description: "beacon deposit contract (installed there if absent)",
    default: MAINNET_DEPOSIT_CONTRACT,
  },
  {
    flag: "fee-recipient",
    env: "CONSENSUS_FEE_RECIPIENT",
    description: "fee recipient of every validator that registered none (genesis ones included)",
    default: "0x0000000000000000000000000000000000000000",
  },
  {
    flag: "retain-epochs",
    env: "CONSENSUS_RETAIN_EPOCHS",
    description: "epochs of epoch-boundary states kept for the API",
    default: "64",
  },
  {
    flag: "save-every-epochs",
    env: "CONSENSUS_SAVE_EVERY_EPOCHS",
    description: "save the chain every N epochs (and on exit)",
    default: "1",
  },
  {
    flag: "devnet-timing",
    env: "CONSENSUS_DEVNET_TIMING",
    description: `short exit/withdrawal timing: shard committee period and withdrawability delay of ${DEVNET_TIMING.shardCommitteePeriod} epochs`,
    boolean: true,
  },
  {
    flag: "shard-committee-period",
    env: "CONSENSUS_SHARD_COMMITTEE_PERIOD",
    description:
      "SHARD_COMMITTEE_PERIOD: epochs active before a validator may exit (mainnet 256; beats --devnet-timing)",
    default: String(MAINNET_TIMING.shardCommitteePeriod),
  },
  {
    flag: "min-withdrawability-delay",
    env: "CONSENSUS_MIN_WITHDRAWABILITY_DELAY",
    description:
      "MIN_VALIDATOR_WITHDRAWABILITY_DELAY: epochs from exit to withdrawable (mainnet 256; beats --devnet-timing)",
    default: String(MAINNET_TIMING.minValidatorWithdrawabilityDelay),
  },
  { flag: "stop-at-slot", env: "CONSENSUS_STOP_AT_SLOT", description: "exit after producing this slot" },
  {
    flag: "dialect",
    env: "CONSENSUS_EL_DIALECT",
    description: "execution node methods: anvil or hardhat",
    default: "anvil",
  },
  {
    flag: "log-level",
    env: "CONSENSUS_LOG_LEVEL",
    description: "debug, info, warn or error",
    default: "info",
  },
  { flag: "help", env: "", description: "print this help", boolean: true },
];

export function helpText(): string {
  const lines = OPTION_SPECS.map((s) => {
    const name = s.boolean ? `--${s.flag}` : `--${s.flag} <value>`;
    const extra = [s.env ? `env ${s.env}` : "", s.default !== undefined ? `default ${s.default}` : ""]
      .filter(Boolean)
      .join(", ");
    return `  ${name.padEnd(30)} ${s.description}${extra ? ` (${extra})` : ""}`;
  });
  return `Usage: npm run consensus -- --el-rpc <url> [--port <port>] [options]\n\nOptions:\n${lines.join("\n")}\n`;
}

function integer(name: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new OptionsError(`--${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function address(name: string, raw: string): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw))
    throw new OptionsError(`--${name} must be a 0x-prefixed 20-byte address, got "${raw}"`);
  return raw as Hex;
}

/** Parses argv and the environment into node options; throws OptionsError with a clear message. */
export function resolveOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | "help" {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        OPTION_SPECS.map((s) => [s.flag, { type: s.boolean ? ("boolean" as const) : ("string" as const) }]),
      ),
    });
  } catch (cause) {
    throw new OptionsError(`${(cause as Error).message}\nRun with --help for the list of flags.`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) return "help";
  const get = (flag: string): string | undefined => {
    const spec = OPTION_SPECS.find((s) => s.flag === flag);
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") return fromFlag;
    if (fromFlag === true) return "true";
    const fromEnv = spec?.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    return spec?.default;
  };

  const elRpc = get("el-rpc");
  if (elRpc === undefined) throw new OptionsError("--el-rpc <url> is required (or set CONSENSUS_EL_RPC)");
  try {
    const url = new URL(elRpc);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new OptionsError(`--el-rpc must be an http(s) URL, got "${elRpc}"`);
  }
  const dialect = get("dialect");
  if (dialect !== "anvil" && dialect !== "hardhat")
    throw new OptionsError(`--dialect must be anvil or hardhat, got "${dialect}"`);
  const logLevel = get("log-level");
  if (!["debug", "info", "warn", "error"].includes(logLevel ?? "")) {
    throw new OptionsError(`--log-level must be debug, info, warn or error, got "${logLevel}"`);
  }
  const port = integer("port", get("port") ?? "", 0);
  if (port > 65535) throw new OptionsError(`--port must be at most 65535, got ${port}`);
  const fast = get("fast");
  const timing = resolveTiming(values, env, get);
  const dataDir = get("data-dir") ?? "none";
  const stopAtSlot = get("stop-at-slot");
  return {
    elRpc,
    dialect,
    logLevel: logLevel as LogLevel,
    validators: integer("validators", get("validators") ?? "", 1),
    secondsPerSlot: integer("slot-time", get("slot-time") ?? "", 1),
    mode: fast === "true" || fast === "1" ? "fast" : "realtime",
    depositContract: address("deposit-contract", get("deposit-contract") ?? ""),
    defaultFeeRecipient: address("fee-recipient", get("fee-recipient") ?? ""),
    retainEpochs: integer("retain-epochs", get("retain-epochs") ?? "", 1),
    saveEveryEpochs: integer("save-every-epochs", get("save-every-epochs") ?? "", 1),
    dataDir: dataDir === "none" ? null : dataDir,
    api: { host: get("host") ?? "127.0.0.1", port },
    stopAtSlot: stopAtSlot === undefined ? null : integer("stop-at-slot", stopAtSlot, 1),
    timing,
    genesisDelay: integer("genesis-delay", get("genesis-delay") ?? "", 0),
    slotPauseMs: integer("slot-pause", get("slot-pause") ?? "", 0),
  };
}

function isSet(raw: string | undefined): boolean {
  return raw === "true" || raw === "1";
}

/**
 * Timing: an explicit value (flag or environment) wins, then `--devnet-timing`, then mainnet's.
 * Undefined when no timing was asked for (mainnet's applies), so a restored chain can tell the difference.
 */
function resolveTiming(
  values: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
  get: (flag: string) => string | undefined,
): Partial<ChainTiming> | undefined {
  const explicit = (flag: string, name: string): string | undefined => {
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") return fromFlag;
    const fromEnv = env[name];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const devnet = isSet(get("devnet-timing"));
  const shard = explicit("shard-committee-period", "CONSENSUS_SHARD_COMMITTEE_PERIOD");
  const delay = explicit("min-withdrawability-delay", "CONSENSUS_MIN_WITHDRAWABILITY_DELAY");
  if (!devnet && shard === undefined && delay === undefined) return undefined;
  const base = devnet ? DEVNET_TIMING : MAINNET_TIMING;
  return {
    shardCommitteePeriod:
      shard === undefined ? base.shardCommitteePeriod : integer("shard-committee-period", shard, 0),
    minValidatorWithdrawabilityDelay:
      delay === undefined
        ? base.minValidatorWithdrawabilityDelay
        : integer("min-withdrawability-delay", delay, 0),
  };
}
