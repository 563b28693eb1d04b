/**
 * Reading Beacon API responses: shape checks that name the wrong field, the per-request timeout
 * (idle once a body streams), and a body read into one buffer.
 */
import type { Hex } from "viem";
import { BeaconMalformedResponse, BeaconUnsupportedResponse } from "./beaconErrors.js";

/** Characters of an error body kept in messages. */
const NODE_MESSAGE_CHARS = 300;
const HEX = /^0x([0-9a-fA-F]{2})*$/;
export const DECIMAL = /^\d+$/;

/** What a response reader gets besides the response. */
export interface ReadContext {
  /** The URL requested, without credentials. */
  url: string;
  shape: Shape;
  /** Resets the idle timeout (a chunk of the body arrived). */
  touch: () => void;
}

/** Checks the shape of one JSON response, naming the field that is wrong. */
export class Shape {
  constructor(
    private readonly route: string,
    private readonly url: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new BeaconMalformedResponse(this.route, this.url, field, problem);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      this.fail(field, "is not an object");
    return value as Record<string, unknown>;
  }

  array(value: unknown, field: string): unknown[] {
    if (!Array.isArray(value)) this.fail(field, "is not an array");
    return value;
  }

  /** A uint64 sent as a decimal string (numbers are accepted too), below 2^53. */
  uint(value: unknown, field: string): number {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
    if (typeof value !== "string" || !DECIMAL.test(value)) {
      this.fail(field, `is not a decimal integer (${JSON.stringify(value)?.slice(0, 40)})`);
    }
    const number = Number(value);
    if (!Number.isSafeInteger(number)) this.fail(field, `is ${value}, above 2^53`);
    return number;
  }

  hex(value: unknown, field: string, bytes: number): Hex {
    if (typeof value !== "string" || !HEX.test(value) || value.length !== 2 + 2 * bytes) {
      this.fail(field, `is not ${bytes} bytes of 0x-hex (${JSON.stringify(value)?.slice(0, 80)})`);
    }
    return value.toLowerCase() as Hex;
  }

  bool(value: unknown, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "is not a boolean");
    return value;
  }

  optionalBool(value: unknown, field: string): boolean | undefined {
    return value === undefined ? undefined : this.bool(value, field);
  }

  string(value: unknown, field: string): string {
    if (typeof value !== "string" || value === "") this.fail(field, "is not a non-empty string");
    return value;
  }
}

/** An abort after `ms`: for the whole request, or, once `idle` is set, since the last `touch()`. */
export class IdleTimer {
  readonly signal: AbortSignal;
  fired = false;
  idle = false;
  phase: "response" | "body" = "response";
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.fired = true;
    this.controller.abort(new Error(`timeout after ${this.ms} ms`));
  }

  touch(): void {
    if (!this.idle || this.fired) return;
    this.timer.refresh();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** The `message` of a Beacon API error body ({"code": 503, "message": "..."}), else its start. */
export function nodeMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === "string") return parsed.message.slice(0, NODE_MESSAGE_CHARS);
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, NODE_MESSAGE_CHARS).trim();
}

/**
 * Reads a body into one buffer: preallocated when the length is known, else a resizable buffer
 * grown in place (V8 reserves `maxBytes` of address space, commits pages as it grows). Checks the
 * length against `expected`.
 */
export async function readBody(
  response: Response,
  expected: number | undefined,
  maxBytes: number,
  { route, url, shape, touch }: ReadContext & { route: string },
): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) throw new BeaconMalformedResponse(route, url, "body", "is empty");
  const buffer = (
    expected !== undefined
      ? new ArrayBuffer(expected)
      : new (ArrayBuffer as unknown as ResizableArrayBufferConstructor)(
          Math.min(INITIAL_UNKNOWN_LENGTH_BYTES, maxBytes),
          {
            maxByteLength: maxBytes,
          },
        )
  ) as ResizableArrayBuffer;
  let view = new Uint8Array(buffer);
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    touch();
    if (length + value.length > buffer.byteLength) {
      if (expected !== undefined) {
        await reader.cancel();
        shape.fail("body", `is longer than its Content-Length ${expected}`);
      }
      if (length + value.length > maxBytes) {
        await reader.cancel();
        throw new BeaconUnsupportedResponse(route, url, `the body is above the ${maxBytes} bytes allowed`);
      }
      buffer.resize(Math.min(maxBytes, Math.max(length + value.length, buffer.byteLength * 2)));
      view = new Uint8Array(buffer);
    }
    view.set(value, length);
    length += value.length;
  }
  if (expected !== undefined) {
    if (length !== expected) shape.fail("body", `has ${length} bytes, not its Content-Length ${expected}`);
    return view;
  }
  // Shrunk in place (a fixed-length copy would cost a copy of the whole state): the view's
  // `buffer` stays a resizable ArrayBuffer, which typed arrays and DataViews read as any other.
  buffer.resize(length);
  return new Uint8Array(buffer, 0, length);
}

const INITIAL_UNKNOWN_LENGTH_BYTES = 1 << 20;

/** ES2024 resizable buffers (Node 22), beyond the ES2023 library the project compiles against. */
interface ResizableArrayBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
type ResizableArrayBufferConstructor = new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;
