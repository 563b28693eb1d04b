import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  BeaconClient,
  type BeaconClientOptions,
  BeaconHttpError,
  BeaconMalformedResponse,
  BeaconNetworkError,
  BeaconTimeoutError,
  BeaconUnsupportedResponse,
} from "../src/beacon.js";
import { AbortedError, type FailureReason, RetryAfterTooLongError } from "../src/retry.js";
import { type Handler, sendJson, TestServer } from "./httpServer.js";

const ROOT_A = `0x${"aa".repeat(32)}`;
const ROOT_B = `0x${"bb".repeat(32)}`;
const ROOT_C = `0x${"cc".repeat(32)}`;
const ADDRESS = `0x${"12".repeat(20)}`;

const GENESIS = {
  data: {
    genesis_time: "1606824023",
    genesis_validators_root: "0x4B363DB94E286120D76EB905340FDD4E54BFE9F06BF33FF6CF5AD27F511BFE95",
    genesis_fork_version: "0x00000000",
  },
};

const HEADER = {
  execution_optimistic: false,
  finalized: true,
  data: {
    root: ROOT_A,
    canonical: true,
    header: {
      message: {
        slot: "64",
        proposer_index: "7",
        parent_root: ROOT_B,
        state_root: ROOT_C,
        body_root: ROOT_B,
      },
      signature: `0x${"00".repeat(96)}`,
    },
  },
};

function block(withdrawals: unknown[] | undefined, version = "electra") {
  return {
    version,
    execution_optimistic: false,
    finalized: true,
    data: {
      message: {
        slot: "65",
        proposer_index: "3",
        parent_root: ROOT_A,
        state_root: ROOT_C,
        body: {
          randao_reveal: `0x${"00".repeat(96)}`,
          execution_payload: {
            block_number: "1234",
            block_hash: ROOT_B,
            fee_recipient: ADDRESS,
            ...(withdrawals ? { withdrawals } : {}),
          },
        },
      },
      signature: `0x${"00".repeat(96)}`,
    },
  };
}

const WITHDRAWALS = [
  { index: "10", validator_index: "5", address: ADDRESS, amount: "16429" },
  { index: "11", validator_index: "6", address: ADDRESS, amount: "32000000000" },
];

/** Records the hooks' calls. */
function recorder() {
  const seen = { requests: [] as string[], errors: [] as FailureReason[], retries: [] as number[] };
  const hooks: BeaconClientOptions["hooks"] = {
    onRequest: (route) => seen.requests.push(route),
    onError: (_route, reason) => seen.errors.push(reason),
    onRetry: (_route, info) => seen.retries.push(info.delayMs),
  };
  return { seen, hooks };
}

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await new TestServer(handler).start();
  servers.push(server);
  return server;
}
after(async () => {
  for (const server of servers) await server.stop();
});

/** A client with quick, deterministic backoff (no jitter spread: random is fixed). */
function client(url: string, options: Partial<BeaconClientOptions> = {}): BeaconClient {
  return new BeaconClient({
    url,
    attempts: 4,
    baseDelayMs: 2,
    maxDelayMs: 10,
    timeoutMs: 2_000,
    random: () => 0.5,
    ...options,
  });
}

