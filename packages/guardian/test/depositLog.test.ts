/**
 * `DepositLog`: the index of the beacon deposit contract's deposits kept on disk, and `scanLogs`
 * under it. `StandInNode` stands in for an execution node in these unit tests: it implements only
 * `eth_getLogs` (viem's `getLogs`) over a fixed list of `DepositEvent` logs encoded as the deposit
 * contract emits them, counts the calls, and can refuse large ranges as public nodes do.
 */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { scanLogs } from "@tributary/daemon/logs";
import { depositContractAbi } from "@tributary/sdk/abis";
import {
  type AbiEvent,
  type Address,
  encodeAbiParameters,
  encodeEventTopics,
  getAbiItem,
  type Hex,
  keccak256,
  type Log,
  numberToHex,
  type PublicClient,
  pad,
  RpcRequestError,
} from "viem";
import { DepositLog, MalformedDepositLogError } from "../src/depositLog.js";

const DEPOSIT_CONTRACT: Address = "0x00000000219ab540356cbb839cbe05303d7705fa";
const DEPOSIT_EVENT = getAbiItem({ abi: depositContractAbi, name: "DepositEvent" }) as AbiEvent;
const FROM_BLOCK = 100n;
const RECORD_BYTES = 88;

/** 48 bytes that differ by `n` (the index does not check that pubkeys are curve points). */
const pubkey = (n: number): Hex => pad(numberToHex(n + 1), { size: 48 });
const credentials = (n: number): Hex => `0x01${"00".repeat(11)}${numberToHex(n, { size: 20 }).slice(2)}`;
/** 8 bytes little-endian, as the deposit contract encodes amount and index. */
const littleEndian = (value: bigint): Hex => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return `0x${bytes.toString("hex")}`;
};

interface DepositSpec {
  block: bigint;
  pubkey: Hex;
  credentials: Hex;
  logIndex?: number;
}

let depositCount = 0n;

/** A log as eth_getLogs returns it for one `DepositEvent`. */
function depositEvent(spec: DepositSpec): Log {
  const index = depositCount++;
  return {
    address: DEPOSIT_CONTRACT,
    topics: encodeEventTopics({ abi: depositContractAbi, eventName: "DepositEvent" }) as [Hex],
    data: encodeAbiParameters(DEPOSIT_EVENT.inputs, [
      spec.pubkey,
      spec.credentials,
      littleEndian(32_000_000_000n),
      `0x${"aa".repeat(96)}`,
      littleEndian(index),
    ]),
    blockNumber: spec.block,
    blockHash: keccak256(numberToHex(spec.block)),
    logIndex: spec.logIndex ?? 0,
    transactionHash: keccak256(numberToHex(index, { size: 32 })),
    transactionIndex: 0,
    removed: false,
  };
}

/** One deposit per block from `from`, every `step` blocks, each for a new pubkey. */
function deposits(from: bigint, count: number, step = 1n, firstKey = 0): Log[] {
  return Array.from({ length: count }, (_, i) =>
    depositEvent({
      block: from + BigInt(i) * step,
      pubkey: pubkey(firstKey + i),
      credentials: credentials(1),
    }),
  );
}

class StandInNode {
  readonly calls: Array<{ fromBlock: bigint; toBlock: bigint }> = [];
  refusals = 0;

  /** @param maxResults more logs than this in a range are refused, as geth refuses 10,000. */
  constructor(
    private readonly logs: readonly Log[],
    private readonly maxResults = Number.POSITIVE_INFINITY,
  ) {}

  get client(): Pick<PublicClient, "getLogs"> {
    return { getLogs: this.getLogs.bind(this) } as unknown as Pick<PublicClient, "getLogs">;
  }

  private async getLogs(args: { address: Address; fromBlock: bigint; toBlock: bigint }): Promise<Log[]> {
    this.calls.push({ fromBlock: args.fromBlock, toBlock: args.toBlock });
    assert.equal(args.address, DEPOSIT_CONTRACT, "asked for the deposit contract's logs");
    const found = this.logs.filter(
      (log) => (log.blockNumber ?? -1n) >= args.fromBlock && (log.blockNumber ?? -1n) <= args.toBlock,
    );
    if (found.length > this.maxResults) {
      this.refusals++;
      throw new RpcRequestError({
        body: { method: "eth_getLogs" },
        error: { code: -32005, message: "query returned more than 10000 results" },
        url: "http://node.invalid",
      });
    }
    // Newest first: the reader must put them in order itself.
    return [...found].reverse();
  }
}

