/**
 * The analytics API: routes declared once with zod schemas, from which both the OpenAPI 3.1
 * document (`/openapi.json`) and the handlers' types come. Errors are RFC 9457 problem+json: a
 * malformed parameter is a 400 naming it, an unknown route a 404, a database that does not answer a
 * 503 with `Retry-After` (the next request tries it again). Every answer at one indexed block
 * carries the same weak ETag; `If-None-Match` gets a 304.
 */

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deployment } from "@tributary/sdk";
import type { Context } from "hono";
import { cors } from "hono/cors";
import type { Database } from "../db.js";
import type { IndexerMetrics } from "../metrics.js";
import { IndexBuilding, METHODS, Queries, RATE_SCALE, type Snapshot } from "./queries.js";

export interface ApiOptions {
  database: Database;
  deployment: Deployment;
  metrics?: IndexerMetrics | undefined;
  /** The SDK's wait estimate for a request of `amount` wei made now (needs the RPC node), if available. */
  estimateWait?: ((amount: bigint) => Promise<unknown>) | undefined;
  /** The trETH/WETH pool's price now, ETH per trETH (read from the RPC node), if the deployment has a pool. */
  dexPrice?: (() => Promise<{ price: number; pool: string }>) | undefined;
  /** Health of the indexer behind the API. */
  health?: (() => Promise<{ healthy: boolean; [k: string]: unknown }>) | undefined;
  /** Seconds an answer may be cached (about a block). */
  maxAgeSeconds?: number | undefined;
  /** Milliseconds the indexed cursor is trusted before the database is asked again (default 200). */
  freshMs?: number | undefined;
}

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    parameter: z.string().optional(),
  })
  .openapi("Problem");

const problemResponses = {
  400: { description: "A malformed parameter", content: { "application/problem+json": { schema: Problem } } },
  503: {
    description: "The database does not answer",
    content: { "application/problem+json": { schema: Problem } },
  },
} as const;

const Wei = z
  .string()
  .regex(/^-?\d+$/)
  .openapi({ description: "wei, decimal", example: "1000000000000000000" });
const Method = z.string().openapi({ description: "how the figure is computed" });
const Block = z
  .object({ number: z.string(), hash: z.string(), timestamp: z.number().int() })
  .openapi("Block");

const Stats = z
  .object({
    block: Block,
    tvl: z.object({ wei: Wei, method: Method }),
    rate: z.object({ shareRate: Wei, ethPerTrETH: z.number(), method: Method }),
    supply: Wei,
    apr: z.object({
      apr7d: z.number().nullable(),
      apr30d: z.number().nullable(),
      aprSinceInception: z.number().nullable(),
      method: Method,
      windows: z.unknown().openapi({ description: "the two points behind each figure, or why it is null" }),
    }),
    holders: z.object({ count: z.number().int(), method: Method }),
    validators: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      refSlot: z.string().nullable(),
      method: Method,
    }),
    reports: z.object({ count: z.number().int(), lastRefSlot: z.string().nullable() }),
  })
  .openapi("Stats");