describe("BeaconClient: responses", () => {
  it("reads genesis, spec, finality checkpoints, headers and sync status into numbers and lowercase hex", async () => {
    const server = await serve((request, response) => {
      switch (request.url) {
        case "/eth/v1/beacon/genesis":
          return sendJson(response, GENESIS);
        case "/eth/v1/config/spec":
          return sendJson(response, {
            data: { SECONDS_PER_SLOT: "12", SLOTS_PER_EPOCH: "32", GENESIS_FORK_VERSION: "0x00000000" },
          });
        case "/eth/v1/beacon/states/finalized/finality_checkpoints":
          return sendJson(response, {
            execution_optimistic: false,
            data: {
              previous_justified: { epoch: "9", root: ROOT_A },
              current_justified: { epoch: "10", root: ROOT_B },
              finalized: { epoch: "8", root: ROOT_C },
            },
          });
        case "/eth/v1/beacon/headers/64":
          return sendJson(response, HEADER);
        case "/eth/v1/node/syncing":
          return sendJson(response, {
            data: {
              head_slot: "100",
              sync_distance: "0",
              is_syncing: false,
              is_optimistic: false,
              el_offline: false,
            },
          });
        default:
          return sendJson(response, { code: 404, message: "no route" }, 404);
      }
    });
    const beacon = client(server.url);
    assert.deepEqual(
      await beacon.genesis(),
      {
        genesisTime: 1606824023,
        genesisValidatorsRoot: "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
        genesisForkVersion: "0x00000000",
      },
      "genesis",
    );
    const spec = await beacon.spec();
    assert.equal(spec.secondsPerSlot, 12, "SECONDS_PER_SLOT");
    assert.equal(spec.slotsPerEpoch, 32, "SLOTS_PER_EPOCH");
    assert.equal(spec.raw.GENESIS_FORK_VERSION, "0x00000000", "raw constants kept");
    assert.deepEqual(
      await beacon.finalityCheckpoints("finalized"),
      {
        finalizedEpoch: 8,
        finalizedRoot: ROOT_C,
        currentJustifiedEpoch: 10,
        currentJustifiedRoot: ROOT_B,
        previousJustifiedEpoch: 9,
        previousJustifiedRoot: ROOT_A,
        executionOptimistic: false,
      },
      "finality checkpoints",
    );
    assert.deepEqual(
      await beacon.header(64),
      {
        slot: 64,
        root: ROOT_A,
        proposerIndex: 7,
        stateRoot: ROOT_C,
        parentRoot: ROOT_B,
        bodyRoot: ROOT_B,
        canonical: true,
        finalized: true,
      },
      "header",
    );
    assert.deepEqual(
      await beacon.nodeSyncing(),
      { headSlot: 100, syncDistance: 0, isSyncing: false, isOptimistic: false, elOffline: false },
      "syncing",
    );
    assert.equal(beacon.requests, 5, "one request per call");
    assert.equal(beacon.errors, 0, "no errors");
  });

  it("reads a block's execution payload and withdrawals (gwei as numbers); null for an empty slot", async () => {
    const server = await serve((request, response) => {
      if (request.url === "/eth/v2/beacon/blocks/65") return sendJson(response, block(WITHDRAWALS));
      if (request.url === "/eth/v2/beacon/blocks/66")
        return sendJson(response, block(undefined, "bellatrix"));
      if (request.url === "/eth/v2/beacon/blocks/1") {
        const phase0 = block(undefined, "phase0");
        delete (phase0.data.message.body as { execution_payload?: unknown }).execution_payload;
        return sendJson(response, phase0);
      }
      sendJson(response, { code: 404, message: "Block not found" }, 404);
    });
    const beacon = client(server.url);
    assert.deepEqual(await beacon.block(65), {
      fork: "electra",
      slot: 65,
      proposerIndex: 3,
      parentRoot: ROOT_A,
      stateRoot: ROOT_C,
      executionPayload: {
        blockNumber: 1234,
        blockHash: ROOT_B,
        feeRecipient: ADDRESS,
        withdrawals: [
          { index: 10, validatorIndex: 5, address: ADDRESS, amountGwei: 16429 },
          { index: 11, validatorIndex: 6, address: ADDRESS, amountGwei: 32_000_000_000 },
        ],
      },
    });
    assert.deepEqual(
      (await beacon.block(66))?.executionPayload?.withdrawals,
      [],
      "no withdrawals before Capella",
    );
    assert.equal((await beacon.block(1))?.executionPayload, null, "no payload before the Merge");
    assert.equal(await beacon.block(67), null, "404: an empty slot");
    assert.equal(await beacon.header(67), null, "404 header: null");
    assert.equal(server.hits.get("/eth/v2/beacon/blocks/67"), 1, "a 404 is not retried");
  });

  it("names the malformed field, retries, and throws BeaconMalformedResponse after the attempts", async () => {
    const bad = block([{ ...WITHDRAWALS[0], amount: "16.5" }]);
    const server = await serve((_request, response) => sendJson(response, bad));
    const { seen, hooks } = recorder();
    const beacon = client(server.url, { hooks });
    const error = await beacon.block(65).then(
      () => assert.fail("a malformed block was accepted"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BeaconMalformedResponse, `a BeaconMalformedResponse, got ${error}`);
    assert.equal(error.field, "data.message.body.execution_payload.withdrawals[0].amount", "the field");
    assert.equal(error.retryable, true, "retryable");
    assert.equal(error.attempts, 4, "after all the attempts");
    assert.equal(server.hits.get("/eth/v2/beacon/blocks/65"), 4, "four requests");
    assert.deepEqual(seen.errors, ["malformed", "malformed", "malformed", "malformed"], "each error counted");
    assert.equal(seen.requests.length, 4, "each request counted");
    assert.deepEqual(seen.retries, [2, 3, 6], "exponential backoff: base 2 ms doubling, equal jitter at 0.5");
    assert.equal(beacon.requests, 4, "the plain counter");
  });

  it("rejects values above 2^53 and hex of the wrong length", async () => {
    const server = await serve((request, response) => {
      if (request.url === "/eth/v1/beacon/genesis") {
        return sendJson(response, { data: { ...GENESIS.data, genesis_time: "9007199254740993" } });
      }
      sendJson(response, { ...HEADER, data: { ...HEADER.data, root: "0x1234" } });
    });
    const beacon = client(server.url, { attempts: 1 });
    await assert.rejects(beacon.genesis(), /data\.genesis_time is 9007199254740993, above 2\^53/);
    await assert.rejects(beacon.header("head"), /data\.root is not 32 bytes of 0x-hex/);
  });
});

describe("BeaconClient: a flaky node", () => {
  it("retries 503 and succeeds", async () => {
    const server = await serve((_request, response, attempt) => {
      if (attempt <= 2) return sendJson(response, { code: 503, message: "node is syncing" }, 503);
      sendJson(response, GENESIS);
    });
    const { seen, hooks } = recorder();
    const beacon = client(server.url, { hooks });
    assert.equal((await beacon.genesis()).genesisTime, 1606824023, "the answer after two 503s");
    assert.deepEqual(seen.errors, ["http_5xx", "http_5xx"], "two errors counted");
    assert.equal(beacon.requests, 3, "three requests");
    assert.equal(beacon.errors, 2, "two failed");
  });

  it("throws BeaconHttpError with the node's message after the attempts", async () => {
    const server = await serve((_request, response) =>
      sendJson(response, { code: 500, message: "db locked" }, 500),
    );
    const error = await client(server.url, { attempts: 3 })
      .genesis()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof BeaconHttpError, "a BeaconHttpError");
    assert.equal(error.status, 500, "the status");
    assert.equal(error.attempts, 3, "three attempts");
    assert.match(
      error.message,
      /HTTP 500 to GET http:\/\/127\.0\.0\.1:\d+\/eth\/v1\/beacon\/genesis: db locked/,
    );
  });

  it("honours Retry-After on 429", async () => {
    const server = await serve((_request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        return response.end(JSON.stringify({ code: 429, message: "slow down" }));
      }
      sendJson(response, GENESIS);
    });
    const { seen, hooks } = recorder();
    const started = performance.now();
    await client(server.url, { hooks }).genesis();
    assert.deepEqual(seen.retries, [1000], "waited the second the node asked for, not the 2 ms backoff");
    assert.ok(performance.now() - started >= 990, "and really waited");
    assert.deepEqual(seen.errors, ["http_429"], "counted as a 429");
  });

  it("gives up at once when Retry-After is beyond the limit", async () => {
    const server = await serve((_request, response) => {
      response.writeHead(503, { "retry-after": "3600" });
      response.end();
    });
    const error = await client(server.url, { maxRetryAfterMs: 5_000 })
      .genesis()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof RetryAfterTooLongError, `RetryAfterTooLongError, got ${error}`);
    assert.equal(error.retryAfterMsAsked, 3_600_000, "the wait asked");
    assert.equal(server.hits.get("/eth/v1/beacon/genesis"), 1, "no second request");
  });

  it("does not retry another 4xx", async () => {
    const server = await serve((_request, response) =>
      sendJson(response, { code: 400, message: "Invalid state ID" }, 400),
    );
    const error = await client(server.url)
      .finalityCheckpoints()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof BeaconHttpError && error.status === 400, "BeaconHttpError 400");
    assert.equal(error.retryable, false, "not retryable");
    assert.equal(error.attempts, 1, "one attempt");
  });

  it("retries a body that is not JSON", async () => {
    const server = await serve((_request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(200, { "content-type": "application/json" });
        return response.end("<html>bad gateway</html>");
      }
      sendJson(response, GENESIS);
    });
    const { seen, hooks } = recorder();
    await client(server.url, { hooks }).genesis();
    assert.deepEqual(seen.errors, ["malformed"], "one malformed body, then the answer");
  });

  it("retries a truncated body (the connection closes before Content-Length bytes)", async () => {
    const server = await serve((_request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(200, { "content-type": "application/json", "content-length": "500" });
        response.write('{"data": {"genesis_time": "16');
        setTimeout(() => response.socket?.destroy(), 10);
        return;
      }
      sendJson(response, GENESIS);
    });
    const { seen, hooks } = recorder();
    assert.equal((await client(server.url, { hooks }).genesis()).genesisTime, 1606824023);
    assert.equal(seen.errors.length, 1, "one failure");
    assert.ok(
      ["network", "malformed"].includes(seen.errors[0] ?? ""),
      `network or malformed: ${seen.errors[0]}`,
    );
  });

  it("times out a request that hangs, then succeeds", async () => {
    const server = await serve((_request, response, attempt) => {
      if (attempt === 1) return; // never answers
      sendJson(response, GENESIS);
    });
    const { seen, hooks } = recorder();
    const started = performance.now();
    await client(server.url, { hooks, timeoutMs: 150 }).genesis();
    assert.deepEqual(seen.errors, ["timeout"], "one timeout");
    assert.ok(performance.now() - started >= 140, "after the timeout");
  });

  it("throws BeaconTimeoutError when every attempt hangs", async () => {
    const server = await serve(() => {});
    const error = await client(server.url, { attempts: 2, timeoutMs: 100 })
      .genesis()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof BeaconTimeoutError, `BeaconTimeoutError, got ${error}`);
    assert.equal(error.timeoutMs, 100, "names the timeout");
    assert.equal(error.attempts, 2, "two attempts");
  });

  it("retries while the node refuses connections, and succeeds when it comes back", async () => {
    const server = await serve((_request, response) => sendJson(response, GENESIS));
    const port = server.port;
    await server.stop();
    const { seen, hooks } = recorder();
    const restart: BeaconClientOptions["hooks"] = {
      ...hooks,
      onRetry: (route, info) => {
        hooks?.onRetry?.(route, info);
        if (info.attempt === 2) void server.start(port);
      },
    };
    const beacon = client(`http://127.0.0.1:${port}`, { hooks: restart, baseDelayMs: 50, maxDelayMs: 200 });
    assert.equal((await beacon.genesis()).genesisTime, 1606824023, "answered once back");
    assert.deepEqual(seen.errors, ["network", "network"], "two refused connections counted as network");
  });

  it("throws BeaconNetworkError naming the code when the node stays down", async () => {
    const server = await serve(() => {});
    const port = server.port;
    await server.stop();
    const error = await client(`http://127.0.0.1:${port}`, { attempts: 2 })
      .genesis()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof BeaconNetworkError, `BeaconNetworkError, got ${error}`);
    assert.equal(error.code, "ECONNREFUSED", "the socket's code");
    assert.match(error.message, /could not be reached .*ECONNREFUSED/);
  });

  it("stops waiting when the signal fires", async () => {
    const server = await serve((_request, response) => sendJson(response, {}, 503));
    const controller = new AbortController();
    const beacon = client(server.url, {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      hooks: { onRetry: () => setTimeout(() => controller.abort(), 20) },
    });
    const started = performance.now();
    await assert.rejects(beacon.genesis(), AbortedError);
    assert.ok(performance.now() - started < 5_000, "did not wait the minute");
  });

  it("stops a request in flight when the call's signal fires", async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(client(server.url).genesis({ signal: controller.signal }), AbortedError);
  });

  it("sends credentials in the URL as basic authentication and keeps them out of messages", async () => {
    const server = await serve((_request, response) => sendJson(response, {}, 400));
    const url = server.url.replace("http://", "http://user:s3cret@");
    const error = await client(url)
      .genesis()
      .then(
        () => assert.fail("resolved"),
        (e: unknown) => e as Error,
      );
    assert.equal(
      server.requests[0]?.headers.authorization,
      `Basic ${Buffer.from("user:s3cret").toString("base64")}`,
      "basic authentication",
    );
    assert.ok(!error.message.includes("s3cret"), "no password in the message");
  });
});

