import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inspect } from "node:util";
import { createLogger, type LogLevel, REDACTED, redactUrl, Secret } from "../src/log.js";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const FIXED = new Date("2026-12-01T00:00:00.000Z");

function capture(level: LogLevel = "debug") {
  const lines: string[] = [];
  const log = createLogger({ level, sink: (line) => lines.push(line), now: () => FIXED });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, parsed };
}

describe("logger", () => {
  it("writes one JSON object per line: time, level, msg, then the fields", () => {
    const { log, lines } = capture();
    log.info("report submitted", { refSlot: 1234, hash: "0xab" });
    assert.equal(lines.length, 1, "one line");
    assert.equal(
      lines[0],
      '{"time":"2026-12-01T00:00:00.000Z","level":"info","msg":"report submitted","refSlot":1234,"hash":"0xab"}',
    );
  });

  it("skips levels below the threshold", () => {
    const { log, parsed } = capture("warn");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    assert.deepEqual(
      parsed().map((l) => l.level),
      ["warn", "error"],
      "only warn and error",
    );
    assert.equal(log.enabled("info"), false, "info is off");
  });

  it("binds fields in child loggers, the call's fields last", () => {
    const { log, parsed } = capture();
    const child = log.child({ component: "beacon", member: 2 }).child({ refSlot: 7 });
    child.info("hello", { refSlot: 8, extra: true });
    log.info("parent");
    const [first, second] = parsed();
    assert.deepEqual(first, {
      time: FIXED.toISOString(),
      level: "info",
      msg: "hello",
      component: "beacon",
      member: 2,
      refSlot: 8,
      extra: true,
    });
    assert.equal(second?.component, undefined, "the parent has no bound fields");
  });

  it("writes bigint as decimal strings, errors with their cause, bytes as hex, and survives cycles", () => {
    const { log, parsed } = capture("info");
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const error = Object.assign(new Error("outer", { cause: new TypeError("inner") }), { code: "E1" });
    log.error("failed", {
      wei: 10n ** 30n,
      nested: { list: [1n, 2n], map: new Map([[1, 3n]]) },
      error,
      root: new Uint8Array([0xab, 0xcd]),
      state: new Uint8Array(1000),
      cyclic,
      time: "shadowed",
      nothing: undefined,
    });
    const [line] = parsed();
    assert.equal(line?.wei, "1000000000000000000000000000000", "bigint as a decimal string");
    assert.deepEqual(line?.nested, { list: ["1", "2"], map: { 1: "3" } }, "nested bigints");
    assert.deepEqual(
      line?.error,
      { name: "Error", message: "outer", code: "E1", cause: { name: "TypeError", message: "inner" } },
      "error with code and cause, no stack below debug",
    );
    assert.equal(line?.root, "0xabcd", "short bytes as hex");
    assert.equal(line?.state, "[1000 bytes]", "long bytes as their length");
    assert.deepEqual(line?.cyclic, { a: 1, self: "[circular]" }, "a cycle is cut");
    assert.equal(line?.time, FIXED.toISOString(), "the line's own time is kept");
    assert.equal(line?.["field.time"], "shadowed", "a field named time is renamed");
    assert.ok(!("nothing" in (line ?? {})), "undefined is left out");
  });

  it("redacts fields named like secrets, at any depth, but not public keys", () => {
    const { log, lines, parsed } = capture();
    log.info("config", {
      privateKey: KEY,
      config: {
        keystorePassword: "hunter2",
        private_key: KEY,
        apiKey: "abc",
        secret: "s",
        mnemonic: "test test junk",
        key: "k",
        pubkey: "0x8000",
        publicKey: "0x9000",
      },
      list: [{ password: "p" }],
    });
    const [line] = parsed();
    assert.equal(line?.privateKey, REDACTED, "top level");
    assert.deepEqual(line?.config, {
      keystorePassword: REDACTED,
      private_key: REDACTED,
      apiKey: REDACTED,
      secret: REDACTED,
      mnemonic: REDACTED,
      key: REDACTED,
      pubkey: "0x8000",
      publicKey: "0x9000",
    });
    assert.deepEqual(line?.list, [{ password: REDACTED }], "inside arrays");
    for (const secret of ["hunter2", KEY.slice(2), "test test junk"]) {
      assert.ok(!lines[0]?.includes(secret), `${secret} is not written`);
    }
  });

  it("never writes a registered key, whatever the field's name, case or prefix, in messages and errors", () => {
    const { log, lines } = capture();
    log.child({ component: "x" }).redact(KEY);
    const bare = KEY.slice(2);
    log.info(`key is ${KEY}`, {
      innocent: KEY,
      upper: `0x${bare.toUpperCase()}`,
      bare,
      inText: `prefix ${bare} suffix ${bare}`,
      error: new Error(`bad key ${KEY}`, { cause: { detail: bare } }),
      bytes: Buffer.from(bare, "hex"),
      deep: { deeper: [{ deepest: KEY }] },
    });
    log.child({ again: KEY }).warn("bound");
    assert.equal(lines.length, 2, "two lines");
    for (const line of lines) {
      assert.ok(!line.toLowerCase().includes(bare), `no key in ${line}`);
    }
    const first = JSON.parse(lines[0] ?? "{}");
    assert.equal(first.msg, `key is ${REDACTED}`, "the message keeps its text around the key");
    assert.equal(first.inText, `prefix ${REDACTED} suffix ${REDACTED}`, "every occurrence");
    assert.throws(() => log.redact("0x1234"), /at least 16 characters/, "a short value is refused");
  });

  it("prints a Secret as [redacted] through JSON, strings and inspect", () => {
    const secret = new Secret("hunter2hunter2hunter2");
    assert.equal(
      JSON.stringify({ secret, wrapped: { value: secret } }),
      '{"secret":"[redacted]","wrapped":{"value":"[redacted]"}}',
    );
    assert.equal(`${secret}`, REDACTED, "template string");
    assert.ok(!inspect({ secret }).includes("hunter2"), "inspect");
    assert.equal(secret.reveal(), "hunter2hunter2hunter2", "reveal gives the value");
    const { log, lines } = capture();
    log.info("x", { value: secret });
    assert.ok(!lines[0]?.includes("hunter2"), "the logger");
  });

  it("redacts credentials and queries of URLs", () => {
    assert.equal(
      redactUrl("https://user:pw@rpc.example/v3/path?key=abc"),
      `https://${REDACTED}@rpc.example/v3/path?${REDACTED}`,
    );
    assert.equal(redactUrl("http://127.0.0.1:5052/"), "http://127.0.0.1:5052/");
    const { log, lines } = capture();
    log.info("x", { url: new URL("https://user:pw@rpc.example/?k=1") });
    assert.ok(!lines[0]?.includes("pw@"), "URL objects too");
  });
});
