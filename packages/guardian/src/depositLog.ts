/**
 * Every deposit the beacon deposit contract ever took, by pubkey: its `DepositEvent` logs read
 * incrementally from the contract's deployment block. The finalized part is kept on disk so that a
 * restart resumes where it stopped (a mainnet history is millions of deposits):
 *
 * - `deposits.bin`: one 88-byte record per deposit, `pubkey (48) ++ withdrawal_credentials (32) ++
 *   block number (8, big-endian)`, appended after each chunk of logs and fsynced;
 * - `deposits.json`: the cursor `{ block, records }`, written atomically after the records.
 *
 * A process killed between the two finds more records than the cursor counts and drops the extra
 * ones, then reads that chunk again: no deposit is lost or counted twice.
 */
import { mkdir, open, readFile, truncate } from "node:fs/promises";
import { dirname, join } from "node:path";
import { scanLogs } from "@tributary/daemon/logs";
import { JsonStore } from "@tributary/daemon/store";
import { depositContractAbi } from "@tributary/sdk/abis";
import {
  type AbiEvent,
  type Address,
  bytesToHex,
  getAbiItem,
  type Hex,
  hexToBytes,
  type Log,
  type PublicClient,
  parseEventLogs,
} from "viem";

const RECORD_BYTES = 88;
const DEPOSIT_EVENT = getAbiItem({ abi: depositContractAbi, name: "DepositEvent" }) as AbiEvent;

export interface DepositRecord {
  pubkey: Hex;
  withdrawalCredentials: Hex;
  blockNumber: bigint;
}

interface Cursor {
  /** Last block read. */
  block: string;
  /** Records in deposits.bin that count. */
  records: number;
}

/** A deposit log that does not hold what the deposit contract emits. */
export class MalformedDepositLogError extends Error {
  override name = "MalformedDepositLogError";
}

function parse(logs: Log[]): DepositRecord[] {
  return parseEventLogs({ abi: depositContractAbi, logs, strict: true }).map((log) => {
    const { pubkey, withdrawal_credentials: credentials } = log.args;
    if (hexToBytes(pubkey).length !== 48 || hexToBytes(credentials).length !== 32) {
      throw new MalformedDepositLogError(
        `DepositEvent in block ${log.blockNumber} has a ${hexToBytes(pubkey).length}-byte pubkey and ${hexToBytes(credentials).length}-byte credentials`,
      );
    }
    return {
      pubkey: pubkey.toLowerCase() as Hex,
      withdrawalCredentials: credentials.toLowerCase() as Hex,
      blockNumber: log.blockNumber,
    };
  });
}

export class DepositLog {
  /** First deposit of each pubkey (lowercase hex), finalized part. */
  private readonly first = new Map<string, DepositRecord>();
  private count = 0;
  cursor: bigint;
  private readonly cursorStore: JsonStore<Cursor> | undefined;
  private readonly recordsFile: string | undefined;

  /**
   * @param dir Where the index is kept; undefined: in memory only (read again at each start).
   */
  constructor(
    private readonly depositContract: Address,
    private readonly fromBlock: bigint,
    dir: string | undefined,
  ) {
    this.cursor = fromBlock - 1n;
    if (dir !== undefined) {
      this.cursorStore = new JsonStore<Cursor>({
        file: join(dir, "deposits.json"),
        version: 1,
        initial: () => ({ block: "-1", records: 0 }),
        validate: (state) => {
          const c = state as Cursor;
          if (typeof c?.block !== "string" || !/^-?\d+$/.test(c.block) || !Number.isSafeInteger(c.records)) {
            throw new Error("not a deposit log cursor { block, records }");
          }
          return c;
        },
      });
      this.recordsFile = join(dir, "deposits.bin");
    }
  }

  /** Deposits known (finalized part). */
  get size(): number {
    return this.count;
  }

