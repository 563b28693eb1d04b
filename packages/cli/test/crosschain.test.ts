/**
 * The CLI on both sides of trETH's bridge: Ethereum (the protocol's chain) and a remote anvil chain
 * with the crosschain contracts, the relayer committee running in process. Remote commands find
 * their RPC URL in the crosschain deployment from `--chain` alone.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bridgedTrETHAbi, trETHAbi } from "@tributary/sdk/abis";
import { type Address, createPublicClient, http, parseEther } from "viem";
import { type ChainPair, committee, REMOTE_CHAIN, startChainPair } from "../../relayer/test/pair.js";
import { type CliChain, type CliResult, parseJson, runCli, show, startCliChain } from "./run.js";

/** Development account of the person using the CLI here. */
const USER = 9;

describe("tributary on trETH's remote chain", () => {
  let t: CliChain;
  let pair: ChainPair;
  let relayers: Awaited<ReturnType<typeof committee>>;
  let crosschainFile: string;
  let user: Address;
  const account = ["--dev-account", String(USER)];
  /** The CLI on Ethereum, with the crosschain deployment. */
  const home = (args: string[]) => t.cli(["--crosschain", crosschainFile, ...account, ...args]);
  /** The CLI on the remote chain: --chain alone (the RPC URL comes from the crosschain deployment). */
  const remote = (args: string[]) =>
    runCli(["--crosschain", crosschainFile, "--chain", String(REMOTE_CHAIN), ...account, ...args]);
  const l1Balance = () =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [user],
    });
  const l2Balance = () =>
    createPublicClient({ transport: http(pair.l2Node.url) }).readContract({
      address: pair.remote.bridgedToken,
      abi: bridgedTrETHAbi,
      functionName: "balanceOf",
      args: [user],
    });
  /** Runs a CLI command while the relayers keep stepping, as their daemons would. */
  async function withRelayers(command: Promise<CliResult>): Promise<CliResult> {
    let done = false;
    const finished = command.finally(() => {
      done = true;
    });
    while (!done) {
      await relayers.step();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return finished;
  }

  before(async () => {
    t = await startCliChain();
    user = t.local.address(USER);
    pair = await startChainPair(t.local);
    crosschainFile = join(t.dir, "crosschain.json");
    writeFileSync(crosschainFile, JSON.stringify(pair.crosschain, null, 2));
    relayers = await committee(pair);
    await relayers.step(); // the deployment's rate reaches the remote chain
    const staked = await t.cli([...account, "--yes", "stake", "3"]);
    assert.equal(staked.code, 0, show(staked));
  });
  after(async () => {
    await relayers?.stop();
    await pair?.stop();
    await t?.stop();
  });

  it("bridges trETH from Ethereum and shows it on the remote chain at the relayed rate", async () => {
    const amount = parseEther("1.25");
    const before = await l1Balance();
    const sent = await withRelayers(
      home(["--yes", "--json", "bridge", "1.25", "--wait", "--wait-seconds", "60"]),
    );
    assert.equal(sent.code, 0, show(sent));
    const out = parseJson<{
      action: string;
      messageId: string;
      destinationChainId: number;
      delivery: string;
    }>(sent);
    assert.equal(out.action, "bridge");
    assert.equal(out.destinationChainId, REMOTE_CHAIN, "to the remote chain");
    assert.match(out.messageId, /^0x[0-9a-f]{64}$/);
    assert.equal(out.delivery, "executed", "followed until delivered");
    assert.equal(before - (await l1Balance()), amount, "locked on Ethereum");
    assert.equal(await l2Balance(), amount, "arrived to the wei");

    const status = await remote(["status"]);
    assert.equal(status.code, 0, show(status));
    assert.match(status.stdout, new RegExp(`on chain ${REMOTE_CHAIN}`), show(status));
    assert.match(
      status.stdout,
      /trETH +1\.25 bridged \(worth [\d.]+ ETH at the relayed rate\)/,
      show(status),
    );
    assert.match(status.stdout, /Relayed rate +1 trETH = [\d.]+ ETH, from the report of/, show(status));
    assert.match(status.stdout, /Deposit pool +mints at the relayed rate minus a 0\.1\d*% fee/, show(status));
    const json = parseJson<{ position: { shares: string; assets: string; rate: { ethPerTrETH: string } } }>(
      await remote(["--json", "status"]),
    );
    assert.equal(json.position.shares, amount.toString());
    assert.equal(
      json.position.assets,
      ((amount * BigInt(json.position.rate.ethPerTrETH)) / 10n ** 18n).toString(),
      "valued at the relayed rate, rounded down",
    );
  });

  it("stakes ETH on the remote chain: wrap, approve and deposit, the fee and the gas of all three shown", async () => {
    const before = await l2Balance();
    const result = await remote(["--yes", "stake", "0.5"]);
    assert.equal(result.code, 0, show(result));
    assert.match(
      result.stdout,
      /Stake 0\.5 ETH on chain 31338 for about [\d.]+ trETH \(fee 0\.0005 WETH\); first wrap 0\.5 ETH to WETH, then approve the pool\./,
      show(result),
    );
    assert.match(result.stdout, /sent as +3 transactions/, show(result));
    assert.match(
      result.stdout,
      /Staked 0\.5 ETH on chain 31338 for [\d.]+ trETH in 3 transactions/,
      show(result),
    );
    assert.ok((await l2Balance()) > before, "bridged trETH minted");
  });

  it("bridges all of it back, and refuses what runs on Ethereum only", async () => {
    const held = await l2Balance();
    const before = await l1Balance();
    const back = await withRelayers(remote(["--yes", "bridge", "all", "--wait", "--wait-seconds", "60"]));
    assert.equal(back.code, 0, show(back));
    assert.match(back.stdout, /Delivered: the shares arrived on chain 31337\./, show(back));
    assert.equal(await l2Balance(), 0n, "nothing left on the remote chain");
    assert.equal((await l1Balance()) - before, held, "every share back, to the wei");

    const unstake = await remote(["--yes", "unstake", "1"]);
    assert.equal(unstake.code, 3, show(unstake));
    assert.match(
      unstake.stderr,
      /Chain 31338 is trETH's remote chain: .*runs on Ethereum \(chain 31337\)/,
      show(unstake),
    );
    const tooMuch = await home(["--yes", "bridge", "1000"]);
    assert.equal(tooMuch.code, 3, show(tooMuch));
    assert.match(tooMuch.stderr, /holds [\d.]+ trETH, less than the 1000 needed/, show(tooMuch));
    const empty = await remote(["--yes", "bridge", "all"]);
    assert.equal(empty.code, 3, show(empty));
    assert.match(empty.stderr, /holds no trETH on chain 31338/, show(empty));
  });
});
