import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ssz } from "@lodestar/types";
import { stateLayout, validatorLayout } from "../src/state/layout.js";
import {
  PubkeyIndexCache,
  readState,
  readStateSummary,
  StateReadError,
  SUPPORTED_FORKS,
} from "../src/state/readState.js";
import type { ValidatorView } from "../src/state/types.js";

type State = ReturnType<typeof ssz.fulu.BeaconState.defaultValue>;
interface StateType {
  defaultValue(): State;
  serialize(value: State): Uint8Array;
  deserialize(bytes: Uint8Array): State;
}
/** Every supported fork's state has the fields these tests set; they are typed as fulu's. */
const stateType = (fork: string) => ssz[fork as "fulu"].BeaconState as unknown as StateType;

/** mulberry32: seeded, so a failure replays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function randomPubkey(random: () => number): Uint8Array {
  const pubkey = randomBytes(random, 48);
  pubkey[0] = 0x80 | ((pubkey[0] as number) & 0x3f);
  return pubkey;
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

function randomEpoch(random: () => number): number {
  const r = random();
  if (r < 0.3) return Number.POSITIVE_INFINITY;
  // Some above 2^32, to cover the high word.
  return r < 0.4 ? 2 ** 32 + Math.floor(random() * 2 ** 40) : Math.floor(random() * 500_000);
}

/** A state of `fork` with `count` validators of varied fields; `pubkeys` overrides some pubkeys. */
function buildState(
  fork: string,
  count: number,
  seed: number,
  pubkeys: Map<number, Uint8Array> = new Map(),
): Uint8Array {
  const random = seeded(seed);
  const state = stateType(fork).defaultValue();
  state.slot = 11_000_000 + seed;
  state.latestBlockHeader = {
    slot: state.slot - 2,
    proposerIndex: 77,
    parentRoot: randomBytes(random, 32),
    stateRoot: randomBytes(random, 32),
    bodyRoot: randomBytes(random, 32),
  };
  state.latestExecutionPayloadHeader.blockNumber = 21_000_000 + seed;
  state.latestExecutionPayloadHeader.blockHash = randomBytes(random, 32);
  state.latestExecutionPayloadHeader.extraData = randomBytes(random, 7);
  state.nextWithdrawalIndex = 9_000_000_000 + seed;
  state.nextWithdrawalValidatorIndex = count - 1;
  for (let i = 0; i < count; i++) {
    state.validators.push({
      pubkey: pubkeys.get(i) ?? randomPubkey(random),
      withdrawalCredentials: randomBytes(random, 32),
      effectiveBalance: Math.floor(random() * 2049) * 1e9,
      slashed: random() < 0.2,
      activationEligibilityEpoch: randomEpoch(random),
      activationEpoch: randomEpoch(random),
      exitEpoch: randomEpoch(random),
      withdrawableEpoch: randomEpoch(random),
    });
    state.balances.push(Math.floor(random() * 2 ** 45));
  }
  // Other lists non-empty, so the registry is not the last thing in the bytes.
  state.historicalRoots.push(randomBytes(random, 32));
  state.historicalSummaries.push({
    blockSummaryRoot: randomBytes(random, 32),
    stateSummaryRoot: randomBytes(random, 32),
  });
  // Electra on: the last list of the state (absent before electra).
  state.pendingConsolidations?.push({ sourceIndex: 1, targetIndex: 2 });
  return stateType(fork).serialize(state);
}

/** What readState must return, from Lodestar's own deserialization. */
function expectedView(fork: string, bytes: Uint8Array, pubkeys: readonly string[]): ValidatorView[] {
  const state = stateType(fork).deserialize(bytes);
  const indexOf = new Map<string, number>();
  state.validators.forEach((v, i) => {
    if (!indexOf.has(hex(v.pubkey))) indexOf.set(hex(v.pubkey), i);
  });
  const seen = new Set<number>();
  const views: ValidatorView[] = [];
  for (const asked of pubkeys) {
    const pubkey = (asked.startsWith("0x") || asked.startsWith("0X") ? asked : `0x${asked}`).toLowerCase();
    const index = indexOf.get(pubkey);
    if (index === undefined || seen.has(index)) continue;
    seen.add(index);
    const v = state.validators[index] as (typeof state.validators)[number];
    views.push({
      index,
      pubkey,
      balanceGwei: state.balances[index] as number,
      effectiveBalanceGwei: v.effectiveBalance,
      slashed: v.slashed,
      activationEligibilityEpoch: v.activationEligibilityEpoch,
      activationEpoch: v.activationEpoch,
      exitEpoch: v.exitEpoch,
      withdrawableEpoch: v.withdrawableEpoch,
    });
  }
  return views;
}

