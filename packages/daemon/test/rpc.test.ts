import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import type { IncomingMessage } from "node:http";
import { createServer } from "node:net";
import { after, describe, it } from "node:test";
import { HttpRequestError, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { type AnvilNode, startAnvil } from "../../../contracts/lib/anvil.js";
import { AbortedError, type FailureReason } from "../src/retry.js";
import { chainForId, createRpc, type RpcOptions, RpcTimeoutError } from "../src/rpc.js";
import { type Handler, TestServer } from "./httpServer.js";

type Call = { id: number; method: string; params: unknown[] };

function readBody(request: IncomingMessage): Promise<Call | Call[]> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on("end", () => resolve(JSON.parse(text)));
  });
}

/** A JSON-RPC server: `answer` gives each call's result (or an error object) given the HTTP attempt. */
function jsonRpc(
  answer: (call: Call, attempt: number) => { result: unknown } | { error: { code: number; message: string } },
): Handler {
  return (request, response, attempt) => {
    void readBody(request).then((body) => {
      const reply = (call: Call) => ({ jsonrpc: "2.0", id: call.id, ...answer(call, attempt) });
      const text = JSON.stringify(Array.isArray(body) ? body.map(reply) : reply(body));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(text);
    });
  };
}

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await new TestServer(handler).start();
  servers.push(server);
  return server;
}
let anvil: AnvilNode | undefined;
after(async () => {
  for (const server of servers) await server.stop();
  await anvil?.stop();
});

function rpc(url: string, options: Partial<RpcOptions> = {}) {
  const errors: FailureReason[] = [];
  const methods: string[] = [];
  const made = createRpc({
    url,
    attempts: 4,
    baseDelayMs: 2,
    maxDelayMs: 10,
    timeoutMs: 2_000,
    random: () => 0.5,
    hooks: { onRequest: (method) => methods.push(method), onError: (_method, reason) => errors.push(reason) },
    ...options,
  });
  return { ...made, errors, methods };
}

