/**
 * `tributary`: the argument parser and the help text. Each command's code (and viem and the SDK
 * with it) is imported only when that command runs, so `tributary --help` loads nothing else.
 */
import { Argument, type Command, CommanderError, Option, program } from "commander";
import { EXIT_CODES_HELP, ExitCode } from "./exit.js";
import type { GlobalOptions } from "./options.js";
import { progress } from "./state.js";

const json = process.argv.includes("--json");

/** Runs a command's action; any error becomes a sentence (or JSON) on stderr and an exit code. */
async function run(action: () => Promise<void>, write = false): Promise<void> {
  progress.write = write;
  try {
    await action();
  } catch (error) {
    const { reportError } = await import("./report.js");
    process.exitCode = reportError(error, json);
  }
}

/** The global options merged with the command's own. */
function optionsOf<T>(command: Command): GlobalOptions & T {
  return command.optsWithGlobals() as GlobalOptions & T;
}

program
  .name("tributary")
  .description(
    "Stake ETH for trETH, redeem it, claim withdrawals and follow Tributary from the command line.",
  )
  .version("0.1.0", "-V, --version")
  .addOption(
    new Option("--rpc-url <url>", "JSON-RPC endpoint of the execution chain")
      .env("TRIBUTARY_RPC_URL")
      .default("http://127.0.0.1:8545"),
  )
  .option("--chain <id>", "expected chain id: refuse to run on any other network")
  .addOption(
    new Option(
      "--deployment <file>",
      "deployment file (default: deployments/<chain id>.json of the repository)",
    ).env("TRIBUTARY_DEPLOYMENT"),
  )
  .addOption(
    new Option(
      "--keystore <file>",
      "account from a Web3 Secret Storage (v3) keystore; password from TRIBUTARY_KEYSTORE_PASSWORD or a prompt",
    ).env("TRIBUTARY_KEYSTORE"),
  )
  .option(
    "--dev-account <index>",
    "account <index> of the public test mnemonic (development chains 31337 and 1337 only)",
  )
  .option("--json", "print only machine-readable JSON (amounts in wei, as decimal strings)", false)
  .option("-y, --yes", "send transactions without asking", false)
  .showHelpAfterError(json ? false : "(run tributary --help for usage)")
  .addHelpText(
    "after",
    `
Account: --keystore, else --dev-account, else the environment variable TRIBUTARY_PRIVATE_KEY.
Keys are never printed.

${EXIT_CODES_HELP}

Examples (local chain from \`npm start\`):
  tributary --dev-account 5 stake 1
  tributary --dev-account 5 status
  tributary --dev-account 5 unstake all
  tributary --dev-account 5 claim --all`,
  );

// Set before the commands are made: they copy these settings from the program.
program.exitOverride();
if (json) {
  program.configureOutput({
    outputError: (message) =>
      process.stderr.write(
        `${JSON.stringify({ error: { name: "UsageError", message: message.replace(/^error: /, "").trim(), exitCode: ExitCode.usage } })}\n`,
      ),
  });
}
program
  .command("stake")
  .description("stake ETH for trETH")
  .argument("<eth>", "amount of ETH, e.g. 1.5")
  .option("--receiver <address>", "who receives the trETH (default: the account)")
  .action((eth: string, _options, command: Command) =>
    run(async () => (await import("./commands/stake.js")).stake(eth, optionsOf(command)), true),
  );

program
  .command("unstake")
  .description("request the redemption of trETH for ETH (a withdrawal ticket, claimable after a report)")
  .argument("<trETH>", 'amount of trETH, or "all"')
  .action((amount: string, _options, command: Command) =>
    run(async () => (await import("./commands/unstake.js")).unstake(amount, optionsOf(command)), true),
  );

program
  .command("claim")
  .description("claim the ETH of finalized withdrawal tickets")
  .argument("[requestId...]", "ticket ids to claim")
  .option("--all", "claim every claimable ticket of the account", false)
  .option("--receiver <address>", "who receives the ETH (default: the account)")
  .option("--weth", "pay WETH instead of ETH (several tickets then go in one transaction)", false)
  .action((ids: string[], _options, command: Command) =>
    run(async () => (await import("./commands/claim.js")).claim(ids, optionsOf(command)), true),
  );

program
  .command("status")
  .description("position, rate, APR with its method, waiting time of pending tickets, stake limit")
  .argument("[address]", "whose position (default: the account)")
  .addOption(
    new Option(
      "--beacon-url <url>",
      "Beacon API, for the exit queue and withdrawal sweep in waiting times (optional)",
    ).env("TRIBUTARY_BEACON_URL"),
  )
  .action((address: string | undefined, _options, command: Command) =>
    run(async () => (await import("./commands/status.js")).status(address, optionsOf(command))),
  );

program
  .command("tickets")
  .description("withdrawal tickets: amount, status, what can be claimed")
  .argument("[address]", "whose tickets (default: the account)")
  .action((address: string | undefined, _options, command: Command) =>
    run(async () => (await import("./commands/tickets.js")).tickets(address, optionsOf(command))),
  );

program
  .command("delegate")
  .description("delegate the account's trETH voting power")
  .argument("<address>", "delegatee (the account itself to vote directly)")
  .action((delegatee: string, _options, command: Command) =>
    run(async () => (await import("./commands/delegate.js")).delegate(delegatee, optionsOf(command)), true),
  );

program
  .command("vote")
  .description("vote on a governance proposal")
  .argument("<proposalId>", "proposal id (decimal or 0x hex)")
  .addArgument(new Argument("<support>", "your vote").choices(["for", "against", "abstain"]))
  .option("--reason <text>", "reason recorded with the vote")
  .action((proposalId: string, support: string, _options, command: Command) =>
    run(
      async () =>
        (await import("./commands/vote.js")).vote(
          proposalId,
          support,
          optionsOf<{ reason?: string }>(command),
        ),
      true,
    ),
  );

program
  .command("oracle")
  .description("the oracle committee")
  .command("status")
  .description("members, quorum, last report, next frame, whether the committee keeps up")
  .action((_options, command: Command) =>
    run(async () => (await import("./commands/oracle.js")).oracleStatus(optionsOf(command))),
  );

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and version end with 0; every parsing error is a usage error.
  process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
}
