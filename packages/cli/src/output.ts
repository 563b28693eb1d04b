import { toJson } from "./format.js";
import type { GlobalOptions } from "./options.js";

/** Prints a command's result: `json` with --json (and nothing else on stdout), else `text`. */
export function output(options: GlobalOptions, text: string | (() => string), json: unknown): void {
  process.stdout.write(options.json ? `${toJson(json)}\n` : `${typeof text === "string" ? text : text()}\n`);
}