describe("rpc transport", () => {
  it("counts each call of a JSON-RPC batch", async () => {
    const server = await serve(jsonRpc(() => ({ result: "0x10" })));
    const { publicClient, stats, methods } = rpc(server.url);
    const balances = await Promise.all(
      [1, 2, 3].map((i) => publicClient.getBalance({ address: `0x${String(i).repeat(40)}` })),
    );
    assert.deepEqual(balances, [16n, 16n, 16n], "each call's result");
    assert.equal(server.requests.length, 1, "one HTTP request (a batch)");
    assert.equal(stats.requests, 3, "three calls counted");
    assert.deepEqual(methods, ["eth_getBalance", "eth_getBalance", "eth_getBalance"], "each call's method");
  });

  it("retries HTTP 503 and a JSON-RPC limit error, then succeeds", async () => {
    const server = await serve((request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(503);
        return response.end("overloaded");
      }
      jsonRpc((_call, n) =>
        n === 2 ? { error: { code: -32005, message: "limit exceeded" } } : { result: "0x2a" },
      )(request, response, attempt);
    });
    const { publicClient, stats, errors } = rpc(server.url, { batch: false });
    assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), 42n, "the answer");
    assert.deepEqual(errors, ["http_5xx", "rpc_error"], "the two failures, labelled");
    assert.equal(stats.requests, 3, "three attempts");
    assert.equal(stats.errors, 2, "two errors");
  });

  it("does not retry a revert", async () => {
    const server = await serve(
      jsonRpc(() => ({ error: { code: 3, message: "execution reverted", data: "0x" } as never })),
    );
    const { publicClient, stats } = rpc(server.url);
    await assert.rejects(publicClient.call({ to: `0x${"11".repeat(20)}`, data: "0x" }), /reverted/);
    assert.equal(stats.requests, 1, "one attempt");
  });

  it("honours Retry-After on 429 and throws viem's error after the attempts", async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { "retry-after": "0" });
      response.end("slow down");
    });
    const retries: number[] = [];
    const { publicClient, errors } = rpc(server.url, {
      attempts: 3,
      hooks: {
        onRetry: (_method, info) => retries.push(info.delayMs),
        onError: (_method, reason) => errors.push(reason),
      },
    });
    const error = await publicClient.getChainId().then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(
      (error as { walk?: (f: (e: unknown) => boolean) => unknown }).walk?.(
        (e) => e instanceof HttpRequestError,
      ),
      "viem's HttpRequestError in the chain",
    );
    assert.equal(server.requests.length, 3, "three attempts");
    assert.deepEqual(retries, [2, 3], "the backoff (Retry-After 0 asks for no more)");
    assert.deepEqual(errors, ["http_429", "http_429", "http_429"], "labelled 429");
  });

  it("retries a body that is not JSON and a body that stalls past the timeout", async () => {
    const server = await serve((request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(200, { "content-type": "text/html" });
        return response.end("<html>gateway</html>");
      }
      if (attempt === 2) {
        response.writeHead(200, { "content-type": "application/json" });
        return response.write('{"jsonrpc":"2.0","id":'); // and nothing more
      }
      jsonRpc(() => ({ result: "0x1" }))(request, response, attempt);
    });
    const { publicClient, errors } = rpc(server.url, { timeoutMs: 150 });
    assert.equal(await publicClient.getChainId(), 1, "the third answer");
    assert.deepEqual(errors, ["malformed", "timeout"], "a malformed body, then a stalled one");
  });

  it("retries while the node refuses connections and succeeds when it comes back", async () => {
    const server = await serve(jsonRpc(() => ({ result: "0x7a69" })));
    const port = server.port;
    await server.stop();
    const { publicClient, errors } = rpc(server.url, {
      baseDelayMs: 40,
      hooks: {
        onError: (_method, reason) => errors.push(reason),
        onRetry: (_method, info) => {
          if (info.attempt === 2) void server.start(port);
        },
      },
    });
    assert.equal(await publicClient.getChainId(), 31337, "answered once back");
    assert.deepEqual(errors, ["network", "network"], "two refused connections");
  });

  it("throws RpcTimeoutError in the chain when every attempt hangs; the signal stops the waits", async () => {
    const server = await serve(() => {});
    const { publicClient } = rpc(server.url, { attempts: 2, timeoutMs: 80 });
    const error = await publicClient.getChainId().then(
      () => assert.fail("resolved"),
      (e: unknown) => e as Error & { walk: (f: (e: unknown) => boolean) => unknown },
    );
    assert.ok(
      error.walk((e) => e instanceof RpcTimeoutError),
      `RpcTimeoutError in the chain: ${error.message}`,
    );
    const controller = new AbortController();
    const slow = rpc(server.url, {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      timeoutMs: 50,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    await assert.rejects(slow.publicClient.getChainId(), (e: unknown) => {
      const aborted = (e as { walk?: (f: (e: unknown) => boolean) => unknown }).walk?.(
        (x) => x instanceof AbortedError,
      );
      assert.ok(aborted || e instanceof AbortedError, `AbortedError, got ${e}`);
      return true;
    });
    assert.ok(performance.now() - started < 5_000, "did not wait the minute");
  });

  it("the shutdown signal aborts a call in flight and holds no listener once calls are done", async () => {
    const calls = await serve(jsonRpc(() => ({ result: "0x7" })));
    const controller = new AbortController();
    const { publicClient } = rpc(calls.url, { signal: controller.signal, batch: false });
    for (let i = 0; i < 20; i++) assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), 7n);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0, "no abort listener left per call");
    const hanging = await serve(() => {});
    const stuck = rpc(hanging.url, { signal: controller.signal, timeoutMs: 60_000 });
    const started = performance.now();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(stuck.publicClient.getChainId(), (e: unknown) => {
      const aborted = (e as { walk?: (f: (e: unknown) => boolean) => unknown }).walk?.(
        (x) => x instanceof AbortedError,
      );
      assert.ok(aborted || e instanceof AbortedError, `AbortedError, got ${e}`);
      return true;
    });
    assert.ok(performance.now() - started < 5_000, "the request in flight was aborted, not timed out");
  });
});

describe("wallet client", () => {
  it("signs locally and sends through the counted transport (anvil)", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    anvil = await startAnvil(port);
    const { publicClient, walletClient, stats } = rpc(anvil.url);
    const chain = chainForId(await publicClient.getChainId(), anvil.url);
    const account = mnemonicToAccount("test test test test test test test test test test test junk", {
      addressIndex: 3,
    });
    const wallet = walletClient(account, chain);
    const before = stats.requests;
    const to = `0x${"42".repeat(20)}` as const;
    const hash = await wallet.sendTransaction({ to, value: parseEther("1") });
    const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    assert.equal(receipt.status, "success", "mined");
    assert.equal(await publicClient.getBalance({ address: to }), parseEther("1"), "the value arrived");
    assert.ok(stats.requests - before >= 3, `the calls were counted (${stats.requests - before})`);
  });
});
