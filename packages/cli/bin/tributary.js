#!/usr/bin/env node
// The built CLI (dist/, made by `npm run build -w @tributary/cli`).
import "../dist/cli.js";
