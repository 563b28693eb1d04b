import { MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD, MAX_DEPOSIT_REQUESTS_PER_PAYLOAD } from "@lodestar/params";
import type { electra } from "@lodestar/types";
import { ConsensusError, ExecutionBlockError } from "../errors.js";
import { fromHex, type Hex, toHex, toQuantity } from "../hex.js";
import type { Logger } from "../log.js";
import { depositContractArtifact, depositContractStorage } from "./depositContract.js";
import { DEPOSIT_EVENT_TOPIC, depositRequestFromLog } from "./deposits.js";
import { batchRequest, type JsonRpcTransport } from "./rpc.js";
import {
  BEACON_ROOTS_ADDRESS,
  BEACON_ROOTS_CODE,
  BEACON_ROOTS_HISTORY_BUFFER_LENGTH,
  CONSOLIDATION_REQUEST_ADDRESS,
  CONSOLIDATION_REQUEST_BYTES,
  CONSOLIDATION_REQUEST_INIT_CODE,
  EXCESS_INHIBITOR,
  REQUEST_COUNT_SLOT,
  REQUEST_EXCESS_SLOT,
  REQUEST_QUEUE_HEAD_SLOT,
  REQUEST_QUEUE_TAIL_SLOT,
  SYSTEM_ADDRESS,
  WITHDRAWAL_REQUEST_ADDRESS,
  WITHDRAWAL_REQUEST_BYTES,
  WITHDRAWAL_REQUEST_INIT_CODE,
} from "./systemContracts.js";
import type { ExecutionBlock, ExecutionBlockParams, ExecutionLayer } from "./types.js";

/** Which family of dev-node methods to use: anvil_* or hardhat_* (same semantics). */
export type Dialect = "anvil" | "hardhat";

/** EIP-7002 MAX_WITHDRAWAL_REQUESTS_PER_BLOCK / TARGET_WITHDRAWAL_REQUESTS_PER_BLOCK. */
const WITHDRAWAL_REQUESTS = { max: 16, target: 2n };
/** EIP-7251 MAX_CONSOLIDATION_REQUESTS_PER_BLOCK / TARGET_CONSOLIDATION_REQUESTS_PER_BLOCK. */
const CONSOLIDATION_REQUESTS = { max: MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD, target: 1n };
const GWEI = 1_000_000_000n;
/** Storage words of a request queue read each slot (excess, count, head, tail). */
const QUEUE_SLOTS = [
  REQUEST_EXCESS_SLOT,
  REQUEST_COUNT_SLOT,
  REQUEST_QUEUE_HEAD_SLOT,
  REQUEST_QUEUE_TAIL_SLOT,
];

/** Storage words of a request queue contract, read after the block is mined. */
type QueueState = { address: Hex; excess: bigint; count: bigint; head: bigint; tail: bigint };

type RpcBlock = {
  hash: Hex;
  number: Hex;
  timestamp: Hex;
  stateRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  extraData: Hex;
  baseFeePerGas?: Hex;
  blobGasUsed?: Hex;
  excessBlobGas?: Hex;
  miner: Hex;
};
type RpcLog = { data: Hex; blockNumber: Hex; logIndex: Hex };

