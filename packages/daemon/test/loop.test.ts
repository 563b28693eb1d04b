/**
 * `runLoop` (a daemon's main loop) and `waitForReceipt` (receipts polled, not awaited on new blocks).
 * Timers and the clock are node:test's mock timers and the jitter is fixed, so every pause is an
 * exact number; `drive` lets the code under test reach its next timer, then fires it.
 * `StandInClient` stands in for an execution node: it implements only `getTransactionReceipt`.
 */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { type Hex, type TransactionReceipt, TransactionReceiptNotFoundError } from "viem";
import { createLogger } from "../src/log.js";
import { runLoop } from "../src/loop.js";
import { AbortedError, DaemonError } from "../src/retry.js";
import { waitForReceipt } from "../src/rpc.js";

const POLL_MS = 1_000;
const HASH: Hex = `0x${"ab".repeat(32)}`;

/** Lets pending promise callbacks run (setImmediate is not mocked). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  // The jitter's midpoint: a pause of base × 2^(n-1) is exactly 3/4 of it.
  t.mock.method(Math, "random", () => 0.5);
}

/** Fires timers, one at a time, until `promise` settles (at most `rounds` of them). */
async function drive<T>(t: TestContext, promise: Promise<T>, rounds = 100): Promise<T> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let round = 0; round < rounds && !settled; round++) {
    await flush();
    if (!settled) t.mock.timers.runAll();
  }
  await flush();
  assert.ok(settled, `settled within ${rounds} timers`);
  return promise;
}

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", sink: (line) => lines.push(line) });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, logged };
}

describe("runLoop", () => {
  it("pauses the poll interval after a success, backs off after failures, resets on success", async (t) => {
    fakeTime(t);
    const { logger, logged } = capture();
    const controller = new AbortController();
    const script = ["ok", "fail", "fail", "fail", "fail", "fail", "fail", "ok", "ok"];
    const startedAt: number[] = [];
    const step = async () => {
      const outcome = script[startedAt.length];
      startedAt.push(Date.now());
      if (startedAt.length === script.length) controller.abort();
      if (outcome === "fail") throw new Error(`node unreachable (${startedAt.length})`);
    };
    await drive(
      t,
      runLoop(step, { pollIntervalMs: POLL_MS, signal: controller.signal, logger, what: "guardian step" }),
    );

    const pauses = startedAt.slice(1).map((at, i) => at - (startedAt[i] as number));
    // After: ok, then failures 1..6 (base × 2^(n-1), capped at 10 × base, jitter at 3/4), then ok.
    assert.deepEqual(pauses, [1_000, 750, 1_500, 3_000, 6_000, 7_500, 7_500, 1_000], "the pauses");
    assert.equal(startedAt.length, script.length, "every step ran, none after the signal");

    const errors = logged().filter((line) => line.level === "error");
    assert.deepEqual(
      errors.map((line) => [line.msg, line.error, line.failures]),
      [2, 3, 4, 5, 6, 7].map((n, i) => ["guardian step failed", `node unreachable (${n})`, i + 1]),
      "each failure logged with its message and the failures in a row",
    );
  });

  it("never pauses more than ten poll intervals, whatever the jitter", async (t) => {
    fakeTime(t);
    t.mock.method(Math, "random", () => 0.999_999);
    const { logger } = capture();
    const controller = new AbortController();
    const startedAt: number[] = [];
    const step = async () => {
      startedAt.push(Date.now());
      if (startedAt.length === 12) controller.abort();
      throw new Error("still down");
    };
    await drive(
      t,
      runLoop(step, { pollIntervalMs: POLL_MS, signal: controller.signal, logger, what: "step" }),
    );
    const pauses = startedAt.slice(1).map((at, i) => at - (startedAt[i] as number));
    for (let i = 1; i < pauses.length; i++) {
      assert.ok((pauses[i] as number) >= (pauses[i - 1] as number), `pause ${i} does not shrink`);
    }
    assert.equal(Math.max(...pauses), 10 * POLL_MS, "the longest pause is ten poll intervals");
  });

  it("ends when the signal fires during a pause, without another step", async (t) => {
    fakeTime(t);
    const { logger } = capture();
    const controller = new AbortController();
    let steps = 0;
    const done = runLoop(
      async () => {
        steps++;
      },
      { pollIntervalMs: 60_000, signal: controller.signal, logger, what: "step" },
    );
    await flush();
    assert.equal(steps, 1, "the first step ran");
    controller.abort();
    await done;
    assert.equal(steps, 1, "no step after the signal");
  });

  it("lets a step in progress finish, then ends without logging its failure", async (t) => {
    fakeTime(t);
    const { logger, logged } = capture();
    const controller = new AbortController();
    let release: () => void = () => {};
    let steps = 0;
    let finished = false;
    const done = runLoop(
      async () => {
        steps++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        throw new Error("interrupted by the shutdown");
      },
      { pollIntervalMs: POLL_MS, signal: controller.signal, logger, what: "step" },
    );
    void done.then(() => {
      finished = true;
    });
    await flush();
    controller.abort();
    await flush();
    assert.equal(finished, false, "the loop waits for the step");
    release();
    await done;
    assert.equal(steps, 1, "one step");
    assert.deepEqual(logged(), [], "a failure caused by the shutdown is not logged");
  });

  it("runs no step when the signal has already fired", async () => {
    const controller = new AbortController();
    controller.abort();
    let steps = 0;
    await runLoop(
      async () => {
        steps++;
      },
      { pollIntervalMs: POLL_MS, signal: controller.signal, logger: capture().logger, what: "step" },
    );
    assert.equal(steps, 0, "no step");
  });
});

