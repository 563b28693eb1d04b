/**
 * Size benchmark: bundles a stake + request + claim dapp entry with this SDK and the same flow with
 * @lidofinance/lido-ethereum-sdk in the same run (esbuild, ESM, browser, minified, tree-shaken, code
 * splitting on, viem included in both), gzips each chunk (level 9) and checks the bar: Tributary at
 * most half of Lido. Both sides are measured twice: the initial chunks (what the page downloads
 * before it can stake, request and claim; the bar is checked on these) and every chunk, adding
 * the lazy ones an `import()` fetches only when its code runs: this SDK's error decoder (every
 * custom error and its sentence, on the first failure) and viem's own (secp256k1, used only to
 * recover EIP-7702 authorizations; CCIP-Read), on both sides.
 *
 *   npm run bench:sdk-size                 the table, and the packages that dominate each bundle
 *   npm run bench:sdk-size -- --json       the same, then one JSON object as the last line
 *   npm run bench:sdk-size -- --check      exit 1 when the bar is not met
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { version as esbuildVersion } from "esbuild";
import { type BundleSize, bundleSize, bytesByPackage, SDK_DIR, topInputs } from "./bundle.js";
import { ENTRIES, type SizeEntry } from "./entries.js";

/** Tributary's gzip bytes over Lido's must not exceed this. */
const BAR_RATIO = 0.5;
const TOP = 5;

const args = new Set(process.argv.slice(2));
const json = args.has("--json");
const check = args.has("--check");

