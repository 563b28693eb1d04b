/**
 * Bundles an entry the way a dapp's production build would (esbuild: ESM, browser, minified,
 * tree-shaken), in memory, and measures it: bytes before and after minification, and gzip
 * (node:zlib, level 9) of the minified output. Used by the size benchmark and the tree-shaking test.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

/** Imports in entries resolve from the SDK package: `@tributary/sdk`, `viem`, the Lido SDK. */
export const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface BundleSize {
  /** Bundled, tree-shaken, not minified. */
  rawBytes: number;
  minifiedBytes: number;
  /** gzip level 9 of the minified bundle. */
  gzipBytes: number;
  /** The minified bundle. */
  code: string;
  /** Where the minified bytes come from. */
  metafile: Metafile;
}

async function bundleOnce(source: string, minify: boolean): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: source, resolveDir: SDK_DIR, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    treeShaking: true,
    minify,
    metafile: true,
    legalComments: "none",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild wrote no output for the entry");
  return { code: output.text, metafile: result.metafile };
}

/** Bundles `source` (an ES module) twice, plain and minified, and measures both. */
export async function bundleSize(source: string): Promise<BundleSize> {
  const [raw, minified] = await Promise.all([bundleOnce(source, false), bundleOnce(source, true)]);
  const bytes = Buffer.from(minified.code);
  return {
    rawBytes: Buffer.byteLength(raw.code),
    minifiedBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    code: minified.code,
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

/** Minified bytes in the output by package, largest first. */
export function bytesByPackage(metafile: Metafile): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The inputs that put the most minified bytes in the output. */
export function topInputs(metafile: Metafile, count: number): { path: string; bytes: number }[] {
  const rows: { path: string; bytes: number }[] = [];
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs))
      rows.push({ path, bytes: bytesInOutput });
  }
  return rows.sort((a, b) => b.bytes - a.bytes).slice(0, count);
}