const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .openapi({ param: { name: "address", in: "path" }, example: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" });
const Limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(500)
  .default(50)
  .openapi({ param: { name: "limit", in: "query" }, description: "most items returned (1-500)" });

const Account = z
  .object({
    address: z.string(),
    shares: Wei,
    assets: Wei,
    rewardsEarned: z.object({ wei: Wei, method: Method }),
    history: z.array(
      z.object({
        blockNumber: z.string(),
        logIndex: z.number().int(),
        txHash: z.string(),
        /** Unix seconds of the block. */
        timestamp: z.number().int(),
        from: z.string(),
        to: z.string(),
        shares: Wei,
        direction: z.enum(["in", "out"]),
      }),
    ),
    /** The `before` of the next page of history (older transfers), or null at the first transfer. */
    historyNext: z.string().nullable(),
    tickets: z.array(
      z.object({
        requestId: z.string(),
        blockNumber: z.string(),
        requestedAt: z.number().int(),
        shares: Wei,
        status: z.enum(["pending", "finalized", "claimed"]),
        claimedAssets: Wei.nullable(),
      }),
    ),
  })
  .openapi("Account");

const Queue = z
  .object({
    lastFinalizedRequestId: z.string(),
    pending: z.object({ requests: z.number().int(), shares: Wei, ethEstimate: Wei }),
    finalizedUnclaimed: z.object({ requests: z.number().int(), eth: Wei }),
    method: Method,
    waitEstimate: z
      .unknown()
      .openapi({ description: "the SDK's estimateWaitingTime for `amount` (default 1 ETH) requested now" }),
  })
  .openapi("Queue");

const Operator = z
  .object({
    id: z.number().int(),
    manager: z.string(),
    rewardAddress: z.string(),
    commissionBps: z.number().int(),
    pendingCommission: z
      .object({ commissionBps: z.number().int(), effectiveAt: z.number().int() })
      .nullable(),
    curated: z.boolean(),
    keys: z.object({
      total: z.number().int(),
      vetted: z.number().int(),
      deposited: z.number().int(),
      exited: z.number().int(),
      withdrawn: z.number().int(),
    }),
    activeValidators: z.number().int(),
    bond: z.object({ shares: Wei, wei: Wei, perActiveValidatorWei: Wei.nullable() }),
    debtWei: Wei,
    lossesChargedWei: Wei,
    share: z.number().openapi({ description: "share of the protocol's active validators" }),
    performance: z
      .object({ gweiPerEpoch: z.number(), effectiveness: z.number().nullable(), periods: z.number().int() })
      .nullable(),
  })
  .openapi("Operator");

const Operators = z
  .object({ operators: z.array(Operator), methods: z.record(z.string(), Method) })
  .openapi("Operators");

const Report = z
  .object({
    refSlot: z.string(),
    blockNumber: z.string(),
    timestamp: z.number().int(),
    shareRate: Wei,
    rateChange: z.number(),
    rewards: Wei,
    elRewardsPulled: Wei,
    treasuryShares: Wei,
    commissionShares: Wei,
    totalShares: Wei,
    beaconAssets: Wei.nullable(),
    finalizedTo: z.string().nullable(),
    ethLocked: Wei.nullable(),
    consensus: z.object({ reportHash: z.string(), support: z.number().int() }).nullable(),
    votes: z.array(z.object({ member: z.string(), reportHash: z.string(), agreed: z.boolean().nullable() })),
  })
  .openapi("Report");

const Reports = z
  .object({
    reports: z.array(Report),
    next: z.string().nullable().openapi({ description: "`before` for the next page" }),
  })
  .openapi("Reports");

const Risk = z
  .object({
    concentration: z.object({
      largestShare: z.number().nullable(),
      largestOperator: z.number().int().nullable(),
      operatorsForOneThird: z.number().int().nullable(),
      activeValidators: z.number().int(),
      method: Method,
    }),
    bondCoverage: z.object({
      smallestBondWei: Wei.nullable(),
      worstLossWei: Wei,
      ratio: z.number().nullable(),
      method: Method,
    }),
    oracle: z.object({
      lastReportRefSlot: z.string().nullable(),
      secondsSinceReport: z.number().nullable(),
      frameSeconds: z.number().nullable(),
      framesMissed: z.number().int().nullable(),
      method: Method,
    }),
    dex: z.object({
      price: z.number().nullable().openapi({ description: "ETH per trETH at the pool's price" }),
      peg: z.number().nullable().openapi({ description: "the pool's price over the token's rate, minus 1" }),
      pool: z.string().nullable(),
      reason: z.string().nullable(),
      method: Method,
    }),
  })
  .openapi("Risk");

const METRICS = ["rate", "apr", "tvl", "queue", "wait", "validators"] as const;
const RESOLUTIONS = { report: 0, hour: 3_600, day: 86_400, week: 604_800 } as const;

const Series = z
  .object({
    metric: z.enum(METRICS),
    resolution: z.enum(["report", "hour", "day", "week"]),
    unit: z.string(),
    method: Method,
    points: z.array(
      z.object({
        t: z.number().int(),
        value: z.number(),
        raw: z.string().optional(),
        byStatus: z
          .record(z.string(), z.number().int())
          .optional()
          .openapi({ description: "validators: the count in each beacon status" }),
      }),
    ),
  })
  .openapi("Series");

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { "application/json": { schema } } },
  ...problemResponses,
});

