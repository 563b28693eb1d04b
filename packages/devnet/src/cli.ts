/**
 * `npm start`: the whole protocol on a local chain, every daemon included, with a status line per
 * epoch. Ctrl-C stops everything it started.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEV_MNEMONIC } from "../../../contracts/lib/devkeys.js";
import { ACCOUNTS, KEYSTORE_PASSWORD, startDevnet } from "./devnet.js";
import { REPO_ROOT } from "./processes.js";

const USAGE = `Runs Tributary locally and lets it live: an EVM node (anvil), the embedded consensus layer,
the protocol deployed with its committee's frames taken from the beacon chain's genesis, three
oracle members (quorum 2), three guardians (quorum 2), the depositor, operators with keys, bonds
and exit daemons, and sample stakers. A status line is printed every epoch.

Usage: npm start -- [options]

  --port <port>               EVM node JSON-RPC port (default 8545; env TRIBUTARY_EL_PORT)
  --beacon-port <port>        Beacon API port (default 5052; env TRIBUTARY_BEACON_PORT)
  --slot-time <s>             seconds per slot (default 2; env TRIBUTARY_SLOT_TIME)
  --fast                      slots back to back in virtual time, --slot-pause apart
  --slot-pause <ms>           with --fast: wall-clock pause between slots (default 300)
  --epochs-per-frame <n>      epochs per oracle report frame (default 4; at least 3, since a
                              frame's reference slot is final two epochs after it)
  --operators <n>             operators (default 3)
  --keys-per-operator <n>     validator keys per operator (default 4)
  --stakers <n>               sample stakers (default 3; 0: none)
  --genesis-delay <s>         seconds from start to the beacon chain's genesis (default 25)
  --daemon-port-base <port>   first port of the daemons' HTTP servers (default 9200)
  --data-dir <dir>            logs, daemon state, keys, deployment (default .data/devnet; wiped at start)
  --exit-after-reports <n>    stop everything and exit 0 once n reports are applied
  --with-l2                   also a remote chain (chain 31338): trETH bridged to it, its rate relayed,
                              staking from it, and the relayer committee
  --l2-port <port>            the remote chain's JSON-RPC port (default 9545; env TRIBUTARY_L2_PORT)
  -h, --help                  this help

Every account and key is a public development key: never use one elsewhere.`;

function fail(message: string): never {
  process.stderr.write(`start: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: "string", default: process.env.TRIBUTARY_EL_PORT ?? "8545" },
        "beacon-port": { type: "string", default: process.env.TRIBUTARY_BEACON_PORT ?? "5052" },
        "slot-time": { type: "string", default: process.env.TRIBUTARY_SLOT_TIME ?? "2" },
        fast: { type: "boolean", default: false },
        "slot-pause": { type: "string", default: "300" },
        "epochs-per-frame": { type: "string", default: "4" },
        operators: { type: "string", default: "3" },
        "keys-per-operator": { type: "string", default: "4" },
        stakers: { type: "string", default: "3" },
        "genesis-delay": { type: "string", default: "25" },
        "daemon-port-base": { type: "string", default: "9200" },
        "data-dir": { type: "string", default: join(REPO_ROOT, ".data", "devnet") },
        "exit-after-reports": { type: "string" },
        "with-l2": { type: "boolean", default: false },
        "l2-port": { type: "string", default: process.env.TRIBUTARY_L2_PORT ?? "9545" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

function whole(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    fail(`--${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return n;
}

const exitAfter = values["exit-after-reports"];
const options = {
  elPort: whole("port", values.port, 1, 65_535),
  beaconPort: whole("beacon-port", values["beacon-port"], 1, 65_535),
  slotTime: whole("slot-time", values["slot-time"], 1, 60),
  fast: values.fast,
  slotPauseMs: whole("slot-pause", values["slot-pause"], 0, 60_000),
  epochsPerFrame: whole("epochs-per-frame", values["epochs-per-frame"], 3, 225),
  operators: whole("operators", values.operators, 1, 10),
  keysPerOperator: whole("keys-per-operator", values["keys-per-operator"], 1, 100),
  stakers: whole("stakers", values.stakers, 0, 20),
  genesisDelay: whole("genesis-delay", values["genesis-delay"], 5, 600),
  daemonPortBase: whole("daemon-port-base", values["daemon-port-base"], 1, 65_000),
  dataDir: values["data-dir"],
  withL2: values["with-l2"] ? { port: whole("l2-port", values["l2-port"], 1, 65_535) } : undefined,
  print: (line: string) => process.stdout.write(`${line}\n`),
};
const reportsToExit = exitAfter === undefined ? undefined : whole("exit-after-reports", exitAfter, 1, 1_000);

// A closed pipe on stdout (\`npm start | head\`) must not crash the devnet and orphan its processes.
process.stdout.on("error", () => undefined);
process.on("uncaughtException", (error) => {
  process.stderr.write(`start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
const print = options.print;
print("Tributary devnet: every account and key below is a PUBLIC development key; never use one elsewhere.");
print(`  mnemonic (accounts and validator keys): "${DEV_MNEMONIC}"`);
print(
  `  accounts: deployer 0, guardians 1-3, emergency committee 4, depositor ${ACCOUNTS.depositor}, oracle members ${ACCOUNTS.members.join(", ")}, operators ${ACCOUNTS.operatorBase}+, stakers ${ACCOUNTS.stakerBase}+`,
);
print(`  operators' keystore password: "${KEYSTORE_PASSWORD}"`);
print(
  options.fast
    ? `  timing: fast (virtual ${options.slotTime} s slots, ${options.slotPauseMs} ms apart), frames of ${options.epochsPerFrame} epochs`
    : `  timing: ${options.slotTime} s slots, frames of ${options.epochsPerFrame} epochs, devnet exit timing`,
);
print("");

let stopping: Promise<void> | undefined;
const devnet = await startDevnet(options).catch((error: unknown) => {
  process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const shutdown = (code: number) => {
  if (!stopping) {
    print("stopping every process...");
    stopping = devnet.stop().then(() => {
      print("stopped.");
      process.exit(code);
    });
  }
  return stopping;
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
print(
  "Try, in another terminal: npx tributary --help (stake, status, oracle status, operator status). Ctrl-C stops everything.",
);
if (reportsToExit !== undefined) {
  devnet.status.onSnapshot((s) => {
    if (s.reports >= reportsToExit) {
      print(`${s.reports} reports applied.`);
      void shutdown(0);
    }
  });
}
