/**
 * The dashboard's bars, measured on the production build served as `npm start` serves it (gzip,
 * immutable hashed assets), against a live fast-mode network so every page has real data:
 *
 * - `stake_page_js_gzip_kb`: the JavaScript the stake page loads (every script response until the
 *   network is idle), gzipped as sent, in KB (1,000 bytes);
 * - `lighthouse_performance` (mobile: Lighthouse 12's default emulation and simulated throttling)
 *   and `lighthouse_performance_desktop` (its desktop preset), for the stake page, median of
 *   `--runs` runs;
 * - `axe_serious_violations`: serious and critical axe-core violations summed over every page at
 *   desktop and phone width (the development wallet connected).
 *
 * `npm run bench:dashboard -- [--json] [--runs 3]`: the last line is the JSON object.
 */

import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import AxeBuilder from "@axe-core/playwright";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_FLAGS, startDevnet } from "../test/devnet.js";

const PAGES = ["stake", "withdraw", "portfolio", "analytics", "governance", "operators"];

const { values } = parseArgs({
  options: { json: { type: "boolean", default: false }, runs: { type: "string", default: "3" } },
});
const runs = Number(values.runs);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const devnet = await startDevnet();
try {
  log(`network up; dashboard at ${devnet.dashboard}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });

  // The stake page's JavaScript: every script it loads, as gzip sends it.
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const scripts = new Map<string, number>();
  page.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.body().catch(() => undefined);
    if (body) scripts.set(response.url(), gzipSync(body, { level: 9 }).length);
  });
  await page.goto(devnet.dashboard);
  await page.getByRole("heading", { level: 1, name: /Stake ETH/ }).waitFor();
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1_000);
  const jsBytes = [...scripts.values()].reduce((a, b) => a + b, 0);
  log(`stake page: ${scripts.size} scripts, ${(jsBytes / 1000).toFixed(1)} KB gzipped`);
  for (const [url, bytes] of scripts)
    log(`  ${(bytes / 1000).toFixed(1).padStart(6)} KB  ${new URL(url).pathname}`);

  // axe-core on every page, both widths, the development wallet connected.
  let serious = 0;
  const violations: string[] = [];
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    // axe-core needs a page of its own context.
    const context = await browser.newContext({ viewport: { width, height } });
    const p = await context.newPage();
    await p.goto(devnet.dashboard);
    await p.getByRole("button", { name: "Development wallet" }).click();
    for (const id of PAGES) {
      await p.goto(`${devnet.dashboard}#/${id}`);
      await p.getByRole("heading", { level: 1 }).waitFor();
      await p.waitForLoadState("networkidle").catch(() => {});
      await p.waitForTimeout(500);
      const result = await new AxeBuilder({ page: p as never }).analyze();
      for (const v of result.violations) {
        if (v.impact === "serious" || v.impact === "critical") {
          serious += v.nodes.length;
          violations.push(`${id}@${width}: ${v.id}`);
        }
      }
    }
    await context.close();
  }
  log(
    `axe-core: ${serious} serious or critical violations${violations.length ? ` (${violations.join(", ")})` : ""}`,
  );
  await browser.close();

  // Lighthouse, performance only, on the stake page.
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
  const scores: Record<"mobile" | "desktop", number[]> = { mobile: [], desktop: [] };
  const metrics: Record<string, number> = {};
  try {
    for (const formFactor of ["mobile", "desktop"] as const) {
      for (let run = 0; run < runs; run++) {
        const result = await lighthouse(
          devnet.dashboard,
          { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] },
          formFactor === "desktop"
            ? {
                extends: "lighthouse:default",
                settings: {
                  formFactor: "desktop",
                  screenEmulation: {
                    mobile: false,
                    width: 1350,
                    height: 940,
                    deviceScaleFactor: 1,
                    disabled: false,
                  },
                  throttling: {
                    rttMs: 40,
                    throughputKbps: 10_240,
                    cpuSlowdownMultiplier: 1,
                    requestLatencyMs: 0,
                    downloadThroughputKbps: 0,
                    uploadThroughputKbps: 0,
                  },
                },
              }
            : undefined,
        );
        const lhr = result?.lhr;
        const score = Math.round((lhr?.categories.performance?.score ?? 0) * 100);
        scores[formFactor].push(score);
        if (formFactor === "mobile" && run === 0 && lhr) {
          for (const id of [
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
          ]) {
            metrics[id] = lhr.audits[id]?.numericValue ?? Number.NaN;
          }
        }
        log(`lighthouse ${formFactor} run ${run + 1}: ${score}`);
      }
    }
  } finally {
    await chrome.kill();
  }

  const out = {
    lighthouse_performance: median(scores.mobile),
    lighthouse_performance_desktop: median(scores.desktop),
    lighthouse_runs: runs,
    lighthouse_mobile_scores: scores.mobile,
    lighthouse_fcp_ms: Math.round(metrics["first-contentful-paint"] ?? Number.NaN),
    lighthouse_lcp_ms: Math.round(metrics["largest-contentful-paint"] ?? Number.NaN),
    lighthouse_tbt_ms: Math.round(metrics["total-blocking-time"] ?? Number.NaN),
    lighthouse_cls: Number((metrics["cumulative-layout-shift"] ?? Number.NaN).toFixed(3)),
    stake_page_js_gzip_kb: Number((jsBytes / 1000).toFixed(1)),
    stake_page_scripts: scripts.size,
    axe_serious_violations: serious,
    axe_pages_checked: PAGES.length * 2,
  };
  if (!values.json) {
    log(
      `Lighthouse performance (mobile, median of ${runs}): ${out.lighthouse_performance}; desktop ${out.lighthouse_performance_desktop}`,
    );
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await devnet.stop();
}
