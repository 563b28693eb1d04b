import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { Metrics } from "../src/metrics.js";
import { Publisher } from "../src/publisher.js";
import { type HealthStatus, type OracleServer, startServer } from "../src/server.js";

const dataDir = mkdtempSync(join(tmpdir(), "oracle-server-"));
const metrics = new Metrics({ defaultMetrics: false });
let health: HealthStatus = { ok: true, lastReportedRefSlot: 7199n };
let server: OracleServer;

/** An operators' rewards tree of `count` operators, as the lead's code would build it. */
function rewardsTree(count: number, salt: bigint) {
  const values = Array.from({ length: count }, (_, i) => [
    BigInt(i),
    `0x${String(i + 1).padStart(40, "0")}`,
    salt * 10n ** 18n + BigInt(i),
  ]);
  const tree = StandardMerkleTree.of(values, ["uint256", "address", "uint256"]);
  const proofs = new Map<number, unknown>();
  for (const [index, value] of tree.entries()) {
    proofs.set(Number(value[0]), { value, proof: tree.getProof(index), treeIndex: index });
  }
  return { tree, proofs };
}

async function get(path: string, method = "GET") {
  const response = await fetch(`${server.url}${path}`, { method });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body: body as Record<string, unknown>, headers: response.headers, text };
}

