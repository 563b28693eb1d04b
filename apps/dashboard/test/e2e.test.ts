/**
 * End to end, in a real browser (Debian's Chromium through playwright-core) against `npm start`'s
 * network in fast mode: the development wallet connects, a stake of 1 ETH goes through and the
 * position shown grows by what the chain says; bad amounts are named and nothing is sent.
 * Screenshots of the stake page at desktop and phone width go to `test-results/`.
 *
 * `npm run test:e2e -w @tributary/dashboard` (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { trETHAbi } from "@tributary/sdk/abis";
import { type Browser, chromium, type Page } from "playwright-core";
import { createPublicClient, getAddress, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { freePort } from "../../../contracts/lib/bench.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const RESULTS = join(import.meta.dirname, "..", "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DEV = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 5,
});

describe("dashboard in a browser", {
  skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`,
}, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-dashboard-e2e-"));
  let devnet: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = "";
  let dashboard = "";
  let rpcUrl = "";
  let token: `0x${string}`;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    const rpcPort = await freePort();
    rpcUrl = `http://127.0.0.1:${rpcPort}`;
    devnet = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "packages", "devnet", "src", "cli.ts"),
        "--fast",
        "--port",
        String(rpcPort),
        "--beacon-port",
        String(await freePort()),
        "--daemon-port-base",
        String(20_000 + Math.floor(Math.random() * 20_000)),
        "--genesis-delay",
        "20",
        "--data-dir",
        dataDir,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    devnet.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    devnet.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 180_000;
    while (!/dashboard: (http\S+)/.test(output)) {
      if (devnet.exitCode !== null) throw new Error(`the devnet exited:\n${output.slice(-3_000)}`);
      if (Date.now() > deadline) throw new Error(`no dashboard within 180 s:\n${output.slice(-3_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    dashboard = (/dashboard: (http\S+)/.exec(output) as RegExpExecArray)[1] as string;
    // The server builds the app first when its build is stale: wait for it to answer.
    let response: Response | undefined;
    while (!response?.ok) {
      if (Date.now() > deadline)
        throw new Error(`the dashboard did not answer within 180 s:\n${output.slice(-3_000)}`);
      response = await fetch(`${dashboard}config.json`).catch(() => undefined);
      if (!response?.ok) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const config = (await response.json()) as { deployment: { contracts: { token: `0x${string}` } } };
    token = config.deployment.contracts.token;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  after(async () => {
    await browser?.close();
    if (devnet && devnet.exitCode === null) {
      const exited = new Promise((resolve) => devnet?.once("exit", resolve));
      devnet.kill("SIGINT");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (devnet.exitCode === null) devnet.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const heldShares = async () =>
    createPublicClient({ transport: http(rpcUrl) }).readContract({
      address: token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [DEV.address],
    });

  async function connected(page: Page) {
    await page.goto(dashboard);
    await page.getByRole("button", { name: "Development wallet" }).click();
    await page.getByText(`${DEV.address.slice(0, 6)}…${DEV.address.slice(-4)}`).waitFor();
  }

  it("stakes 1 ETH with the development wallet and shows the new position", {
    timeout: 240_000,
  }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page);
    const before = await heldShares();
    await page.getByText(/^You hold /).waitFor();
    await page.getByLabel("Amount to stake (ETH)").fill("1");
    await page.getByText(/^You receive .* trETH/).waitFor();
    await page.screenshot({ path: join(RESULTS, "stake-desktop.png"), fullPage: true });
    await page.getByRole("button", { name: "Stake" }).click();
    await page.getByText(/^Staked in block \d+\.$/).waitFor({ timeout: 60_000 });
    const after = await heldShares();
    assert.ok(after > before, "the chain holds more trETH for the account");
    // The page shows the new balance, rounded down to 6 decimals, with its unit.
    const whole = after / 10n ** 18n;
    const fraction = ((after % 10n ** 18n) / 10n ** 12n).toString().padStart(6, "0").replace(/0+$/, "");
    const shown = `${whole.toLocaleString("en-US")}${fraction ? `.${fraction}` : ""} trETH`;
    await page.getByText(`You hold ${shown}`, { exact: false }).waitFor({ timeout: 20_000 });
    assert.equal(getAddress(DEV.address), DEV.address);
  });

  it("names a bad amount and sends nothing", { timeout: 120_000 }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 390, height: 844 } });
    await connected(page);
    const before = await heldShares();
    const input = page.getByLabel("Amount to stake (ETH)");
    const stakeButton = page.getByRole("button", { name: "Stake" });
    await input.fill("one");
    await page.getByText("Enter an amount of ETH, like 1.5.").waitFor();
    assert.equal(await stakeButton.isDisabled(), true);
    await input.fill("1000000000");
    await page.getByText(/above the stake limit|balance is too low/).waitFor();
    assert.equal(await stakeButton.isDisabled(), true);
    await page.screenshot({ path: join(RESULTS, "stake-phone-error.png"), fullPage: true });
    assert.equal(await heldShares(), before, "nothing was sent");
  });
});