/** A client that fails the test if it is asked anything. */
const silentNode = {
  getLogs: () => assert.fail("the node was asked for logs"),
} as unknown as Pick<PublicClient, "getLogs">;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-deposit-log-"));
  dirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function cursorFile(dir: string): Promise<{ block: string; records: number }> {
  const text = await readFile(join(dir, "deposits.json"), "utf8");
  return (JSON.parse(text) as { state: { block: string; records: number } }).state;
}

async function bytesOf(dir: string): Promise<Buffer> {
  return readFile(join(dir, "deposits.bin"));
}

describe("DepositLog", () => {
  it("syncs the deposits of (cursor, toBlock] and keeps them on disk", async () => {
    const dir = await tempDir();
    const node = new StandInNode(deposits(110n, 5, 10n));
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await log.load();
    assert.equal(log.cursor, FROM_BLOCK - 1n, "nothing read yet");
    const added = await log.sync(node.client, 200n);
    assert.equal(added.length, 5, "five deposits");
    assert.deepEqual(
      added.map((d) => d.blockNumber),
      [110n, 120n, 130n, 140n, 150n],
      "in block order",
    );
    assert.equal(added[0]?.pubkey, pubkey(0), "lower-case pubkey");
    assert.equal(added[0]?.withdrawalCredentials, credentials(1), "credentials");
    assert.equal(log.size, 5, "size");
    assert.equal(log.cursor, 200n, "cursor at toBlock");
    assert.deepEqual(
      node.calls,
      [{ fromBlock: FROM_BLOCK, toBlock: 200n }],
      "one range, from the start block",
    );
    assert.equal((await bytesOf(dir)).length, 5 * RECORD_BYTES, "five 88-byte records");
    assert.deepEqual(await cursorFile(dir), { block: "200", records: 5 }, "the cursor");

    const more = await log.sync(node.client, 200n);
    assert.deepEqual(more, [], "nothing new up to the cursor");
    assert.equal(node.calls.length, 1, "the node is not asked again up to the cursor");
  });

  it("loads the same deposits and cursor in a new instance without asking the node", async () => {
    const dir = await tempDir();
    const first = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await first.sync(new StandInNode(deposits(101n, 8, 3n)).client, 300n);

    const second = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await second.load();
    assert.equal(second.size, 8, "eight deposits");
    assert.equal(second.cursor, 300n, "the cursor");
    for (let i = 0; i < 8; i++) {
      assert.deepEqual(
        second.firstDeposit(pubkey(i)),
        first.firstDeposit(pubkey(i)),
        `deposit ${i} as the first instance has it`,
      );
    }
    assert.equal(second.firstDeposit(pubkey(99)), undefined, "an unknown pubkey has none");
    assert.deepEqual(await second.sync(silentNode, 300n), [], "nothing to read up to the cursor");
  });

  it("starts from the start block when nothing is on disk, and in memory without a directory", async () => {
    const node = new StandInNode(deposits(90n, 20, 1n));
    const memory = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, undefined);
    await memory.load();
    const added = await memory.sync(node.client, 105n);
    assert.deepEqual(
      added.map((d) => d.blockNumber),
      [100n, 101n, 102n, 103n, 104n, 105n],
      "deposits before the start block are not read",
    );
    assert.equal(memory.startBlock, FROM_BLOCK, "startBlock");
  });

  it("drops records written after the cursor (a crash between the two writes), then reads them again", async () => {
    const logs = deposits(110n, 12, 10n);
    const reference = await tempDir();
    await new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, reference).sync(new StandInNode(logs).client, 250n);

    const dir = await tempDir();
    const before = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await before.sync(new StandInNode(logs).client, 150n);
    assert.equal(before.size, 5, "five deposits up to block 150");
    const kept = await bytesOf(dir);
    // The next chunk's records reached the disk, its cursor did not; then half a record.
    const full = await bytesOf(reference);
    await appendFile(join(dir, "deposits.bin"), full.subarray(5 * RECORD_BYTES, 8 * RECORD_BYTES));
    await appendFile(join(dir, "deposits.bin"), full.subarray(8 * RECORD_BYTES, 8 * RECORD_BYTES + 40));

    const restarted = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await restarted.load();
    assert.equal(restarted.size, 5, "the extra records do not count");
    assert.equal(restarted.cursor, 150n, "the cursor as written");
    assert.deepEqual(await bytesOf(dir), kept, "the file is cut back to the counted records");
    assert.equal(restarted.firstDeposit(pubkey(5)), undefined, "a dropped record is not known");

    const node = new StandInNode(logs);
    const added = await restarted.sync(node.client, 250n);
    assert.deepEqual(node.calls, [{ fromBlock: 151n, toBlock: 250n }], "read again after the cursor");
    assert.equal(added.length, 7, "the seven later deposits, once");
    assert.equal(restarted.size, 12, "twelve in all");
    assert.deepEqual(await bytesOf(dir), full, "the file as a sync without a crash writes it");
    assert.deepEqual(await cursorFile(dir), { block: "250", records: 12 }, "the cursor");
    assert.equal(restarted.firstDeposit(pubkey(0))?.blockNumber, 110n, "the first deposits unchanged");
  });

  it("reads everything again when the records file is shorter than the cursor says", async () => {
    const logs = deposits(110n, 6, 10n);
    const dir = await tempDir();
    await new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir).sync(new StandInNode(logs).client, 200n);
    const full = await bytesOf(dir);
    await truncate(join(dir, "deposits.bin"), 2 * RECORD_BYTES + 10);

    const restarted = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await restarted.load();
    assert.equal(restarted.size, 0, "no deposit kept");
    assert.equal(restarted.cursor, FROM_BLOCK - 1n, "back to the start block");
    assert.equal((await stat(join(dir, "deposits.bin"))).size, 0, "the records file emptied");
    assert.equal(restarted.firstDeposit(pubkey(0)), undefined, "nothing known");

    const node = new StandInNode(logs);
    await restarted.sync(node.client, 200n);
    assert.deepEqual(node.calls, [{ fromBlock: FROM_BLOCK, toBlock: 200n }], "read from the start block");
    assert.equal(restarted.size, 6, "six deposits, none twice");
    assert.deepEqual(await bytesOf(dir), full, "the same records as before");
    assert.deepEqual(await cursorFile(dir), { block: "200", records: 6 }, "the cursor");
  });

  it("reads everything again when the records file is missing", async () => {
    const logs = deposits(110n, 3, 10n);
    const dir = await tempDir();
    await new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir).sync(new StandInNode(logs).client, 200n);
    await rm(join(dir, "deposits.bin"));
    const restarted = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await restarted.load();
    assert.equal(restarted.cursor, FROM_BLOCK - 1n, "back to the start block");
    await restarted.sync(new StandInNode(logs).client, 200n);
    assert.equal(restarted.size, 3, "three deposits");
  });

  it("drops records of a first chunk whose cursor was never written (a crash on the first sync)", {
    todo: "load() returns early on the initial cursor without emptying deposits.bin, so the records are appended twice and, after the next restart, the last deposits are lost",
  }, async () => {
    const logs = deposits(110n, 6, 10n);
    const reference = await tempDir();
    await new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, reference).sync(new StandInNode(logs).client, 200n);
    const full = await bytesOf(reference);

    // The first chunk's records reached the disk, the first cursor did not.
    const dir = await tempDir();
    await writeFile(join(dir, "deposits.bin"), full.subarray(0, 3 * RECORD_BYTES));
    const restarted = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await restarted.load();
    assert.equal(restarted.cursor, FROM_BLOCK - 1n, "from the start block");
    await restarted.sync(new StandInNode(logs).client, 200n);
    assert.equal(restarted.size, 6, "six deposits");
    assert.deepEqual(await bytesOf(dir), full, "each record once");

    const again = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await again.load();
    assert.equal(again.size, 6, "six deposits after a restart");
    assert.equal(again.firstDeposit(pubkey(5))?.blockNumber, 160n, "the last deposit is known");
  });

  it("starts afresh from a cursor file that is not JSON, with no stale record", {
    todo: "load() returns early on the initial cursor without emptying deposits.bin, so a stale record is counted and a real one dropped",
  }, async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "deposits.json"), "{ not json");
    await writeFile(join(dir, "deposits.bin"), Buffer.alloc(RECORD_BYTES));
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await log.load();
    assert.equal(log.size, 0, "no deposit");
    assert.equal(log.cursor, FROM_BLOCK - 1n, "the start block");
    await log.sync(new StandInNode(deposits(110n, 2, 10n)).client, 200n);
    assert.equal((await bytesOf(dir)).length, 2 * RECORD_BYTES, "only the deposits read again");
  });

  it("gives a pubkey's first deposit, not a later one", async () => {
    const twice = pubkey(42);
    const logs = [
      depositEvent({ block: 120n, pubkey: twice, credentials: credentials(7), logIndex: 3 }),
      depositEvent({ block: 120n, pubkey: twice, credentials: credentials(1), logIndex: 4 }),
      depositEvent({ block: 180n, pubkey: twice, credentials: credentials(8) }),
      depositEvent({ block: 150n, pubkey: pubkey(1), credentials: credentials(1) }),
    ];
    const dir = await tempDir();
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    const added = await log.sync(new StandInNode(logs).client, 200n);
    assert.equal(added.length, 4, "every deposit counts");
    const first = log.firstDeposit(twice);
    assert.equal(first?.blockNumber, 120n, "the earliest block");
    assert.equal(first?.withdrawalCredentials, credentials(7), "the earliest log of that block");
    assert.deepEqual(
      log.firstDeposit(twice.toUpperCase().replace("0X", "0x") as Hex),
      first,
      "whatever the case of the pubkey",
    );

    const loaded = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await loaded.load();
    assert.deepEqual(loaded.firstDeposit(twice), first, "the same after a restart");
  });

  it("reads a tail of later blocks without keeping it", async () => {
    const logs = [
      ...deposits(110n, 3, 10n),
      depositEvent({ block: 230n, pubkey: pubkey(0), credentials: credentials(9) }),
      depositEvent({ block: 240n, pubkey: pubkey(50), credentials: credentials(1) }),
    ];
    const dir = await tempDir();
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    await log.sync(new StandInNode(logs).client, 200n);
    const bytes = await bytesOf(dir);
    const cursor = await cursorFile(dir);

    const node = new StandInNode(logs);
    const tail = await log.tail(node.client, 260n);
    assert.deepEqual(node.calls, [{ fromBlock: 201n, toBlock: 260n }], "the blocks after the cursor");
    assert.deepEqual(
      tail.map((d) => [d.pubkey, d.blockNumber]),
      [
        [pubkey(0), 230n],
        [pubkey(50), 240n],
      ],
      "the tail's deposits",
    );
    assert.equal(log.cursor, 200n, "the cursor does not move");
    assert.equal(log.size, 3, "the size does not change");
    assert.deepEqual(await bytesOf(dir), bytes, "no record written");
    assert.deepEqual(await cursorFile(dir), cursor, "no cursor written");
    assert.equal(log.firstDeposit(pubkey(50)), undefined, "a tail deposit is not remembered");
    assert.equal(log.firstDeposit(pubkey(50), tail)?.blockNumber, 240n, "but found in the tail given");
    assert.equal(
      log.firstDeposit(pubkey(0), tail)?.blockNumber,
      110n,
      "a finalized first deposit wins over the tail",
    );
    assert.deepEqual(await log.tail(silentNode, 200n), [], "no tail at the cursor");
  });

  it("refuses a DepositEvent whose pubkey is not 48 bytes", async () => {
    const bad = depositEvent({ block: 110n, pubkey: `0x${"11".repeat(47)}`, credentials: credentials(1) });
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, undefined);
    await assert.rejects(
      log.sync(new StandInNode([bad]).client, 200n),
      (error: unknown) => error instanceof MalformedDepositLogError && /47-byte pubkey/.test(error.message),
      "MalformedDepositLogError naming the length",
    );
    assert.equal(log.size, 0, "nothing kept");
    assert.equal(log.cursor, FROM_BLOCK - 1n, "the cursor does not move");
  });

  it("splits a range the node refuses and still reads every deposit once, in order", async () => {
    // 300 deposits over blocks 100..24,000; the node answers at most 20 logs per call.
    const logs = deposits(100n, 300, 80n);
    const node = new StandInNode(logs, 20);
    const dir = await tempDir();
    const log = new DepositLog(DEPOSIT_CONTRACT, FROM_BLOCK, dir);
    const added = await log.sync(node.client, 30_000n);
    assert.ok(node.refusals > 0, "the node refused some ranges");
    assert.equal(added.length, 300, "three hundred deposits");
    assert.equal(new Set(added.map((d) => d.pubkey)).size, 300, "none twice");
    assert.deepEqual(
      added.map((d) => d.blockNumber),
      logs.map((l) => l.blockNumber),
      "in block order",
    );
    assert.equal(log.cursor, 30_000n, "the cursor at the end");
    assert.deepEqual(await cursorFile(dir), { block: "30000", records: 300 }, "the cursor on disk");
  });
});