before(async () => {
  server = await startServer({ host: "127.0.0.1", port: 0, dataDir, metrics, health: () => health });
});
after(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const HASH_1 = `0x${"1a".repeat(32)}`;
const HASH_2 = `0x${"2B".repeat(32)}`;

describe("server", () => {
  it("answers 404 before anything is published", async () => {
    for (const path of ["/v1/rewards-tree", "/v1/rewards-tree/proof/1", "/v1/exit-list", "/v1/report"]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.equal(body.error, "not found", path);
      assert.match(String(body.message), /published yet/, path);
    }
  });

  it("serves the latest and by-id publications, with the pointer moving only forward", async () => {
    const publisher = new Publisher(dataDir);
    const first = rewardsTree(5, 1n);
    const second = rewardsTree(8, 2n);
    await publisher.publishTree(7200, first.tree.root, first.tree.dump(), first.proofs);
    await publisher.publishTree(
      14400,
      second.tree.root,
      JSON.stringify(second.tree.dump(), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      second.proofs,
    );
    // Publishing the older frame again (a restart) does not move the pointer back.
    await publisher.publishTree(7200, first.tree.root, first.tree.dump(), first.proofs);
    await publisher.publishExitList(7200, HASH_1, [{ validatorIndex: 1, pubkey: `0x${"aa".repeat(48)}` }]);
    await publisher.publishExitList(14400, HASH_2, []);
    await publisher.publishReport(7200, { refSlot: 7200, totalBalanceWei: 10n ** 20n });
    await publisher.publishReport(14400, JSON.stringify({ refSlot: 14400 }));

    const latest = await get("/v1/rewards-tree");
    assert.equal(latest.status, 200);
    assert.equal(latest.body.refSlot, 14400, "the latest tree");
    assert.equal(latest.body.root, second.tree.root, "its root");
    assert.equal(latest.headers.get("cache-control"), "no-cache", "latest is not cached");
    assert.equal(latest.headers.get("access-control-allow-origin"), "*", "any origin");
    const loaded = StandardMerkleTree.load(latest.body.tree as never);
    assert.equal(loaded.root, second.tree.root, "the dump loads back into the same tree");

    const byRoot = await get(`/v1/rewards-tree/${first.tree.root.toUpperCase().replace("0X", "0x")}`);
    assert.equal(byRoot.status, 200, "by root, any case");
    assert.equal(byRoot.body.refSlot, 7200, "the older tree");
    assert.match(byRoot.headers.get("cache-control") ?? "", /immutable/, "by id: cached");

    const proof = await get("/v1/rewards-tree/proof/3");
    assert.equal(proof.status, 200);
    assert.equal(proof.body.root, second.tree.root, "from the latest tree");
    assert.equal(proof.body.operatorId, 3, "the operator");
    const entry = proof.body.entry as { value: [string, string, string]; proof: string[] };
    assert.deepEqual(
      entry.value,
      ["3", "0x0000000000000000000000000000000000000004", "2000000000000000003"],
      "bigint as decimal",
    );
    assert.ok(
      StandardMerkleTree.verify(
        second.tree.root,
        ["uint256", "address", "uint256"],
        entry.value,
        entry.proof,
      ),
      "the proof verifies against the root",
    );
    assert.equal((await get("/v1/rewards-tree/proof/99")).status, 404, "an operator not in the tree");

    const exits = await get("/v1/exit-list");
    assert.deepEqual(
      exits.body,
      { refSlot: 14400, hash: HASH_2.toLowerCase(), entries: [] },
      "latest exit list",
    );
    const exitsByHash = await get(`/v1/exit-list/${HASH_1}`);
    assert.equal((exitsByHash.body.entries as unknown[]).length, 1, "by hash");

    assert.deepEqual((await get("/v1/report")).body, { refSlot: 14400 }, "latest report");
    assert.deepEqual(
      (await get("/v1/report/7200")).body,
      { refSlot: 7200, totalBalanceWei: "100000000000000000000" },
      "by reference slot",
    );
    const head = await get("/v1/report/7200", "HEAD");
    assert.equal(head.status, 200, "HEAD");
    assert.equal(head.text, "", "no body");
    assert.ok(Number(head.headers.get("content-length")) > 0, "the length");
  });

  it("answers 404 for unknown ids, 400 for malformed ones, 404 for unknown paths, 405 for other methods", async () => {
    const cases: [string, number, RegExp][] = [
      [`/v1/rewards-tree/0x${"00".repeat(32)}`, 404, /No rewards tree/],
      [`/v1/exit-list/0x${"00".repeat(32)}`, 404, /No exit list/],
      ["/v1/report/1", 404, /No report for reference slot 1/],
      ["/v1/rewards-tree/0x1234", 400, /Root 0x1234 is not 32 bytes/],
      ["/v1/rewards-tree/..%2F..%2Fetc", 400, /is not 32 bytes/],
      ["/v1/exit-list/latest", 400, /Hash latest is not/],
      ["/v1/report/-1", 400, /Reference slot -1 is not a whole number/],
      ["/v1/report/007", 400, /not a whole number/],
      ["/v1/rewards-tree/proof/x", 400, /Operator id x is not a whole number/],
      ["/v1/rewards-tree/proof/1/2", 404, /No route/],
      ["/v1/report/1/2", 404, /No route/],
      ["/v2/report", 404, /No route/],
      ["/", 404, /No route/],
      ["/v1/unknown", 404, /No route/],
    ];
    for (const [path, status, message] of cases) {
      const response = await get(path);
      assert.equal(response.status, status, path);
      assert.match(String(response.body.message), message, path);
    }
    const post = await fetch(`${server.url}/v1/report`, { method: "POST" });
    assert.equal(post.status, 405, "POST");
    assert.equal(post.headers.get("allow"), "GET, HEAD", "Allow header");
  });

  it("serves /health from the loop's callback: 200 when keeping up, 503 with the reasons", async () => {
    health = { ok: true, lastReportedRefSlot: 7199n, frameLagSlots: 0 };
    const ok = await get("/health");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { status: "ok", lastReportedRefSlot: "7199", frameLagSlots: 0 });
    health = { ok: false, reasons: ["no report for 2 frames"], frameLagSlots: 14400 };
    const bad = await get("/health");
    assert.equal(bad.status, 503);
    assert.deepEqual(bad.body, {
      status: "unhealthy",
      reasons: ["no report for 2 frames"],
      frameLagSlots: 14400,
    });
  });

  it("serves /metrics as Prometheus text", async () => {
    metrics.votes.inc();
    const response = await get("/metrics");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(response.text, /^oracle_votes_total 1$/m);
  });

  it("writes the publications atomically into the documented layout, readable by all", () => {
    const published = join(dataDir, "published");
    assert.deepEqual(readdirSync(published).sort(), ["exit-list", "report", "rewards-tree"]);
    const trees = readdirSync(join(published, "rewards-tree")).sort();
    assert.equal(trees.length, 5, `two trees, two proof files, latest: ${trees}`);
    assert.ok(trees.includes("latest.json"), "latest pointer");
    assert.ok(!trees.some((name) => name.includes(".tmp-")), "no temporary file left");
    assert.deepEqual(JSON.parse(readFileSync(join(published, "report", "latest.json"), "utf8")), {
      refSlot: 14400,
    });
    assert.equal(statSync(join(published, "report", "7200.json")).mode & 0o777, 0o644, "public files");
  });

  it("refuses malformed publications before writing", async () => {
    const publisher = new Publisher(dataDir);
    await assert.rejects(publisher.publishTree(1, "0x12", {}, {}), /root 0x12 is not 32 bytes/);
    await assert.rejects(publisher.publishTree(1, HASH_1, {}, { "-1": {} }), /operator id -1/);
    await assert.rejects(publisher.publishReport(-5, {}), /refSlot -5/);
    await assert.rejects(publisher.publishReport(5, "{not json"), SyntaxError);
    assert.equal((await get("/v1/report/5")).status, 404, "nothing written");
  });
});
