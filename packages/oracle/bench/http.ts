import { get } from "node:http";

/** An SSZ beacon state as fetched: its bytes and the `Eth-Consensus-Version` header. */
export interface FetchedState {
  bytes: Buffer;
  fork: string;
}

/**
 * GET `/eth/v2/debug/beacon/states/{stateId}` as SSZ. The body goes into one buffer sized from
 * Content-Length (no chunk list, no copy at the end), the way a client of a 150+ MB body should read it.
 */
export function fetchStateSsz(baseUrl: string, stateId: string): Promise<FetchedState> {
  const url = `${baseUrl}/eth/v2/debug/beacon/states/${stateId}`;
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { accept: "application/octet-stream" } }, (res) => {
      const fork = res.headers["eth-consensus-version"];
      if (res.statusCode !== 200 || typeof fork !== "string") {
        res.resume();
        reject(new Error(`GET ${url}: status ${res.statusCode}, Eth-Consensus-Version ${String(fork)}`));
        return;
      }
      const declared = Number(res.headers["content-length"]);
      const sized = Number.isSafeInteger(declared) && declared >= 0;
      const chunks: Buffer[] = [];
      const body = sized ? Buffer.allocUnsafe(declared) : Buffer.alloc(0);
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        if (sized) {
          if (received + chunk.length > declared) {
            res.destroy(new Error(`GET ${url}: body longer than Content-Length ${declared}`));
            return;
          }
          chunk.copy(body, received);
        } else {
          chunks.push(chunk);
        }
        received += chunk.length;
      });
      res.on("end", () => {
        if (sized && received !== declared) {
          reject(new Error(`GET ${url}: body of ${received} bytes, Content-Length said ${declared}`));
          return;
        }
        resolve({ bytes: sized ? body : Buffer.concat(chunks), fork });
      });
      res.on("error", reject);
    });
    request.on("error", reject);
  });
}
