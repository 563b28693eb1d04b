/**
 * The exit daemon's HTTP server (node:http): `GET /health` (200 {"status":"ok",…} or 503
 * {"status":"unhealthy","reasons":[…]}) and `GET /metrics` (Prometheus text).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { HealthStatus } from "./daemon.js";

export interface ExitServer {
  url: string;
  stop(): Promise<void>;
}

export async function startExitServer(options: {
  host: string;
  port: number;
  registry: Registry;
  health: () => HealthStatus;
}): Promise<ExitServer> {
  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "content-type": "application/json" }).end('{"error":"method not allowed"}');
      return;
    }
    if (path === "/health") {
      const health = options.health();
      const body = JSON.stringify({ status: health.healthy ? "ok" : "unhealthy", ...health });
      response.writeHead(health.healthy ? 200 : 503, { "content-type": "application/json" }).end(body);
      return;
    }
    if (path === "/metrics") {
      const text = await options.registry.metrics();
      response.writeHead(200, { "content-type": options.registry.contentType }).end(text);
      return;
    }
    response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