function pubkeysOf(fork: string, bytes: Uint8Array): string[] {
  return stateType(fork)
    .deserialize(bytes)
    .validators.map((v) => hex(v.pubkey));
}

/** `list` in a seeded random order. */
function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function assertReadError(run: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof StateReadError, `a StateReadError, got ${String(error)}`);
    assert.equal(error.code, code, `error code (message: ${error.message})`);
    assert.match(error.message, pattern, "message says what is wrong");
    return true;
  });
}

describe("readState", () => {
  for (const fork of SUPPORTED_FORKS) {
    it(`reads every field of the protocol's validators from a ${fork} state`, () => {
      const bytes = buildState(fork, 300, 1);
      const all = pubkeysOf(fork, bytes);
      const random = seeded(2);
      const missing = [randomPubkey(random), randomPubkey(random)].map(hex);
      // A shuffled half of the registry, two pubkeys not in it, one asked twice.
      const asked = shuffled([...all.filter((_, i) => i % 2 === 0), ...missing], random);
      asked.splice(10, 0, asked[3] as string);
      const view = readState(bytes, fork, asked);
      assert.equal(view.slot, 11_000_001, "slot");
      assert.equal(view.totalValidators, 300, "registry size");
      assert.equal(view.validators.length, 150, "found every asked pubkey in the registry, each once");
      assert.deepEqual(
        view.validators,
        expectedView(fork, bytes, asked),
        "fields equal Lodestar's deserialization",
      );
      assert.deepEqual(
        view.validators.map((v) => v.pubkey),
        asked.filter((p, i) => !missing.includes(p) && asked.indexOf(p) === i),
        "in the order asked",
      );
    });
  }

  it("reads FAR_FUTURE_EPOCH as Infinity and values above 2^32 exactly", () => {
    const bytes = buildState("fulu", 200, 3);
    const view = readState(bytes, "fulu", pubkeysOf("fulu", bytes));
    const epochs = view.validators.flatMap((v) => [v.activationEpoch, v.exitEpoch, v.withdrawableEpoch]);
    assert.ok(epochs.includes(Number.POSITIVE_INFINITY), "some epoch is FAR_FUTURE");
    assert.ok(
      epochs.some((e) => Number.isFinite(e) && e > 2 ** 32),
      "some epoch is above 2^32",
    );
    assert.ok(
      view.validators.some((v) => v.balanceGwei > 2 ** 32),
      "some balance is above 2^32 gwei",
    );
    assert.deepEqual(view.validators, expectedView("fulu", bytes, pubkeysOf("fulu", bytes)), "all fields");
  });

  it("accepts pubkeys without 0x and in upper case, and reports them normalized", () => {
    const bytes = buildState("electra", 50, 4);
    const all = pubkeysOf("electra", bytes);
    const asked = [(all[7] as string).slice(2), (all[9] as string).toUpperCase().replace("0X", "0x")];
    const view = readState(bytes, "electra", asked);
    assert.deepEqual(
      view.validators.map((v) => [v.index, v.pubkey]),
      [
        [7, all[7]],
        [9, all[9]],
      ],
      "found and normalized",
    );
  });

  it("finds pubkeys that share the hashed bytes", () => {
    const random = seeded(5);
    const overrides = new Map<number, Uint8Array>();
    const collide = (pubkey: Uint8Array) => {
      pubkey.set([0xde, 0xad, 0xbe, 0xef], 4);
      return pubkey;
    };
    for (let i = 0; i < 120; i += 3) overrides.set(i, collide(randomPubkey(random)));
    const bytes = buildState("fulu", 120, 6, overrides);
    const absentButColliding = Array.from({ length: 5 }, () => hex(collide(randomPubkey(random))));
    const asked = [...absentButColliding, ...pubkeysOf("fulu", bytes).reverse()];
    const view = readState(bytes, "fulu", asked);
    assert.equal(view.validators.length, 120, "every registry pubkey found");
    assert.deepEqual(view.validators, expectedView("fulu", bytes, asked), "each matched to its own record");
  });

  it("returns no validators for no pubkeys, and none for pubkeys all absent", () => {
    const bytes = buildState("deneb", 20, 7);
    assert.deepEqual(readState(bytes, "deneb", []).validators, [], "nothing asked");
    const random = seeded(8);
    assert.deepEqual(readState(bytes, "deneb", [hex(randomPubkey(random))]).validators, [], "absent");
    assert.equal(readState(bytes, "deneb", []).totalValidators, 20, "registry size still read");
  });

  it("reads a state whose registry is empty", () => {
    const bytes = buildState("fulu", 0, 9);
    const view = readState(bytes, "fulu", [hex(randomPubkey(seeded(10)))]);
    assert.deepEqual(view, { slot: 11_000_009, totalValidators: 0, validators: [] }, "empty view");
  });
});

