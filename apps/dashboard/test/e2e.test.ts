/**
 * End to end, in a real browser (Debian's Chromium through playwright-core) against `npm start`'s
 * network in fast mode, one network for the whole file, in order: the development wallet stakes
 * 1 ETH and the position shown grows by what the chain says; it requests a withdrawal and sees the
 * ticket; after the oracle's next report it claims the ticket and the chain pays the ETH; the
 * analytics charts draw the API's series; every bad input is named and nothing is sent; axe-core
 * finds no serious or critical violation on any page, at desktop and phone width; the keyboard
 * alone moves between pages and stakes. Screenshots of every page at both widths go to
 * `test-results/`.
 *
 * `npm run test:e2e -w @tributary/dashboard` (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import { bridgeTrETH, getRemotePosition } from "@tributary/sdk";
import { trETHAbi, withdrawalQueueAbi } from "@tributary/sdk/abis";
import { type Browser, chromium, type Page } from "playwright-core";
import { createPublicClient, createWalletClient, getAddress, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { CHROMIUM, CHROMIUM_FLAGS, startDevnet, type TestDevnet } from "./devnet.js";

const RESULTS = join(import.meta.dirname, "..", "test-results");
const DEV = mnemonicToAccount("test test test test test test test test test test test junk", {
  addressIndex: 5,
});

/** An amount as the dashboard shows it: rounded down to 6 decimals, grouped, with its unit. */
function shown(wei: bigint, unit: string): string {
  const whole = wei / 10n ** 18n;
  const fraction = ((wei % 10n ** 18n) / 10n ** 12n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${whole.toLocaleString("en-US")}${fraction ? `.${fraction}` : ""} ${unit}`;
}

describe("dashboard in a browser", {
  skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`,
}, () => {
  let devnet: TestDevnet | undefined;
  let browser: Browser | undefined;
  let dashboard = "";
  let rpcUrl = "";
  let token: `0x${string}`;
  let queue: `0x${string}`;
  const output = () => devnet?.output() ?? "";

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    // With the remote chain: the portfolio shows bridged trETH beside Ethereum's.
    devnet = await startDevnet(240_000, { withL2: true });
    ({ dashboard, rpcUrl } = devnet);
    token = devnet.config.deployment.contracts.token as `0x${string}`;
    queue = devnet.config.deployment.contracts.withdrawalQueue as `0x${string}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
  });

  const heldShares = async () =>
    createPublicClient({ transport: http(rpcUrl) }).readContract({
      address: token,
      abi: trETHAbi,
      functionName: "balanceOf",
      args: [DEV.address],
    });

  const chain = () => createPublicClient({ transport: http(rpcUrl) });

  async function connected(page: Page, path = "") {
    await page.goto(`${dashboard}${path}`);
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
    await page.getByText(/^Staked in block \d+\./).waitFor({ timeout: 60_000 });
    const after = await heldShares();
    assert.ok(after > before, "the chain holds more trETH for the account");
    // The page shows the new balance, rounded down to 6 decimals, with its unit.
    await page.getByText(`You hold ${shown(after, "trETH")}`, { exact: false }).waitFor({ timeout: 20_000 });
    assert.equal(getAddress(DEV.address), DEV.address);
  });

  it("shows trETH bridged to the remote chain beside Ethereum's, valued at the relayed rate", {
    timeout: 300_000,
  }, async () => {
    const crosschain = devnet?.config.crosschain;
    assert.ok(crosschain?.remote.rpcUrl, "the devnet runs the remote chain");
    const wallet = createWalletClient({ account: DEV, transport: http(rpcUrl) });
    const amount = 250_000_000_000_000_000n; // 0.25 trETH
    const hash = await bridgeTrETH(wallet, { crosschain, amount });
    assert.equal((await chain().waitForTransactionReceipt({ hash })).status, "success");
    // The devnet's relayer daemons deliver it once Ethereum finalizes the block.
    const remote = createPublicClient({ transport: http(crosschain.remote.rpcUrl) });
    const deadline = Date.now() + 240_000;
    let position = await getRemotePosition(remote, { crosschain, owner: DEV.address });
    while (position.shares < amount) {
      assert.ok(Date.now() < deadline, `not delivered in time:\n${output().slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      position = await getRemotePosition(remote, { crosschain, owner: DEV.address });
    }
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page, "#/portfolio");
    const section = page.getByRole("region", { name: `On chain ${crosschain.remote.chainId} (bridged)` });
    await section.getByText("0.25 trETH", { exact: true }).waitFor({ timeout: 30_000 });
    // The worth, followed by how it is computed (a disclosure in the same cell).
    const worth = shown(position.assets, "ETH").replaceAll(".", "\\.");
    await section.locator("dd", { hasText: new RegExp(`^${worth}How it is computed`) }).waitFor();
    await section.getByText(/per trETH, .* old/).waitFor();
    await section
      .getByText(shown((await heldShares()) + position.shares, "trETH"), { exact: true })
      .waitFor();
    // The history names the transfer to the bridge for what it was.
    await page.getByRole("cell", { name: `Bridged to chain ${crosschain.remote.chainId}` }).waitFor();
    await page.close();
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
  const PAGES = ["stake", "withdraw", "portfolio", "analytics", "governance", "operators"] as const;
  const HEADINGS: Record<(typeof PAGES)[number], RegExp> = {
    stake: /Stake ETH/,
    withdraw: /Withdraw/,
    portfolio: /Your position/,
    analytics: /health/,
    governance: /Governance/,
    operators: /Run validators/,
  };

  it("requests a withdrawal and shows the ticket", { timeout: 120_000 }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page, "#/withdraw");
    await page.getByText(/^You hold \d/).waitFor();
    await page.getByLabel("Amount to withdraw (trETH)").fill("0.5");
    await page.getByText(/^Worth .* ETH at today's rate\.$/).waitFor();
    await page.getByText(/is expected to be finalized in/).waitFor({ timeout: 30_000 });
    // The DEX beside the queue: npm start's pool quotes the same amount.
    await page
      .getByText(/^Selling 0\.5 trETH on the Uniswap v3 trETH\/WETH pool pays/)
      .waitFor({ timeout: 30_000 });
    await page.getByRole("button", { name: "Request withdrawal" }).click();
    await page.getByText(/^Requested in block \d+/).waitFor({ timeout: 60_000 });
    const last = await chain().readContract({
      address: queue,
      abi: withdrawalQueueAbi,
      functionName: "lastRequestId",
    });
    assert.ok(last >= 1n);
    const row = page.getByRole("row", { name: new RegExp(`#${last} `) });
    await row.waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /0\.5 trETH/);
    await page.screenshot({ path: join(RESULTS, "withdraw-desktop.png"), fullPage: true });
  });

  it("after the oracle's report, claims the ticket and the ETH arrives", { timeout: 420_000 }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page, "#/withdraw");
    const claimButton = page.getByRole("button", { name: /^Claim [\d.]+ ETH$/ }).first();
    const deadline = Date.now() + 360_000;
    // The ticket becomes claimable with the first report that finalizes it; the page reads it again on reload.
    while (!(await claimButton.isVisible().catch(() => false))) {
      if (Date.now() > deadline)
        assert.fail(`no report finalized the ticket within 6 minutes:\n${output().slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await page.reload();
      await page
        .getByRole("button", { name: "Development wallet" })
        .click()
        .catch(() => {});
      await page
        .getByRole("heading", { name: "Your tickets" })
        .waitFor({ timeout: 20_000 })
        .catch(() => {});
    }
    const label = await claimButton.innerText();
    const before = await chain().getBalance({ address: DEV.address });
    await claimButton.click();
    await page.getByText(/^Claimed in block \d+/).waitFor({ timeout: 60_000 });
    const after = await chain().getBalance({ address: DEV.address });
    const claimed = BigInt(Math.round(Number(/Claim ([\d.]+) ETH/.exec(label)?.[1]) * 1e6)) * 10n ** 12n;
    // The balance grows by the ticket's ETH less the gas of the claim (under 0.01 ETH here).
    assert.ok(after > before, "the ETH arrived");
    assert.ok(after - before > claimed - 10n ** 16n, `received ${after - before}, ticket ${claimed}`);
    await page
      .getByRole("row", { name: /claimed/ })
      .first()
      .waitFor({ timeout: 20_000 });
  });

  it("draws the analytics charts from the API's series", { timeout: 120_000 }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard}#/analytics`);
    for (const metric of ["rate", "tvl", "validators"]) {
      const chart = page.locator(`figure[data-metric="${metric}"]`);
      // The line (or the stacked areas) is drawn: a path with a shape.
      await chart
        .locator(".recharts-line-curve[d], .recharts-area-area[d]")
        .first()
        .waitFor({ state: "attached", timeout: 60_000 });
      assert.ok(Number(await chart.getAttribute("data-points")) >= 1, `${metric} has points`);
    }
    // Every point the API has is drawn (a report may land meanwhile: the chart reads again every 12 s).
    const drawn = async () =>
      Number(await page.locator('figure[data-metric="rate"]').getAttribute("data-points"));
    const served = async () =>
      ((await (await fetch(`${devnet?.apiUrl}/v1/series/rate`)).json()) as { points: unknown[] }).points
        .length;
    const until = Date.now() + 40_000;
    let pair = [await drawn(), await served()];
    while (pair[0] !== pair[1] && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      pair = [await drawn(), await served()];
    }
    assert.equal(pair[0], pair[1], "the chart draws every point the API has");
    await page.getByRole("row", { name: /#0 / }).waitFor({ timeout: 20_000 });
    await page.getByText(/largest operator/).waitFor({ timeout: 20_000 });
  });

  it("names every bad input and sends nothing", { timeout: 180_000 }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 390, height: 844 } });
    await connected(page, "#/withdraw");
    const nonce = await chain().getTransactionCount({ address: DEV.address });
    const amount = page.getByLabel("Amount to withdraw (trETH)");
    await amount.fill("abc");
    await page.getByText("Enter an amount of trETH, like 1.5.").waitFor();
    await amount.fill("1000000");
    await page.getByText(/^Your balance is too low: you hold/).waitFor();
    assert.equal(await page.getByRole("button", { name: "Request withdrawal" }).isDisabled(), true);

    await page.goto(`${dashboard}#/governance`);
    const delegatee = page.getByLabel(/^Delegate to/);
    await delegatee.fill("0x1234");
    await page.getByText("Enter an address: 0x and 40 hexadecimal digits.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Delegate" }).isDisabled(), true);

    await page.goto(`${dashboard}#/operators`);
    await page.getByRole("heading", { name: "Join as an operator" }).waitFor({ timeout: 20_000 });
    await page.getByLabel(/^Commission \(%/).fill("150");
    await page.getByText(/^Enter the commission in percent/).waitFor();
    await page.getByLabel(/^Commission \(%/).fill("5");
    await page.getByLabel(/^Bond \(ETH/).fill("999999");
    await page.getByText(/^Your balance is too low for this bond/).waitFor();
    assert.equal(await page.getByRole("button", { name: "Join" }).isDisabled(), true);
    await page.screenshot({ path: join(RESULTS, "operators-phone-error.png"), fullPage: true });
    assert.equal(await chain().getTransactionCount({ address: DEV.address }), nonce, "nothing was sent");
  });

  it("a deposit_data file for other withdrawal credentials is refused before sending", {
    timeout: 240_000,
  }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page, "#/operators");
    await page.getByRole("heading", { name: "Join as an operator" }).waitFor({ timeout: 20_000 });
    await page.getByLabel(/^Bond \(ETH/).fill("1");
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByText(/^Registered in block \d+/).waitFor({ timeout: 60_000 });
    await page.getByLabel("Add keys: a deposit_data file").waitFor({ timeout: 20_000 });
    const nonce = await chain().getTransactionCount({ address: DEV.address });
    const entry = {
      pubkey: "a".repeat(96),
      withdrawal_credentials: `01${"0".repeat(22)}${"b".repeat(40)}`,
      amount: 32000000000,
      signature: "c".repeat(192),
      deposit_message_root: "d".repeat(64),
      deposit_data_root: "e".repeat(64),
      fork_version: "00000000",
      network_name: "mainnet",
      deposit_cli_version: "2.8.0",
    };
    await page.getByLabel("Add keys: a deposit_data file").setInputFiles({
      name: "deposit_data-1.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify([entry])),
    });
    await page.getByText(/^Entry 1: its withdrawal credentials .* are not the protocol's/).waitFor();
    await page.getByLabel("Add keys: a deposit_data file").setInputFiles({
      name: "deposit_data-2.json",
      mimeType: "application/json",
      buffer: Buffer.from("not json"),
    });
    await page.getByText(/^This file is not JSON/).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Add .*keys$/ }).isDisabled(), true);
    assert.equal(await chain().getTransactionCount({ address: DEV.address }), nonce, "nothing was sent");
  });

  it("every page: no serious or critical axe-core violation, screenshots at desktop and phone width", {
    timeout: 240_000,
  }, async () => {
    const found: string[] = [];
    for (const [width, height, name] of [
      [1280, 900, "desktop"],
      [390, 844, "phone"],
    ] as const) {
      // axe-core needs a page of its own context.
      const context = await (browser as Browser).newContext({ viewport: { width, height } });
      const page = await context.newPage();
      await connected(page);
      for (const id of PAGES) {
        await page.goto(`${dashboard}#/${id}`);
        await page.getByRole("heading", { level: 1, name: HEADINGS[id] }).waitFor({ timeout: 20_000 });
        await page.waitForLoadState("networkidle").catch(() => {});
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(RESULTS, `${id}-${name}.png`), fullPage: true });
        const results = await new AxeBuilder({ page: page as never }).analyze();
        for (const v of results.violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            found.push(
              `${id} (${name}): ${v.id} ${v.help} [${v.nodes.map((n) => n.target.join(" ")).join("; ")}]`,
            );
          }
        }
        // Nothing is wider than the screen at phone width.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${id} at ${name} width scrolls sideways by ${overflow}px`);
      }
      await context.close();
    }
    assert.deepEqual(found, []);
  });

  it("works with the keyboard alone: pages by Tab and Enter, a stake typed and submitted", {
    timeout: 120_000,
  }, async () => {
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    await connected(page);
    const before = await heldShares();
    let focused = "";
    for (let i = 0; i < 15 && focused !== "Withdraw"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? "");
    }
    assert.equal(focused, "Withdraw", "the Withdraw link is reached by Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: /Withdraw/ }).waitFor();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: /Stake ETH/ }).waitFor();
    await page.getByLabel("Amount to stake (ETH)").focus();
    await page.keyboard.type("0.25");
    await page.getByText(/^You receive .* trETH/).waitFor();
    await page.keyboard.press("Enter");
    await page
      .getByText(/^Staked in block \d+/)
      .waitFor({ timeout: 60_000 })
      .catch(async (error: Error) => {
        await page.screenshot({ path: join(RESULTS, "keyboard-stake-failed.png"), fullPage: true });
        throw new Error(`${error.message}\nthe page shows:\n${await page.locator("main").innerText()}`);
      });
    assert.ok((await heldShares()) > before);
  });
});
