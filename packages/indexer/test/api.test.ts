/**
 * The API over an index of a real chain (anvil, the real deployment, stakes, transfers, requests,
 * reports, claims), on PGlite and on PostgreSQL: every figure checked against the chain or the
 * SDK (the APR and rate equal `getApr`'s; rewards equal balances read at each report's block times
 * the rate's change), the OpenAPI document, problem+json errors, ETags, and a 503 while the
 * PostgreSQL server is down that ends when it is back.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getApr } from "@tributary/sdk";
import { accountingAbi, trETHAbi } from "@tributary/sdk/abis";
import type { Address } from "viem";
import { createApi } from "../src/api/app.js";
import { RATE_SCALE } from "../src/api/queries.js";
import type { Database } from "../src/db.js";
import { IndexerMetrics } from "../src/metrics.js";
import { activity, mine, startTestProtocol, type TestProtocol, USERS } from "./helpers/chain.js";
import { Databases, indexerFor, kinds } from "./helpers/index.js";

for (const kind of kinds()) {
  describe(`API on ${kind}`, () => {
    let t: TestProtocol;
    const databases = new Databases(kind);
    let database: Database;
    let api: ReturnType<typeof createApi>;
    const metrics = new IndexerMetrics();
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await api.request(path, { headers });
      const text = await response.text();
      return { response, body: text ? JSON.parse(text) : null };
    };

    before(async () => {
      t = await startTestProtocol();
      await activity(t, 0);
      await mine(t, 70);
      await activity(t, 1);
      database = await databases.fresh();
      await indexerFor(t, database).sync();
      api = createApi({ database, deployment: t.deployment, metrics });
    });
    after(async () => {
      await databases.close();
      await t?.stop();
    });

    test("/openapi.json is an OpenAPI 3.1 document with every route", async () => {
      const { response, body } = await get("/openapi.json");
      assert.equal(response.status, 200);
      assert.equal(body.openapi, "3.1.0");
      for (const path of [
        "/v1/stats",
        "/v1/queue",
        "/v1/accounts/{address}",
        "/v1/operators",
        "/v1/reports",
        "/v1/risk",
        "/v1/series/{metric}",
      ]) {
        assert.ok(body.paths[path]?.get, `${path} documented`);
      }
      assert.ok(body.components.schemas.Problem);
    });

    test("/v1/stats: the rate and APR equal the SDK's, TVL the supply at that rate", async () => {
      const { response, body } = await get("/v1/stats");
      assert.equal(response.status, 200);
      const sdk = await getApr(t.local.publicClient, { deployment: t.deployment });
      assert.deepEqual(
        JSON.parse(JSON.stringify(body.apr.windows ?? null, (_k, v) => v)),
        JSON.parse(JSON.stringify(sdk.windows, (_k, v) => (typeof v === "bigint" ? v.toString() : v))),
      );
      assert.equal(body.apr.apr7d, sdk.apr7d);
      assert.equal(body.apr.apr30d, sdk.apr30d);
      assert.equal(body.apr.aprSinceInception, sdk.aprSinceInception);
      assert.notEqual(body.apr.aprSinceInception, null);
      assert.equal(body.apr.method, sdk.method);
      const last = sdk.reports.at(-1);
      assert.equal(body.rate.shareRate, String(last?.shareRate));
      const supply = await t.local.publicClient.readContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "totalSupply",
      });
      assert.equal(body.supply, String(supply));
      assert.equal(body.tvl.wei, String((supply * (last?.shareRate ?? 0n)) / RATE_SCALE));
      assert.equal(body.reports.count, sdk.reports.length);
      // Holders: every user who staked still holds shares, plus the whale of the operator set-up.
      assert.ok(body.holders.count >= USERS.length);
      assert.equal(body.validators.total, 1);
      assert.equal(
        body.validators.byStatus.deposited,
        1,
        "no beacon node here: the deposit counts as deposited",
      );
    });

    test("/v1/accounts/{address}: position and tickets equal the chain's; rewards equal balances times the rate's changes", async () => {
      const user = t.local.address(USERS[0] as number).toLowerCase() as Address;
      const { response, body } = await get(`/v1/accounts/${user.toUpperCase().replace("0X", "0x")}`);
      assert.equal(response.status, 200);
      const shares = await t.local.publicClient.readContract({
        address: t.deployment.contracts.token,
        abi: trETHAbi,
        functionName: "balanceOf",
        args: [user],
      });
      assert.equal(body.shares, String(shares));
      assert.equal(body.tickets.length, 4);
      assert.ok(body.tickets.every((ticket: { status: string }) => ticket.status === "claimed"));
      // Independent: the balance at the block before each report, times that report's rate change.
      const reports = await t.local.publicClient.getContractEvents({
        address: t.deployment.contracts.accounting,
        abi: accountingAbi,
        eventName: "ReportApplied",
        fromBlock: 0n,
      });
      let expected = 0n;
      let previous = RATE_SCALE;
      for (const report of reports) {
        const held = await t.local.publicClient.readContract({
          address: t.deployment.contracts.token,
          abi: trETHAbi,
          functionName: "balanceOf",
          args: [user],
          blockNumber: report.blockNumber - 1n,
        });
        const rate = report.args.shareRate as bigint;
        expected += (held * (rate - previous)) / RATE_SCALE;
        previous = rate;
      }
      assert.ok(expected > 0n);
      assert.equal(body.rewardsEarned.wei, String(expected));
      assert.ok(body.history.length > 0);

      // The history, one transfer per page, follows historyNext to the first transfer: the same
      // transfers as the chain's Transfer logs of the address, newest first, with their transactions.
      const pages: { blockNumber: string; logIndex: number; txHash: string; timestamp: number }[] = [];
      let before: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: { history: typeof pages; historyNext: string | null } = (
          await get(`/v1/accounts/${user}?limit=1${before ? `&before=${before}` : ""}`)
        ).body;
        pages.push(...page.history);
        before = page.historyNext;
        if (before === null) break;
      }
      const logs = (
        await t.local.publicClient.getContractEvents({
          address: t.deployment.contracts.token,
          abi: trETHAbi,
          eventName: "Transfer",
          fromBlock: 0n,
        })
      ).filter(
        (l) =>
          l.args.from?.toLowerCase() === user.toLowerCase() ||
          l.args.to?.toLowerCase() === user.toLowerCase(),
      );
      assert.deepEqual(
        pages.map((h) => `${h.blockNumber}-${h.logIndex}-${h.txHash}`),
        logs.reverse().map((l) => `${l.blockNumber}-${l.logIndex}-${l.transactionHash}`),
      );
      const first = await t.local.publicClient.getBlock({
        blockNumber: BigInt(pages.at(-1)?.blockNumber ?? 0),
      });
      assert.equal(pages.at(-1)?.timestamp, Number(first.timestamp));
      const bad = await get(`/v1/accounts/${user}?before=12`);
      assert.equal(bad.response.status, 400);
      assert.match(bad.body.detail, /before/);
    });

    test("/v1/operators, /v1/reports, /v1/queue, /v1/risk and the series", async () => {
      const operators = (await get("/v1/operators")).body;
      assert.equal(operators.operators.length, 1);
      const [op] = operators.operators;
      assert.equal(op.keys.deposited, 1);
      assert.equal(op.activeValidators, 1);
      assert.ok(BigInt(op.bond.wei) > 0n);
      assert.equal(op.share, 1);

      const reports = (await get("/v1/reports?limit=1")).body;
      assert.equal(reports.reports.length, 1);
      const [report] = reports.reports;
      assert.ok(report.votes.length >= 2, "a quorum of members voted");
      assert.ok(report.votes.every((v: { agreed: boolean }) => v.agreed));
      assert.equal(report.consensus.support >= 2, true);
      assert.equal(reports.next, report.refSlot);
      const older = (await get(`/v1/reports?before=${reports.next}`)).body;
      assert.equal(older.reports.length, 1);
      assert.ok(BigInt(older.reports[0].refSlot) < BigInt(report.refSlot));

      const queue = (await get("/v1/queue")).body;
      assert.equal(queue.lastFinalizedRequestId, "4");
      assert.equal(queue.pending.requests, 0);
      assert.equal(queue.finalizedUnclaimed.requests, 0);

      const risk = (await get("/v1/risk")).body;
      assert.equal(risk.concentration.largestShare, 1);
      assert.equal(risk.concentration.operatorsForOneThird, 1);
      assert.equal(risk.dex.price, null);

      const rate = (await get("/v1/series/rate")).body;
      assert.equal(rate.points.length, 2);
      assert.ok(rate.points[1].value >= rate.points[0].value);
      const waits = (await get("/v1/series/wait?resolution=day")).body;
      assert.ok(waits.points.length >= 1);
      assert.ok(waits.points.every((p: { value: number }) => p.value > 0));
      const tvl = (await get("/v1/series/tvl")).body;
      assert.equal(tvl.points.length, 2);
      // No beacon node here: no snapshot, so no point (the snapshots test has them).
      assert.deepEqual((await get("/v1/series/validators")).body.points, []);
    });

    test("/v1/queue?amount estimates the wait of that amount; a bad amount is a 400", async () => {
      // The estimate itself is the SDK's (tested there): a recording stand-in checks what the route asks.
      const asked: bigint[] = [];
      const withEstimate = createApi({
        database,
        deployment: t.deployment,
        estimateWait: async (amount) => {
          asked.push(amount);
          return { minSeconds: 1, maxSeconds: 2, ethNeeded: amount };
        },
      });
      const one = (await (await withEstimate.request("/v1/queue")).json()) as {
        waitEstimate: { ethNeeded: string };
      };
      assert.equal(one.waitEstimate.ethNeeded, (10n ** 18n).toString());
      const some = (await (await withEstimate.request("/v1/queue?amount=2500000000000000000")).json()) as {
        waitEstimate: { ethNeeded: string };
      };
      assert.equal(some.waitEstimate.ethNeeded, "2500000000000000000");
      assert.deepEqual(asked, [10n ** 18n, 2_500_000_000_000_000_000n]);
      for (const bad of ["0", "-1", "1.5", "abc", "9".repeat(40)]) {
        const response = await withEstimate.request(`/v1/queue?amount=${bad}`);
        assert.equal(response.status, 400, bad);
        assert.match(JSON.stringify(await response.json()), /amount/);
      }
      assert.equal(asked.length, 2, "nothing estimated for a bad amount");
      // The pool's price, when the deployment has one, against the latest report's rate.
      const withPool = createApi({
        database,
        deployment: t.deployment,
        dexPrice: async () => ({ price: 0.99, pool: "0x00000000000000000000000000000000000000aa" }),
      });
      const risk = (await (await withPool.request("/v1/risk")).json()) as {
        dex: { price: number; peg: number; pool: string; reason: string | null };
      };
      const stats = (await (await withPool.request("/v1/stats")).json()) as { rate: { ethPerTrETH: number } };
      assert.equal(risk.dex.price, 0.99);
      assert.ok(
        Math.abs(risk.dex.peg - (0.99 / stats.rate.ethPerTrETH - 1)) < 1e-9,
        "peg = price / rate - 1",
      );
      assert.equal(risk.dex.reason, null);
      const failing = createApi({
        database,
        deployment: t.deployment,
        dexPrice: async () => {
          throw new Error("node down");
        },
      });
      const down = (await (await failing.request("/v1/risk")).json()) as {
        dex: { price: null; reason: string };
      };
      assert.equal(down.dex.price, null);
      assert.match(down.dex.reason, /node down/);
    });

    test("malformed parameters get a 400 problem naming them; unknown routes a 404", async () => {
      const bad = await get("/v1/accounts/0x1234");
      assert.equal(bad.response.status, 400);
      assert.equal(bad.response.headers.get("content-type"), "application/problem+json");
      assert.equal(bad.body.parameter, "address");
      assert.match(bad.body.detail, /address/);
      const limit = await get("/v1/reports?limit=0");
      assert.equal(limit.response.status, 400);
      assert.equal(limit.body.parameter, "limit");
      const metric = await get("/v1/series/price");
      assert.equal(metric.response.status, 400);
      assert.equal(metric.body.parameter, "metric");
      const missing = await get("/v1/nothing");
      assert.equal(missing.response.status, 404);
      assert.equal(missing.body.status, 404);
    });

    test("during a first backfill every figure route answers 503 with the block reached; after it, 200", async () => {
      const fresh = await databases.fresh();
      const indexer = indexerFor(t, fresh, { chunk: 4n });
      const building = createApi({ database: fresh, deployment: t.deployment });
      await indexer.step();
      const during = await building.request("/v1/stats");
      assert.equal(during.status, 503);
      assert.equal(during.headers.get("content-type"), "application/problem+json");
      const problem = (await during.json()) as { title: string; detail: string; indexedBlock: string };
      assert.equal(problem.title, "Index being built");
      assert.match(problem.detail, /first backfill has reached block \d+/);
      assert.equal(problem.indexedBlock, indexer.position?.number.toString());
      assert.equal(
        (await building.request(`/v1/accounts/${t.local.address(USERS[0] as number)}`)).status,
        503,
      );
      await indexer.sync();
      const afterwards = await building.request("/v1/stats");
      assert.equal(afterwards.status, 200);
      assert.deepEqual(await afterwards.json(), (await get("/v1/stats")).body);
    });

    test("answers carry an ETag and a cache lifetime; If-None-Match gets a 304", async () => {
      const first = await get("/v1/stats");
      const etag = first.response.headers.get("etag");
      assert.ok(etag);
      assert.match(first.response.headers.get("cache-control") ?? "", /max-age=\d+/);
      const again = await api.request("/v1/stats", { headers: { "if-none-match": etag } });
      assert.equal(again.status, 304);
      const metricsText = await metrics.text();
      assert.match(metricsText, /api_request_duration_seconds_bucket\{[^}]*route="\/v1\/stats"/);
    });

    if (kind === "postgres") {
      test("a database that is down gets a 503 until it is back", async () => {
        const server = databases.server;
        assert.ok(server);
        server.halt();
        try {
          const down = await get("/v1/accounts/0x0000000000000000000000000000000000000001");
          assert.equal(down.response.status, 503);
          assert.equal(down.response.headers.get("retry-after"), "5");
          assert.equal(down.body.title, "Database unavailable");
          const health = await get("/health");
          assert.equal(health.response.status, 503);
        } finally {
          server.resume();
        }
        const back = await get("/v1/accounts/0x0000000000000000000000000000000000000001");
        assert.equal(back.response.status, 200);
      });
    }
  });
}
