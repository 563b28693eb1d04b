import { constants } from "node:buffer";

/**
 * Parsing a Beacon API validator list whose body may not fit in one JavaScript string. V8 caps a string
 * at MAX_STRING_LENGTH characters (about 512 MiB); the JSON of 1.1M validators is already about 507 MiB,
 * so a client that does `JSON.parse(await res.text())` stops working a little above that. Past the cap
 * the list is cut at entry boundaries and parsed in batches.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
/** Entries per JSON.parse call when the body is parsed in batches. */
const BATCH_ENTRIES = 16_384;
const decoder = new TextDecoder();

export type JsonParseMode = "whole" | "batches";

/**
 * The entries of `{"data": [...]}`. With `mode` "auto" the body is parsed as one string when it fits in
 * one; the holder's bytes are then released before the parse, so they can be collected meanwhile.
 */
export function parseValidatorList(
  body: { bytes?: Uint8Array | undefined },
  mode: "auto" | "batches" = "auto",
): { data: unknown[]; mode: JsonParseMode } {
  if (body.bytes === undefined) throw new Error("validator list: no body");
  if (mode === "auto" && body.bytes.length <= constants.MAX_STRING_LENGTH) {
    // No local keeps the bytes: once decoded, only the string is left to hold.
    const text = decoder.decode(body.bytes);
    body.bytes = undefined;
    return { data: (JSON.parse(text) as { data: unknown[] }).data, mode: "whole" };
  }
  return { data: parseDataInBatches(body.bytes), mode: "batches" };
}

/** Finds the `"data"` array and parses its objects BATCH_ENTRIES at a time. */
function parseDataInBatches(body: Uint8Array): unknown[] {
  const key = Buffer.from('"data"');
  const at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(key);
  if (at < 0) throw new Error('validator list: no "data" field');
  let i = at + key.length;
  while (i < body.length && body[i] !== OPEN_BRACKET) i++;
  if (i === body.length) throw new Error('validator list: "data" is not an array');
  const data: unknown[] = [];
  let depth = 0;
  let inString = false;
  let batchStart = -1;
  let entries = 0;
  const flush = (end: number) => {
    data.push(...(JSON.parse(`[${decoder.decode(body.subarray(batchStart, end))}]`) as unknown[]));
    batchStart = -1;
    entries = 0;
  };
  for (i++; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE) {
      if (depth === 0 && batchStart < 0) batchStart = i;
      depth++;
    } else if (c === CLOSE_BRACE) {
      depth--;
      if (depth === 0 && ++entries === BATCH_ENTRIES) flush(i + 1);
    } else if (c === 0x5d && depth === 0) {
      if (batchStart >= 0) flush(i);
      return data;
    }
  }
  throw new Error("validator list: the data array is not closed (truncated body)");
}