describe("PubkeyIndexCache", () => {
  it("gives the same view as a scan, from the cache on the next report", () => {
    const bytes = buildState("fulu", 400, 11);
    const asked = shuffled(pubkeysOf("fulu", bytes), seeded(12)).slice(0, 250);
    const cache = new PubkeyIndexCache();
    const first = readState(bytes, "fulu", asked, { cache });
    assert.equal(cache.size, 250, "every pubkey found is cached");
    assert.equal(cache.get(asked[0] as string), first.validators[0]?.index, "cached index");
    const second = readState(bytes, "fulu", asked, { cache });
    assert.deepEqual(second, first, "same view through the cache");
    // A longer list (new keys appended) and a list in another order reuse what they can.
    const longer = [
      ...asked,
      ...pubkeysOf("fulu", bytes)
        .filter((p) => !asked.includes(p))
        .slice(0, 10),
    ];
    assert.deepEqual(
      readState(bytes, "fulu", longer, { cache }),
      readState(bytes, "fulu", longer),
      "appended list",
    );
    const reordered = shuffled(longer, seeded(13));
    assert.deepEqual(
      readState(bytes, "fulu", reordered, { cache }),
      readState(bytes, "fulu", reordered),
      "reordered list",
    );
    assert.equal(cache.size, 260, "appended pubkeys cached");
  });

  it("checks cached indices against the bytes and drops stale ones", () => {
    // The same pubkeys at other indices (another network, or a cache gone wrong), plus one index past the end.
    const bytes = buildState("fulu", 100, 14);
    const pubkeys = pubkeysOf("fulu", bytes);
    const moved = new Map(pubkeys.map((p, i) => [99 - i, Buffer.from(p.slice(2), "hex")]));
    const reversed = buildState("fulu", 100, 15, moved);
    const cache = new PubkeyIndexCache();
    readState(bytes, "fulu", pubkeys, { cache });
    const shorter = buildState(
      "fulu",
      40,
      16,
      new Map(pubkeys.slice(0, 40).map((p, i) => [i, Buffer.from(p.slice(2), "hex")])),
    );

    const view = readState(reversed, "fulu", pubkeys, { cache });
    assert.deepEqual(view, readState(reversed, "fulu", pubkeys), "stale indices are not used");
    assert.equal(view.validators[0]?.index, 99, "the first pubkey is found at its new index");
    assert.equal(cache.get(pubkeys[0] as string), 99, "and the cache now says so");

    const fresh = new PubkeyIndexCache();
    readState(reversed, "fulu", pubkeys, { cache: fresh });
    const short = readState(shorter, "fulu", pubkeys, { cache: fresh });
    assert.deepEqual(
      short,
      readState(shorter, "fulu", pubkeys),
      "indices past the registry's end are not used",
    );
    assert.equal(short.validators.length, 40, "found the 40 in the shorter registry");
    assert.equal(
      fresh.get(pubkeys[60] as string),
      undefined,
      "a pubkey no longer found is dropped from the cache",
    );
  });
});

describe("readStateSummary", () => {
  for (const fork of SUPPORTED_FORKS) {
    it(`reads the slot, latest headers and withdrawal counters of a ${fork} state`, () => {
      const bytes = buildState(fork, 30, 20);
      const state = stateType(fork).deserialize(bytes);
      const summary = readStateSummary(bytes, fork);
      assert.deepEqual(
        summary,
        {
          fork,
          slot: state.slot,
          totalValidators: 30,
          latestBlockHeader: {
            slot: state.latestBlockHeader.slot,
            proposerIndex: state.latestBlockHeader.proposerIndex,
            parentRoot: hex(state.latestBlockHeader.parentRoot),
            stateRoot: hex(state.latestBlockHeader.stateRoot),
            bodyRoot: hex(state.latestBlockHeader.bodyRoot),
          },
          executionBlockNumber: state.latestExecutionPayloadHeader.blockNumber,
          executionBlockHash: hex(state.latestExecutionPayloadHeader.blockHash),
          nextWithdrawalIndex: state.nextWithdrawalIndex,
          nextWithdrawalValidatorIndex: state.nextWithdrawalValidatorIndex,
        },
        "every field equals Lodestar's deserialization",
      );
    });
  }
});