describe("BeaconClient: SSZ states", () => {
  const STATE = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 31) % 251);

  function sszHandler(options: {
    length?: boolean;
    chunkDelayMs?: number;
    stallAfter?: number;
    type?: string;
  }) {
    return (_request: unknown, response: import("node:http").ServerResponse) => {
      const headers: Record<string, string> = {
        "content-type": options.type ?? "application/octet-stream",
        "eth-consensus-version": "electra",
      };
      if (options.length !== false) headers["content-length"] = String(STATE.length);
      response.writeHead(200, headers);
      const chunk = 256 * 1024;
      let offset = 0;
      const next = () => {
        if (options.stallAfter !== undefined && offset >= options.stallAfter) return; // hangs mid-body
        if (offset >= STATE.length) return void response.end();
        response.write(STATE.subarray(offset, offset + chunk));
        offset += chunk;
        if (options.chunkDelayMs) setTimeout(next, options.chunkDelayMs);
        else setImmediate(next);
      };
      next();
    };
  }

  it("reads the state into one buffer with its fork, with or without Content-Length", async () => {
    for (const length of [true, false]) {
      const server = await serve(sszHandler({ length }));
      const beacon = client(server.url);
      const { fork, bytes } = await beacon.stateSsz(128);
      assert.equal(fork, "electra", "the Eth-Consensus-Version header");
      assert.equal(bytes.length, STATE.length, `the length (Content-Length ${length})`);
      assert.deepEqual(Buffer.from(bytes).equals(Buffer.from(STATE)), true, "the bytes");
      assert.equal(server.requests[0]?.headers.accept, "application/octet-stream", "asked for SSZ");
      assert.equal(server.requests[0]?.url, "/eth/v2/debug/beacon/states/128", "the route");
    }
  });

  it("keeps reading a slow body as long as chunks keep coming within the timeout", async () => {
    // 12 chunks, 40 ms apart: about 480 ms in all, with a 150 ms timeout.
    const server = await serve(sszHandler({ chunkDelayMs: 40 }));
    const { bytes } = await client(server.url, { timeoutMs: 150 }).stateSsz("head");
    assert.equal(bytes.length, STATE.length, "the whole state");
  });

  it("times out a body that stalls, and retries", async () => {
    const server = await serve((request, response, attempt) =>
      sszHandler(attempt === 1 ? { stallAfter: 512 * 1024 } : {})(request, response),
    );
    const { seen, hooks } = recorder();
    const { bytes } = await client(server.url, { timeoutMs: 150, hooks }).stateSsz("head");
    assert.equal(bytes.length, STATE.length, "the second attempt's state");
    assert.deepEqual(seen.errors, ["timeout"], "the stall timed out");
  });

  it("refuses a JSON answer and a state above the limit, without retrying", async () => {
    const json = await serve(sszHandler({ type: "application/json" }));
    await assert.rejects(client(json.url).stateSsz("head"), (e: unknown) => {
      assert.ok(e instanceof BeaconUnsupportedResponse, `BeaconUnsupportedResponse, got ${e}`);
      assert.match(e.message, /application\/json, not application\/octet-stream/);
      return true;
    });
    assert.equal(json.hits.size, 1, "one request");
    for (const length of [true, false]) {
      const big = await serve(sszHandler({ length }));
      await assert.rejects(
        client(big.url, { maxStateBytes: 1_000_000 }).stateSsz("head"),
        /above the 1000000 bytes allowed/,
        `limit with Content-Length ${length}`,
      );
      assert.equal(big.requests.length, 1, "not retried");
    }
  });

  it("throws BeaconHttpError for an unknown state (404), at once", async () => {
    const server = await serve((_request, response) =>
      sendJson(response, { code: 404, message: "State not found" }, 404),
    );
    await assert.rejects(client(server.url).stateSsz(ROOT_A as `0x${string}`), (e: unknown) => {
      assert.ok(e instanceof BeaconHttpError && e.status === 404, "404");
      assert.match(e.message, /State not found/);
      return true;
    });
    assert.equal(server.requests.length, 1, "one request");
  });

  it("refuses a malformed state id before sending anything", async () => {
    const beacon = client("http://127.0.0.1:9");
    await assert.rejects(beacon.stateSsz("../admin" as never), /is not head, genesis, finalized, justified/);
    assert.equal(beacon.requests, 0, "nothing sent");
  });
});
