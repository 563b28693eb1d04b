#!/usr/bin/env node
// The built CLI (dist/, made by `npm run build -w @tributary/cli`); built here on first use in a
// fresh checkout.
import { existsSync } from "node:fs";

if (!existsSync(new URL("../dist/cli.js", import.meta.url))) await import("../build.mjs");
await import("../dist/cli.js");