describe("bad input", () => {
  const bytes = buildState("fulu", 50, 30);
  const pubkeys = pubkeysOf("fulu", bytes);
  const layout = stateLayout("fulu");
  const offsetOf = (field: string) => {
    const f = layout.variableFields.find((v) => v.name === field);
    assert.ok(f, field);
    return Buffer.from(bytes).readUInt32LE(f.offsetPosition);
  };

  it("names an unknown or unsupported fork", () => {
    assertReadError(
      () => readState(bytes, "gloas", pubkeys),
      "unknown_fork",
      /fork "gloas".*capella, deneb, electra, fulu/,
    );
    assertReadError(() => readStateSummary(bytes, "phase0"), "unknown_fork", /phase0/);
    const error = (() => {
      try {
        readState(bytes, "nonsense", []);
      } catch (e) {
        return e as StateReadError;
      }
    })();
    assert.equal(error?.retryable, false, "asking again cannot help");
    assert.equal(readState(bytes, "FULU", []).totalValidators, 50, "the header's case does not matter");
  });

  it("rejects bytes shorter than the fixed part", () => {
    assertReadError(
      () => readState(bytes.subarray(0, 1000), "fulu", pubkeys),
      "truncated",
      /at least \d+ bytes.*got 1000/,
    );
    assertReadError(() => readState(new Uint8Array(0), "fulu", []), "truncated", /got 0/);
  });

  it("rejects a state cut inside the registry", () => {
    const cut = bytes.subarray(0, offsetOf("validators") + 121 * 10 + 7);
    assertReadError(() => readState(cut, "fulu", pubkeys), "truncated", /past the end.*truncated/);
  });

  it("rejects a state cut inside its last list", () => {
    const cut = bytes.subarray(0, bytes.length - 3);
    assertReadError(
      () => readState(cut, "fulu", pubkeys),
      "bad_length",
      /pendingConsolidations.*not a whole number/,
    );
  });

  it("rejects the state of another fork (a fixed part of another length)", () => {
    const electra = buildState("electra", 10, 31);
    assertReadError(() => readState(electra, "fulu", []), "bad_offset", /fixed part of a fulu state ends at/);
    assertReadError(() => readStateSummary(bytes, "electra"), "bad_offset", /electra/);
  });

  it("rejects offsets out of order", () => {
    const copy = Buffer.from(bytes);
    const balances = layout.variableFields[layout.balances];
    assert.ok(balances);
    copy.writeUInt32LE(offsetOf("validators") - 1, balances.offsetPosition);
    assertReadError(() => readState(copy, "fulu", []), "bad_offset", /balances.*before the previous/);
  });

  it("rejects a registry and balances of different lengths", () => {
    const state = ssz.fulu.BeaconState.deserialize(bytes);
    state.balances.pop();
    const serialized = ssz.fulu.BeaconState.serialize(state);
    assertReadError(() => readState(serialized, "fulu", []), "bad_length", /50 validators but 49 balances/);
  });

  it("rejects an epoch that is neither FAR_FUTURE_EPOCH nor below 2^53", () => {
    const copy = Buffer.from(bytes);
    const position = offsetOf("validators") + 5 * validatorLayout().size + validatorLayout().exitEpoch;
    copy.writeUInt32LE(0, position);
    copy.writeUInt32LE(0x80000000, position + 4);
    assertReadError(
      () => readState(copy, "fulu", [pubkeys[5] as string]),
      "bad_value",
      /exit_epoch.*FAR_FUTURE_EPOCH/,
    );
  });

  it("names a pubkey that is not 48 bytes of hex", () => {
    assertReadError(
      () => readState(bytes, "fulu", [pubkeys[0] as string, "0x1234"]),
      "bad_pubkey",
      /#1.*0x1234/,
    );
    const notHex = `0x${"zz".repeat(48)}`;
    assertReadError(() => readState(bytes, "fulu", [notHex]), "bad_pubkey", /#0/);
    const oneShort = (pubkeys[0] as string).slice(0, -2);
    assertReadError(() => readState(bytes, "fulu", [oneShort]), "bad_pubkey", /not 48 bytes/);
  });
});
