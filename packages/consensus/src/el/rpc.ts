import http from "node:http";
import https from "node:https";
import { ConsensusError } from "../errors.js";

/** EIP-1193-style transport: an HTTP endpoint or an in-process provider (Hardhat network). */
export interface JsonRpcTransport {
  request(method: string, params?: unknown[]): Promise<unknown>;
  /** Several calls in one round trip where the transport allows it; results in order. */
  batch?(calls: Array<{ method: string; params: unknown[] }>): Promise<unknown[]>;
  close?(): Promise<void>;
}

export class JsonRpcError extends ConsensusError {}

type RpcReply = { id: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/**
 * JSON-RPC over HTTP on one keep-alive connection (node:http; measured at about half the client CPU of
 * `fetch` per call, which matters at several calls per slot); errors carry the method and the node's message.
 */
export function httpTransport(url: string): JsonRpcTransport {
  let id = 0;
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });

  const post = (payload: unknown, what: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(payload));
      const req = client.request(
        target,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (cause) =>
            reject(new JsonRpcError("execution node unreachable", { url, ...what }, { cause })),
          );
          res.on("end", () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            } catch {
              reject(
                new JsonRpcError("execution node sent no JSON", { url, ...what, status: res.statusCode }),
              );
            }
          });
        },
      );
      req.on("error", (cause) =>
        reject(new JsonRpcError("execution node unreachable", { url, ...what }, { cause })),
      );
      req.end(body);
    });

  return {
    async request(method, params = []) {
      const reply = (await post({ jsonrpc: "2.0", id: ++id, method, params }, { method })) as RpcReply | null;
      if (reply === null || typeof reply !== "object")
        throw new JsonRpcError("execution node sent no JSON-RPC reply", { url, method });
      if (reply.error !== undefined) {
        throw new JsonRpcError(`execution node rejected ${method}: ${reply.error.message}`, {
          url,
          method,
          code: reply.error.code,
          data: reply.error.data,
        });
      }
      return reply.result;
    },
    async batch(calls) {
      if (calls.length === 0) return [];
      const first = ++id;
      id += calls.length;
      const body = await post(
        calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })),
        { methods: calls.map((c) => c.method) },
      );
      if (!Array.isArray(body)) throw new JsonRpcError("execution node sent no JSON batch", { url });
      const results = new Array<unknown>(calls.length);
      for (const item of body as RpcReply[]) {
        const index = item.id - first;
        if (item.error !== undefined) {
          throw new JsonRpcError(`execution node rejected ${calls[index]?.method}: ${item.error.message}`, {
            url,
            method: calls[index]?.method,
            code: item.error.code,
          });
        }
        results[index] = item.result;
      }
      return results;
    },
    async close() {
      agent.destroy();
    },
  };
}

/** Runs a batch on the transport, one call at a time when it has no batch support. */
export async function batchRequest(
  rpc: JsonRpcTransport,
  calls: Array<{ method: string; params: unknown[] }>,
): Promise<unknown[]> {
  if (rpc.batch) return rpc.batch(calls);
  const results: unknown[] = [];
  for (const call of calls) results.push(await rpc.request(call.method, call.params));
  return results;
}

/** Wraps an EIP-1193 provider, e.g. Hardhat's in-process network (`network.connect()`). */
export function eip1193Transport(provider: {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}): JsonRpcTransport {
  return { request: (method, params = []) => provider.request({ method, params }) };
}
