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
    new Option(
      "--rpc-url <url>",
      "JSON-RPC endpoint (default: http://127.0.0.1:8545, or the RPC URL the crosschain deployment records for --chain)",
    ).env("TRIBUTARY_RPC_URL"),
  )
  .option(
    "--chain <id>",
    "expected chain id: refuse to run on any other network; trETH's remote chain id runs status, stake and bridge there",
  )
  .addOption(
    new Option(
      "--deployment <file>",
      "deployment file (default: deployments/<chain id>.json of the repository)",
    ).env("TRIBUTARY_DEPLOYMENT"),
  )
  .addOption(
    new Option(
      "--crosschain <file>",
      "crosschain deployment: both sides of trETH's bridge (default: deployments/crosschain.json, written by npm start -- --with-l2)",
    ).env("TRIBUTARY_CROSSCHAIN"),
  )
  .addOption(
    new Option(
      "--keystore <file>",
      "account from a Web3 Secret Storage (v3) keystore; password from TRIBUTARY_KEYSTORE_PASSWORD or a prompt",
    ).env("TRIBUTARY_KEYSTORE"),
  )
  .option(
    "--dev-account <index>",
    "account <index> of the public test mnemonic (development chains 31337, 31338 and 1337 only)",
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
  tributary --dev-account 5 claim --all

On trETH's remote chain (\`npm start -- --with-l2\`, chain 31338):
  tributary --dev-account 5 bridge 1 --wait          # Ethereum to the remote chain
  tributary --dev-account 5 --chain 31338 status
  tributary --dev-account 5 --chain 31338 stake 0.5   # WETH in, bridged trETH out
  tributary --dev-account 5 --chain 31338 bridge all --wait`,
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
  .command("bridge")
  .description(
    "send trETH to the other side of its bridge (Ethereum to the remote chain, or back); the same shares arrive",
  )
  .argument("<trETH>", 'amount of trETH, or "all"')
  .option("--to <address>", "who receives it on the other chain (default: the account)")
  .option("--wait", "follow the message until the relayers deliver it on the other chain", false)
  .option("--wait-seconds <s>", "how long --wait follows it", "600")
  .action((amount: string, _options, command: Command) =>
    run(async () => (await import("./commands/bridge.js")).bridge(amount, optionsOf(command)), true),
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
  .command("quote")
  .description(
    "the ways out of trETH side by side: the DEX now (Uniswap v3 quote) and the withdrawal queue (rate, wait)",
  )
  .argument("<trETH>", "amount of trETH, e.g. 10")
  .addOption(
    new Option("--beacon-url <url>", "Beacon API, for the queue's wait estimate (optional)").env(
      "TRIBUTARY_BEACON_URL",
    ),
  )
  .action((amount: string, _options, command: Command) =>
    run(async () => (await import("./commands/quote.js")).quote(amount, optionsOf(command))),
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

const operator = program
  .command("operator")
  .description("node operators: register, keys, bond, commission, status, voluntary exits")
  .addHelpText(
    "after",
    `
Every operator command acts on --operator-id, else on the one operator the account manages.

Examples (local chain from \`npm start\`):
  tributary --dev-account 7 operator register --reward-address 0x… --commission 500
  tributary --dev-account 7 operator add-keys --deposit-data validator_keys/deposit_data-….json --auto-bond
  tributary --dev-account 7 operator status --guardian-urls http://127.0.0.1:9201`,
  );
const operatorIdOption = () =>
  new Option("--operator-id <id>", "the operator (default: the one the account manages)");
const operatorCommand = (name: string, description: string) =>
  operator.command(name).description(description).addOption(operatorIdOption());
const operatorModule = () => import("./commands/operator/index.js");

operator
  .command("register")
  .description("register as a node operator, with a commission and optionally a bond")
  .requiredOption("--reward-address <address>", "who receives the commission")
  .requiredOption("--commission <bps>", "commission in basis points of the validators' rewards (500 = 5%)")
  .option("--bond <eth>", "ETH posted as bond now")
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).register(optionsOf(command)), true),
  );

