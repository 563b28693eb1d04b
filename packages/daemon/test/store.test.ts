import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createLogger } from "../src/log.js";
import { JsonStore, StoreReadError, writeFileAtomic } from "../src/store.js";

interface State {
  lastVotedRefSlot: number;
  balanceWei: bigint;
}

function validate(value: unknown): State {
  const state = value as { lastVotedRefSlot?: unknown; balanceWei?: unknown };
  if (typeof state?.lastVotedRefSlot !== "number") throw new Error("lastVotedRefSlot is not a number");
  if (typeof state.balanceWei !== "string" || !/^\d+$/.test(state.balanceWei)) {
    throw new Error("balanceWei is not a decimal string");
  }
  return { lastVotedRefSlot: state.lastVotedRefSlot, balanceWei: BigInt(state.balanceWei) };
}

const root = mkdtempSync(join(tmpdir(), "oracle-store-"));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
function freshDir(): string {
  return join(root, `case-${++count}`);
}

function store(dir: string, lines: string[] = []) {
  return new JsonStore<State>({
    file: join(dir, "state.json"),
    version: 1,
    initial: () => ({ lastVotedRefSlot: 0, balanceWei: 0n }),
    validate,
    logger: createLogger({ sink: (line) => lines.push(line) }),
    now: () => new Date("2026-12-01T10:20:30.456Z"),
  });
}

describe("JsonStore", () => {
  it("starts from the initial state when there is no file, then saves and loads", async () => {
    const dir = freshDir();
    const first = store(dir);
    assert.deepEqual(await first.load(), { lastVotedRefSlot: 0, balanceWei: 0n }, "initial state");
    assert.equal(first.lastLoad?.outcome, "absent", "first start");
    await first.save({ lastVotedRefSlot: 7200, balanceWei: 10n ** 30n });
    const written = JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
    assert.equal(written.version, 1, "schema version in the file");
    assert.equal(written.savedAt, "2026-12-01T10:20:30.456Z", "time of the save");
    assert.equal(written.state.balanceWei, "1000000000000000000000000000000", "bigint as a decimal string");
    const second = store(dir);
    assert.deepEqual(await second.load(), { lastVotedRefSlot: 7200, balanceWei: 10n ** 30n }, "read back");
    assert.equal(second.lastLoad?.outcome, "loaded");
    assert.equal(statSync(join(dir, "state.json")).mode & 0o777, 0o600, "readable by the daemon only");
    assert.deepEqual(readdirSync(dir), ["state.json"], "no temporary file left");
  });

  it("moves a corrupt file aside with a warning and starts fresh", async () => {
    const cases: [string, RegExp][] = [
      ['{"version": 1, "state": {"lastVotedRefSl', /not JSON/],
      ["[1, 2]", /not a JSON object/],
      ['{"state": {}}', /no schema version/],
      ['{"version": 2, "state": {}}', /schema version 2, but this daemon reads version 1/],
      [
        '{"version": 1, "state": {"lastVotedRefSlot": "x"}}',
        /invalid state: lastVotedRefSlot is not a number/,
      ],
    ];
    for (const [content, problem] of cases) {
      const dir = freshDir();
      const lines: string[] = [];
      const s = store(dir, lines);
      await writeFileAtomic(join(dir, "state.json"), content);
      assert.deepEqual(await s.load(), { lastVotedRefSlot: 0, balanceWei: 0n }, `fresh state for ${content}`);
      assert.equal(s.lastLoad?.outcome, "corrupt", "corrupt");
      assert.match(s.lastLoad?.problem ?? "", problem, "the problem named");
      const moved = join(dir, "state.json.corrupt-20261201T102030.456Z");
      assert.equal(s.lastLoad?.movedTo, moved, "moved aside with the time");
      assert.equal(readFileSync(moved, "utf8"), content, "the corrupt content kept for inspection");
      assert.deepEqual(
        readdirSync(dir),
        ["state.json.corrupt-20261201T102030.456Z"],
        "the state file is gone",
      );
      assert.equal(lines.length, 1, "one warning");
      const warning = JSON.parse(lines[0] ?? "{}");
      assert.equal(warning.level, "warn", "a warning");
      assert.equal(warning.movedTo, moved, "the warning names where it went");
      assert.match(warning.problem, problem, "and why");
      await s.save({ lastVotedRefSlot: 1, balanceWei: 1n });
      assert.deepEqual(await store(dir).load(), { lastVotedRefSlot: 1, balanceWei: 1n }, "works after");
    }
  });

  it("throws StoreReadError when the file exists but cannot be read", async () => {
    const dir = freshDir();
    const s = store(dir);
    // A directory where the file should be: EISDIR, not a missing file.
    mkdirSync(join(dir, "state.json"), { recursive: true });
    await assert.rejects(
      s.load(),
      (e: unknown) => e instanceof StoreReadError && /cannot be read/.test(e.message),
    );
  });

  it("keeps the old state when a write fails, and ignores temporary files a crash left", async () => {
    const dir = freshDir();
    const s = store(dir);
    await s.save({ lastVotedRefSlot: 5, balanceWei: 5n });
    // A crash between writing the temporary file and the rename leaves it behind: load ignores it.
    writeFileSync(join(dir, ".state.json.tmp-1-deadbeef"), '{"version": 1, "state": {"lastVo');
    assert.deepEqual(await store(dir).load(), { lastVotedRefSlot: 5, balanceWei: 5n }, "the last whole save");
    // A value JSON cannot hold fails before anything is written.
    const cyclic = { lastVotedRefSlot: 6, balanceWei: 6n } as State & { self?: unknown };
    cyclic.self = cyclic;
    await assert.rejects(s.save(cyclic), /circular/i);
    assert.deepEqual(await store(dir).load(), { lastVotedRefSlot: 5, balanceWei: 5n }, "unchanged");
  });

  it("runs saves in order: the last call wins", async () => {
    const dir = freshDir();
    const s = store(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.save({ lastVotedRefSlot: i, balanceWei: BigInt(i) })),
    );
    assert.deepEqual(await store(dir).load(), { lastVotedRefSlot: 19, balanceWei: 19n }, "the last save");
    assert.deepEqual(readdirSync(dir), ["state.json"], "no temporary file left");
  });

  it("leaves a whole file when the process is killed while saving", async () => {
    const dir = freshDir();
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `
      import { JsonStore } from ${JSON.stringify(join(here, "..", "src", "store.ts"))};
      const store = new JsonStore({ file: ${JSON.stringify(join(dir, "state.json"))}, version: 1,
        initial: () => ({}), validate: (s) => s });
      const padding = "x".repeat(200_000);
      for (let i = 1; ; i++) {
        await store.save({ lastVotedRefSlot: i, balanceWei: String(i), padding });
        if (i % 5 === 0) process.stdout.write(i + "\\n");
      }`;
    for (const kills of [1, 2, 3]) {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      // Kill it after it reported `5 * kills` saves: mid-way through some later save.
      await new Promise<void>((resolve) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.split("\n").some((line) => Number(line) >= 5 * kills)) {
            child.kill("SIGKILL");
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.once("exit", resolve));
      const loaded = store(dir);
      const state = await loaded.load();
      assert.equal(loaded.lastLoad?.outcome, "loaded", `a whole file after kill ${kills}`);
      assert.ok(
        state.lastVotedRefSlot >= 5 * kills,
        `at least the reported saves (${state.lastVotedRefSlot})`,
      );
    }
  });
});
