/**
 * A JSON-RPC proxy in front of a node that counts the HTTP requests (round trips) and the calls in
 * them, and can add a fixed delay to each round trip to stand in for a remote node.
 */
import { createServer, request } from "node:http";
import { freePort } from "../../../contracts/lib/bench.js";

export interface RpcProxy {
  url: string;
  /** HTTP requests, JSON-RPC calls, and the methods of each request, since the start. */
  counts: { requests: number; calls: number; trips: string[][] };
  close(): Promise<void>;
}

export async function countingProxy(
  target: string,
  options: { latencyMs?: number; trace?: boolean } = {},
): Promise<RpcProxy> {
  const counts = { requests: 0, calls: 0, trips: [] as string[][] };
  const port = await freePort();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      counts.requests++;
      const parsed = JSON.parse(body.toString()) as unknown;
      const calls = (Array.isArray(parsed) ? parsed : [parsed]) as { method: string }[];
      counts.calls += calls.length;
      counts.trips.push(calls.map((c) => c.method));
      if (options.trace) console.log(`  round trip: ${calls.map((c) => c.method).join(", ")}`);
      const forward = () => {
        const upstream = request(
          target,
          { method: "POST", headers: { "content-type": "application/json" } },
          (up) => {
            res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" });
            up.pipe(res);
          },
        );
        upstream.end(body);
      };
      if (options.latencyMs) setTimeout(forward, options.latencyMs);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
