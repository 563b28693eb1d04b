/** How figures are written for people (and JSON for machines). */

const WEI_PER_ETH = 10n ** 18n;
/** Decimals shown for ETH and trETH amounts in text (JSON carries exact wei). */
const SHOWN_DECIMALS = 6;

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * An amount in wei as ETH with at least one decimal, cut (not rounded) to six decimals: 1.0,
 * 0.990099. An amount too small to show in six decimals is written in full.
 */
export function formatEth(wei: bigint): string {
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const whole = abs / WEI_PER_ETH;
  let fraction = (abs % WEI_PER_ETH).toString().padStart(18, "0");
  const cut = fraction.slice(0, SHOWN_DECIMALS).replace(/0+$/, "");
  fraction = cut || (whole === 0n && abs > 0n ? fraction.replace(/0+$/, "") : "0");
  return `${negative ? "-" : ""}${whole.toLocaleString("en-US")}.${fraction}`;
}

/** A whole number with thousands separators: 55,670. */
export function formatInt(value: bigint | number): string {
  return value.toLocaleString("en-US");
}

/** Wei per gas as gwei with up to three decimals. */
export function formatGwei(wei: bigint): string {
  const milli = (wei * 1000n) / 10n ** 9n;
  const text = (Number(milli) / 1000).toFixed(3).replace(/\.?0+$/, "");
  return `${text} gwei`;
}

/** A fraction per year as a percentage: 0.0345 -> "3.45%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

/** A duration in seconds in words: "45 min", "5 h 20 min", "2 d 3 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** A unix time (seconds) as an ISO date and time in UTC, to the minute. */
export function formatTime(unixSeconds: number | bigint): string {
  return `${new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A short form of an address or hash: 0x1234…abcd. */
export function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex;
}
