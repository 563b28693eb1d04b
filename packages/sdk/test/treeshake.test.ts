/**
 * Tree-shaking stays honest: a dapp entry that imports only `getRate` must bundle trETH's ABI and
 * nothing of the other contracts' ABIs, the write actions or the Node-only helpers. Bundled the way
 * the size benchmark does (esbuild, ESM, browser, minified).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { bundleSize } from "../bench/bundle.js";
import * as abis from "../src/generated/abis.js";

type AbiItem = { type: string; name?: string };

const ENTRY = `
import { createClient, http } from "viem";
import { getRate } from "@tributary/sdk";
export const rate = (url, deployment) => getRate(createClient({ transport: http(url) }), { deployment });
`;

/** The same client and read without the SDK: names viem itself carries are no evidence of a leak. */
const BASELINE = `
import { createClient, http } from "viem";
import { multicall } from "viem/actions";
export const read = (url, contracts) => multicall(createClient({ transport: http(url) }), { contracts });
`;

/** How a name of an `as const` ABI (function, parameter, component) appears in esbuild's minified output. */
const inBundle = (code: string, name: string) => code.includes(`name:"${name}"`);

/** Every `name` anywhere in an ABI: functions, events, errors, parameters, tuple components. */
const namesIn = (abi: unknown) =>
  new Set([...JSON.stringify(abi).matchAll(/"name":"(\w+)"/g)].map((m) => m[1]));

describe("tree-shaking: an entry importing only getRate", () => {
  let code = "";
  let baseline = "";
  before(async () => {
    [code, baseline] = (await Promise.all([bundleSize(ENTRY), bundleSize(BASELINE)])).map((b) => b.code) as [
      string,
      string,
    ];
  });

  it("keeps what getRate uses (trETH's ABI, the multicall read)", () => {
    for (const name of ["convertToAssets", "convertToShares", "totalAssets", "totalSupply"]) {
      assert.ok(
        inBundle(code, name),
        `trETH's ${name} is missing: the bundle does not hold what getRate reads`,
      );
    }
  });

  it("drops every other contract's ABI", () => {
    // Names getRate's own ABIs (trETH, and every error for decoding reverts) or viem also carry.
    const kept = new Set([...namesIn(abis.trETHAbi), ...namesIn(abis.protocolErrorsAbi)]);
    for (const [exportName, abi] of Object.entries(abis)) {
      if (exportName === "trETHAbi" || exportName === "protocolErrorsAbi") continue;
      // The proxy has no functions, and WETH's are ERC-20's, which trETH shares: nothing to tell apart.
      if (exportName === "proxyAbi" || exportName === "wethAbi") continue;
      const own = (abi as readonly AbiItem[])
        .filter((item) => item.type === "function" && item.name && !kept.has(item.name))
        .map((item) => item.name as string)
        .filter((name) => !inBundle(baseline, name));
      assert.ok(own.length > 0, `${exportName} has no function of its own to look for`);
      const leaked = own.filter((name) => inBundle(code, name));
      assert.deepEqual(
        leaked,
        [],
        `${exportName} leaked into a getRate-only bundle (functions found: ${leaked.slice(0, 5).join(", ")})`,
      );
    }
    assert.ok(!inBundle(code, "castVote"), "the governor's castVote is in a getRate-only bundle");
  });

  it("drops the write actions and the Node-only helpers", () => {
    for (const fn of ["stake", "requestRedeem", "claim", "deposit", "delegate", "castVote"]) {
      assert.ok(
        !code.includes(`functionName:"${fn}"`),
        `a call of ${fn} (a write action's code) is in a getRate-only bundle`,
      );
    }
    assert.ok(!code.includes("node:fs"), "the Node-only deployment loader is in a browser bundle");
  });
});
