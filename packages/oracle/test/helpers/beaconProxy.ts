import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Answers the proxy gives instead of forwarding, for the next `count` matching requests. */
export interface BeaconFault {
  /** HTTP status of the error answer (e.g. 500, 503, 429, 404). */
  status: number;
  /** How many requests get it; default: every request until `setFault(null)`. */
  count?: number;
  /** Only requests whose path and query match; default: every request. */
  path?: RegExp;
  /** Body of the answer; default a Beacon API error object `{code, message}`. */
  body?: string;
}

/**
 * An HTTP proxy in front of a Beacon API that a test can make fail: error answers for chosen
 * requests, or down altogether (the port refuses connections). Everything else is forwarded as is,
 * streamed (the event stream included).
 */
export interface BeaconProxy {
  url: string;
  /** Requests answered with an error by a fault so far. */
  readonly faulted: number;
  /** Requests forwarded so far. */
  readonly forwarded: number;
  setFault(fault: BeaconFault | null): void;
  /** Down: the port stops listening and open connections are cut. Up: it listens again. */
  setDown(down: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startBeaconProxy(target: string, port = 0): Promise<BeaconProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let fault: (BeaconFault & { left: number }) | null = null;
  let faulted = 0;
  let forwarded = 0;
  let down = false;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    if (fault && fault.left > 0 && (!fault.path || fault.path.test(path))) {
      fault.left--;
      faulted++;
      const body =
        fault.body ??
        JSON.stringify({ code: fault.status, message: `injected fault on ${req.method} ${path}` });
      res.writeHead(fault.status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    forwarded++;
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      const body = JSON.stringify({
        code: 502,
        message: `beacon proxy: upstream ${target} failed: ${error.message}`,
      });
      res.writeHead(502, { "content-type": "application/json" });
      res.end(body);
    });
    // A client that goes away (an event stream closed) ends the upstream request too.
    res.on("close", () => forward.destroy());
    req.pipe(forward);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const listen = (on: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(on, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  const boundPort = await listen(port);
  return {
    url: `http://127.0.0.1:${boundPort}`,
    get faulted() {
      return faulted;
    },
    get forwarded() {
      return forwarded;
    },
    setFault(next) {
      fault = next === null ? null : { ...next, left: next.count ?? Number.POSITIVE_INFINITY };
    },
    async setDown(next) {
      if (next === down) return;
      down = next;
      if (down) await close();
      else await listen(boundPort);
    },
    async stop() {
      await close();
      agent.destroy();
    },
  };
}
