/**
 * A daemon's command line (`defineCommand`, `commonOptions` and the value parsers): each option from
 * its flag, else its environment variable, else its default; errors that name where a bad value came
 * from; the help; and the one account, whose private key is never repeated in an error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { REDACTED } from "../src/log.js";
import {
  boolean,
  ConfigError,
  commonOptions,
  defineCommand,
  ether,
  HelpRequested,
  integer,
  logLevel,
  nonEmpty,
  seconds,
  url,
  urlList,
} from "../src/options.js";

const PREFIX = "GUARDIAN";
const KEY = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const options = {
  ...commonOptions(PREFIX, { httpPort: "9110", dataDir: ".data/guardian" }),
  minBalance: {
    flag: "--min-balance <eth>",
    env: `${PREFIX}_MIN_BALANCE`,
    description: "the balance below which a warning is logged",
    default: "0.5",
    parse: ether,
  },
};

const command = defineCommand({
  name: "guardian",
  description: "Vets operator keys and signs deposit roots",
  envPrefix: PREFIX,
  keyPurpose: "the guardian's signing key",
  options,
});

/** An environment with an account, so that option tests do not trip on the account check. */
const WITH_ACCOUNT = { [`${PREFIX}_PRIVATE_KEY`]: KEY };

function configError(run: () => unknown, what: string): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `${what}: a ConfigError, got ${String(error)}`);
    assert.equal(error.exitCode, 2, `${what}: exit code 2`);
    return error;
  }
  assert.fail(`${what}: no error`);
}

describe("defineCommand: where each value comes from", () => {
  it("takes the defaults when neither flag nor variable is given", () => {
    const { values, sources } = command.parse([], WITH_ACCOUNT);
    assert.equal(values.rpcUrl, "http://127.0.0.1:8545", "rpcUrl");
    assert.equal(values.beaconUrl, "http://127.0.0.1:5052", "beaconUrl");
    assert.equal(values.httpPort, 9110, "the daemon's own port, parsed");
    assert.equal(values.dataDir, ".data/guardian", "the daemon's own data directory");
    assert.equal(values.pollIntervalMs, 12_000, "12 s in ms");
    assert.equal(values.requestTimeoutMs, 30_000, "30 s in ms");
    assert.equal(values.once, false, "once off");
    assert.equal(values.logLevel, "info", "info");
    assert.equal(values.maxRetries, 3, "3 retries");
    assert.equal(values.minBalance, 5n * 10n ** 17n, "0.5 ETH in wei");
    assert.equal(values.deploymentFile, undefined, "no default deployment file");
    assert.equal(values.keystore, undefined, "no keystore");
    assert.ok(
      Object.values(sources).every((source) => source === "default"),
      "every source is the default",
    );
    assert.deepEqual(Object.keys(sources).sort(), Object.keys(options).sort(), "a source for every option");
  });

  it("takes a variable over the default and a flag over the variable", () => {
    const env = {
      ...WITH_ACCOUNT,
      GUARDIAN_RPC_URL: "http://env-node:8545",
      GUARDIAN_HTTP_PORT: "9200",
      GUARDIAN_LOG_LEVEL: "debug",
    };
    const { values, sources } = command.parse(["--rpc-url", "https://flag-node", "--http-port=9300"], env);
    assert.equal(values.rpcUrl, "https://flag-node", "the flag wins over the variable");
    assert.equal(sources.rpcUrl, "flag", "recorded as the flag");
    assert.equal(values.httpPort, 9300, "--name=value form");
    assert.equal(sources.httpPort, "flag", "recorded as the flag");
    assert.equal(values.logLevel, "debug", "the variable wins over the default");
    assert.equal(sources.logLevel, "env", "recorded as the variable");
    assert.equal(values.beaconUrl, "http://127.0.0.1:5052", "the default where nothing is set");
    assert.equal(sources.beaconUrl, "default", "recorded as the default");
  });

  it("treats an empty variable as unset", () => {
    const { values, sources } = command.parse([], { ...WITH_ACCOUNT, GUARDIAN_HTTP_PORT: "" });
    assert.equal(values.httpPort, 9110, "the default");
    assert.equal(sources.httpPort, "default", "recorded as the default");
  });

  it("reads a boolean option from its flag or its variable", () => {
    const flag = command.parse(["--once"], WITH_ACCOUNT);
    assert.equal(flag.values.once, true, "--once");
    assert.equal(flag.sources.once, "flag", "from the flag");
    const env = command.parse([], { ...WITH_ACCOUNT, GUARDIAN_ONCE: "yes" });
    assert.equal(env.values.once, true, "GUARDIAN_ONCE=yes");
    assert.equal(env.sources.once, "env", "from the variable");
    assert.equal(command.parse([], { ...WITH_ACCOUNT, GUARDIAN_ONCE: "0" }).values.once, false, "0 is false");
  });

  it("parses each value once, with the option's parser", () => {
    const { values } = command.parse(
      ["--poll-interval", "0.25", "--min-balance", "1.000000000000000001", "--dev-account", "7"],
      {},
    );
    assert.equal(values.pollIntervalMs, 250, "seconds to ms");
    assert.equal(values.minBalance, 10n ** 18n + 1n, "ETH to wei, exactly");
    assert.equal(values.devAccount, 7, "a number");
  });
});