function versionOf(name: string): string {
  const require = createRequire(join(SDK_DIR, "package.json"));
  const file = require.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

interface Measured {
  entry: SizeEntry;
  size?: BundleSize;
  error?: string;
}

async function measure(entry: SizeEntry): Promise<Measured> {
  try {
    return { entry, size: await bundleSize(entry.source) };
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors;
    const text = errors?.length ? errors.map((e) => e.text).join("; ") : String(error);
    return { entry, error: text };
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number) => n.toLocaleString("en-US").padStart(10);

// One at a time: the machine's cores are shared and the figures do not depend on it.
const results: Measured[] = [];
for (const entry of ENTRIES) results.push(await measure(entry));

const byKey = new Map(results.map((r) => [r.entry.key, r]));
const tributary = byKey.get("tributary")?.size;
const lido = byKey.get("lido")?.size;
const ratio = tributary && lido ? tributary.gzipBytes / lido.gzipBytes : null;
const pass = ratio !== null && ratio <= BAR_RATIO;
const totalRatio = tributary && lido ? tributary.totalGzipBytes / lido.totalGzipBytes : null;
const totalPass = totalRatio !== null && totalRatio <= BAR_RATIO;

const width = Math.max(...ENTRIES.map((e) => e.label.length)) + 2;
console.log(
  `SDK bundle sizes (esbuild ${esbuildVersion}, ESM, browser, minified, tree-shaken, code splitting; gzip level 9 per chunk)`,
);
console.log(
  `viem ${versionOf("viem")}, @lidofinance/lido-ethereum-sdk ${versionOf("@lidofinance/lido-ethereum-sdk")}\n`,
);
console.log("initial: the chunks the entry imports, which the page downloads before it can do anything;");
console.log("lazy: chunks an import() fetches when that code first runs (the SDK's error sentences on the");
console.log("first failure; viem's secp256k1 for EIP-7702 authorizations and CCIP-Read, in both bundles).\n");
console.log(
  `${pad("entry", width)}${"raw".padStart(10)}${"minified".padStart(10)}${"initial gz".padStart(12)}` +
    `${"lazy gz".padStart(10)}${"total gz".padStart(10)}  initial vs lido`,
);
for (const { entry, size, error } of results) {
  if (!size) {
    console.log(`${pad(entry.label, width)}  failed to bundle: ${error}`);
    continue;
  }
  const share = lido ? `${((size.gzipBytes / lido.gzipBytes) * 100).toFixed(1)}%` : "";
  console.log(
    `${pad(entry.label, width)}${num(size.rawBytes)}${num(size.minifiedBytes)}${num(size.gzipBytes).padStart(12)}` +
      `${num(size.lazyGzipBytes)}${num(size.totalGzipBytes)}  ${share}`,
  );
}
const verdict = (r: number, ok: boolean) => `${r.toFixed(3)} (at most ${BAR_RATIO}): ${ok ? "PASS" : "FAIL"}`;
if (ratio === null || totalRatio === null) {
  console.log("\nbar: not measured (an entry of the comparison failed to bundle)");
} else {
  console.log(
    `\nbar (initial chunks): tributary ${kb(tributary?.gzipBytes ?? 0)} / lido ${kb(lido?.gzipBytes ?? 0)} = ${verdict(ratio, pass)}`,
  );
  console.log(
    `every chunk:          tributary ${kb(tributary?.totalGzipBytes ?? 0)} / lido ${kb(lido?.totalGzipBytes ?? 0)} = ${verdict(totalRatio, totalPass)}`,
  );
}

const isInitial = (size: BundleSize) => (path: string) =>
  size.chunks.some((c) => c.path === path && c.initial);
const short = (path: string) => path.replace(/^(\.\.\/)+node_modules\//, "");
for (const { entry, size } of results) {
  if (!size || entry.role === "context") continue;
  console.log(`\n${entry.label}: chunks`);
  for (const chunk of size.chunks) {
    const what = chunk.entryPoint ? short(chunk.entryPoint) : "shared";
    console.log(
      `  ${chunk.initial ? "initial" : "lazy   "} ${pad(chunk.path, 28)}${pad(what, 62)}${num(chunk.gzipBytes)} gz`,
    );
  }
  console.log(`  initial chunks, minified bytes by package:`);
  for (const { name, bytes } of bytesByPackage(size.metafile, isInitial(size)).slice(0, 8)) {
    console.log(`    ${pad(name, 40)}${num(bytes)}`);
  }
  console.log(`  initial chunks, largest inputs:`);
  for (const { path, bytes } of topInputs(size.metafile, TOP, isInitial(size))) {
    console.log(`    ${pad(short(path), 70)}${num(bytes)}`);
  }
  console.log(`  lazy chunks, largest inputs:`);
  for (const { path, bytes } of topInputs(size.metafile, TOP, (p) => !isInitial(size)(p))) {
    console.log(`    ${pad(short(path), 70)}${num(bytes)}`);
  }
}

if (json) {
  const entries = Object.fromEntries(
    results.map(({ entry, size, error }) => [
      entry.key,
      size
        ? {
            label: entry.label,
            role: entry.role,
            raw_bytes: size.rawBytes,
            minified_bytes: size.minifiedBytes,
            gzip_bytes: size.gzipBytes,
            lazy_minified_bytes: size.lazyMinifiedBytes,
            lazy_gzip_bytes: size.lazyGzipBytes,
            total_gzip_bytes: size.totalGzipBytes,
            chunks: size.chunks.map((c) => ({
              path: c.path,
              initial: c.initial,
              entry_point: c.entryPoint ?? null,
              minified_bytes: c.minifiedBytes,
              gzip_bytes: c.gzipBytes,
            })),
            packages: bytesByPackage(size.metafile, isInitial(size)).slice(0, 8),
          }
        : { label: entry.label, role: entry.role, error },
    ]),
  );
  console.log(
    JSON.stringify({
      tributary_gzip_bytes: tributary?.gzipBytes ?? null,
      tributary_lazy_gzip_bytes: tributary?.lazyGzipBytes ?? null,
      tributary_total_gzip_bytes: tributary?.totalGzipBytes ?? null,
      lido_gzip_bytes: lido?.gzipBytes ?? null,
      lido_lazy_gzip_bytes: lido?.lazyGzipBytes ?? null,
      lido_total_gzip_bytes: lido?.totalGzipBytes ?? null,
      ratio: ratio === null ? null : Number(ratio.toFixed(4)),
      total_ratio: totalRatio === null ? null : Number(totalRatio.toFixed(4)),
      bar_ratio: BAR_RATIO,
      pass,
      total_pass: totalPass,
      esbuild: esbuildVersion,
      viem: versionOf("viem"),
      lido_sdk: versionOf("@lidofinance/lido-ethereum-sdk"),
      entries,
    }),
  );
}

if (ratio === null || (check && !pass)) process.exitCode = 1;
