/**
 * One copy of the protocol's ABIs and addresses: `src/generated/` (from the contracts' build and the
 * committed deployments). Every other tracked source file must import them (`@tributary/sdk/abis`,
 * `Deployment`), not carry its own fragment. This scans the repository's tracked files for
 *   - ABI items written out (`type: "function"` / `"stateMutability"` near a protocol name),
 *   - human-readable ABI items (`"function claimCommission(uint256 ...)"`, `parseAbi`),
 *   - signatures hashed by hand (`"ReportSubmitted(uint256,bytes32)"`),
 *   - addresses of Tributary deployments (committed ones, and the deterministic local ones),
 * and fails naming the file. Names that standard ABIs share (ERC-20, ERC-721, ERC-4626, ...) are not
 * protocol names: a mock's or a token's standard ABI is not a copy.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { erc20Abi, erc721Abi, erc1155Abi, erc4626Abi, getContractAddress, multicall3Abi } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import * as abis from "../src/generated/abis.js";
import { deployments } from "../src/generated/deployments.js";

const ROOT = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();

/** Files allowed to hold what the scan looks for, each with the reason. */
const ALLOWED: Record<string, string> = {
  "packages/consensus/src/el/deposits.ts":
    "the stand-in beacon node decodes the beacon deposit contract's DepositEvent as EIP-6110 specifies " +
    "(the event layout is the consensus spec's); the consensus layer has no runtime dependency on the SDK",
  "packages/sdk/test/one-copy.test.ts": "its own examples of what the scan looks for",
};

