import { parseArgs } from "node:util";
import { formatEther } from "viem";
import { startAnvil } from "../lib/anvil.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount, devPrivateKey } from "../lib/devkeys.js";
import { main as deploy } from "./deploy.js";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { port: { type: "string", default: process.env.TRIBUTARY_EL_PORT ?? "8545" } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  process.stderr.write(`start: --port must be a TCP port, got ${values.port}\n`);
  process.exit(2);
}

const node = await startAnvil(port, ["--mnemonic", DEV_MNEMONIC, "--silent"]);
process.stdout.write(`local EVM node (anvil) at ${node.url}\n`);
try {
  const deployment = await deploy(["--rpc-url", node.url]);
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
    "",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
} catch (error) {
  await node.stop();
  throw error;
}

const stop = async () => {
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
