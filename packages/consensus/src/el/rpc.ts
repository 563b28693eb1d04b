import { ConsensusError } from "../errors.js";

/** EIP-1193-style transport: an HTTP endpoint or an in-process provider (Hardhat network). */
export interface JsonRpcTransport {
  request(method: string, params?: unknown[]): Promise<unknown>;
  /** Several calls in one round trip where the transport allows it; results in order. */
  batch?(calls: Array<{ method: string; params: unknown[] }>): Promise<unknown[]>;
  close?(): Promise<void>;
}

export class JsonRpcError extends ConsensusError {}

/** JSON-RPC over HTTP with fetch; errors carry the method and the node's message. */
export function httpTransport(url: string): JsonRpcTransport {
  let id = 0;
  return {
    async request(method, params = []) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
        });
      } catch (cause) {
        throw new JsonRpcError("execution node unreachable", { url, method }, { cause });
      }
      const body = (await response.json().catch(() => null)) as {
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      } | null;
      if (body === null)
        throw new JsonRpcError("execution node sent no JSON", { url, method, status: response.status });
      if (body.error !== undefined) {
        throw new JsonRpcError(`execution node rejected ${method}: ${body.error.message}`, {
          url,
          method,
          code: body.error.code,
          data: body.error.data,
        });
      }
      return body.result;
    },
    async batch(calls) {
      if (calls.length === 0) return [];
      const first = ++id;
      id += calls.length;
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(
            calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })),
          ),
        });
      } catch (cause) {
        throw new JsonRpcError(
          "execution node unreachable",
          { url, methods: calls.map((c) => c.method) },
          { cause },
        );
      }
      const body = (await response.json().catch(() => null)) as Array<{
        id: number;
        result?: unknown;
        error?: { code: number; message: string };
      }> | null;
      if (!Array.isArray(body))
        throw new JsonRpcError("execution node sent no JSON batch", { url, status: response.status });
      const results = new Array<unknown>(calls.length);
      for (const item of body) {
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
