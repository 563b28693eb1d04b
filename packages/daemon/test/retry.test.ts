import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AbortedError,
  backoffDelay,
  DaemonError,
  isRetryable,
  linkSignals,
  parseRetryAfter,
  RetryAfterTooLongError,
  withRetry,
} from "../src/retry.js";

const retryable = (message: string, retryAfterMs?: number) =>
  new DaemonError(message, { retryable: true, reason: "http_5xx", retryAfterMs });
const fatal = (message: string) => new DaemonError(message, { retryable: false, reason: "http_4xx" });

describe("withRetry", () => {
  it("retries retryable errors with exponential backoff and returns the first success", async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw retryable(`attempt ${attempt}`);
        return "done";
      },
      {
        attempts: 5,
        baseDelayMs: 2,
        maxDelayMs: 6,
        random: () => 1,
        onRetry: (info) => delays.push(info.delayMs),
      },
    );
    assert.equal(result, "done", "the success");
    assert.equal(calls, 4, "four calls");
    assert.deepEqual(delays, [2, 4, 6], "doubling, capped at the maximum");
  });

  it("throws a non-retryable error at once and the last error after the attempts, with the count", async () => {
    let calls = 0;
    const once = await withRetry(
      async () => {
        calls++;
        throw fatal("no");
      },
      { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
    ).catch((e: unknown) => e as DaemonError);
    assert.equal(calls, 1, "one call");
    assert.equal(once.attempts, 1, "attempts recorded");
    const last = await withRetry(
      async (attempt) => {
        throw retryable(`attempt ${attempt}`);
      },
      { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    ).catch((e: unknown) => e as DaemonError);
    assert.equal(last.message, "attempt 3", "the last error");
    assert.equal(last.attempts, 3, "three attempts");
  });

  it("waits at least Retry-After, and gives up when it is beyond the limit", async () => {
    const delays: number[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt === 1) throw retryable("429", 40);
        return 1;
      },
      { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, onRetry: (info) => delays.push(info.delayMs) },
    );
    assert.deepEqual(delays, [40], "the server's wait");
    await assert.rejects(
      withRetry(
        async () => {
          throw retryable("429", 120_000);
        },
        { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      ),
      (e: unknown) => e instanceof RetryAfterTooLongError && e.retryAfterMsAsked === 120_000,
    );
  });

  it("stops waiting when the signal fires", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    await assert.rejects(
      withRetry(
        async () => {
          throw retryable("down");
        },
        { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal },
      ),
      AbortedError,
    );
    assert.ok(performance.now() - started < 5_000, "did not wait the minute");
  });
});

describe("retry helpers", () => {
  it("jitters in the upper half of the exponential delay", () => {
    assert.equal(
      backoffDelay(1, 100, 1_000, () => 0),
      50,
      "lowest",
    );
    assert.equal(
      backoffDelay(1, 100, 1_000, () => 0.999_999),
      100,
      "highest",
    );
    assert.equal(
      backoffDelay(3, 100, 1_000, () => 0.5),
      300,
      "400 ms, jittered at the middle",
    );
    assert.equal(
      backoffDelay(10, 100, 1_000, () => 0),
      500,
      "capped",
    );
  });

  it("reads Retry-After as seconds or a date", () => {
    assert.equal(parseRetryAfter("3"), 3_000);
    const now = Date.parse("2026-12-01T00:00:00Z");
    assert.equal(parseRetryAfter("Tue, 01 Dec 2026 00:00:10 GMT", now), 10_000);
    assert.equal(parseRetryAfter("Mon, 30 Nov 2026 00:00:00 GMT", now), 0, "a past date: no wait");
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });

  it("classifies raw errors: socket codes and JSON syntax retry, other errors do not", () => {
    const socket = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNRESET" }),
    });
    assert.equal(isRetryable(socket), true, "a reset connection");
    assert.equal(isRetryable(new SyntaxError("Unexpected end of JSON input")), true, "a truncated body");
    assert.equal(isRetryable(new RangeError("bug")), false, "a bug");
  });

  it("links signals and detaches from them", () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, undefined, b.signal]);
    b.abort("why");
    assert.equal(linked.signal?.aborted, true, "fires with any");
    assert.equal(linked.signal?.reason, "why", "its reason");
    const c = new AbortController();
    const d = new AbortController();
    const detached = linkSignals([c.signal, d.signal]);
    detached.dispose();
    c.abort();
    assert.equal(detached.signal?.aborted, false, "disposed: no longer linked");
    assert.equal(linkSignals([a.signal]).signal, a.signal, "one signal is itself");
  });
});
