/**
 * A local HTTP server for client tests: each request goes to a handler that knows how many requests
 * the same path had before (so it can fail the first few), and the server can be stopped and started
 * again on the same port (a node that refuses connections, then comes back).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

export class TestServer {
  /** Requests seen per path (query string included). */
  readonly hits = new Map<string, number>();
  /** Every request's headers, in order. */
  readonly requests: { url: string; headers: IncomingMessage["headers"] }[] = [];
  private server: Server | undefined;
  port = 0;

  constructor(private readonly handler: Handler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<this> {
    const server = createServer((request, response) => {
      const key = request.url ?? "";
      const attempt = (this.hits.get(key) ?? 0) + 1;
      this.hits.set(key, attempt);
      this.requests.push({ url: key, headers: request.headers });
      this.handler(request, response, attempt);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Sends a JSON body with status 200 (or `status`). */
export function sendJson(response: ServerResponse, body: unknown, status = 200): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}
