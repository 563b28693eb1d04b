import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatEther } from "viem";
import { startAnvil } from "../lib/anvil.js";
import { type ConsensusNode, startConsensus } from "../lib/consensus.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount, devPrivateKey } from "../lib/devkeys.js";
import { main as deploy } from "./deploy.js";

const USAGE = `Runs Tributary locally: an EVM node (anvil), the protocol deployed on it, and the embedded
consensus layer producing slots against it.

Usage: npm start -- [--port <el port>] [--beacon-port <port>] [--slot-time <s>] [--no-consensus]
                    [--no-dev-admin]

  --no-dev-admin   deploy with the public-chain role set: only the Governor proposes to the
                   timelock (by default the deployer, dev account 0, also proposes and executes
                   without a vote, so that parameters can be changed at once)`;

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    port: { type: "string", default: process.env.TRIBUTARY_EL_PORT ?? "8545" },
    "beacon-port": { type: "string", default: process.env.TRIBUTARY_BEACON_PORT ?? "5052" },
    "slot-time": { type: "string", default: process.env.TRIBUTARY_SLOT_TIME ?? "12" },
    "no-consensus": { type: "boolean", default: false },
    "no-dev-admin": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
function numberFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(
      `start: --${name} must be a whole number from ${min} to ${max}, got ${value}\n\n${USAGE}\n`,
    );
    process.exit(2);
  }
  return n;
}
const port = numberFlag("port", values.port, 1, 65_535);
const beaconPort = numberFlag("beacon-port", values["beacon-port"], 1, 65_535);
const slotTime = numberFlag("slot-time", values["slot-time"], 1, 3_600);
const logFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".data", "consensus.log");
let consensus: ConsensusNode | undefined;

const node = await startAnvil(port, ["--mnemonic", DEV_MNEMONIC, "--silent"]);
process.stdout.write(`local EVM node (anvil) at ${node.url}\n`);
try {
  const deployment = await deploy([
    "--rpc-url",
    node.url,
    ...(values["no-dev-admin"] ? ["--no-dev-admin"] : []),
  ]);
  if (!values["no-consensus"]) {
    // Ephemeral like the anvil node it drives; short exit and withdrawal delays for local use.
    consensus = await startConsensus({
      elRpc: node.url,
      port: beaconPort,
      depositContract: deployment.contracts.depositContract,
      slotTime,
      logFile,
      extraArgs: ["--data-dir", "none", "--devnet-timing"],
    });
  }
  const user = devAccount(DEV_ROLES.firstUser);
  const lines = [
    "",
    "Tributary is running on a local chain.",
    "",
    ...Object.entries(deployment.contracts).map(([name, address]) => `  ${name.padEnd(32)} ${address}`),
    "",
    `  funded account     ${user.address} (${formatEther(10_000n * 10n ** 18n)} ETH)`,
    `  its private key    ${devPrivateKey(DEV_ROLES.firstUser)}  (public development key: never use it elsewhere)`,
    `  guardians          ${deployment.guardians.join(", ")} (quorum ${deployment.guardianQuorum})`,
    deployment.handover.devAdmin
      ? `  dev admin          ${deployment.deployer} (dev account 0) proposes and executes on the timelock without a vote`
      : "  dev admin          off: only the Governor proposes to the timelock",
    consensus
      ? `  Beacon API         ${consensus.url} (a slot every ${slotTime} s; logs in ${consensus.logFile})`
      : "  Beacon API         not started (--no-consensus)",
    "",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
} catch (error) {
  await consensus?.stop();
  await node.stop();
  throw error;
}

const stop = async () => {
  await consensus?.stop();
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