/** Where the one copy lives, and its sources. */
const SOURCES = [/^packages\/sdk\/src\/generated\//, /^deployments\/[^/]+\.json$/];
const SCANNED = /\.(ts|tsx|js|mjs|cjs|json)$/;
const SKIPPED = [/(^|\/)package(-lock)?\.json$/, /(^|\/)tsconfig[^/]*\.json$/, /^biome\.json$/];

type AbiItem = { type: string; name?: string };

/** Function, event and error names of the protocol's contracts that no standard ABI also has. */
const PROTOCOL_NAMES: ReadonlySet<string> = (() => {
  const standard = new Set(
    [erc20Abi, erc721Abi, erc1155Abi, erc4626Abi, multicall3Abi].flatMap((abi) =>
      (abi as readonly AbiItem[]).map((item) => item.name),
    ),
  );
  const names = new Set<string>();
  for (const abi of Object.values(abis) as (readonly AbiItem[])[]) {
    for (const item of abi) {
      if (item.name && ["function", "event", "error"].includes(item.type) && !standard.has(item.name)) {
        names.add(item.name);
      }
    }
  }
  return names;
})();

/**
 * Addresses of Tributary's own contracts: the committed deployments' (not the beacon deposit
 * contract's or WETH's, which are Ethereum's), and the first 128 CREATE addresses of the development
 * deployer (account 0 of the public test mnemonic), where every local deployment puts them.
 */
const DEPLOYMENT_ADDRESSES: ReadonlySet<string> = (() => {
  const set = new Set<string>();
  for (const deployment of Object.values(deployments)) {
    for (const [name, address] of Object.entries(deployment.contracts)) {
      if (name !== "depositContract" && name !== "weth") set.add(address.toLowerCase());
    }
  }
  const deployer = mnemonicToAccount("test test test test test test test test test test test junk").address;
  for (let nonce = 0n; nonce < 128n; nonce++) {
    set.add(getContractAddress({ from: deployer, nonce }).toLowerCase());
  }
  return set;
})();

/** What in `text` is a second copy of a protocol ABI item or address; empty when nothing is. */
export function findCopies(text: string): string[] {
  const found: string[] = [];
  // ABI items as objects or JSON: a marker, and a protocol name within the same item's reach.
  const marker = /["']?type["']?\s*:\s*["'](?:function|event|error)["']|["']?stateMutability["']?\s*:/g;
  const nameNear = /["']?name["']?\s*:\s*["'](\w+)["']/g;
  for (const m of text.matchAll(marker)) {
    const start = m.index ?? 0;
    const window = text.slice(Math.max(0, start - 300), start + 300);
    for (const n of window.matchAll(nameNear)) {
      if (n[1] && PROTOCOL_NAMES.has(n[1])) found.push(`ABI item ${n[1]}`);
    }
  }
  // Human-readable ABI items: "function name(...", "event Name(...", "error Name(...".
  for (const m of text.matchAll(/["'`]\s*(?:function|event|error)\s+(\w+)\s*\(/g)) {
    if (m[1] && PROTOCOL_NAMES.has(m[1])) found.push(`human-readable ABI item ${m[1]}`);
  }
  // Canonical signatures written out to hash: "Name(type,type)". In backticks only with parameter
  // types: docs name a view as `previous()` in prose.
  const type = String.raw`(?:u?int\d*|address|bool|bytes\d*|string|\([^"'\`]*\))(?:\[\d*\])*`;
  const quoted = new RegExp(String.raw`["'](\w+)\(((?:${type})(?:,${type})*)?\)["']`, "g");
  const backticked = new RegExp(String.raw`\`(\w+)\(((?:${type})(?:,${type})*)\)\``, "g");
  for (const m of [...text.matchAll(quoted), ...text.matchAll(backticked)]) {
    if (m[1] && PROTOCOL_NAMES.has(m[1])) found.push(`signature ${m[0].slice(1, -1)}`);
  }
  for (const m of text.matchAll(/0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g)) {
    if (DEPLOYMENT_ADDRESSES.has(m[0].toLowerCase())) found.push(`deployment address ${m[0]}`);
  }
  return [...new Set(found)];
}

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((path) => SCANNED.test(path))
    .filter((path) => !SOURCES.some((source) => source.test(path)))
    .filter((path) => !SKIPPED.some((skipped) => skipped.test(path)))
    .filter((path) => existsSync(join(ROOT, path)));
}

describe("one copy of the protocol's ABIs and addresses", () => {
  it("recognises what it looks for", () => {
    const inline = `const depositRootAbi = [
  { type: "function", name: "get_deposit_root", stateMutability: "view", inputs: [], outputs: [{ type: "bytes32" }] },
] as const;`;
    assert.deepEqual(findCopies(inline), ["ABI item get_deposit_root"], "an inline ABI item");
    assert.deepEqual(
      findCopies(
        `[{"inputs":[],"name":"submitReportData","outputs":[],"stateMutability":"nonpayable","type":"function"}]`,
      ),
      ["ABI item submitReportData"],
      "a JSON ABI item",
    );
    assert.deepEqual(
      findCopies(`parseAbi(["function vetKeys(uint256 operatorId, uint256 count)"])`),
      ["human-readable ABI item vetKeys"],
      "a human-readable ABI item",
    );
    assert.deepEqual(
      findCopies(`keccak256(toBytes("ConsensusReached(uint256,bytes32,uint256)"))`),
      ["signature ConsensusReached(uint256,bytes32,uint256)"],
      "a signature written out to hash",
    );
    assert.deepEqual(
      findCopies("toBytes(`ConsensusReached(uint256,bytes32,uint256)`)"),
      ["signature ConsensusReached(uint256,bytes32,uint256)"],
      "a signature in a template literal",
    );
    const deployer = mnemonicToAccount("test test test test test test test test test test test junk").address;
    const local = getContractAddress({ from: deployer, nonce: 3n });
    assert.deepEqual(findCopies(`const token = "${local}";`), [`deployment address ${local}`], "an address");
  });

  it("leaves standard ABIs, other addresses and the SDK's own use alone", () => {
    const mock = `[{ type: "function", name: "balanceOf", stateMutability: "view", inputs: [{ type: "address" }] }]`;
    assert.deepEqual(findCopies(mock), [], "an ERC-20 mock's ABI");
    assert.deepEqual(findCopies(`const a = "0x00000000219ab540356cBB839Cbe05303d7705Fa";`), [], "Ethereum's");
    assert.deepEqual(
      findCopies(`readContract(client, { abi: trETHAbi, functionName: "convertToAssets", args: [ONE] })`),
      [],
      "a call through the generated ABI",
    );
    assert.deepEqual(
      findCopies("/** The rate: the accounting module's `shareRate()`. */"),
      [],
      "a view named in prose",
    );
  });

  it("finds no copy in the repository's tracked files", () => {
    const files = trackedFiles();
    assert.ok(files.length > 50, `only ${files.length} tracked files found under ${ROOT}`);
    const offenders: string[] = [];
    for (const path of files) {
      const copies = findCopies(readFileSync(join(ROOT, path), "utf8"));
      if (copies.length > 0 && !(path in ALLOWED)) {
        offenders.push(`${path}: ${copies.slice(0, 4).join("; ")}`);
      }
    }
    assert.deepEqual(
      offenders,
      [],
      `second copies of protocol ABIs or addresses (import them from @tributary/sdk/abis or take a Deployment):\n${offenders.join("\n")}`,
    );
  });

  it("allows only files that still need it", () => {
    for (const [path, reason] of Object.entries(ALLOWED)) {
      const file = join(ROOT, path);
      assert.ok(existsSync(file), `allowed file ${path} no longer exists (${reason})`);
      assert.ok(
        findCopies(readFileSync(file, "utf8")).length > 0,
        `allowed file ${path} has no copy any more`,
      );
    }
  });
});
