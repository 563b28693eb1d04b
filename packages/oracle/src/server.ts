/**
 * The member's HTTP server (node:http): health, metrics, and what it published.
 *
 *   GET /health                              200 {"status":"ok",...} or 503 {"status":"unhealthy","reasons":[...],...}
 *   GET /metrics                             Prometheus text
 *   GET /v1/rewards-tree                     the latest rewards tree (refSlot, root, tree dump)
 *   GET /v1/rewards-tree/{root}              a tree by its root
 *   GET /v1/rewards-tree/proof/{operatorId}  {refSlot, root, operatorId, entry} from the latest tree
 *   GET /v1/exit-list                        the latest exit list
 *   GET /v1/exit-list/{hash}                 an exit list by its hash
 *   GET /v1/report                           the latest computed report
 *   GET /v1/report/{refSlot}                 a report by its reference slot
 *
 * Errors are JSON `{"error", "message"}`: 400 for a malformed id, 404 for an unknown one (or no
 * publication yet) and an unknown path, 405 for another method than GET or HEAD. Published files
 * by id never change (cached for a year); `latest` routes are not cached. /v1 routes allow any
 * origin (dashboards read proofs from browsers).
 */
import { type FileHandle, open, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@tributary/daemon/log";
import type { Metrics } from "./metrics.js";
import { type Collection, HASH_PATTERN, INTEGER_PATTERN, PublishedFiles } from "./publisher.js";

/** What the main loop says about itself: `ok` false gives 503 with the reasons. */
export interface HealthStatus {
  ok: boolean;
  /** Why not ok, one sentence each (e.g. "no report for 2 frames", "beacon node unreachable"). */
  reasons?: string[] | undefined;
  /** Anything else shown (lastReportedRefSlot, frameLagSlots, ...). */
  [field: string]: unknown;
}

export interface ServerOptions {
  host: string;
  /** 0: a free port (read it from the returned server). */
  port: number;
  dataDir: string;
  metrics: Metrics;
  /** Called on each GET /health. */
  health: () => HealthStatus | Promise<HealthStatus>;
  logger?: Logger | undefined;
}

export interface OracleServer {
  /** e.g. http://127.0.0.1:9102 */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Proof files kept parsed in memory (the latest tree and the one before). */
const PROOF_CACHE_SIZE = 2;
const IMMUTABLE = "public, max-age=31536000, immutable";
const NO_CACHE = "no-cache";
const JSON_TYPE = "application/json; charset=utf-8";

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) => new HttpError(404, "not found", message);
const badRequest = (message: string) => new HttpError(400, "bad request", message);

/**
 * Starts the server and resolves once it listens.
 *
 * @example
 * const server = await startServer({ host, port, dataDir, metrics, health: () => loop.health(), logger });
 * logger.info("http server listening", { url: server.url });
 */
export async function startServer(options: ServerOptions): Promise<OracleServer> {
  const files = new PublishedFiles(options.dataDir);
  const proofCache = new Map<string, Promise<Record<string, unknown>>>();

  async function proofsOf(root: string): Promise<Record<string, unknown>> {
    let cached = proofCache.get(root);
    if (!cached) {
      cached = readFile(files.proofs(root), "utf8").then(
        (text) => (JSON.parse(text) as { proofs: Record<string, unknown> }).proofs,
      );
      proofCache.set(root, cached);
      cached.catch(() => proofCache.delete(root));
      while (proofCache.size > PROOF_CACHE_SIZE) {
        const oldest = proofCache.keys().next().value;
        if (oldest === undefined) break;
        proofCache.delete(oldest);
      }
    }
    return cached;
  }

  async function latest(collection: Collection, what: string) {
    const pointer = await files.readLatest(collection);
    if (!pointer) throw notFound(`No ${what} is published yet.`);
    return pointer;
  }

  async function route(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const parts = path.split("/").filter((part) => part !== "");
    const [first, second, third, fourth] = parts;
    if (path === "/health") return health(response);
    if (path === "/metrics") {
      const text = await options.metrics.text();
      return send(response, 200, text, options.metrics.contentType, NO_CACHE);
    }
    if (first !== "v1" || parts.length > 4) throw notFound(`No route ${path}.`);
    response.setHeader("access-control-allow-origin", "*");
    switch (second) {
      case "rewards-tree": {
        if (third === undefined) {
          const pointer = await latest("rewards-tree", "rewards tree");
          return sendFile(request, response, files.tree(pointer.id), NO_CACHE);
        }
        if (third === "proof" && fourth !== undefined) {
          if (!INTEGER_PATTERN.test(fourth)) throw badRequest(`Operator id ${fourth} is not a whole number.`);
          const pointer = await latest("rewards-tree", "rewards tree");
          const entry = (await proofsOf(pointer.id))[fourth];
          if (entry === undefined) {
            throw notFound(`Operator ${fourth} has no entry in the rewards tree ${pointer.id}.`);
          }
          const body = JSON.stringify({
            refSlot: pointer.refSlot,
            root: pointer.id,
            operatorId: Number(fourth),
            entry,
          });
          return send(response, 200, body, JSON_TYPE, NO_CACHE);
        }
        if (fourth !== undefined) break;
        if (!HASH_PATTERN.test(third)) throw badRequest(`Root ${third} is not 32 bytes of 0x-hex.`);
        return sendFile(
          request,
          response,
          files.tree(third.toLowerCase()),
          IMMUTABLE,
          `No rewards tree ${third}.`,
        );
      }
      case "exit-list": {
        if (fourth !== undefined) break;
        if (third === undefined) {
          const pointer = await latest("exit-list", "exit list");
          return sendFile(request, response, files.exitList(pointer.id), NO_CACHE);
        }
        if (!HASH_PATTERN.test(third)) throw badRequest(`Hash ${third} is not 32 bytes of 0x-hex.`);
        return sendFile(
          request,
          response,
          files.exitList(third.toLowerCase()),
          IMMUTABLE,
          `No exit list ${third}.`,
        );
      }
      case "report": {
        if (fourth !== undefined) break;
        if (third === undefined) {
          const pointer = await latest("report", "report");
          return sendFile(request, response, files.report(pointer.refSlot), NO_CACHE);
        }
        if (!INTEGER_PATTERN.test(third)) throw badRequest(`Reference slot ${third} is not a whole number.`);
        return sendFile(
          request,
          response,
          files.report(third),
          IMMUTABLE,
          `No report for reference slot ${third}.`,
        );
      }
    }
    throw notFound(`No route ${path}.`);
  }

  async function health(response: ServerResponse): Promise<void> {
    let status: HealthStatus;
    try {
      status = await options.health();
    } catch (error) {
      status = { ok: false, reasons: [`the health check failed: ${(error as Error).message}`] };
    }
    const { ok, reasons, ...fields } = status;
    const body = ok
      ? { status: "ok", ...fields }
      : { status: "unhealthy", reasons: reasons?.length ? reasons : ["not ok"], ...fields };
    send(
      response,
      ok ? 200 : 503,
      JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      JSON_TYPE,
      NO_CACHE,
    );
  }

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      sendError(
        response,
        new HttpError(405, "method not allowed", `${request.method} is not allowed: use GET.`),
      );
      return;
    }
    route(request, response, path).catch((error: unknown) => {
      if (!(error instanceof HttpError)) {
        options.logger?.error("http request failed", { path, error });
      }
      sendError(
        response,
        error instanceof HttpError
          ? error
          : new HttpError(500, "internal error", "The request failed; see the logs."),
      );
    });
  });
  // Idle keep-alive connections must not hold up close().
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, body: string, type: string, cache: string): void {
  if (response.headersSent) return void response.end();
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": cache,
  });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function sendError(response: ServerResponse, error: HttpError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  send(
    response,
    error.status,
    JSON.stringify({ error: error.error, message: error.message }),
    JSON_TYPE,
    NO_CACHE,
  );
}

/**
 * Streams a published JSON file; 404 (with `missing`) when it does not exist. The file is opened
 * before its size is read, so a publication replacing it meanwhile cannot mix two versions.
 */
async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  cache: string,
  missing = "The published file is missing.",
): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw notFound(missing);
    throw error;
  }
  try {
    const { size } = await handle.stat();
    response.writeHead(200, { "content-type": JSON_TYPE, "content-length": size, "cache-control": cache });
    if (request.method === "HEAD") return void response.end();
    await new Promise<void>((resolve, reject) => {
      const stream = handle.createReadStream({ autoClose: false });
      stream.once("error", reject);
      response.once("close", resolve);
      stream.pipe(response);
    });
  } finally {
    await handle.close();
  }
}
