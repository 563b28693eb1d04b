import { StateReadError } from "./errors.js";
import { PUBKEY_LENGTH } from "./layout.js";

/**
 * Finding the protocol's validators among a registry of a million: the expensive part of reading a state.
 *
 * The wanted pubkeys go into an open-addressing hash table (typed arrays, no per-key objects) keyed by 4
 * bytes of the pubkey; one pass over the registry reads those 4 bytes of each record, probes the table, and
 * compares the full 48 bytes only for a candidate. Bytes 4..7 are used rather than the first ones because a
 * compressed BLS pubkey's first byte carries flag bits; the rest of a pubkey is uniformly distributed.
 * A bit filter of eight bits per table slot (1 MB for 300,000 keys, small enough to stay in the CPU's
 * cache) answers "certainly not wanted" for most of the registry before the table is touched.
 */

/** Pubkeys asked for, decoded into one buffer, with their normalized (0x, lowercase) strings. */
export interface PackedPubkeys {
  /** `count * 48` bytes; pubkey j at `j * 48`. */
  bytes: Buffer;
  /** `0x`-prefixed lowercase hex of each pubkey, in input order. */
  hex: string[];
  count: number;
}

/**
 * Decodes hex pubkeys (with or without 0x, any case); throws StateReadError("bad_pubkey") on a bad one.
 * The first `reuse.count` pubkeys are taken from `reuse.packed` instead, when the caller knows they are
 * the same strings.
 */
export function packPubkeys(
  pubkeys: readonly string[],
  reuse?: { packed: PackedPubkeys; count: number },
): PackedPubkeys {
  const count = pubkeys.length;
  const bytes = Buffer.allocUnsafe(count * PUBKEY_LENGTH);
  const hex = new Array<string>(count);
  const reused = reuse === undefined ? 0 : Math.min(reuse.count, count, reuse.packed.count);
  if (reuse !== undefined && reused > 0) {
    reuse.packed.bytes.copy(bytes, 0, 0, reused * PUBKEY_LENGTH);
    for (let j = 0; j < reused; j++) hex[j] = reuse.packed.hex[j] as string;
  }
  for (let j = reused; j < count; j++) {
    const input = pubkeys[j];
    const lower = typeof input === "string" ? input.toLowerCase() : "";
    const digits = lower.startsWith("0x") ? lower.slice(2) : lower;
    // Buffer#write stops at the first character that is not hex, so a short write means a bad pubkey.
    if (
      digits.length !== PUBKEY_LENGTH * 2 ||
      bytes.write(digits, j * PUBKEY_LENGTH, "hex") !== PUBKEY_LENGTH
    ) {
      throw new StateReadError(
        "bad_pubkey",
        `Pubkey #${j} is not 48 bytes of hex: ${JSON.stringify(String(input).slice(0, 120))}`,
        { position: j, pubkey: String(input).slice(0, 120) },
      );
    }
    hex[j] = digits === lower ? `0x${lower}` : lower;
  }
  return { bytes, hex, count };
}

/** Bytes of the record used as the hash key (see the file comment). */
const KEY_BYTE = 4;
/** 2^32 / golden ratio: a multiplicative hash that spreads 32-bit keys over the table's high bits. */
const HASH_MULTIPLIER = 0x9e3779b1;
/** A second multiplier (MurmurHash3's), so the filter's bit and the table's slot are independent. */
const FILTER_MULTIPLIER = 0x85ebca6b;
/** Filter bits per table slot, as a power of two. */
const FILTER_BITS_PER_SLOT_LOG2 = 3;

function keyAt(bytes: Uint8Array, position: number): number {
  const p = position + KEY_BYTE;
  return (
    (bytes[p] as number) |
    ((bytes[p + 1] as number) << 8) |
    ((bytes[p + 2] as number) << 16) |
    ((bytes[p + 3] as number) << 24)
  );
}

