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
