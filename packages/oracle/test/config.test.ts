import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { ConfigError, HelpRequested, helpText, type OracleConfig, parseConfig } from "../src/config.js";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
/** Every flag with its variable: the help lists them all. */
const FLAGS: [string, string][] = [
  ["--beacon-url", "ORACLE_BEACON_URL"],
  ["--rpc-url", "ORACLE_RPC_URL"],
  ["--deployment", "ORACLE_DEPLOYMENT"],
  ["--keystore", "ORACLE_KEYSTORE"],
  ["--dev-account", "ORACLE_DEV_ACCOUNT"],
  ["--data-dir", "ORACLE_DATA_DIR"],
  ["--http-host", "ORACLE_HTTP_HOST"],
  ["--http-port", "ORACLE_HTTP_PORT"],
  ["--poll-interval", "ORACLE_POLL_INTERVAL"],
  ["--low-balance", "ORACLE_LOW_BALANCE"],
  ["--dry-run", "ORACLE_DRY_RUN"],
  ["--once", "ORACLE_ONCE"],
  ["--log-level", "ORACLE_LOG_LEVEL"],
  ["--max-retries", "ORACLE_MAX_RETRIES"],
  ["--request-timeout", "ORACLE_REQUEST_TIMEOUT"],
];

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseConfig(argv, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${error}`);
    assert.equal(error.exitCode, 2, "exit code 2");
    return error.message;
  }
  assert.fail(`${argv.join(" ")} was accepted`);
}

describe("parseConfig", () => {
  it("reads peer URLs as a comma-separated list and refuses a malformed one", () => {
    const config = parseConfig(["--dry-run", "--peer-urls", "http://a:9102, http://b:9102/"], {});
    assert.deepEqual(config.peerUrls, ["http://a:9102", "http://b:9102/"]);
    assert.match(usageError(["--dry-run", "--peer-urls", "not a url"], {}), /--peer-urls/);
  });

  it("uses the defaults when nothing is given (with --dry-run: no key needed)", () => {
    const config = parseConfig(["--dry-run"], {});
    const expected: Omit<OracleConfig, "sources"> = {
      beaconUrl: "http://127.0.0.1:5052",
      rpcUrl: "http://127.0.0.1:8545",
      deploymentFile: undefined,
      account: { kind: "none" },
      dataDir: ".data/oracle",
      httpHost: "127.0.0.1",
      httpPort: 9102,
      pollIntervalMs: 12_000,
      lowBalanceWei: 500_000_000_000_000_000n,
      dryRun: true,
      once: false,
      logLevel: "info",
      maxRetries: 3,
      requestTimeoutMs: 30_000,
      peerUrls: [],
    };
    const { sources, ...rest } = config;
    assert.deepEqual(rest, expected);
    assert.equal(sources.httpPort, "default", "source of a default");
    assert.equal(sources.dryRun, "flag", "source of a flag");
  });

  it("takes the flag over the environment, and the environment over the default", () => {
    const env = {
      ORACLE_BEACON_URL: "http://env-beacon:5052",
      ORACLE_RPC_URL: "http://env-rpc:8545",
      ORACLE_HTTP_PORT: "9200",
      ORACLE_POLL_INTERVAL: "6",
      ORACLE_LOG_LEVEL: "warn",
      ORACLE_DRY_RUN: "true",
      ORACLE_ONCE: "0",
      ORACLE_LOW_BALANCE: "1.25",
      ORACLE_MAX_RETRIES: "5",
      ORACLE_REQUEST_TIMEOUT: "2.5",
      ORACLE_DATA_DIR: "/var/lib/oracle",
    };
    const config = parseConfig(
      ["--beacon-url", "http://flag-beacon:5052", "--http-port", "0", "--log-level=debug", "--once"],
      env,
    );
    const flags = parseConfig(
      [
        "--poll-interval",
        "0.5",
        "--low-balance",
        "2",
        "--request-timeout",
        "7",
        "--deployment",
        "d.json",
        "--max-retries",
        "0",
        "--data-dir",
        "dir",
        "--http-host",
        "0.0.0.0",
      ],
      env,
    );
    assert.deepEqual(
      [
        flags.pollIntervalMs,
        flags.lowBalanceWei,
        flags.requestTimeoutMs,
        flags.deploymentFile,
        flags.maxRetries,
      ],
      [500, 2_000_000_000_000_000_000n, 7_000, "d.json", 0],
      "every valued flag is read (over the environment)",
    );
    assert.deepEqual([flags.dataDir, flags.httpHost], ["dir", "0.0.0.0"], "directory and host flags");
    assert.equal(config.beaconUrl, "http://flag-beacon:5052", "flag over env");
    assert.equal(config.httpPort, 0, "flag over env (0: a free port)");
    assert.equal(config.logLevel, "debug", "--flag=value form");
    assert.equal(config.once, true, "boolean flag over env");
    assert.equal(config.rpcUrl, "http://env-rpc:8545", "env over default");
    assert.equal(config.pollIntervalMs, 6_000, "seconds to ms");
    assert.equal(config.dryRun, true, "boolean env");
    assert.equal(config.lowBalanceWei, 1_250_000_000_000_000_000n, "ETH to wei");
    assert.equal(config.maxRetries, 5, "env");
    assert.equal(config.requestTimeoutMs, 2_500, "fractional seconds");
    assert.equal(config.dataDir, "/var/lib/oracle", "env");
    assert.equal(config.httpHost, "127.0.0.1", "default");
    assert.deepEqual(
      [config.sources.beaconUrl, config.sources.rpcUrl, config.sources.httpHost],
      ["flag", "env", "default"],
      "sources",
    );
    assert.equal(
      parseConfig(["--dry-run"], { ORACLE_HTTP_PORT: "" }).httpPort,
      9102,
      "an empty variable is unset",
    );
  });

  it("names the flag or variable and the value of a bad option", () => {
    assert.equal(
      usageError(["--http-port", "70000", "--dry-run"]),
      '--http-port "70000" is not a whole number from 0 to 65535.',
    );
    assert.equal(
      usageError(["--dry-run"], { ORACLE_HTTP_PORT: "x" }),
      'ORACLE_HTTP_PORT "x" is not a whole number from 0 to 65535.',
    );
    assert.equal(
      usageError(["--beacon-url", "localhost:5052", "--dry-run"]),
      '--beacon-url "localhost:5052" is not an http(s) URL.',
    );
    assert.equal(usageError(["--rpc-url", "not a url", "--dry-run"]), '--rpc-url "not a url" is not a URL.');
    assert.equal(
      usageError(["--poll-interval", "-1", "--dry-run"]),
      '--poll-interval "-1" is not a number of seconds from 0.05 to 86400.',
    );
    assert.equal(
      usageError(["--low-balance", "1e18", "--dry-run"]),
      '--low-balance "1e18" is not an amount of ETH (e.g. 0.5).',
    );
    assert.equal(
      usageError(["--log-level", "trace", "--dry-run"]),
      '--log-level "trace" is not one of debug, info, warn, error.',
    );
    assert.equal(
      usageError(["--max-retries", "1.5", "--dry-run"]),
      '--max-retries "1.5" is not a whole number from 0 to 100.',
    );
    assert.equal(
      usageError(["--dev-account", "1000"]),
      '--dev-account "1000" is not a whole number from 0 to 999.',
    );
    assert.equal(
      usageError([], { ORACLE_DRY_RUN: "maybe" }),
      'ORACLE_DRY_RUN "maybe" is not a boolean (1, true, yes or 0, false, no).',
    );
    assert.match(usageError(["--bogus"]), /unknown option '--bogus'/);
    assert.match(usageError(["--rpc-url"]), /option '--rpc-url <url>' argument missing/);
    assert.match(usageError(["--dry-run", "extra"]), /too many arguments/);
  });

  it("resolves the account: one source, the key kept as a Secret and never in messages", () => {
    const fromEnv = parseConfig([], { ORACLE_PRIVATE_KEY: KEY.slice(2) });
    assert.equal(fromEnv.account.kind, "privateKey", "from the environment");
    assert.equal(
      fromEnv.account.kind === "privateKey" && fromEnv.account.privateKey.reveal(),
      KEY,
      "0x added",
    );
    assert.ok(!JSON.stringify({ ...fromEnv, lowBalanceWei: "x" }).includes(KEY.slice(2)), "not in JSON");
    assert.ok(!inspect(fromEnv, { depth: 10 }).includes(KEY.slice(2)), "not in inspect");

    const keystore = parseConfig(["--keystore", "k.json"], { ORACLE_KEYSTORE_PASSWORD: "pw" });
    assert.equal(keystore.account.kind, "keystore", "a keystore");
    assert.equal(keystore.account.kind === "keystore" && keystore.account.file, "k.json", "its file");
    assert.equal(
      keystore.account.kind === "keystore" && keystore.account.password?.reveal(),
      "pw",
      "its password",
    );
    const noPassword = parseConfig([], { ORACLE_KEYSTORE: "k.json" });
    assert.equal(
      noPassword.account.kind === "keystore" && noPassword.account.password,
      undefined,
      "prompt later",
    );

    assert.deepEqual(
      parseConfig(["--dev-account", "2"], {}).account,
      { kind: "dev", index: 2 },
      "a dev account",
    );

    const bad = usageError([], { ORACLE_PRIVATE_KEY: `${KEY}ff` });
    assert.match(bad, /ORACLE_PRIVATE_KEY is not a private key/, "a malformed key");
    assert.ok(!bad.includes(KEY.slice(2)), "without the value");
    assert.match(
      usageError(["--keystore", "k.json"], { ORACLE_PRIVATE_KEY: KEY }),
      /one account, not several: --keystore .*ORACLE_PRIVATE_KEY/,
    );
    assert.match(usageError([]), /needs the member's key: pass --keystore <file>, set ORACLE_PRIVATE_KEY/);
  });

  it("answers --help with every flag, its variable and its default", () => {
    let text = "";
    try {
      parseConfig(["--help"], {});
      assert.fail("--help returned a config");
    } catch (error) {
      assert.ok(error instanceof HelpRequested, "HelpRequested");
      assert.equal(error.exitCode, 0, "exit code 0");
      text = error.text;
    }
    const flat = text.replace(/\s+/g, " ");
    for (const [flag, env] of FLAGS) {
      assert.ok(flat.includes(flag), `${flag} listed`);
      assert.ok(flat.includes(`env ${env}`), `${env} listed`);
    }
    for (const fallback of [
      "default http://127.0.0.1:5052",
      "default 9102",
      "default 12",
      "default 0.5",
      "default .data/oracle",
    ]) {
      assert.ok(flat.includes(fallback), `${fallback} listed`);
    }
    assert.ok(
      flat.includes("ORACLE_PRIVATE_KEY") && flat.includes("ORACLE_KEYSTORE_PASSWORD"),
      "environment-only keys",
    );
    assert.equal(helpText().replace(/\s+/g, " ").trim(), flat.trim(), "helpText() gives the same text");
  });

  it("configFromProcess prints the help and exits 0; prints a usage error and exits 2", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `import { configFromProcess } from ${JSON.stringify(join(here, "..", "src", "config.ts"))}; configFromProcess(); console.log("config ok");`;
    // With -e, process.argv has no script: a placeholder stands where configFromProcess skips it.
    const run = (args: string[]) =>
      spawnSync(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script, "script", ...args],
        {
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "" },
        },
      );
    const help = run(["--help"]);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /--request-timeout <seconds>/);
    const bad = run(["--http-port", "x"]);
    assert.equal(bad.status, 2, "exit code 2");
    assert.match(bad.stderr, /Error: --http-port "x" is not a whole number/);
    const ok = run(["--dry-run"]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /config ok/);
  });
});