class StandInClient {
  calls = 0;
  constructor(
    /** Calls answered "not found" before the receipt. */
    private readonly missing: number,
    private readonly failure?: Error,
  ) {}

  async getTransactionReceipt({ hash }: { hash: Hex }): Promise<TransactionReceipt> {
    this.calls++;
    if (this.failure) throw this.failure;
    if (this.calls <= this.missing) throw new TransactionReceiptNotFoundError({ hash });
    return { transactionHash: hash, status: "success", blockNumber: 7n } as TransactionReceipt;
  }
}

describe("waitForReceipt", () => {
  it("asks again every pollMs while the node has no receipt, then returns it", async (t) => {
    fakeTime(t);
    const client = new StandInClient(3);
    const receipt = await drive(t, waitForReceipt(client, HASH, { pollMs: 2_000 }));
    assert.equal(receipt.transactionHash, HASH, "the receipt of the hash");
    assert.equal(receipt.status, "success", "as the node gave it");
    assert.equal(client.calls, 4, "three times not found, then found");
    assert.equal(Date.now(), 6_000, "three pauses of pollMs");
  });

  it("returns at once when the receipt is there", async () => {
    const client = new StandInClient(0);
    assert.equal((await waitForReceipt(client, HASH)).blockNumber, 7n, "the receipt");
    assert.equal(client.calls, 1, "one call");
  });

  it("stops with AbortedError when the signal fires", async (t) => {
    fakeTime(t);
    const client = new StandInClient(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    const waiting = waitForReceipt(client, HASH, { pollMs: 1_000, signal: controller.signal });
    await flush();
    t.mock.timers.tick(1_000);
    await flush();
    controller.abort();
    await assert.rejects(
      waiting,
      (error: unknown) =>
        error instanceof AbortedError && /Waiting for a receipt was stopped/.test(error.message),
      "AbortedError",
    );
    assert.equal(client.calls, 2, "no call after the signal");
  });

  it("throws a timeout DaemonError naming the hash and the time waited", async (t) => {
    fakeTime(t);
    const client = new StandInClient(Number.POSITIVE_INFINITY);
    await assert.rejects(
      drive(t, waitForReceipt(client, HASH, { pollMs: 1_000, timeoutMs: 5_000 })),
      (error: unknown) => {
        assert.ok(error instanceof DaemonError, "a DaemonError");
        assert.equal(error.reason, "timeout", "reason timeout");
        assert.equal(error.retryable, false, "not retried");
        assert.equal(error.message, `Transaction ${HASH} has no receipt after 5000 ms.`, "the message");
        return true;
      },
    );
    assert.equal(client.calls, 7, "asked at 0, 1, ..., 6 s: the last one past the deadline");
  });

  it("passes on any other error of the node at once", async () => {
    const client = new StandInClient(0, new Error("connection refused"));
    await assert.rejects(waitForReceipt(client, HASH), /connection refused/, "the node's error");
    assert.equal(client.calls, 1, "not asked again");
  });
});
