/**
 * JSON as Python's `json.dumps` writes it by default (`", "` and `": "` separators, one line, keys in
 * insertion order), which is how staking-deposit-cli writes deposit data and keystores. Byte-for-byte
 * the same layout makes files diff cleanly against the tool's.
 */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value);
}
