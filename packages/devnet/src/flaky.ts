/**
 * A flaky link on loopback: an HTTP proxy in front of a JSON-RPC or Beacon API endpoint that drops,
 * delays, refuses (503) or corrupts (cuts short) a share of the responses, from a seeded generator.
 * Event streams (Server-Sent Events) pass through untouched once connected.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FlakyOptions {
  target: string;
  /** Shares of the requests, each in [0, 1], drawn in this order. */
  drop: number;
  refuse: number;
  corrupt: number;
  delay: number;
  /** Longest delay, ms (a delayed response waits a random time up to it). */
  maxDelayMs: number;
  seed: number;
}

export interface FlakyProxy {
  url: string;
  counts: { forwarded: number; dropped: number; refused: number; corrupted: number; delayed: number };
  stop(): Promise<void>;
}

function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function body(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFlakyProxy(o: FlakyOptions): Promise<FlakyProxy> {
  const target = new URL(o.target);
  const random = generator(o.seed);
  const counts = { forwarded: 0, dropped: 0, refused: 0, corrupted: 0, delayed: 0 };
  const server: Server = createServer(async (req, res) => {
    const payload = await body(req);
    const streaming = (req.url ?? "").startsWith("/eth/v1/events");
    const roll = streaming ? 1 : random();
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      async (answer) => {
        if (streaming) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const data = await body(answer);
        let out = data;
        if (roll < o.drop) {
          counts.dropped++;
          req.socket.destroy();
          return;
        }
        if (roll < o.drop + o.refuse) {
          counts.refused++;
          res.writeHead(503, { "content-type": "text/plain" }).end("flaky link: refused");
          return;
        }
        if (roll < o.drop + o.refuse + o.corrupt && data.length > 1) {
          counts.corrupted++;
          out = data.subarray(0, Math.floor(data.length / 2));
        } else if (roll < o.drop + o.refuse + o.corrupt + o.delay) {
          counts.delayed++;
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * o.maxDelayMs)));
        } else counts.forwarded++;
        const headers = { ...answer.headers, "content-length": String(out.length) };
        res.writeHead(answer.statusCode ?? 502, headers).end(out);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent)
        res.writeHead(502, { "content-type": "text/plain" }).end("flaky link: upstream down");
      else res.destroy();
    });
    upstream.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