describe("defineCommand: errors", () => {
  it("names the flag and the value of a bad flag", () => {
    const error = configError(() => command.parse(["--http-port", "70000"], WITH_ACCOUNT), "port");
    assert.equal(error.message, '--http-port "70000" is not a whole number from 0 to 65535.', "the message");
  });

  it("names the variable and the value of a bad variable", () => {
    const error = configError(
      () => command.parse([], { ...WITH_ACCOUNT, GUARDIAN_RPC_URL: "ftp://node" }),
      "variable",
    );
    assert.equal(error.message, 'GUARDIAN_RPC_URL "ftp://node" is not an http(s) URL.', "the message");
    const level = configError(
      () => command.parse([], { ...WITH_ACCOUNT, GUARDIAN_LOG_LEVEL: "loud" }),
      "log level",
    );
    assert.match(
      level.message,
      /^GUARDIAN_LOG_LEVEL "loud" is not one of debug, info, warn, error\.$/,
      "level",
    );
  });

  it("names the flag, not the variable, when the flag is the bad one", () => {
    const error = configError(
      () => command.parse(["--max-retries", "many"], { ...WITH_ACCOUNT, GUARDIAN_MAX_RETRIES: "5" }),
      "retries",
    );
    assert.match(error.message, /^--max-retries "many"/, "the flag");
    assert.doesNotMatch(error.message, /GUARDIAN_MAX_RETRIES/, "not the variable");
  });

  it("refuses an unknown flag, a flag without its value and extra arguments", () => {
    assert.match(
      configError(() => command.parse(["--nope"], WITH_ACCOUNT), "unknown").message,
      /--nope/,
      "unknown",
    );
    assert.match(
      configError(() => command.parse(["--rpc-url"], WITH_ACCOUNT), "no value").message,
      /--rpc-url/,
      "a flag without its value",
    );
    assert.match(
      configError(() => command.parse(["extra"], WITH_ACCOUNT), "extra").message,
      /too many arguments/i,
      "an extra argument",
    );
  });
});