const routes = {
  stats: createRoute({
    method: "get",
    path: "/v1/stats",
    summary: "TVL, rate, APR, holders, validators by status",
    responses: json(Stats, "The protocol at the latest indexed block"),
  }),
  queue: createRoute({
    method: "get",
    path: "/v1/queue",
    summary: "Withdrawal queue: pending and finalized ETH, and the SDK's wait estimate",
    request: {
      query: z.object({
        amount: z
          .string()
          .regex(/^[1-9]\d{0,30}$/, "a positive whole number of wei, at most 31 digits")
          .optional()
          .openapi({
            param: { name: "amount", in: "query" },
            description: "wei of ETH to estimate the wait of, if requested now (default 1 ETH)",
          }),
      }),
    },
    responses: json(Queue, "The queue at the latest indexed block"),
  }),
  account: createRoute({
    method: "get",
    path: "/v1/accounts/{address}",
    summary: "Position, history, tickets and rewards earned of one address",
    request: {
      params: z.object({ address: Address }),
      query: z.object({
        limit: Limit,
        before: z
          .string()
          .regex(/^\d+-\d+$/, "must be <block number>-<log index>, as the previous page's historyNext")
          .optional()
          .openapi({
            param: { name: "before", in: "query" },
            description: "history older than this transfer (`historyNext` of the previous page)",
          }),
      }),
    },
    responses: json(Account, "The account, with a page of its history (newest first)"),
  }),
  operators: createRoute({
    method: "get",
    path: "/v1/operators",
    summary: "Operators: validators, bond and coverage, commission, debt, performance",
    responses: json(Operators, "Every operator"),
  }),
  reports: createRoute({
    method: "get",
    path: "/v1/reports",
    summary: "Applied reports with their figures and the members' votes, newest first",
    request: {
      query: z.object({
        limit: Limit,
        before: z
          .string()
          .regex(/^\d+$/, "must be a reference slot (decimal)")
          .optional()
          .openapi({
            param: { name: "before", in: "query" },
            description: "only reports with a smaller reference slot",
          }),
      }),
    },
    responses: json(Reports, "A page of reports"),
  }),
  risk: createRoute({
    method: "get",
    path: "/v1/risk",
    summary: "Operator concentration, bond coverage of the worst loss, oracle liveness, DEX price",
    responses: json(Risk, "Risk figures"),
  }),
  series: createRoute({
    method: "get",
    path: "/v1/series/{metric}",
    summary:
      "A time series: rate, APR (7-day, as of each report), TVL, queue length, waiting time, validators by status",
    request: {
      params: z.object({ metric: z.enum(METRICS).openapi({ param: { name: "metric", in: "path" } }) }),
      query: z.object({
        resolution: z
          .enum(["report", "hour", "day", "week"])
          .default("report")
          .openapi({ param: { name: "resolution", in: "query" } }),
        from: z.coerce
          .number()
          .int()
          .min(0)
          .optional()
          .openapi({ param: { name: "from", in: "query" } }),
        to: z.coerce
          .number()
          .int()
          .min(0)
          .optional()
          .openapi({ param: { name: "to", in: "query" } }),
      }),
    },
    responses: json(Series, "Points, oldest first; per bucket the last value (the mean for waits)"),
  }),
};

class DatabaseDown extends Error {}

function problem(c: Context, status: 400 | 404 | 500 | 503, title: string, detail: string, extra = {}) {
  return c.body(
    JSON.stringify({ type: "about:blank", title, status, detail, instance: c.req.path, ...extra }),
    status,
    {
      "content-type": "application/problem+json",
      ...(status === 503 ? { "retry-after": "5" } : {}),
    },
  );
}