operatorCommand(
  "add-keys",
  "add the keys of a deposit data file (every check first; in chunks; a re-run resumes)",
)
  .requiredOption("--deposit-data <file>", "deposit_data-*.json of staking-deposit-cli or tributary keys")
  .option("--bond <eth>", "ETH posted as bond with the keys (at least what the registry needs)")
  .option("--auto-bond", "post exactly the bond the registry needs (bondTopUp)", false)
  .option("--chunk-size <keys>", "keys per transaction", "50")
  .addOption(
    new Option(
      "--beacon-url <url>",
      "Beacon API, for the network's fork version (default: the chain's known one)",
    ).env("TRIBUTARY_BEACON_URL"),
  )
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).addKeys(optionsOf(command)), true),
  );

operatorCommand("remove-keys", "remove keys from an index to the end (none may be deposited)")
  .requiredOption("--from-index <i>", "first key removed")
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).removeKeys(optionsOf(command)), true),
  );

operatorCommand(
  "set-commission",
  "set the commission: a decrease at once, an increase after the registry's delay",
)
  .argument("<bps>", "basis points (500 = 5%)")
  .action((bps: string, _options, command: Command) =>
    run(async () => (await operatorModule()).setCommission(bps, optionsOf(command)), true),
  );

const bond = operator.command("bond").description("the operator's bond");
bond
  .command("top-up")
  .description("post ETH as bond")
  .argument("<eth>", "amount of ETH")
  .addOption(operatorIdOption())
  .action((eth: string, _options, command: Command) =>
    run(async () => (await operatorModule()).bondTopUp(eth, optionsOf(command)), true),
  );
bond
  .command("withdraw")
  .description(
    "withdraw bond the keys do not need (refused, naming held and required, if it cannot be spared)",
  )
  .argument("<amount>", 'ETH (or trETH shares with --shares), or "all" that can be spared')
  .option("--shares", "the amount is trETH shares", false)
  .option("--to <address>", "who receives the trETH (default: the account)")
  .addOption(operatorIdOption())
  .action((amount: string, _options, command: Command) =>
    run(async () => (await operatorModule()).bondWithdraw(amount, optionsOf(command)), true),
  );

operatorCommand("claim", "claim the commission with the proof an oracle member publishes")
  .addOption(new Option("--oracle-url <url>", "an oracle member's HTTP server").env("TRIBUTARY_ORACLE_URL"))
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).claim(optionsOf(command)), true),
  );

operatorCommand("status", "keys, bond, commission, debt, vetting, pending exit requests and their deadlines")
  .addOption(
    new Option(
      "--guardian-urls <urls>",
      "guardians' HTTP servers, comma separated: which key blocks vetting",
    ).env("TRIBUTARY_GUARDIAN_URLS"),
  )
  .addOption(
    new Option("--oracle-url <url>", "an oracle member's HTTP server: commission claimable").env(
      "TRIBUTARY_ORACLE_URL",
    ),
  )
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).status(optionsOf(command))),
  );

operator
  .command("sign-exits")
  .description(
    "sign voluntary exits ahead of time from EIP-2335 keystores (password: OPERATOR_KEYSTORE_PASSWORD)",
  )
  .requiredOption("--keystores <dir>", "directory of EIP-2335 keystores")
  .requiredOption("--out <dir>", "where the signed exits are written, one JSON file each")
  .addOption(
    new Option("--beacon-url <url>", "Beacon API (validator indices, fork, genesis)")
      .env("TRIBUTARY_BEACON_URL")
      .default("http://127.0.0.1:5052"),
  )
  .option("--pubkeys <list>", "only these pubkeys, comma separated")
  .option("--epoch <n>", "the exits' epoch (default: the head's)")
  .action((_options, command: Command) =>
    run(async () => (await operatorModule()).signExits(optionsOf(command))),
  );

operator
  .command("exit-daemon")
  .description(
    "run the exit daemon: posts the operator's voluntary exits before their deadlines (see its --help)",
  )
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .argument("[options...]", "the daemon's options")
  .action(() =>
    run(async () => {
      const at = process.argv.indexOf("exit-daemon");
      await (await operatorModule()).exitDaemon(process.argv.slice(at + 1));
    }),
  );

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and version end with 0; every parsing error is a usage error.
  process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
}
