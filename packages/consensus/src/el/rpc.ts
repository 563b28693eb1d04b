import { ConsensusError } from "../errors.js";

/** EIP-1193-style transport: an HTTP endpoint or an in-process provider (Hardhat network). */
export interface JsonRpcTransport {
  request(method: string, params?: unknown[]): Promise<unknown>;
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
  };
}

/** Wraps an EIP-1193 provider, e.g. Hardhat's in-process network (`network.connect()`). */
export function eip1193Transport(provider: {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}): JsonRpcTransport {
  return { request: (method, params = []) => provider.request({ method, params }) };
}