describe("defineCommand: --help", () => {
  it("is a HelpRequested whose text lists every flag with its variable", () => {
    let help: HelpRequested | undefined;
    try {
      command.parse(["--help"], {});
    } catch (error) {
      assert.ok(error instanceof HelpRequested, `a HelpRequested, got ${String(error)}`);
      help = error;
    }
    assert.ok(help, "--help throws");
    assert.equal(help.exitCode, 0, "exit code 0");
    // Commander wraps long lines: compare with the spaces collapsed.
    const text = help.text.replace(/\s+/g, " ");
    for (const [name, spec] of Object.entries(options)) {
      const flag = spec.flag.split(" ")[0] as string;
      assert.ok(text.includes(flag), `${name}: the flag ${flag}`);
      assert.ok(text.includes(`env ${spec.env}`), `${name}: its variable ${spec.env}`);
    }
    assert.ok(text.includes("default 9110"), "the daemon's default port");
    assert.ok(text.includes("GUARDIAN_PRIVATE_KEY"), "the private key's variable");
    assert.ok(text.includes("GUARDIAN_KEYSTORE_PASSWORD"), "the keystore password's variable");
    assert.ok(text.includes("Vets operator keys"), "the description");
    assert.throws(() => command.parse(["-h"], {}), HelpRequested, "-h too");
  });

  it("gives the same flags from help() without parsing", () => {
    const text = command.help().replace(/\s+/g, " ");
    for (const spec of Object.values(options)) {
      assert.ok(text.includes(`env ${spec.env}`), `help() names ${spec.env}`);
    }
  });
});

