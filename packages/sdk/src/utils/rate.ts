import { maxUint256 } from "viem";

/** Share rates (`shareRate` of the contracts) are wei per share scaled by 1e27. */
export const SHARE_RATE_SCALE = 10n ** 27n;
/** The withdrawal queue stores rates at 1e18 scale: a 1e27-scale rate divided by this, rounded down. */
const STORED_SCALE = 10n ** 9n;
/** A stored rate keeps 64 significant bits... */
const MANTISSA_BITS = 64n;
/** ...and saturates here (1e18 scale). */
const STORED_MAX = (1n << 160n) - 1n;

/** `shares * totalAssets / totalShares` rounded down: the token's `convertToAssets`. */
export function toAssetsDown(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return totalShares === 0n ? 0n : (shares * totalAssets) / totalShares;
}

/** The holder rate, wei per share scaled by 1e27, rounded down: the accounting module's `shareRate()`. */
export function shareRateOf(totalAssets: bigint, totalShares: bigint): bigint {
  return totalShares === 0n ? 0n : (totalAssets * SHARE_RATE_SCALE) / totalShares;
}

/** A 1e27-scale rate as the withdrawal queue stores it (StoredRate.encodeDown), back at 1e18 scale. */
export function storedRate(shareRate: bigint): bigint {
  let rate = shareRate / STORED_SCALE;
  if (rate > STORED_MAX) rate = STORED_MAX;
  const bits = BigInt(rate.toString(2).length);
  if (bits <= MANTISSA_BITS) return rate;
  const shift = bits - MANTISSA_BITS;
  return (rate >> shift) << shift;
}

/**
 * What a pending request of `shares` would be paid if a report finalized it now at `currentRate`:
 * `shares * min(requestRate, currentRate) / 1e27`, both rates as the queue stores them, rounded
 * down, as the queue computes a claim. `requestRate` is `maxUint256` before the first report (no
 * cap yet).
 */
export function pendingAssets(shares: bigint, requestRate: bigint, currentRate: bigint): bigint {
  const current = storedRate(currentRate);
  const rate = requestRate === maxUint256 ? current : min(storedRate(requestRate), current);
  return (shares * rate) / 10n ** 18n;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
