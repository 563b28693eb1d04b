/**
 * A daemon's HTTP server: `/health` (200 when healthy, 503 otherwise, with the reason), `/metrics`
 * (Prometheus text) and the daemon's own JSON routes. Request bodies are JSON, at most 64 KiB; a
 * body that is not JSON, a route that does not exist or a handler's `HttpError` becomes a JSON
 * error `{ error, detail }` with its status. A handler that throws anything else is a 500 whose
 * detail is logged, not sent.
 *
 * @example
 * const server = await startHttpServer({ host, port, metrics, health: () => guardian.health(), logger,
 *   routes: [{ method: "GET", path: /^\/v1\/operators\/(\d+)$/, handler: ({ match }) => status(match[1]) }] });
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./log.js";
import { jsonReplacer } from "./store.js";

const MAX_BODY_BYTES = 64 * 1024;

export interface HealthStatus {
  healthy: boolean;
  [field: string]: unknown;
}

/** An error a handler means to send: its status, a machine-readable code and a sentence. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteRequest {
  match: RegExpExecArray;
  /** The parsed JSON body (undefined for GET). */
  body: unknown;
  query: URLSearchParams;
}

export interface Route {
  method: "GET" | "POST";
  path: RegExp;
  handler: (request: RouteRequest) => unknown | Promise<unknown>;
}

export interface HttpServerOptions {
  host: string;
  /** 0: a free port. */
  port: number;
  routes: Route[];
  metrics?: { text(): Promise<string>; contentType: string } | undefined;
  health: () => HealthStatus | Promise<HealthStatus>;
  logger: Logger;
}

export interface HttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, jsonReplacer)}\n`;
  response.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...(status === 413 ? { connection: "close" } : {}),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Answered at once; the rest of the upload is drained, not buffered.
        tooLarge = true;
        chunks.length = 0;
        reject(new HttpError(413, "body_too_large", `The request body exceeds ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (tooLarge) return;
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, "invalid_json", "The request body is not JSON."));
      }
    });
    request.on("error", reject);
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      if (request.method === "GET" && url.pathname === "/health") {
        const health = await options.health();
        return send(response, health.healthy ? 200 : 503, health);
      }
      if (request.method === "GET" && url.pathname === "/metrics" && options.metrics) {
        const text = await options.metrics.text();
        response.writeHead(200, { "content-type": options.metrics.contentType });
        return response.end(text);
      }
      let methodAllowed = true;
      for (const route of options.routes) {
        const match = route.path.exec(url.pathname);
        if (!match) continue;
        if (route.method !== request.method) {
          methodAllowed = false;
          continue;
        }
        const body = request.method === "POST" ? await readBody(request) : undefined;
        const result = await route.handler({ match, body, query: url.searchParams });
        return send(response, 200, result);
      }
      if (!methodAllowed)
        throw new HttpError(405, "method_not_allowed", `${request.method} is not allowed here.`);
      throw new HttpError(404, "not_found", `No route ${url.pathname}.`);
    } catch (error) {
      if (error instanceof HttpError) {
        return send(response, error.status, { error: error.code, detail: error.message });
      }
      logger.error("http handler failed", { path: url.pathname, error: (error as Error).message });
      return send(response, 500, { error: "internal", detail: "The request failed; see the daemon's log." });
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
