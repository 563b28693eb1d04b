import { quoteExit } from "@tributary/sdk";
import { connect } from "../context.js";
import { formatDuration, formatEth, formatInt } from "../format.js";
import type { GlobalOptions } from "../options.js";
import { output } from "../output.js";
import { parseAmount } from "../parse.js";

/**
 * `tributary quote <trETH>`: the two ways out side by side, the Uniswap v3 pool now (QuoterV2)
 * and the withdrawal queue (today's rate after the estimated wait).
 */
export async function quote(
  amountText: string,
  options: GlobalOptions & { beaconUrl?: string },
): Promise<void> {
  const shares = parseAmount(amountText, "trETH", "trETH");
  const context = await connect(options);
  const q = await quoteExit(context.client, {
    shares,
    deployment: context.deployment,
    beaconUrl: options.beaconUrl,
  });
  const wait = q.queue.wait;
  const text = () => {
    const lines = [`Ways out of ${formatEth(shares)} trETH:`];
    if (q.dex) {
      lines.push(
        `  DEX now:  ${formatEth(q.dex.amountOut)} WETH (Uniswap v3 pool ${q.dex.pool}, fee ${(q.dex.fee * 100).toFixed(2)}%): ${formatEth(q.dex.rate)} ETH per trETH, ${(q.dex.priceImpact * 100).toFixed(3)}% below the pool's price; ~${formatInt(q.dex.gasEstimate)} gas`,
      );
    } else {
      lines.push(`  DEX:      none (${q.dexUnavailable})`);
    }
    lines.push(
      `  Queue:    ${formatEth(q.queue.eth)} ETH at today's rate, finalized in ${formatDuration(wait.minSeconds)} to ${Number.isFinite(wait.maxSeconds) ? formatDuration(wait.maxSeconds) : "an unknown time"}; then claim`,
    );
    if (q.dexDiscount !== null) {
      lines.push(
        q.dexDiscount > 0n
          ? `The queue pays ${formatEth(q.dexDiscount)} ETH more; the DEX pays at once.`
          : `The DEX pays ${formatEth(-q.dexDiscount)} ETH more, at once.`,
      );
    }
    return lines.join("\n");
  };
  output(options, text, q);
}
