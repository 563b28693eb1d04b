/**
 * Serves the dashboard: the static build (`dist/`, built first when it is missing or older than its
 * sources) and `config.json` (chain, RPC and API URLs, the deployment) from `--config`.
 *
 * `tsx serve.ts --port 9400 [--host 127.0.0.1] --config '<json>'`. Prints the URL when it listens.
 * Any static web server can host `dist/` the same way, with a `config.json` beside `index.html`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const ROOT = import.meta.dirname;
const DIST = join(ROOT, "dist");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** Builds `dist/` when it is missing or older than `src/`, `index.html` or the Vite config. */
export async function ensureBuilt(): Promise<void> {
  const index = join(DIST, "index.html");
  const sources = Math.max(
    newest(join(ROOT, "src")),
    statSync(join(ROOT, "index.html")).mtimeMs,
    statSync(join(ROOT, "vite.config.ts")).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  await build({ root: ROOT, logLevel: "warn", configFile: join(ROOT, "vite.config.ts") });
}

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".json", ".svg"]);

export function serveDashboard(options: { port: number; host: string; config: unknown }) {
  const configJson = JSON.stringify(options.config);
  // Text files are sent gzipped to browsers that accept it, compressed once per file and kept.
  const gzipped = new Map<string, { mtime: number; body: Buffer }>();
  const compressed = (path: string) => {
    const mtime = statSync(path).mtimeMs;
    const hit = gzipped.get(path);
    if (hit && hit.mtime === mtime) return hit.body;
    const body = gzipSync(readFileSync(path), { level: 9 });
    gzipped.set(path, { mtime, body });
    return body;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (url.pathname === "/config.json") {
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" }).end(configJson);
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
    const path = join(DIST, relative);
    if (!path.startsWith(DIST + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
      return;
    }
    if (relative === `${sep}index.html`) {
      // The configuration goes into the page itself, so the app starts without asking for it.
      const html = readFileSync(path, "utf8").replace(
        "</head>",
        `<script id="tributary-config" type="application/json">${configJson.replace(/</g, "\\u003c")}</script></head>`,
      );
      const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const body = gzip ? gzipSync(html) : Buffer.from(html);
      res.writeHead(200, {
        "content-type": TYPES[".html"],
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
        vary: "accept-encoding",
        "content-length": body.length,
        ...(gzip ? { "content-encoding": "gzip" } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const hashed = dirname(path) === join(DIST, "assets");
    const gzip =
      COMPRESSIBLE.has(extname(path)) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? compressed(path) : readFileSync(path);
    res.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream",
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
      "content-length": body.length,
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise<typeof server>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "9400" },
      host: { type: "string", default: "127.0.0.1" },
      config: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "usage: serve.ts [--port 9400] [--host 127.0.0.1] --config '<json: chainId, rpcUrl, apiUrl, deployment, devWallet>'\n",
    );
    process.exit(0);
  }
  if (!values.config) throw new Error("--config is required: the JSON the page reads as config.json");
  const config = JSON.parse(values.config) as unknown;
  await ensureBuilt();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${values.port} is not a port`);
  const server = await serveDashboard({ port, host: values.host, config });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  process.stdout.write(
    `${JSON.stringify({ msg: "dashboard listening", url: `http://${values.host}:${bound}/` })}\n`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => server.close(() => process.exit(0)));
}
