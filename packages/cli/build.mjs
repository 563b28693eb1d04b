// Bundles src/ into dist/: cli.js holds the argument parser and the help text only; each command's
// module, viem and the SDK are separate chunks loaded when a command runs, so `--help` stays fast.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
rmSync(join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints: { cli: join(root, "src", "cli.ts") },
  outdir: join(root, "dist"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  minify: true,
  sourcemap: "linked",
  chunkNames: "[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
  // Native and Lodestar modules stay in node_modules (the operator commands load them at run time).
  external: ["@chainsafe/blst", "@chainsafe/bls-keystore", "@chainsafe/ssz", "@lodestar/*", "prom-client"],
  // Chunks that use `require` (none expected) get one from the module's own URL.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
});
