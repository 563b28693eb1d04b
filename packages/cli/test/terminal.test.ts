import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { trETHAbi } from "@tributary/sdk/abis";
import type { Address } from "viem";
import { formatEth } from "../src/format.js";
import {
  type CliChain,
  plainText,
  runCliInTerminal,
  show,
  startCliChain,
  type TerminalResult,
} from "./run.js";

const USER = 8;
/** The question a write asks on a terminal without --yes. */
const PROMPT = /Send\? \[y\/N\] $/;
/** The spinner's frames (Braille dots), each followed by what it waits for. */
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for 0x[0-9a-f]{64} to be included/;

/** What the spinner writes when it stops: back to the line's start, erase the line. */
const CLEAR_LINE = "\r\u001b[2K";
const showScreen = (result: TerminalResult) => `exit ${result.code}\nscreen:\n${result.screen}`;

describe("tributary on a terminal: the confirmation and the spinner", () => {
  let t: CliChain;
  let user: Address;
  const nonce = () => t.local.publicClient.getTransactionCount({ address: user });
  const trETH = () =>
    t.local.publicClient.readContract({
      address: t.deployment.contracts.token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [user],
    });
  /** `tributary stake 1` as the user, on a terminal, without --yes. */
  const stakeOnTerminal = (answer: string) =>
    runCliInTerminal(
      [
        "--rpc-url",
        t.local.url,
        "--deployment",
        t.deploymentFile,
        "--dev-account",
        String(USER),
        "stake",
        "1",
      ],
      { prompt: PROMPT, answer },
    );

  before(async () => {
    t = await startCliChain();
    user = t.local.address(USER);
  });
  after(() => t?.stop());

  it("asks after the preview; n sends nothing (exit 3)", async () => {
    const before = await nonce();
    const result = await stakeOnTerminal("n");
    assert.equal(result.code, 3, showScreen(result));
    assert.match(result.screen, /Stake 1\.0 ETH for about [\d.]+ trETH\./, `preview: ${showScreen(result)}`);
    assert.match(
      plainText(result.screen),
      /gas +[\d,]+ \(estimated\)[\s\S]*\nSend\? \[y\/N\] n\r*\n/,
      JSON.stringify(result.screen),
    );
    assert.match(result.screen, /You declined\. Nothing was sent\./, `the refusal: ${showScreen(result)}`);
    assert.doesNotMatch(result.screen, SPINNER, "no spinner: nothing to wait for");
    assert.equal(await nonce(), before, "nonce unchanged");
    assert.equal(await trETH(), 0n, "no trETH");
  });

  it("an empty answer is no", async () => {
    const before = await nonce();
    const result = await stakeOnTerminal("");
    assert.equal(result.code, 3, showScreen(result));
    assert.match(result.screen, /Nothing was sent\./, showScreen(result));
    assert.equal(await nonce(), before, "nonce unchanged");
  });

  it("y sends it; the spinner runs until inclusion, then the receipt in words", async () => {
    const before = await nonce();
    const result = await stakeOnTerminal("y");
    assert.equal(result.code, 0, showScreen(result));
    assert.match(result.screen, SPINNER, `spinner: ${showScreen(result)}`);
    assert.ok(
      result.screen.includes(`${CLEAR_LINE}Staked`),
      `the spinner's line cleared before the receipt: ${JSON.stringify(result.screen)}`,
    );
    const receipt = /Staked 1\.0 ETH for ([\d.,]+) trETH in block \d+, gas [\d,]+/.exec(result.screen);
    assert.ok(receipt, `the receipt in words: ${showScreen(result)}`);
    assert.equal(await nonce(), before + 1, "one transaction");
    assert.equal(receipt[1], formatEth(await trETH()), "the trETH it says were minted");
  });

  it("without a terminal and without --yes, it refuses (exit 2) and sends nothing", async () => {
    const before = await nonce();
    const result = await t.cli(["--dev-account", String(USER), "stake", "1"]);
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /pass --yes to send without one\. Nothing was sent\./, show(result));
    assert.doesNotMatch(result.stderr, /Send\?/, "no question asked");
    assert.equal(await nonce(), before, "nonce unchanged");
  });
});
