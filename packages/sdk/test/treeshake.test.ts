/**
 * Tree-shaking and code splitting stay honest, bundled the way the size benchmark does (esbuild,
 * ESM, browser, minified, code splitting):
 *   - an entry that imports only `getRate` bundles the trETH items it reads and nothing of the
 *     other contracts' ABIs, the write actions or the Node-only helpers;
 *   - an entry that imports only `stake` bundles the items `stake` calls and none of
 *     `requestRedeem`'s, `claim`'s or the governor's;
 *   - in both, every custom error and its sentence are in a lazy chunk (loaded on the first
 *     failure), not in what the page loads first.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type BundleSize, bundleSize } from "../bench/bundle.js";
import * as abis from "../src/generated/abis.js";
import * as trETHAbi from "../src/generated/trETH.js";
import * as withdrawalQueueAbi from "../src/generated/withdrawalQueue.js";

type AbiItem = { type: string; name?: string };

const GET_RATE = `
import { createClient, http } from "viem";
import { getRate } from "@tributary/sdk";
export const rate = (url, deployment) => getRate(createClient({ transport: http(url) }), { deployment });
`;

const STAKE = `
import { createClient, custom } from "viem";
import { stake } from "@tributary/sdk";
export const go = (provider, account, amount, deployment) =>
  stake(createClient({ account, transport: custom(provider) }), { amount, deployment });
`;

/** The same clients and calls without the SDK: names viem itself carries are no evidence of a leak. */
const BASELINE = `
import { createClient, custom, http } from "viem";
import { estimateContractGas, getBalance, multicall, writeContract } from "viem/actions";
export const read = (url, contracts) => multicall(createClient({ transport: http(url) }), { contracts });
export const write = (provider, p) => {
  const client = createClient({ transport: custom(provider) });
  return [estimateContractGas(client, p), getBalance(client, p), writeContract(client, p)];
};
`;

/** How a name of an `as const` ABI (function, parameter, component) appears in esbuild's minified output. */
const inBundle = (code: string, name: string) => code.includes(`name:"${name}"`);

/** Every `name` anywhere in an ABI: functions, events, errors, parameters, tuple components. */
const namesIn = (abi: unknown) =>
  new Set([...JSON.stringify(abi).matchAll(/"name":"(\w+)"/g)].map((m) => m[1] as string));

/** Function and event names of every protocol contract. */
const protocolItemNames = new Set(
  Object.entries(abis)
    .filter(([exportName]) => exportName !== "protocolErrorsAbi")
    .flatMap(([, abi]) => (abi as readonly AbiItem[]).filter((i) => i.type !== "error").map((i) => i.name))
    .filter((name): name is string => !!name),
);

/** A sentence of `errorSentences` (src/errors/sentences.ts), as the bundle spells it. */
const SENTENCE = "is above the stake limit";

describe("tree-shaking and code splitting", () => {
  let getRate: BundleSize;
  let stake: BundleSize;
  let baseline: string;
  before(async () => {
    const [a, b, c] = await Promise.all([bundleSize(GET_RATE), bundleSize(STAKE), bundleSize(BASELINE)]);
    [getRate, stake] = [a, b];
    baseline = `${c.code}\n${c.lazyCode}`;
  });

  describe("an entry importing only getRate", () => {
    it("keeps what getRate uses (trETH's items, the multicall read)", () => {
      for (const name of ["convertToAssets", "convertToShares", "totalAssets", "totalSupply"]) {
        assert.ok(
          inBundle(getRate.code, name),
          `trETH's ${name} is missing: the bundle does not hold what getRate reads`,
        );
      }
    });

    it("drops every other contract's ABI, in every chunk", () => {
      const code = `${getRate.code}\n${getRate.lazyCode}`;
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

    it("drops trETH's items getRate does not read", () => {
      for (const name of ["stake", "requestRedeem", "permit", "delegateBySig", "stakeLimit"]) {
        assert.ok(!inBundle(getRate.code, name), `trETH's ${name} item is in a getRate-only bundle`);
      }
    });

    it("drops the write actions and the Node-only helpers", () => {
      for (const fn of ["stake", "requestRedeem", "claim", "deposit", "delegate", "castVote"]) {
        assert.ok(
          !getRate.code.includes(`functionName:"${fn}"`),
          `a call of ${fn} (a write action's code) is in a getRate-only bundle`,
        );
      }
      assert.ok(!getRate.code.includes("node:fs"), "the Node-only deployment loader is in a browser bundle");
    });
  });

  describe("an entry importing only stake", () => {
    /** Names in the items stake calls: the functions and their parameters. */
    const stakeNames = new Set([
      ...namesIn(trETHAbi.stake),
      ...namesIn(trETHAbi.stakeLimit),
      ...namesIn(trETHAbi.isStakingPaused),
    ]);

    it("keeps the items stake calls", () => {
      for (const name of ["stake", "stakeLimit", "isStakingPaused"]) {
        assert.ok(inBundle(stake.code, name), `trETH's ${name} is missing from a stake-only bundle`);
      }
    });

    it("drops requestRedeem's, claim's and the governor's items, and every other item, in every chunk", () => {
      const code = `${stake.code}\n${stake.lazyCode}`;
      const named = [
        ...namesIn(trETHAbi.requestRedeem),
        ...namesIn(trETHAbi.permit),
        ...namesIn(withdrawalQueueAbi.claim),
        ...namesIn(withdrawalQueueAbi.isPaused),
        "castVote",
        "castVoteWithReason",
        "propose",
        "hasVoted",
      ].filter(
        // A parameter name of an error (which the lazy errors chunk carries) that is also an item's
        // name, like `owner` (Morpho's and Uniswap's `owner()`), says nothing about items kept.
        (name) =>
          protocolItemNames.has(name) && !stakeNames.has(name) && !namesIn(abis.protocolErrorsAbi).has(name),
      );
      assert.ok(named.includes("requestRedeem") && named.includes("castVote"), "nothing to look for");
      const leakedNamed = named.filter((name) => inBundle(code, name));
      assert.deepEqual(leakedNamed, [], `items stake does not call are in a stake-only bundle`);
      // And no other function or event of any contract (parameter names that are also item names,
      // like a `shares` parameter, are in stake's own items, or viem's).
      const errorNames = namesIn(abis.protocolErrorsAbi);
      const leaked = [...protocolItemNames].filter(
        (name) =>
          inBundle(code, name) && !stakeNames.has(name) && !inBundle(baseline, name) && !errorNames.has(name),
      );
      assert.deepEqual(leaked, [], `items stake does not call are in a stake-only bundle`);
    });
  });

  for (const [label, size] of [
    ["getRate", () => getRate],
    ["stake", () => stake],
  ] as const) {
    it(`a ${label}-only bundle loads the errors and their sentences lazily`, () => {
      const { code, lazyCode, chunks } = size();
      assert.ok(!code.includes(SENTENCE), "an error sentence is in the chunks the page loads first");
      assert.ok(
        !inBundle(code, "TrETHStakeLimitExceeded"),
        "the protocol's errors ABI is in the chunks the page loads first",
      );
      assert.ok(lazyCode.includes(SENTENCE), "the error sentences are in no lazy chunk: are they bundled?");
      assert.ok(
        inBundle(lazyCode, "TrETHStakeLimitExceeded"),
        "the protocol's errors ABI is in no lazy chunk",
      );
      assert.ok(
        chunks.some((c) => !c.initial && c.entryPoint?.endsWith("src/errors/decode.ts")),
        "no lazy chunk loads src/errors/decode.ts",
      );
    });
  }
});