function sameKey(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number): boolean {
  for (let k = 0; k < PUBKEY_LENGTH; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/** Whether the record at `recordStart` holds pubkey `j` of `wanted`. */
export function pubkeyAtEquals(
  state: Uint8Array,
  recordStart: number,
  wanted: PackedPubkeys,
  j: number,
): boolean {
  return sameKey(state, recordStart, wanted.bytes, j * PUBKEY_LENGTH);
}

/**
 * Scans `count` records of `recordSize` bytes from `start` for the pubkeys `todo` (positions in `wanted`)
 * and writes each one's registry index into `found` (left at -1 when absent). The first record holding a
 * pubkey wins. A pubkey repeated in `todo` is looked for once (its later positions stay at -1). Returns how
 * many distinct pubkeys were found.
 */
export function scanRegistry(
  state: Uint8Array,
  start: number,
  count: number,
  recordSize: number,
  wanted: PackedPubkeys,
  todo: Int32Array,
  found: Int32Array,
): number {
  if (todo.length === 0) return 0;
  let bits = 4;
  while (1 << bits < todo.length * 2) bits++;
  const shift = 32 - bits;
  const slotMask = (1 << bits) - 1;
  // Slot s holds [key, position + 1] at [2s, 2s + 1]; 0 as the second word marks an empty slot.
  const table = new Int32Array(2 << bits);
  const filterShift = shift - FILTER_BITS_PER_SLOT_LOG2;
  // One bit per (key hash), 32 to an element: bit `f & 31` of element `f >>> 5`.
  const filter = new Int32Array(1 << (bits + FILTER_BITS_PER_SLOT_LOG2 - 5));
  const wantedBytes = wanted.bytes;
  let distinct = 0;
  for (let t = 0; t < todo.length; t++) {
    const j = todo[t] as number;
    const key = keyAt(wantedBytes, j * PUBKEY_LENGTH);
    const bit = Math.imul(key, FILTER_MULTIPLIER) >>> filterShift;
    filter[bit >>> 5] = (filter[bit >>> 5] as number) | (1 << (bit & 31));
    let slot = Math.imul(key, HASH_MULTIPLIER) >>> shift;
    for (;;) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) {
        table[2 * slot] = key;
        table[2 * slot + 1] = j + 1;
        distinct++;
        break;
      }
      if (
        table[2 * slot] === key &&
        sameKey(wantedBytes, (entry - 1) * PUBKEY_LENGTH, wantedBytes, j * PUBKEY_LENGTH)
      ) {
        break;
      }
      slot = (slot + 1) & slotMask;
    }
  }
  let remaining = distinct;
  for (let i = 0, position = start; i < count; i++, position += recordSize) {
    const key = keyAt(state, position);
    const bit = Math.imul(key, FILTER_MULTIPLIER) >>> filterShift;
    if (((filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) continue;
    let slot = Math.imul(key, HASH_MULTIPLIER) >>> shift;
    for (;;) {
      const entry = table[2 * slot + 1] as number;
      if (entry === 0) break;
      if (table[2 * slot] === key) {
        const j = entry - 1;
        if ((found[j] as number) < 0 && sameKey(state, position, wantedBytes, j * PUBKEY_LENGTH)) {
          found[j] = i;
          remaining--;
          break;
        }
      }
      slot = (slot + 1) & slotMask;
    }
    if (remaining === 0) break;
  }
  return distinct - remaining;
}

/**
 * Registry indices of pubkeys seen in earlier states, to skip the registry scan for them. A validator's
 * index never changes, but the cache is only a hint: `readState` checks the pubkey bytes at a cached index
 * before using it and scans for any that do not match, so a stale or foreign cache costs time, never
 * correctness. Keep one per network between reports.
 *
 * Two levels: the previous call's list, decoded, with the index found at each position (a new list that
 * starts with the same strings, as an append-only key registry does, reuses both without hashing a single
 * string); and a map from pubkey to index for the rest.
 */
export class PubkeyIndexCache {
  #pubkeys: string[] = [];
  #packed: PackedPubkeys | undefined;
  #indices: Int32Array = new Int32Array(0);
  readonly #byPubkey = new Map<string, number>();

  /** The cached index of a 0x-prefixed lowercase pubkey. */
  get(pubkey: string): number | undefined {
    return this.#byPubkey.get(pubkey);
  }

  /** Pubkeys with a cached index. */
  get size(): number {
    return this.#byPubkey.size;
  }

  clear(): void {
    this.#pubkeys = [];
    this.#packed = undefined;
    this.#indices = new Int32Array(0);
    this.#byPubkey.clear();
  }

  /** Decodes `pubkeys`, reusing the previous list's common prefix, and gives a candidate index (or -1) per position. */
  prepare(pubkeys: readonly string[]): { packed: PackedPubkeys; hints: Int32Array } {
    const previous = this.#pubkeys;
    const limit = Math.min(previous.length, pubkeys.length);
    let common = 0;
    while (common < limit && pubkeys[common] === previous[common]) common++;
    const packed =
      this.#packed === undefined
        ? packPubkeys(pubkeys)
        : packPubkeys(pubkeys, { packed: this.#packed, count: common });
    const hints = new Int32Array(packed.count);
    hints.set(this.#indices.subarray(0, common));
    for (let j = common; j < packed.count; j++) hints[j] = this.#byPubkey.get(packed.hex[j] as string) ?? -1;
    return { packed, hints };
  }

  /** Records what a read found: `found[j]` is the index of `pubkeys[j]`, -1 if absent. */
  remember(pubkeys: readonly string[], packed: PackedPubkeys, found: Int32Array, hints: Int32Array): void {
    this.#pubkeys = pubkeys.slice();
    this.#packed = packed;
    this.#indices = found;
    // Stale entries go first, so a pubkey listed twice (found once) keeps the index found for it.
    for (let j = 0; j < packed.count; j++) {
      if ((found[j] as number) < 0 && (hints[j] as number) >= 0)
        this.#byPubkey.delete(packed.hex[j] as string);
    }
    for (let j = 0; j < packed.count; j++) {
      const index = found[j] as number;
      if (index >= 0 && index !== hints[j]) this.#byPubkey.set(packed.hex[j] as string, index);
    }
  }
}
