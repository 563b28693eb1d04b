import type { AbiEvent, Address, Chain, Client, GetLogsReturnType, Transport } from "viem";
import { BaseError as ViemBaseError } from "viem";
import { getBlock, getBlockNumber, getLogs } from "viem/actions";

/** Ranges fetched at once when a scan is split. */
const CONCURRENCY = 4;
/** Messages of nodes that refuse a log query for its size (Geth, Erigon, Alchemy, Infura, QuickNode...). */
const TOO_LARGE =
  /range|too many|too large|exceed|limit|response size|10,?000 results|max(imum)? (results|logs|block)/i;
/** A rate limit also says "limit" but is not about the range: splitting would only make it worse. */
const RATE_LIMITED = /rate.?limit|too many requests|\b429\b/i;

function messageOf(error: unknown): string {
  if (error instanceof ViemBaseError) {
    const parts: string[] = [];
    error.walk((e) => {
      if (e instanceof ViemBaseError) parts.push(e.shortMessage, e.details ?? "");
      else if (e instanceof Error) parts.push(e.message);
      return false;
    });
    return parts.join(" ");
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when the node refused a log query because of its block range or result size. */
export function isRangeError(error: unknown): boolean {
  const message = messageOf(error);
  return !RATE_LIMITED.test(message) && TOO_LARGE.test(message);
}

export type LogScanParameters<event extends AbiEvent> = {
  address: Address | readonly Address[];
  event: event;
  /** Indexed arguments to match (a value or a list of values each). */
  args?: Record<string, unknown> | undefined;
  fromBlock: bigint;
  /** Default: the latest block. */
  toBlock?: bigint | undefined;
  /** Split the scan into ranges of at most this many blocks (default: one query, split on refusal). */
  maxBlockRange?: bigint | undefined;
};

/**
 * Every log of `event` from `fromBlock` to `toBlock`, in chain order. One `eth_getLogs` when the
 * node answers the whole range; when it refuses for size (or `maxBlockRange` asks for it) the range
 * is split, and any part still refused is halved again, down to single blocks: no log is skipped.
 * Any other failure throws.
 */
export async function scanLogs<const event extends AbiEvent>(
  client: Client<Transport, Chain | undefined>,
  parameters: LogScanParameters<event>,
): Promise<GetLogsReturnType<event, [event], true>> {
  type Logs = GetLogsReturnType<event, [event], true>;
  const fetch = (fromBlock: bigint, toBlock: bigint | "latest") =>
    getLogs(client, {
      address: parameters.address as Address[],
      event: parameters.event,
      args: parameters.args,
      fromBlock,
      toBlock,
      strict: true,
    } as never) as unknown as Promise<Logs>;
  const bisect = async (from: bigint, to: bigint): Promise<Logs> => {
    try {
      return await fetch(from, to);
    } catch (error) {
      if (to <= from || !isRangeError(error)) throw error;
      const mid = from + (to - from) / 2n;
      const [low, high] = await Promise.all([bisect(from, mid), bisect(mid + 1n, to)]);
      return [...low, ...high] as Logs;
    }
  };
  const { fromBlock, maxBlockRange } = parameters;
  if (maxBlockRange === undefined) {
    try {
      return await fetch(fromBlock, parameters.toBlock ?? "latest");
    } catch (error) {
      if (!isRangeError(error)) throw error;
    }
  }
  const toBlock = parameters.toBlock ?? (await getBlockNumber(client, { cacheTime: 0 }));
  if (toBlock < fromBlock) return [] as unknown as Logs;
  const step = maxBlockRange && maxBlockRange > 0n ? maxBlockRange : (toBlock - fromBlock + 2n) / 2n;
  const ranges: [bigint, bigint][] = [];
  for (let from = fromBlock; from <= toBlock; from += step) {
    ranges.push([from, from + step - 1n < toBlock ? from + step - 1n : toBlock]);
  }
  const parts: Logs[] = new Array(ranges.length);
  let next = 0;
  const worker = async () => {
    while (next < ranges.length) {
      const i = next++;
      const [from, to] = ranges[i] as [bigint, bigint];
      parts[i] = await bisect(from, to);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ranges.length) }, worker));
  return parts.flat() as unknown as Logs;
}

/**
 * Unix times of the blocks of `logs`, by block number: from each log's `blockTimestamp` when the
 * node includes it (Anvil, Reth, Geth 1.16+), else one `eth_getBlockByNumber` per distinct block,
 * a few at a time.
 */
export async function blockTimes(
  client: Client<Transport, Chain | undefined>,
  logs: readonly { blockNumber: bigint; blockTimestamp?: bigint | null | undefined }[],
): Promise<Map<bigint, bigint>> {
  const times = new Map<bigint, bigint>();
  const missing = new Set<bigint>();
  for (const log of logs) {
    if (log.blockTimestamp != null) times.set(log.blockNumber, log.blockTimestamp);
    else missing.add(log.blockNumber);
  }
  const numbers = [...missing].filter((n) => !times.has(n));
  let next = 0;
  const worker = async () => {
    while (next < numbers.length) {
      const blockNumber = numbers[next++] as bigint;
      times.set(blockNumber, (await getBlock(client, { blockNumber })).timestamp);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, numbers.length) }, worker));
  return times;
}
