import { StateReadError } from "./errors.js";
import { type StateLayout, stateLayout, validatorLayout } from "./layout.js";

/**
 * A serialized BeaconState with its variable-size fields located and checked: every offset inside the
 * bytes and in order, every list a whole number of elements within its limit. Nothing else is parsed.
 */
export interface StateRegions {
  layout: StateLayout;
  bytes: Uint8Array;
  view: DataView;
  /** Start and end (exclusive) of each variable-size field, in `layout.variableFields` order. */
  starts: number[];
  ends: number[];
  /** Validators in the registry; `balances` has as many entries. */
  validatorCount: number;
}

/** Locates the variable-size fields of a `fork` BeaconState in `bytes`; throws StateReadError if malformed. */
export function locateRegions(bytes: Uint8Array, fork: string): StateRegions {
  const layout = stateLayout(fork);
  const length = bytes.length;
  if (length < layout.fixedEnd) {
    throw new StateReadError(
      "truncated",
      `A ${layout.fork} beacon state is at least ${layout.fixedEnd} bytes (its fixed part); got ${length}`,
      { fork: layout.fork, length, fixedEnd: layout.fixedEnd },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields = layout.variableFields;
  const starts = new Array<number>(fields.length);
  const ends = new Array<number>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as (typeof fields)[number];
    const offset = view.getUint32(field.offsetPosition, true);
    const previous = i === 0 ? layout.fixedEnd : (starts[i - 1] as number);
    if (i === 0 ? offset !== layout.fixedEnd : offset < previous) {
      throw new StateReadError(
        "bad_offset",
        i === 0
          ? `Offset of ${field.name} is ${offset}, but the fixed part of a ${layout.fork} state ends at ${layout.fixedEnd} (another fork or preset?)`
          : `Offset of ${field.name} (${offset}) is before the previous field's (${previous})`,
        { fork: layout.fork, field: field.name, offset, expectedAtLeast: previous },
      );
    }
    if (offset > length) {
      throw new StateReadError(
        "truncated",
        `Offset of ${field.name} (${offset}) is past the end of the ${length} bytes: the state is truncated`,
        { fork: layout.fork, field: field.name, offset, length },
      );
    }
    starts[i] = offset;
    if (i > 0) ends[i - 1] = offset;
  }
  if (fields.length > 0) ends[fields.length - 1] = length;
  for (let i = 0; i < fields.length; i++) checkField(layout, i, starts[i] as number, ends[i] as number);

  const validatorBytes = (ends[layout.validators] as number) - (starts[layout.validators] as number);
  const validatorCount = validatorBytes / validatorLayout().size;
  const balanceCount = ((ends[layout.balances] as number) - (starts[layout.balances] as number)) / 8;
  if (balanceCount !== validatorCount) {
    throw new StateReadError(
      "bad_length",
      `The state has ${validatorCount} validators but ${balanceCount} balances`,
      { fork: layout.fork, validators: validatorCount, balances: balanceCount },
    );
  }
  return { layout, bytes, view, starts, ends, validatorCount };
}

function checkField(layout: StateLayout, index: number, start: number, end: number): void {
  const field = layout.variableFields[index];
  if (field === undefined) return;
  const size = end - start;
  if (field.elementSize !== null) {
    if (size % field.elementSize !== 0) {
      throw new StateReadError(
        "bad_length",
        `${field.name} is ${size} bytes, not a whole number of ${field.elementSize}-byte elements (truncated or corrupted state)`,
        { fork: layout.fork, field: field.name, bytes: size, elementSize: field.elementSize },
      );
    }
    if (field.limit !== null && size / field.elementSize > field.limit) {
      throw new StateReadError(
        "bad_length",
        `${field.name} has ${size / field.elementSize} elements, above its limit of ${field.limit}`,
        { fork: layout.fork, field: field.name, elements: size / field.elementSize, limit: field.limit },
      );
    }
  }
  if (size < field.minLength) {
    throw new StateReadError(
      "truncated",
      `${field.name} is ${size} bytes, shorter than its fixed part of ${field.minLength}`,
      { fork: layout.fork, field: field.name, bytes: size, minLength: field.minLength },
    );
  }
}

const TWO_POW_32 = 2 ** 32;
/** Highest 32-bit word of a u64 below 2^53, the largest integer a number holds exactly. */
const SAFE_HIGH_WORD = 2 ** 21 - 1;
const MAX_U32 = 0xffffffff;

/** A little-endian u64 as a number; throws if it is 2^53 or more (no real balance, slot or index is). */
export function readUint64(view: DataView, position: number, what: string): number {
  const low = view.getUint32(position, true);
  const high = view.getUint32(position + 4, true);
  if (high > SAFE_HIGH_WORD) {
    throw new StateReadError("bad_value", `${what} at byte ${position} is 2^53 or more`, {
      what,
      position,
      high,
      low,
    });
  }
  return high * TWO_POW_32 + low;
}

/** A little-endian u64 epoch; FAR_FUTURE_EPOCH (2^64 - 1) is Infinity. */
export function readEpoch(view: DataView, position: number, what: string): number {
  const low = view.getUint32(position, true);
  const high = view.getUint32(position + 4, true);
  if (high === MAX_U32 && low === MAX_U32) return Number.POSITIVE_INFINITY;
  if (high > SAFE_HIGH_WORD) {
    throw new StateReadError(
      "bad_value",
      `${what} at byte ${position} is neither FAR_FUTURE_EPOCH nor below 2^53`,
      {
        what,
        position,
        high,
        low,
      },
    );
  }
  return high * TWO_POW_32 + low;
}

/** `length` bytes at `position` as 0x-prefixed lowercase hex. */
export function readHex(bytes: Uint8Array, position: number, length: number): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset + position, length).toString("hex")}`;
}