function word(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

/** Execution layer behind a dev node's JSON-RPC: mines one block per slot and emulates the system calls. */
export class JsonRpcExecutionLayer implements ExecutionLayer {
  private cursor = -1;
  private readonly pendingDeposits: electra.DepositRequest[] = [];
  private depositContract: Hex = "0x";

  constructor(
    private readonly rpc: JsonRpcTransport,
    private readonly log: Logger,
    private readonly dialect: Dialect = "anvil",
  ) {}

  private m(name: string): string {
    return `${this.dialect}_${name}`;
  }

  async chainId(): Promise<number> {
    return Number(await this.rpc.request("eth_chainId"));
  }

  async headHeader(): Promise<ExecutionBlock["header"]> {
    return this.toHeader(await this.block("latest"));
  }

  async install(depositContract: Hex): Promise<void> {
    this.depositContract = depositContract;
    if (!(await this.hasCode(BEACON_ROOTS_ADDRESS))) {
      await this.rpc.request(this.m("setCode"), [BEACON_ROOTS_ADDRESS, BEACON_ROOTS_CODE]);
      this.log.info("installed EIP-4788 beacon roots contract", { address: BEACON_ROOTS_ADDRESS });
    }
    for (const [address, initCode, eip] of [
      [WITHDRAWAL_REQUEST_ADDRESS, WITHDRAWAL_REQUEST_INIT_CODE, "EIP-7002"],
      [CONSOLIDATION_REQUEST_ADDRESS, CONSOLIDATION_REQUEST_INIT_CODE, "EIP-7251"],
    ] as const) {
      if (await this.hasCode(address)) continue;
      // Running the init code in a call returns the runtime code it would deploy.
      const runtime = (await this.rpc.request("eth_call", [{ data: initCode }, "latest"])) as Hex;
      await this.rpc.request(this.m("setCode"), [address, runtime]);
      await this.setStorage(address, REQUEST_EXCESS_SLOT, EXCESS_INHIBITOR);
      this.log.info(`installed ${eip} request contract`, { address });
    }
    if (!(await this.hasCode(depositContract))) {
      await this.rpc.request(this.m("setCode"), [
        depositContract,
        depositContractArtifact().deployedBytecode,
      ]);
      for (const { slot, value } of depositContractStorage()) {
        await this.rpc.request(this.m("setStorageAt"), [depositContract, toQuantity(slot), value]);
      }
      this.log.info("installed beacon deposit contract", { address: depositContract });
    }
  }

  setDepositCursor(blockNumber: number): void {
    this.cursor = blockNumber;
  }

  depositCursor(): number {
    return this.cursor;
  }

  /**
   * Three JSON-RPC round trips per slot on anvil (a fourth in the rare slots where a request queue moves or the
   * head is ahead of slot time; one more on Hardhat, which has no anvil_addBalance). A node may run the calls of one batch concurrently (anvil does), so only calls that do
   * not depend on each other share one: (1) read the head, set the coinbase and the EIP-4788 root; (2) mine;
   * (3) read the mined block, credit the withdrawals, read deposit logs and the request queues.
   */
  async produceBlock(params: ExecutionBlockParams): Promise<ExecutionBlock> {
    let mined = false;
    try {
      return await this.mineSlotBlock(params, () => {
        mined = true;
      });
    } catch (cause) {
      throw new ExecutionBlockError(
        `execution node failed to produce the block: ${(cause as Error).message}`,
        mined,
        { timestamp: params.timestamp, feeRecipient: params.feeRecipient },
        { cause },
      );
    }
  }

  private async mineSlotBlock(params: ExecutionBlockParams, onMined: () => void): Promise<ExecutionBlock> {
    const credits = this.credits(params);
    const addBalance = this.dialect === "anvil";
    // The EIP-4788 root is written for the slot's timestamp in the same batch as the head is read; in the rare
    // case the head is already past that time, the entry is cleared and written again for the block's time.
    const slotRoot = this.beaconRootWrites(params.timestamp, params.parentBeaconBlockRoot);
    const [latestRaw] = await batchRequest(this.rpc, [
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      { method: this.m("setCoinbase"), params: [params.feeRecipient] },
      ...slotRoot,
    ]);
    const latest = latestRaw as RpcBlock | null;
    if (latest === null) throw new ConsensusError("execution node has no such block", { tag: "latest" });
    const timestamp = Math.max(params.timestamp, Number(latest.timestamp) + 1);
    const beaconRoot =
      timestamp === params.timestamp
        ? slotRoot
        : this.beaconRootWrites(timestamp, params.parentBeaconBlockRoot);
    if (timestamp !== params.timestamp) {
      this.log.warn("execution head is ahead of slot time; block timestamp moved forward", {
        slotTimestamp: params.timestamp,
        timestamp,
      });
      await batchRequest(this.rpc, [
        ...this.beaconRootWrites(params.timestamp, new Uint8Array(32), 0n),
        ...beaconRoot,
      ]);
    }
    // From here on the block may exist (a lost answer to evm_mine included): the slot must not be tried again.
    onMined();
    await this.rpc.request("evm_mine", [timestamp]);

    // Deposit logs are read up to the block this slot was expected to mine. Should a block have been mined by
    // someone else in between, ours has a higher number and is read with the next slot: none is read twice.
    const toBlock = Number(latest.number) + 1;
    const readLogs = toBlock > this.cursor;
    // Without anvil_addBalance (Hardhat) a credit is a balance read after the block, then a write.
    const balances = addBalance
      ? []
      : await batchRequest(
          this.rpc,
          credits.map(([address]) => ({ method: "eth_getBalance", params: [address, "latest"] })),
        );
    const creditCalls = credits.map(([address, wei], i) =>
      addBalance
        ? { method: "anvil_addBalance", params: [address, toQuantity(wei)] }
        : { method: this.m("setBalance"), params: [address, toQuantity(BigInt(balances[i] as Hex) + wei)] },
    );
    const [minedRaw, ...rest] = await batchRequest(this.rpc, [
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      // A node that runs the EIP-4788 system call itself may have written its own root: ours wins.
      ...beaconRoot,
      // Withdrawals are credited after the block's transactions, as the execution layer applies them.
      ...creditCalls,
      ...(readLogs ? [this.depositLogsCall(toBlock)] : []),
      ...this.queueReads(WITHDRAWAL_REQUEST_ADDRESS),
      ...this.queueReads(CONSOLIDATION_REQUEST_ADDRESS),
    ]);
    const mined = minedRaw as RpcBlock;
    let next = beaconRoot.length + creditCalls.length;
    if (readLogs) this.takeDepositLogs(rest[next++] as RpcLog[], toBlock);
    const deposits = this.pendingDeposits.splice(0, MAX_DEPOSIT_REQUESTS_PER_PAYLOAD);
    const queues = [WITHDRAWAL_REQUEST_ADDRESS, CONSOLIDATION_REQUEST_ADDRESS].map((address, i) => {
      const words = rest.slice(next + i * QUEUE_SLOTS.length, next + (i + 1) * QUEUE_SLOTS.length);
      const [excess, count, head, tail] = words.map((w) => BigInt(w as Hex)) as [
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      return { address, excess, count, head, tail };
    });
    // The system call returns nothing from an empty queue: it is only made (one more round trip) when a queue
    // holds requests, which is rare.
    const nonEmpty = queues.filter((q) => q.tail !== q.head);
    const outputs = await batchRequest(
      this.rpc,
      nonEmpty.map((q) => ({
        method: "eth_call",
        params: [{ from: SYSTEM_ADDRESS, to: q.address }, "latest"],
      })),
    );
    const output = (address: Hex): Hex => {
      const i = nonEmpty.findIndex((q) => q.address === address);
      return i < 0 ? "0x" : (outputs[i] as Hex);
    };
    const writes: Array<{ method: string; params: unknown[] }> = [];
    const [withdrawalQueue, consolidationQueue] = queues as [QueueState, QueueState];
    const withdrawals = this.dequeue(
      withdrawalQueue,
      WITHDRAWAL_REQUESTS,
      output(WITHDRAWAL_REQUEST_ADDRESS),
      writes,
    ).map((bytes) => this.decodeWithdrawalRequest(bytes));
    const consolidations = this.dequeue(
      consolidationQueue,
      CONSOLIDATION_REQUESTS,
      output(CONSOLIDATION_REQUEST_ADDRESS),
      writes,
    ).map((bytes) => this.decodeConsolidationRequest(bytes));
    if (writes.length > 0) await batchRequest(this.rpc, writes);
    return { header: this.toHeader(mined), requests: { deposits, withdrawals, consolidations } };
  }

  async hasBlock(blockHash: Uint8Array): Promise<boolean> {
    return (await this.rpc.request("eth_getBlockByHash", [toHex(blockHash), false])) !== null;
  }

  async close(): Promise<void> {
    await this.rpc.close?.();
  }

  private async block(tag: string): Promise<RpcBlock> {
    const block = (await this.rpc.request("eth_getBlockByNumber", [tag, false])) as RpcBlock | null;
    if (block === null) throw new ConsensusError("execution node has no such block", { tag });
    return block;
  }

  private async hasCode(address: Hex): Promise<boolean> {
    const code = (await this.rpc.request("eth_getCode", [address, "latest"])) as Hex;
    return code !== "0x" && code !== "0x0";
  }

  private async setStorage(address: Hex, slot: number | bigint, value: bigint): Promise<void> {
    await this.rpc.request(this.m("setStorageAt"), [address, toQuantity(slot), word(value)]);
  }

  /** EIP-4788: storage[ts % 8191] = ts and storage[ts % 8191 + 8191] = parent beacon block root. */
  private beaconRootWrites(
    timestamp: number,
    root: Uint8Array,
    storedTimestamp = BigInt(timestamp),
  ): Array<{ method: string; params: unknown[] }> {
    const index = timestamp % BEACON_ROOTS_HISTORY_BUFFER_LENGTH;
    return [
      {
        method: this.m("setStorageAt"),
        params: [BEACON_ROOTS_ADDRESS, toQuantity(index), word(storedTimestamp)],
      },
      {
        method: this.m("setStorageAt"),
        params: [
          BEACON_ROOTS_ADDRESS,
          toQuantity(index + BEACON_ROOTS_HISTORY_BUFFER_LENGTH),
          word(BigInt(toHex(root))),
        ],
      },
    ];
  }

  /** The slot's withdrawals summed per address, in wei (zero amounts skipped). */
  private credits(params: ExecutionBlockParams): Array<[string, bigint]> {
    const byAddress = new Map<string, bigint>();
    for (const w of params.withdrawals) {
      if (w.amountGwei === 0n) continue;
      const key = w.address.toLowerCase();
      byAddress.set(key, (byAddress.get(key) ?? 0n) + w.amountGwei * GWEI);
    }
    return [...byAddress];
  }

  private depositLogsCall(toBlock: number): { method: string; params: unknown[] } {
    return {
      method: "eth_getLogs",
      params: [
        {
          address: this.depositContract,
          topics: [DEPOSIT_EVENT_TOPIC],
          fromBlock: toQuantity(this.cursor + 1),
          toBlock: toQuantity(toBlock),
        },
      ],
    };
  }

  private takeDepositLogs(logs: RpcLog[], toBlock: number): void {
    logs.sort(
      (a, b) => Number(a.blockNumber) - Number(b.blockNumber) || Number(a.logIndex) - Number(b.logIndex),
    );
    for (const log of logs) this.pendingDeposits.push(depositRequestFromLog(log.data));
    this.cursor = toBlock;
  }

  /** The storage words of an EIP-7002/7251 request queue (the system call itself is made only when needed). */
  private queueReads(address: Hex): Array<{ method: string; params: unknown[] }> {
    return QUEUE_SLOTS.map((slot) => ({
      method: "eth_getStorageAt",
      params: [address, toQuantity(slot), "latest"],
    }));
  }

  /**
   * Emulates the end-of-block system call of an EIP-7002/7251 contract: `call` is what a call from
   * SYSTEM_ADDRESS returned (the dequeued requests), and the storage writes the call would make are appended
   * to `writes`.
   */
  private dequeue(
    queue: QueueState,
    limits: { max: number; target: bigint },
    call: Hex,
    writes: Array<{ method: string; params: unknown[] }>,
  ): Uint8Array[] {
    const { address, excess, count, head, tail } = queue;
    const size =
      address === WITHDRAWAL_REQUEST_ADDRESS ? WITHDRAWAL_REQUEST_BYTES : CONSOLIDATION_REQUEST_BYTES;
    const output = fromHex(call);
    const dequeued = BigInt(Math.min(Number(tail - head), limits.max));
    if (output.length !== Number(dequeued) * size) {
      throw new ConsensusError("system contract returned an unexpected request list", {
        address,
        bytes: output.length,
        expectedRequests: dequeued,
      });
    }
    const write = (slot: number, value: bigint) =>
      writes.push({ method: this.m("setStorageAt"), params: [address, toQuantity(slot), word(value)] });
    if (head + dequeued === tail) {
      if (head !== 0n) write(REQUEST_QUEUE_HEAD_SLOT, 0n);
      if (tail !== 0n) write(REQUEST_QUEUE_TAIL_SLOT, 0n);
    } else {
      write(REQUEST_QUEUE_HEAD_SLOT, head + dequeued);
    }
    const previous = excess === EXCESS_INHIBITOR ? 0n : excess;
    const next = previous + count > limits.target ? previous + count - limits.target : 0n;
    if (next !== excess) write(REQUEST_EXCESS_SLOT, next);
    if (count !== 0n) write(REQUEST_COUNT_SLOT, 0n);
    const requests: Uint8Array[] = [];
    for (let i = 0; i < output.length; i += size) requests.push(output.subarray(i, i + size));
    return requests;
  }

  private decodeWithdrawalRequest(bytes: Uint8Array): electra.WithdrawalRequest {
    return {
      sourceAddress: bytes.slice(0, 20),
      validatorPubkey: bytes.slice(20, 68),
      amount: Buffer.from(bytes.subarray(68, 76)).readBigUInt64BE(0),
    };
  }

  private decodeConsolidationRequest(bytes: Uint8Array): electra.ConsolidationRequest {
    return {
      sourceAddress: bytes.slice(0, 20),
      sourcePubkey: bytes.slice(20, 68),
      targetPubkey: bytes.slice(68, 116),
    };
  }

  private toHeader(block: RpcBlock): ExecutionBlock["header"] {
    return {
      parentHash: new Uint8Array(32),
      feeRecipient: fromHex(block.miner),
      stateRoot: fromHex(block.stateRoot),
      receiptsRoot: fromHex(block.receiptsRoot),
      logsBloom: fromHex(block.logsBloom),
      prevRandao: new Uint8Array(32),
      blockNumber: Number(block.number),
      gasLimit: Number(block.gasLimit),
      gasUsed: Number(block.gasUsed),
      timestamp: Number(block.timestamp),
      extraData: fromHex(block.extraData),
      baseFeePerGas: BigInt(block.baseFeePerGas ?? 0),
      blockHash: fromHex(block.hash),
      blobGasUsed: BigInt(block.blobGasUsed ?? 0),
      excessBlobGas: BigInt(block.excessBlobGas ?? 0),
    };
  }
}
