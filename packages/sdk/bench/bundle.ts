/**
 * Bundles an entry the way a dapp's production build would (esbuild: ESM, browser, minified,
 * tree-shaken, code splitting on), in memory, and measures it. With splitting, what an `import()`
 * reaches goes to chunks of its own that the page fetches only when that code runs: the SDK's error
 * decoder (loaded on the first failure), and viem's own (secp256k1 for EIP-7702 authorizations,
 * CCIP-Read). The chunks the entry imports statically are what the page downloads before it can do
 * anything: "initial"; the others are "lazy". Each chunk is gzipped on its own (node:zlib, level 9),
 * as a server sends it. Used by the size benchmark and the tree-shaking test.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** Imports in entries resolve from the SDK package: `@tributary/sdk`, `viem`, the Lido SDK. */
export const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

/** One output file of a bundle. */
export interface Chunk {
  /** Output path (`out/entry.js`, `out/chunk-XXXX.js`, `out/decode-XXXX.js`). */
  path: string;
  /** Imported statically from the entry (loaded with the page), or only through an `import()`. */
  initial: boolean;
  /** The module an `import()` loads through this chunk, when it is one (e.g. `src/errors/decode.ts`). */
  entryPoint: string | undefined;
  minifiedBytes: number;
  gzipBytes: number;
}

export interface BundleSize {
  /** The initial chunks, bundled and tree-shaken, not minified. */
  rawBytes: number;
  /** The initial chunks, minified. */
  minifiedBytes: number;
  /** gzip level 9 of each initial chunk, summed: what the page downloads before it can stake. */
  gzipBytes: number;
  /** The lazy chunks, minified. */
  lazyMinifiedBytes: number;
  /** gzip of each lazy chunk, summed: fetched only when the code behind an `import()` runs. */
  lazyGzipBytes: number;
  /** gzipBytes + lazyGzipBytes: every chunk of the bundle. */
  totalGzipBytes: number;
  /** Every output file, the entry's first. */
  chunks: Chunk[];
  /** The initial chunks' minified code. */
  code: string;
  /** The lazy chunks' minified code. */
  lazyCode: string;
  /** Where the minified bytes come from. */
  metafile: Metafile;
}

interface Built {
  files: { path: string; bytes: Uint8Array; text: string }[];
  metafile: Metafile;
  initial: Set<string>;
}

async function bundleOnce(source: string, minify: boolean): Promise<Built> {
  const result = await build({
    stdin: { contents: source, resolveDir: SDK_DIR, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    splitting: true,
    outdir: "out",
    platform: "browser",
    target: "es2022",
    treeShaking: true,
    minify,
    metafile: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === "entry.js");
  if (!entry) throw new Error("esbuild wrote no output for the entry");
  // The initial chunks: the entry's, and what it imports statically, transitively.
  const initial = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const path = pending.pop() as string;
    if (initial.has(path)) continue;
    initial.add(path);
    for (const i of outputs[path]?.imports ?? []) if (i.kind === "import-statement") pending.push(i.path);
  }
  const files = result.outputFiles
    .map((file) => ({
      path: Object.keys(outputs).find((path) => file.path.endsWith(path)) ?? file.path,
      bytes: file.contents,
      text: file.text,
    }))
    .sort((a, b) => (a.path === entry ? -1 : b.path === entry ? 1 : 0));
  return { files, metafile: result.metafile, initial };
}

/** Bundles `source` (an ES module) twice, plain and minified, and measures both. */
export async function bundleSize(source: string): Promise<BundleSize> {
  const [raw, minified] = await Promise.all([bundleOnce(source, false), bundleOnce(source, true)]);
  const chunks: Chunk[] = minified.files.map((file) => ({
    path: file.path,
    initial: minified.initial.has(file.path),
    entryPoint: minified.metafile.outputs[file.path]?.entryPoint,
    minifiedBytes: file.bytes.length,
    gzipBytes: gzipSync(file.bytes, { level: 9 }).length,
  }));
  const sum = (rows: Chunk[], key: "minifiedBytes" | "gzipBytes") => rows.reduce((n, c) => n + c[key], 0);
  const initial = chunks.filter((c) => c.initial);
  const lazy = chunks.filter((c) => !c.initial);
  const textOf = (paths: Set<string> | ((path: string) => boolean)) =>
    minified.files
      .filter((f) => (typeof paths === "function" ? paths(f.path) : paths.has(f.path)))
      .map((f) => f.text)
      .join("\n");
  return {
    rawBytes: raw.files.filter((f) => raw.initial.has(f.path)).reduce((n, f) => n + f.bytes.length, 0),
    minifiedBytes: sum(initial, "minifiedBytes"),
    gzipBytes: sum(initial, "gzipBytes"),
    lazyMinifiedBytes: sum(lazy, "minifiedBytes"),
    lazyGzipBytes: sum(lazy, "gzipBytes"),
    totalGzipBytes: sum(chunks, "gzipBytes"),
    chunks,
    code: textOf(minified.initial),
    lazyCode: textOf((path) => !minified.initial.has(path)),
    metafile: minified.metafile,
  };
}

/** Package an input path belongs to (`viem`, `@noble/curves`, `@tributary/sdk`), else the path. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf("node_modules/");
  if (at >= 0) {
    const parts = input.slice(at + "node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
  }
  if (input.startsWith("src/") || input.includes("packages/sdk/src/")) return "@tributary/sdk";
  return input;
}

/** Minified bytes in the output (or in the given output files) by package, largest first. */
export function bytesByPackage(
  metafile: Metafile,
  only?: (path: string) => boolean,
): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (only && !only(path)) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The inputs that put the most minified bytes in the output (or in the given output files). */
export function topInputs(
  metafile: Metafile,
  count: number,
  only?: (path: string) => boolean,
): { path: string; bytes: number }[] {
  const rows: { path: string; bytes: number }[] = [];
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (only && !only(path)) continue;
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs))
      rows.push({ path, bytes: bytesInOutput });
  }
  return rows.sort((a, b) => b.bytes - a.bytes).slice(0, count);
}
