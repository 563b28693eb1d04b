/**
 * A JSON-RPC proxy in front of a node that a test can make fail: the next `count` requests get a
 * 500, a 429 with Retry-After, a body that is not JSON, or a JSON-RPC "internal error"; everything
 * else is forwarded as is.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcFault = "status500" | "status429" | "malformed" | "internalError";

export interface FlakyRpc {
  url: string;
  /** Requests answered with a fault so far. */
  readonly faulted: number;
  setFault(fault: RpcFault | null, count?: number): void;
  stop(): Promise<void>;
}

export async function startFlakyRpc(target: string): Promise<FlakyRpc> {
  let fault: RpcFault | null = null;
  let left = 0;
  let faulted = 0;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (fault && left > 0) {
      left -= 1;
      faulted += 1;
      const current = fault;
      if (left === 0) fault = null;
      if (current === "status500") {
        response.writeHead(500, { "content-type": "text/plain" });
        return response.end("upstream failure");
      }
      if (current === "status429") {
        response.writeHead(429, { "retry-after": "0", "content-type": "text/plain" });
        return response.end("rate limited");
      }
      if (current === "malformed") {
        response.writeHead(200, { "content-type": "application/json" });
        return response.end('{"jsonrpc":"2.0","id":1,"result":');
      }
      const parsed = JSON.parse(body) as { id?: unknown } | Array<{ id?: unknown }>;
      const error = (id: unknown) => ({
        jsonrpc: "2.0",
        id,
        error: { code: -32603, message: "internal error" },
      });
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(
        JSON.stringify(Array.isArray(parsed) ? parsed.map((p) => error(p.id)) : error(parsed.id)),
      );
    }
    try {
      const upstream = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      response.writeHead(upstream.status, { "content-type": "application/json" });
      response.end(await upstream.text());
    } catch {
      response.writeHead(502);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get faulted() {
      return faulted;
    },
    setFault(next, count = Number.POSITIVE_INFINITY) {
      fault = next;
      left = next ? count : 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
