import { createHash } from "node:crypto";
import type { electra } from "@lodestar/types";
import type { Hex } from "../hex.js";
import type { ExecutionBlock, ExecutionBlockParams, ExecutionLayer, WithdrawalCredit } from "./types.js";

/**
 * In-memory execution layer with no EVM: block hashes are derived from the block number. For benchmarks
 * and for tests that exercise consensus rules only. Requests queued here appear in the next block.
 */
export class MemoryExecutionLayer implements ExecutionLayer {
  private number = 0;
  private cursor = 0;
  readonly credited: WithdrawalCredit[] = [];
  readonly queued: electra.ExecutionRequests = { deposits: [], withdrawals: [], consolidations: [] };
  private depositIndex = 0n;

  constructor(private readonly id = 31337) {}

  async chainId(): Promise<number> {
    return this.id;
  }

  async headHeader(): Promise<ExecutionBlock["header"]> {
    return this.header(0);
  }

  async install(_depositContract: Hex): Promise<void> {}

  setDepositCursor(blockNumber: number): void {
    this.cursor = blockNumber;
  }

  depositCursor(): number {
    return this.cursor;
  }

  /** Queues a deposit request as if a DepositEvent had been logged. */
  queueDeposit(request: Omit<electra.DepositRequest, "index">): void {
    this.queued.deposits.push({ ...request, index: this.depositIndex++ });
  }

  async produceBlock(params: ExecutionBlockParams): Promise<ExecutionBlock> {
    this.number++;
    this.cursor = this.number;
    if (this.credited.length < 100_000) this.credited.push(...params.withdrawals);
    const requests: electra.ExecutionRequests = {
      deposits: this.queued.deposits.splice(0),
      withdrawals: this.queued.withdrawals.splice(0),
      consolidations: this.queued.consolidations.splice(0),
    };
    return { header: { ...this.header(this.number), timestamp: params.timestamp }, requests };
  }

  async hasBlock(_blockHash: Uint8Array): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private header(number: number): ExecutionBlock["header"] {
    const blockHash = createHash("sha256").update(`execution block ${number}`).digest();
    return {
      parentHash: new Uint8Array(32),
      feeRecipient: new Uint8Array(20),
      stateRoot: new Uint8Array(32),
      receiptsRoot: new Uint8Array(32),
      logsBloom: new Uint8Array(256),
      prevRandao: new Uint8Array(32),
      blockNumber: number,
      gasLimit: 30_000_000,
      gasUsed: 0,
      timestamp: 0,
      extraData: new Uint8Array(0),
      baseFeePerGas: 7n,
      blockHash: new Uint8Array(blockHash),
      blobGasUsed: 0n,
      excessBlobGas: 0n,
    };
  }
}
