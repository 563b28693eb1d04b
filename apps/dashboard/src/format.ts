/**
 * Amounts as people read them: always with their unit, rounded down (a balance never shows more
 * than is there), with as many decimals as say something.
 */
const WEI = 10n ** 18n;

/** `wei` in whole units with at most `decimals` decimals, rounded toward zero. */
export function formatUnits18(wei: bigint, decimals = 6): string {
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const whole = abs / WEI;
  const scale = 10n ** BigInt(18 - decimals);
  const fraction = (abs % WEI) / scale;
  let text = whole.toLocaleString("en-US");
  if (fraction > 0n) {
    text += `.${fraction.toString().padStart(decimals, "0").replace(/0+$/, "")}`;
  }
  return negative ? `-${text}` : text;
}

export const eth = (wei: bigint, decimals = 6) => `${formatUnits18(wei, decimals)} ETH`;
export const treth = (wei: bigint, decimals = 6) => `${formatUnits18(wei, decimals)} trETH`;

/** A decimal string a person typed, in wei; undefined when it is not a positive amount with at most 18 decimals. */
export function parseAmount(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d*(\.\d{0,18})?$/.test(trimmed) || trimmed === "" || trimmed === ".") return undefined;
  const [whole = "0", fraction = ""] = trimmed.split(".");
  const wei = BigInt(whole || "0") * WEI + BigInt(fraction.padEnd(18, "0") || "0");
  return wei > 0n ? wei : undefined;
}

export const percent = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? "–"
    : `${(value * 100).toFixed(digits)}%`;

/** A duration in words, to the largest two units: "3 h 20 min", "2 days 4 h". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "unknown";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "h"],
    [60, "min"],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) {
      parts.push(name === "day" ? `${n} day${n === 1 ? "" : "s"}` : `${n} ${name}`);
      rest -= n * size;
    } else if (parts.length > 0) break;
  }
  return parts.join(" ");
}

/** Unix seconds as a local date and time. */
export const when = (seconds: number | bigint) =>
  new Date(Number(seconds) * 1000).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