describe("defineCommand: the account", () => {
  it("takes a keystore from its flag or variable, with the password variable as a Secret", () => {
    const flag = command.parse(["--keystore", "key.json"], { GUARDIAN_KEYSTORE_PASSWORD: "correct horse" });
    assert.equal(flag.account.kind, "keystore", "a keystore");
    assert.ok(flag.account.kind === "keystore");
    assert.equal(flag.account.file, "key.json", "its file");
    assert.equal(flag.account.password?.reveal(), "correct horse", "its password");
    assert.equal(JSON.stringify(flag.account).includes("correct horse"), false, "never printed");
    const env = command.parse([], { GUARDIAN_KEYSTORE: "env.json" });
    assert.ok(env.account.kind === "keystore", "a keystore from the variable");
    assert.equal(env.account.file, "env.json", "its file");
    assert.equal(env.account.password, undefined, "no password: asked on the terminal");
  });

  it("takes a development account by index", () => {
    assert.deepEqual(command.parse(["--dev-account", "3"], {}).account, { kind: "dev", index: 3 }, "index 3");
  });

  it("takes a private key from the environment, with or without 0x, as a Secret", () => {
    for (const text of [KEY, `0x${KEY}`, `  ${KEY}\n`]) {
      const { account } = command.parse([], { GUARDIAN_PRIVATE_KEY: text });
      assert.ok(account.kind === "privateKey", "a private key");
      assert.equal(account.privateKey.reveal(), `0x${KEY}`, "0x-prefixed, trimmed");
      assert.equal(inspect(account).includes(KEY), false, "never printed by inspect");
      assert.equal(JSON.stringify(account).includes(KEY), false, "nor by JSON");
      assert.ok(JSON.stringify(account).includes(REDACTED), "but as [redacted]");
    }
  });

  it("refuses two accounts, naming both", () => {
    const two = configError(
      () => command.parse(["--keystore", "key.json"], { GUARDIAN_PRIVATE_KEY: KEY }),
      "keystore and key",
    );
    assert.match(two.message, /--keystore \(or GUARDIAN_KEYSTORE\)/, "the keystore");
    assert.match(two.message, /GUARDIAN_PRIVATE_KEY/, "the private key");
    assert.equal(two.message.includes(KEY), false, "not the key itself");
    const devAndKeystore = configError(
      () => command.parse(["--dev-account", "0"], { GUARDIAN_KEYSTORE: "key.json" }),
      "dev and keystore",
    );
    assert.match(devAndKeystore.message, /--keystore.*--dev-account/, "both named");
    const three = configError(
      () => command.parse(["--dev-account", "0", "--keystore", "k.json"], { GUARDIAN_PRIVATE_KEY: KEY }),
      "three",
    );
    assert.match(three.message, /--keystore.*--dev-account.*GUARDIAN_PRIVATE_KEY/, "all three named");
  });

  it("refuses no account, naming what the key is for and the ways to give one", () => {
    const error = configError(() => command.parse([], {}), "none");
    assert.match(error.message, /The guardian needs the guardian's signing key/, "the key's purpose");
    assert.match(error.message, /--keystore/, "--keystore");
    assert.match(error.message, /GUARDIAN_PRIVATE_KEY/, "the variable");
    assert.match(error.message, /--dev-account/, "--dev-account");
  });

  it("refuses a malformed private key without repeating it", () => {
    const malformed = [
      `${KEY.slice(0, 63)}g`,
      KEY.slice(0, 62),
      `${KEY}00`,
      "correct horse battery staple",
      `0x${KEY.slice(2)}zz`,
    ];
    for (const text of malformed) {
      const error = configError(() => command.parse([], { GUARDIAN_PRIVATE_KEY: text }), "malformed key");
      assert.match(error.message, /GUARDIAN_PRIVATE_KEY is not a private key/, "names the variable");
      const shown = `${error.message}\n${inspect(error)}`;
      for (let at = 0; at + 8 <= text.trim().length; at++) {
        const piece = text.trim().slice(at, at + 8);
        assert.equal(shown.includes(piece), false, `no 8 characters of the key (${at})`);
      }
    }
  });
});

describe("value parsers", () => {
  it("url and urlList take http(s) URLs only", () => {
    assert.equal(url("https://node.example:8545/path"), "https://node.example:8545/path", "https");
    assert.throws(() => url("node:8545"), /is not an http\(s\) URL/, "no scheme is read as one");
    assert.throws(() => url("not a url"), /is not a URL/, "not a URL");
    assert.throws(() => url("ws://node"), /is not an http\(s\) URL/, "websocket");
    assert.deepEqual(
      urlList(" http://a:1, ,https://b "),
      ["http://a:1", "https://b"],
      "a list, blanks dropped",
    );
    assert.throws(() => urlList("http://a,ftp://b"), /http\(s\)/, "every one checked");
  });

  it("integer takes whole numbers within bounds", () => {
    const port = integer(1, 10);
    assert.equal(port("1"), 1, "lower bound");
    assert.equal(port("10"), 10, "upper bound");
    for (const text of ["0", "11", "-1", "1.5", "1e1", "", "ten"]) {
      assert.throws(() => port(text), /is not a whole number from 1 to 10/, `"${text}"`);
    }
  });

  it("seconds takes decimal seconds within bounds and gives milliseconds", () => {
    const wait = seconds(0.05, 60);
    assert.equal(wait("0.05"), 50, "lower bound");
    assert.equal(wait("60"), 60_000, "upper bound");
    assert.equal(wait("1.2345"), 1_235, "rounded to the millisecond");
    for (const text of ["0.04", "61", "-1", "1s", ""]) {
      assert.throws(() => wait(text), /is not a number of seconds from 0\.05 to 60/, `"${text}"`);
    }
  });

  it("ether takes at most 18 decimals, exactly", () => {
    assert.equal(ether("0"), 0n, "zero");
    assert.equal(ether("32"), 32n * 10n ** 18n, "whole");
    assert.equal(ether("0.000000000000000001"), 1n, "one wei");
    for (const text of ["0.0000000000000000001", "-1", "1e18", ".5", "1,5"]) {
      assert.throws(() => ether(text), /is not an amount of ETH/, `"${text}"`);
    }
  });

  it("boolean, logLevel and nonEmpty", () => {
    for (const text of ["1", "true", "YES", "on"]) assert.equal(boolean(text), true, `"${text}"`);
    for (const text of ["0", "false", "No", "off", ""]) assert.equal(boolean(text), false, `"${text}"`);
    assert.throws(() => boolean("maybe"), /is not a boolean/, "maybe");
    assert.equal(logLevel("warn"), "warn", "warn");
    assert.throws(() => logLevel("WARN"), /is not one of debug, info, warn, error/, "case matters");
    assert.equal(nonEmpty(" x "), " x ", "kept as given");
    assert.throws(() => nonEmpty("  "), /is empty/, "blank");
  });
});