  /** Loads the index kept on disk, dropping records written after the last cursor. */
  async load(): Promise<void> {
    if (!this.cursorStore || !this.recordsFile) return;
    const value = await this.cursorStore.load();
    if (value.records === 0 && BigInt(value.block) < this.fromBlock) {
      // No cursor (first start, or a cursor file moved aside): records without one do not count.
      await truncate(this.recordsFile, 0).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(this.recordsFile);
    } catch {
      bytes = Buffer.alloc(0);
    }
    const records = value.records;
    if (bytes.length < records * RECORD_BYTES) {
      // Records lost under the cursor (a disk that lied about fsync): read everything again.
      if (bytes.length > 0) await truncate(this.recordsFile, 0);
      return;
    }
    // Records appended after the last cursor (killed in between) are read again from the chain.
    if (bytes.length !== records * RECORD_BYTES) await truncate(this.recordsFile, records * RECORD_BYTES);
    for (let i = 0; i < records; i++) {
      const at = i * RECORD_BYTES;
      this.remember({
        pubkey: bytesToHex(bytes.subarray(at, at + 48)),
        withdrawalCredentials: bytesToHex(bytes.subarray(at + 48, at + 80)),
        blockNumber: bytes.readBigUInt64BE(at + 80),
      });
    }
    this.count = records;
    this.cursor = BigInt(value.block);
  }

  /** The first deposit for `pubkey` up to the cursor, or in `tail` (later blocks) if none. */
  firstDeposit(pubkey: Hex, tail?: readonly DepositRecord[]): DepositRecord | undefined {
    const key = pubkey.toLowerCase();
    return this.first.get(key) ?? tail?.find((d) => d.pubkey === key);
  }

  /** Reads and keeps the deposits of (cursor, toBlock] (finalized blocks only). */
  async sync(client: Pick<PublicClient, "getLogs">, toBlock: bigint): Promise<DepositRecord[]> {
    const added: DepositRecord[] = [];
    if (toBlock <= this.cursor) return added;
    await scanLogs(
      client,
      { address: this.depositContract, events: [DEPOSIT_EVENT], fromBlock: this.cursor + 1n, toBlock },
      async (logs, to) => {
        const records = parse(logs);
        await this.persist(records, to);
        for (const record of records) this.remember(record);
        this.count += records.length;
        this.cursor = to;
        added.push(...records);
      },
    );
    return added;
  }

  /** The deposits of (cursor, toBlock], not kept (blocks that may still be reorganised). */
  async tail(client: Pick<PublicClient, "getLogs">, toBlock: bigint): Promise<DepositRecord[]> {
    const records: DepositRecord[] = [];
    if (toBlock <= this.cursor) return records;
    await scanLogs(
      client,
      { address: this.depositContract, events: [DEPOSIT_EVENT], fromBlock: this.cursor + 1n, toBlock },
      (logs) => {
        records.push(...parse(logs));
      },
    );
    return records;
  }

  get startBlock(): bigint {
    return this.fromBlock;
  }

  private remember(record: DepositRecord): void {
    if (!this.first.has(record.pubkey)) this.first.set(record.pubkey, record);
  }

  private async persist(records: DepositRecord[], to: bigint): Promise<void> {
    if (!this.cursorStore || !this.recordsFile) return;
    if (records.length > 0) {
      const buffer = Buffer.alloc(records.length * RECORD_BYTES);
      records.forEach((record, i) => {
        const at = i * RECORD_BYTES;
        buffer.set(hexToBytes(record.pubkey), at);
        buffer.set(hexToBytes(record.withdrawalCredentials), at + 48);
        buffer.writeBigUInt64BE(record.blockNumber, at + 80);
      });
      await mkdir(dirname(this.recordsFile), { recursive: true });
      const handle = await open(this.recordsFile, "a");
      try {
        await handle.write(buffer);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await this.cursorStore.save({ block: to.toString(), records: this.count + records.length });
  }
}
