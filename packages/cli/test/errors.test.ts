import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { trETHAbi } from "@tributary/sdk/abis";
import { type Address, formatEther, parseEther } from "viem";
import { freePort } from "../../../contracts/lib/bench.js";
import { type CliChain, type CliResult, runCli, show, startCliChain } from "./run.js";

const USER = 8;
/** Dev account 4 is the emergency committee: it may pause staking. */
const EMERGENCY = 4;
const DAILY_CAP = parseEther("100");

describe("tributary: bad input gets a sentence, an exit code, and nothing is sent", () => {
  let t: CliChain;
  let user: Address;
  const account = ["--dev-account", String(USER)];
  const nonce = () => t.local.publicClient.getTransactionCount({ address: user });

  /** Runs a command that must fail with `code` and `sentence`, sending nothing. */
  async function refuses(args: string[], code: number, sentence: RegExp): Promise<CliResult> {
    const before = await nonce();
    const result = await t.cli(args);
    assert.equal(result.code, code, `exit code of ${args.join(" ")}: ${show(result)}`);
    assert.match(result.stderr, sentence, `sentence of ${args.join(" ")}: ${show(result)}`);
    assert.equal(await nonce(), before, `nothing sent by ${args.join(" ")}`);
    return result;
  }

  before(async () => {
    t = await startCliChain({ dailyStakeCap: DAILY_CAP });
    user = t.local.address(USER);
  });
  after(() => t?.stop());

  it("a zero amount, junk, too many decimals", async () => {
    const zero = await refuses([...account, "--yes", "stake", "0"], 2, /The amount is zero/);
    assert.match(zero.stderr, /Nothing was sent\./, "says nothing was sent");
    await refuses([...account, "--yes", "stake", "abc"], 2, /"abc" is not an amount of ETH/);
    await refuses([...account, "--yes", "stake", "-1"], 2, /"-1" is not an amount of ETH/);
    await refuses([...account, "--yes", "stake", "1e18"], 2, /"1e18" is not an amount of ETH/);
    await refuses([...account, "--yes", "stake", "0.0000000000000000001"], 2, /has 19 decimals/);
    await refuses([...account, "--yes", "unstake", "0"], 2, /The amount is zero/);
  });

  it("an amount above the balance (ETH to stake, trETH to unstake)", async () => {
    await t.scenario.fund(user, parseEther("1"));
    await refuses([...account, "--yes", "stake", "2"], 3, /holds 1 ETH, less than the 2 ETH/);
    await refuses([...account, "--yes", "unstake", "5"], 3, /holds 0 trETH, less than the 5 needed/);
    await t.scenario.fund(user, parseEther("1000"));
  });

  it("a malformed address", async () => {
    await refuses(
      [...account, "--yes", "stake", "1", "--receiver", "0x1234"],
      2,
      /"0x1234" is not an address: an address is 0x followed by 40 hexadecimal digits/,
    );
    await refuses([...account, "--yes", "delegate", "vitalik"], 2, /"vitalik" is not an address/);
    const mixed = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
    await refuses([...account, "--yes", "delegate", mixed], 2, /has a wrong checksum/);
    await refuses(["status", "0x12"], 2, /"0x12" is not an address/);
  });

  it("the wrong network: --chain, or a deployment of another chain", async () => {
    await refuses(
      ["--chain", "1", ...account, "--yes", "stake", "1"],
      3,
      /Wrong network: .* is chain 31337, but --chain asks for chain 1/,
    );
    const other = join(t.dir, "5.json");
    writeFileSync(other, JSON.stringify({ ...t.deployment, chainId: 5 }));
    const result = await runCli([
      "--rpc-url",
      t.local.url,
      "--deployment",
      other,
      ...account,
      "--yes",
      "stake",
      "1",
    ]);
    assert.equal(result.code, 3, show(result));
    assert.match(
      result.stderr,
      /the deployment .*5\.json is for chain 5, but .* is chain 31337/,
      show(result),
    );
  });

  it("above the stake limit, with the amount available", async () => {
    const [available] = await t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "stakeLimit",
    });
    assert.ok(available > 0n && available <= DAILY_CAP, `limit ${available}`);
    await refuses(
      [...account, "--yes", "stake", "150"],
      3,
      new RegExp(
        `above the stake limit: ${formatEther(available).replace(".", "\\.")} ETH can be staked now`,
      ),
    );
  });

  it("a ticket that is not finalized", async () => {
    const staked = await t.cli([...account, "--yes", "stake", "1"]);
    assert.equal(staked.code, 0, show(staked));
    const requested = await t.cli([...account, "--yes", "--json", "unstake", "0.5"]);
    assert.equal(requested.code, 0, show(requested));
    const { requestId } = JSON.parse(requested.stdout) as { requestId: string };
    await refuses(
      [...account, "--yes", "claim", requestId],
      3,
      new RegExp(`request ${requestId} is not finalized yet`),
    );
    await refuses([...account, "--yes", "claim", "--all"], 3, /no claimable ticket|no finalized ticket/);
  });

  it("a transaction without --yes and no terminal to confirm on", async () => {
    await refuses([...account, "stake", "1"], 2, /pass --yes/);
  });

  it("an RPC that is down", async () => {
    const port = await freePort();
    const result = await runCli(["--rpc-url", `http://127.0.0.1:${port}`, ...account, "--yes", "stake", "1"]);
    assert.equal(result.code, 4, show(result));
    assert.match(
      result.stderr,
      new RegExp(`The RPC endpoint http://127.0.0.1:${port} did not answer`),
      show(result),
    );
    const json = await runCli(["--json", "--rpc-url", `http://127.0.0.1:${port}`, "status", user]);
    assert.equal(json.code, 4, show(json));
    assert.equal(json.stdout, "", "nothing on stdout");
    const error = JSON.parse(json.stderr) as {
      error: { name: string; retryable: boolean; exitCode: number };
    };
    assert.equal(error.error.name, "RpcError", "the SDK's RpcError");
    assert.equal(error.error.retryable, true, "retryable");
    assert.equal(error.error.exitCode, 4, "exit code in the JSON");
  });

  it("bad flags are usage errors, as JSON with --json", async () => {
    const plain = await runCli(["--bogus", "status"]);
    assert.equal(plain.code, 2, show(plain));
    assert.match(plain.stderr, /unknown option '--bogus'/, show(plain));
    const json = await runCli(["--json", "vote", "1", "maybe"]);
    assert.equal(json.code, 2, show(json));
    assert.equal(json.stdout, "", "nothing on stdout");
    const error = JSON.parse(json.stderr.trim().split("\n")[0] ?? "") as { error: { message: string } };
    assert.match(error.error.message, /maybe/, "names the bad value");
    const zero = await t.cli(["--json", ...account, "--yes", "stake", "0"]);
    assert.equal(zero.code, 2, show(zero));
    assert.equal(zero.stdout, "", "nothing on stdout");
    const parsed = JSON.parse(zero.stderr) as { error: { name: string; exitCode: number; sent: boolean } };
    assert.equal(parsed.error.name, "InvalidArgumentError", "the SDK's InvalidArgumentError");
    assert.equal(parsed.error.sent, false, "says nothing was sent");
  });

  it("staking paused (last: only governance resumes it)", async () => {
    const committee = t.local.wallet(EMERGENCY);
    await t.local.gasOf(
      await committee.writeContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "pauseStaking",
        chain: undefined,
      }),
    );
    await refuses([...account, "--yes", "stake", "1"], 3, /Staking is paused/);
  });
});
