/**
 * Event logs over a block range of any length, in chunks: a node that refuses a range (too many
 * results, range too large, response too big) gets it again in halves, down to single blocks, so
 * no range is ever skipped. Each chunk's logs are handed over in block order before the next one is
 * read, so a caller can persist a cursor after each chunk and resume there after a restart.
 *
 * @example
 * await scanLogs(client, { address, events: [depositEventAbi], fromBlock: 0n, toBlock: finalized },
 *   async (logs, to) => { index.add(logs); await index.saveCursor(to); });
 */
import type { AbiEvent, Address, Log, PublicClient } from "viem";
import { errorMessage } from "./retry.js";

/** Default blocks per eth_getLogs call (most public nodes accept 10,000 for one address). */
export const DEFAULT_LOG_CHUNK = 10_000n;

/** Messages with which nodes refuse a range for its size (geth, erigon, nethermind, besu, providers). */
const RANGE_REFUSALS =
  /(query returned more than|too many|range|limit exceeded|response size|block range|exceed|-32005|-32602.*block)/i;

export interface ScanLogsOptions {
  address: Address | Address[];
  events: readonly AbiEvent[];
  fromBlock: bigint;
  toBlock: bigint;
  /** Largest range asked at once; halved on refusal. Default 10,000 blocks. */
  chunk?: bigint | undefined;
}

export function isRangeRefusal(error: unknown): boolean {
  return RANGE_REFUSALS.test(errorMessage(error));
}

/** Calls `onChunk(logs, toBlock)` for consecutive chunks covering [fromBlock, toBlock], in order. */
export async function scanLogs(
  client: Pick<PublicClient, "getLogs">,
  options: ScanLogsOptions,
  onChunk: (logs: Log[], toBlock: bigint) => void | Promise<void>,
): Promise<void> {
  let chunk = options.chunk ?? DEFAULT_LOG_CHUNK;
  let from = options.fromBlock;
  while (from <= options.toBlock) {
    const to = from + chunk - 1n < options.toBlock ? from + chunk - 1n : options.toBlock;
    let logs: Log[];
    try {
      logs = (await client.getLogs({
        address: options.address,
        events: options.events,
        fromBlock: from,
        toBlock: to,
        strict: true,
      } as never)) as Log[];
    } catch (error) {
      if (to > from && isRangeRefusal(error)) {
        chunk = (to - from + 1n) / 2n;
        continue;
      }
      throw error;
    }
    logs.sort((a, b) => {
      const byBlock = (a.blockNumber ?? 0n) - (b.blockNumber ?? 0n);
      return byBlock !== 0n ? (byBlock < 0n ? -1 : 1) : (a.logIndex ?? 0) - (b.logIndex ?? 0);
    });
    await onChunk(logs, to);
    from = to + 1n;
    // A refusal shrank the chunk; grow back slowly where logs are sparse.
    if (chunk < (options.chunk ?? DEFAULT_LOG_CHUNK)) chunk *= 2n;
  }
}