describe("scanLogs", () => {
  const scan = async (node: StandInNode, fromBlock: bigint, toBlock: bigint, chunk?: bigint) => {
    const chunks: Array<{ logs: Log[]; to: bigint }> = [];
    await scanLogs(
      node.client,
      { address: DEPOSIT_CONTRACT, events: [DEPOSIT_EVENT], fromBlock, toBlock, chunk },
      (logs, to) => {
        chunks.push({ logs, to });
      },
    );
    return chunks;
  };

  it("covers the range in consecutive chunks of the size asked", async () => {
    const node = new StandInNode(deposits(0n, 50, 7n));
    const chunks = await scan(node, 5n, 349n, 100n);
    assert.deepEqual(
      node.calls,
      [
        { fromBlock: 5n, toBlock: 104n },
        { fromBlock: 105n, toBlock: 204n },
        { fromBlock: 205n, toBlock: 304n },
        { fromBlock: 305n, toBlock: 349n },
      ],
      "four ranges, the last one cut at toBlock",
    );
    assert.deepEqual(
      chunks.map((c) => c.to),
      [104n, 204n, 304n, 349n],
      "each chunk handed over with its last block",
    );
    assert.equal(
      chunks.reduce((n, c) => n + c.logs.length, 0),
      49,
      "every log of blocks 5..349 (blocks 7..343; block 0 is before the range)",
    );
  });

  it("halves a refused range, grows back after, and hands every log over exactly once", async () => {
    // Dense at first (a log per block), sparse later: the chunk shrinks, then grows again.
    const logs = [...deposits(0n, 200, 1n), ...deposits(1_000n, 40, 500n, 200)];
    const node = new StandInNode(logs, 16);
    const chunks = await scan(node, 0n, 25_000n, 1_024n);
    assert.ok(node.refusals > 0, "some ranges refused");
    const seen = chunks.flatMap((c) => c.logs);
    assert.equal(seen.length, logs.length, "every log");
    assert.equal(new Set(seen.map((l) => l.transactionHash)).size, logs.length, "none twice");
    let next = 0n;
    for (const { to } of chunks) {
      assert.ok(to >= next, "chunks in order");
      next = to + 1n;
    }
    assert.equal(next, 25_001n, "the chunks end at toBlock");
    for (const call of node.calls) {
      const inRange = logs.filter(
        (l) => (l.blockNumber as bigint) >= call.fromBlock && (l.blockNumber as bigint) <= call.toBlock,
      );
      assert.ok(call.toBlock >= call.fromBlock, "no empty range asked");
      if (inRange.length <= 16) continue;
      assert.ok(call.toBlock > call.fromBlock, "only ranges of several blocks refused");
    }
    const widest = node.calls.slice(-5).map((c) => c.toBlock - c.fromBlock + 1n);
    assert.ok(
      widest.some((width) => width > 64n),
      `the chunk grew back where logs are sparse (last widths ${widest.join(", ")})`,
    );
  });

  it("passes on an error that is not a range refusal, and a refusal of a single block", async () => {
    const failing = {
      getLogs: async () => {
        throw new Error("connection reset by peer");
      },
    } as unknown as Pick<PublicClient, "getLogs">;
    await assert.rejects(
      scanLogs(
        failing,
        { address: DEPOSIT_CONTRACT, events: [DEPOSIT_EVENT], fromBlock: 0n, toBlock: 100n },
        () => {},
      ),
      /connection reset by peer/,
      "the node's error",
    );
    // Two logs in one block, at most one per answer: no smaller range to ask.
    const crowded = new StandInNode(
      [
        depositEvent({ block: 10n, pubkey: pubkey(1), credentials: credentials(1), logIndex: 0 }),
        depositEvent({ block: 10n, pubkey: pubkey(2), credentials: credentials(1), logIndex: 1 }),
      ],
      1,
    );
    await assert.rejects(
      scan(crowded, 0n, 100n),
      /query returned more than 10000 results/,
      "refused at one block",
    );
    assert.deepEqual(crowded.calls.at(-1), { fromBlock: 10n, toBlock: 10n }, "down to the single block");
  });
});