const ratio = (a: bigint, b: bigint) => (b === 0n ? null : Number((a * 10n ** 12n) / b) / 1e12);

export function createApi(options: ApiOptions) {
  const queries = new Queries(options.database, options.deployment, options.freshMs);
  const maxAge = options.maxAgeSeconds ?? 2;
  const slotsPerEpoch = options.deployment.oracle?.slotsPerEpoch ?? 32;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issue = result.error.issues[0];
        const parameter = issue?.path.join(".") ?? "request";
        return problem(c, 400, "Bad parameter", `${parameter}: ${issue?.message ?? "invalid"}`, {
          parameter,
        });
      }
    },
  });

  // A public, read-only API: any page may read it (the dashboard is served from another origin).
  app.use(
    "*",
    cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], exposeHeaders: ["ETag", "Retry-After"] }),
  );
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    options.metrics?.apiSeconds.observe(
      { route: c.req.routePath ?? "unknown", status: String(c.res.status) },
      (performance.now() - started) / 1_000,
    );
  });

  /** The JSON of one indexed block, with its ETag and cache lifetime; 304 when the client has it. */
  const respond = <T>(c: Context, s: Snapshot, value: T) => {
    const etag = `W/"${s.cursor.number}-${s.cursor.hash.slice(2, 18)}"`;
    c.header("etag", etag);
    c.header("cache-control", `public, max-age=${maxAge}`);
    if (c.req.header("if-none-match") === etag) return c.body(null, 304) as never;
    return c.json(value as never, 200);
  };

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!(await options.database.ping())) throw new DatabaseDown((error as Error).message);
      throw error;
    }
  };

  app.openapi(routes.stats, async (c) => {
    const { snapshot, value } = await guard(() => queries.stats());
    return respond(c, snapshot, value as z.infer<typeof Stats>);
  });

  app.openapi(routes.queue, async (c) => {
    const { amount } = c.req.valid("query");
    const { snapshot, value } = await guard(() => queries.queue());
    const waitEstimate = options.estimateWait
      ? await options
          .estimateWait(amount === undefined ? 10n ** 18n : BigInt(amount))
          .catch((error: Error) => ({ error: error.message }))
      : { error: "no RPC node configured for the estimate" };
    return respond(c, snapshot, { ...value, waitEstimate: toJson(waitEstimate) });
  });

  app.openapi(routes.account, async (c) => {
    const { address } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const { snapshot, value } = await guard(() => queries.account(address.toLowerCase(), limit, before));
    return respond(c, snapshot, value as z.infer<typeof Account>);
  });

  app.openapi(routes.operators, async (c) => {
    const { snapshot, value } = await guard(() => queries.operators());
    const performance = await guard(() => queries.effectiveness(slotsPerEpoch));
    const active = value.reduce((n, op) => n + op.activeValidators, 0);
    return respond(c, snapshot, {
      operators: value.map((op) => {
        const perf = performance.get(op.id);
        return {
          id: op.id,
          manager: op.manager,
          rewardAddress: op.rewardAddress,
          commissionBps: op.commissionBps,
          pendingCommission: op.pendingCommission,
          curated: op.curated,
          keys: op.keys,
          activeValidators: op.activeValidators,
          bond: {
            shares: op.bondShares.toString(),
            wei: op.bondAssets.toString(),
            perActiveValidatorWei:
              op.activeValidators > 0 ? (op.bondAssets / BigInt(op.activeValidators)).toString() : null,
          },
          debtWei: op.debt.toString(),
          lossesChargedWei: op.lossesCharged.toString(),
          share: active > 0 ? op.activeValidators / active : 0,
          performance: perf
            ? { gweiPerEpoch: perf.gweiPerEpoch, effectiveness: perf.ratio, periods: perf.periods }
            : null,
        };
      }),
      methods: { share: METHODS.concentration, performance: METHODS.effectiveness },
    });
  });

  app.openapi(routes.reports, async (c) => {
    const { limit, before } = c.req.valid("query");
    const { snapshot, value } = await guard(() =>
      queries.reports(limit, before === undefined ? undefined : BigInt(before)),
    );
    const next = value.length === limit ? (value.at(-1)?.refSlot ?? null) : null;
    return respond(c, snapshot, { reports: value, next });
  });

  async function dex(s: Snapshot) {
    const method = METHODS.dex;
    if (!options.dexPrice)
      return { price: null, peg: null, pool: null, reason: "no trETH pool on this chain", method };
    try {
      const { price, pool } = await options.dexPrice();
      const last = s.reports.at(-1);
      const rate = last ? Number(last.shareRate / 10n ** 9n) / 1e18 : 1;
      return { price, peg: price / rate - 1, pool, reason: null, method };
    } catch (error) {
      return {
        price: null,
        peg: null,
        pool: null,
        reason: `the pool's price could not be read: ${(error as Error).message.split("\n")[0]}`,
        method,
      };
    }
  }

  app.openapi(routes.risk, async (c) => {
    const { snapshot: s, value: ops } = await guard(() => queries.operators());
    const active = ops.filter((op) => op.activeValidators > 0);
    const total = active.reduce((n, op) => n + op.activeValidators, 0);
    const sorted = [...active].sort((a, b) => b.activeValidators - a.activeValidators);
    let forThird: number | null = null;
    let acc = 0;
    for (const [i, op] of sorted.entries()) {
      acc += op.activeValidators;
      if (acc * 3 >= total) {
        forThird = i + 1;
        break;
      }
    }
    const worst = ops.reduce((m, op) => (op.worstLoss > m ? op.worstLoss : m), 0n);
    const smallest = active.length
      ? active.reduce((m, op) => (op.bondAssets < m ? op.bondAssets : m), active[0]?.bondAssets ?? 0n)
      : null;
    const oracle = options.deployment.oracle;
    const frameSeconds = oracle ? oracle.epochsPerFrame * oracle.slotsPerEpoch * oracle.secondsPerSlot : null;
    const last = s.reports.at(-1);
    let secondsSince: number | null = null;
    let missed: number | null = null;
    if (last && oracle) {
      const refTime = BigInt(oracle.genesisTime) + last.refSlot * BigInt(oracle.secondsPerSlot);
      secondsSince = Number(s.cursor.timestamp - refTime);
      missed = frameSeconds ? Math.max(0, Math.floor(secondsSince / frameSeconds) - 1) : null;
    }
    return respond(c, s, {
      concentration: {
        largestShare: total > 0 && sorted[0] ? sorted[0].activeValidators / total : null,
        largestOperator: sorted[0]?.id ?? null,
        operatorsForOneThird: forThird,
        activeValidators: total,
        method: METHODS.concentration,
      },
      bondCoverage: {
        smallestBondWei: smallest?.toString() ?? null,
        worstLossWei: worst.toString(),
        ratio: smallest !== null && worst > 0n ? ratio(smallest, worst) : null,
        method: METHODS.bondCoverage,
      },
      oracle: {
        lastReportRefSlot: last?.refSlot.toString() ?? null,
        secondsSinceReport: secondsSince,
        frameSeconds,
        framesMissed: missed,
        method: METHODS.liveness,
      },
      dex: await dex(s),
    });
  });

  app.openapi(routes.series, async (c) => {
    const { metric } = c.req.valid("param");
    const { resolution, from, to } = c.req.valid("query");
    const s = await guard(() => queries.snapshot());
    let points: { t: number; value: number; raw?: string; byStatus?: Record<string, number> }[];
    let unit: string;
    let method: string;
    if (metric === "rate") {
      unit = "ETH per trETH";
      method = METHODS.rate;
      points = s.reports.map((r) => ({
        t: Number(r.timestamp),
        value: Number(r.shareRate / 10n ** 9n) / 1e18,
        raw: r.shareRate.toString(),
      }));
    } else if (metric === "tvl") {
      unit = "ETH";
      method = METHODS.tvl;
      points = s.reports.map((r) => {
        const wei = (r.totalShares * r.shareRate) / RATE_SCALE;
        return { t: Number(r.timestamp), value: Number(wei / 10n ** 9n) / 1e9, raw: wei.toString() };
      });
    } else if (metric === "apr") {
      unit = "fraction per year (7-day)";
      method = queries.apr(s).method;
      points = s.reports.flatMap((r, i) => {
        const apr = queries.apr(s, i).apr7d;
        return apr === null ? [] : [{ t: Number(r.timestamp), value: apr }];
      });
    } else if (metric === "queue") {
      unit = "pending requests";
      method = METHODS.queue;
      points = (await guard(() => queries.queueAtReports(s))).map((q) => ({
        t: Number(q.t),
        value: q.requests,
        raw: q.shares.toString(),
      }));
    } else if (metric === "validators") {
      unit = "validators (value: active ones)";
      method = METHODS.validatorSeries;
      points = (await guard(() => queries.validatorsAtReports(s))).map((v) => ({
        t: Number(v.t),
        value: Object.entries(v.byStatus)
          .filter(([status]) => status.startsWith("active"))
          .reduce((sum, [, n]) => sum + n, 0),
        byStatus: v.byStatus,
      }));
    } else {
      unit = "seconds";
      method = METHODS.wait;
      points = (await guard(() => queries.waits(s))).map((w) => ({
        t: Number(w.finalizedAt),
        value: w.seconds,
      }));
    }
    points = points.filter((p) => (from === undefined || p.t >= from) && (to === undefined || p.t <= to));
    const bucket = RESOLUTIONS[resolution];
    if (bucket > 0) points = rebucket(points, bucket, metric === "wait");
    return respond(c, s, { metric, resolution, unit, method, points });
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Tributary analytics API",
      version: "1.0.0",
      description:
        "The protocol's history from its indexed events. Amounts are decimal strings of wei; every figure states its method.",
    },
  });

  app.get("/health", async (c) => {
    const up = await options.database.ping();
    options.metrics?.databaseUp.set(up ? 1 : 0);
    const indexer = options.health ? await options.health() : { healthy: true };
    const healthy = up && indexer.healthy;
    return c.json({ ...indexer, database: up ? "up" : "down", healthy }, healthy ? 200 : 503);
  });

  app.get("/metrics", async (c) => {
    if (!options.metrics) return problem(c, 404, "Not found", "metrics are not enabled");
    return c.body(await options.metrics.text(), 200, { "content-type": options.metrics.contentType });
  });

  app.notFound((c) =>
    problem(c, 404, "Not found", `no route ${c.req.method} ${c.req.path}; see /openapi.json`),
  );
  app.onError((error, c) => {
    if (error instanceof IndexBuilding) {
      return problem(c, 503, "Index being built", error.message, {
        indexedBlock: error.cursor.toString(),
      });
    }
    if (error instanceof DatabaseDown) {
      options.metrics?.databaseUp.set(0);
      return problem(c, 503, "Database unavailable", "the database does not answer; try again shortly");
    }
    return problem(c, 500, "Internal error", "the request failed; the error is in the server's log");
  });

  return app;
}

type Point = { t: number; value: number; raw?: string; byStatus?: Record<string, number> };

/** One point per bucket: the last point's value (a mean for `mean`), as of the bucket's start. */
function rebucket(points: Point[], seconds: number, mean: boolean) {
  const out: Point[] = [];
  let sum = 0;
  let count = 0;
  for (const p of points) {
    const t = Math.floor(p.t / seconds) * seconds;
    const last = out.at(-1);
    if (last && last.t === t) {
      sum += p.value;
      count++;
      Object.assign(
        last,
        mean ? { value: sum / count } : { value: p.value, raw: p.raw, byStatus: p.byStatus },
      );
    } else {
      sum = p.value;
      count = 1;
      out.push({ ...p, t });
    }
  }
  return out;
}

function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v === Infinity ? null : v)),
  );
}
