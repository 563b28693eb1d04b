/**
 * What the oracle reads from the execution layer, through the SDK's ABIs and standard JSON-RPC
 * only: the committee's frame and votes, and at the reference slot's block the accounting state,
 * the token, the vault, the operators, the queue and the registry's deposited keys.
 */
import type { Deployment } from "@tributary/sdk";
import {
  accountingAbi,
  hashConsensusAbi,
  operatorRegistryAbi,
  trETHAbi,
  withdrawalQueueAbi,
} from "@tributary/sdk/abis";
import {
  type Address,
  type Chain,
  type Client,
  decodeFunctionData,
  getAbiItem,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";
import { multicall } from "viem/actions";
import type { AccountingState } from "./report/accountingMath.js";
import type { DepositedKey, OperatorState, QueueState } from "./report/types.js";

type AnyClient = Client<Transport, Chain | undefined> & PublicClient;

async function readAll<const T extends readonly unknown[]>(
  client: AnyClient,
  contracts: T,
  blockNumber?: bigint,
): Promise<readonly unknown[]> {
  return (await multicall(client, {
    contracts: contracts as never,
    allowFailure: false,
    blockNumber,
    deployless: client.chain?.contracts?.multicall3 === undefined,
  })) as readonly unknown[];
}

export interface ChainConfig {
  slotsPerEpoch: number;
  secondsPerSlot: number;
  genesisTime: number;
  initialEpoch: number;
  epochsPerFrame: number;
}

export interface CommitteeView {
  refSlot: number;
  deadlineSlot: number;
  consensusVersion: bigint;
  /** The hash a quorum agreed on for the current frame (zero: none yet) and its support. */
  agreedHash: Hex;
  support: bigint;
  members: bigint;
  quorum: bigint;
  lastProcessedRefSlot: number;
  /** This member's latest vote and its hash in the current frame. */
  lastVotedRefSlot: number;
  votedHash: Hex;
  isMember: boolean;
  variants: { hash: Hex; support: bigint }[];
}

/** State at the reference block that the report reads (besides the beacon state). */
export interface ReferenceState {
  accounting: AccountingState;
  tokenBalance: bigint;
  operators: OperatorState[];
  queue: QueueState;
  rewardsRoot: Hex;
  exitListHash: Hex;
}

/** The last report the accounting module applied, read from its event and transaction. */
export interface AppliedReport {
  refSlot: number;
  blockNumber: bigint;
  transactionHash: Hex;
  elRewardsPulled: bigint;
  commissionShares: bigint;
  /** The submitted data (from the transaction's input). */
  elRewardsVaultAmount: bigint;
  operatorCommission: bigint;
  exitRequestsHash: Hex;
}

export class ChainReader {
  readonly contracts: Deployment["contracts"];
  /** Registry events scanned so far, kept between reports (rebuilt from the chain when absent). */
  private keyCache: KeyCache;

  constructor(
    readonly client: AnyClient,
    readonly deployment: Deployment,
    options: { keyCache?: KeyCache; logRange?: bigint } = {},
  ) {
    this.contracts = deployment.contracts;
    const start = BigInt(deployment.blockNumber);
    this.keyCache = options.keyCache ?? {
      scannedTo: (start > 256n ? start - 256n : 0n) - 1n,
      keys: {},
      deposited: {},
    };
    this.logRange = options.logRange ?? 10_000n;
  }

  private logRange: bigint;

  get cache(): KeyCache {
    return this.keyCache;
  }

  async chainConfig(): Promise<ChainConfig> {
    const c = this.contracts.hashConsensus;
    const [[slotsPerEpoch, secondsPerSlot, genesisTime], [initialEpoch, epochsPerFrame]] = (await readAll(
      this.client,
      [
        { address: c, abi: hashConsensusAbi, functionName: "getChainConfig" },
        { address: c, abi: hashConsensusAbi, functionName: "getFrameConfig" },
      ] as const,
    )) as [[bigint, bigint, bigint], [bigint, bigint]];
    return {
      slotsPerEpoch: Number(slotsPerEpoch),
      secondsPerSlot: Number(secondsPerSlot),
      genesisTime: Number(genesisTime),
      initialEpoch: Number(initialEpoch),
      epochsPerFrame: Number(epochsPerFrame),
    };
  }

  /** The committee's current frame, agreement and this member's votes (latest block). */
  async committee(member: Address): Promise<CommitteeView> {
    const c = this.contracts.hashConsensus;
    const results = await multicall(this.client, {
      contracts: [
        { address: c, abi: hashConsensusAbi, functionName: "getConsensusReport" },
        { address: c, abi: hashConsensusAbi, functionName: "getConsensusVersion" },
        { address: c, abi: hashConsensusAbi, functionName: "getQuorum" },
        { address: c, abi: hashConsensusAbi, functionName: "isMember", args: [member] },
        { address: c, abi: hashConsensusAbi, functionName: "getMemberState", args: [member] },
        { address: c, abi: hashConsensusAbi, functionName: "getReportVariants" },
        { address: this.contracts.accounting, abi: accountingAbi, functionName: "lastProcessedRefSlot" },
      ],
      allowFailure: true,
      deployless: this.client.chain?.contracts?.multicall3 === undefined,
    });
    const [report, version, quorum, isMember, memberState, variants, lastProcessed] = results;
    if (report.status !== "success") {
      const name = (report.error as { cause?: { data?: { errorName?: string } } }).cause?.data?.errorName;
      if (
        name === "HashConsensusInitialEpochNotReached" ||
        /InitialEpochNotReached/.test(String(report.error))
      ) {
        throw new BeforeFirstFrameError("the committee's first frame has not started");
      }
      throw report.error;
    }
    const [refSlot, agreedHash, support, members, deadlineSlot] = report.result;
    const state = memberState.status === "success" ? memberState.result : ([0n, ZERO_HASH] as const);
    const v = variants.status === "success" ? variants.result : ([0n, [], []] as const);
    return {
      refSlot: Number(refSlot),
      deadlineSlot: Number(deadlineSlot),
      consensusVersion: version.status === "success" ? version.result : 0n,
      agreedHash,
      support,
      members,
      quorum: quorum.status === "success" ? quorum.result : 0n,
      lastProcessedRefSlot: lastProcessed.status === "success" ? Number(lastProcessed.result) : 0,
      lastVotedRefSlot: Number(state[0]),
      votedHash: state[1],
      isMember: isMember.status === "success" ? isMember.result : false,
      variants: v[1].map((hash, i) => ({ hash, support: v[2][i] ?? 0n })).filter((x) => x.support > 0n),
    };
  }

  /** Everything the report reads from the execution layer at `blockNumber`. */
  async referenceState(blockNumber: bigint, secondsPerSlot: number): Promise<ReferenceState> {
    const {
      accounting,
      token,
      operatorRegistry: registry,
      withdrawalQueue: queue,
      hashConsensus,
    } = this.contracts;
    const [
      lastRefSlot,
      lastClValidators,
      lastExitedValidators,
      lastClBalance,
      limits,
      reportState,
      operatorCount,
      lastRequestId,
      lastFinalizedRequestId,
      rewardsRoot,
      exitRequests,
      consensusReport,
    ] = (await readAll(
      this.client,
      [
        { address: accounting, abi: accountingAbi, functionName: "lastProcessedRefSlot" },
        { address: accounting, abi: accountingAbi, functionName: "lastClValidators" },
        { address: accounting, abi: accountingAbi, functionName: "lastExitedValidators" },
        { address: accounting, abi: accountingAbi, functionName: "lastClBalance" },
        { address: accounting, abi: accountingAbi, functionName: "limits" },
        { address: token, abi: trETHAbi, functionName: "reportState" },
        { address: registry, abi: operatorRegistryAbi, functionName: "operatorCount" },
        { address: queue, abi: withdrawalQueueAbi, functionName: "lastRequestId" },
        { address: queue, abi: withdrawalQueueAbi, functionName: "lastFinalizedRequestId" },
        { address: accounting, abi: accountingAbi, functionName: "rewardsRoot" },
        { address: accounting, abi: accountingAbi, functionName: "exitRequests" },
        { address: hashConsensus, abi: hashConsensusAbi, functionName: "getConsensusReport" },
      ] as const,
      blockNumber,
    )) as [
      bigint,
      bigint,
      bigint,
      bigint,
      {
        treasuryFeeBps: number;
        maxAnnualClGrowthBps: number;
        maxLossBps: number;
        maxRateIncreasePerReport: number;
        maxCommissionBps: number;
      },
      readonly [bigint, bigint, bigint, bigint],
      bigint,
      bigint,
      bigint,
      Hex,
      readonly [Hex, bigint],
      readonly [bigint, Hex, bigint, bigint, bigint],
    ];
    const count = Number(operatorCount);
    const opCalls = [];
    for (let id = 0; id < count; id++) {
      opCalls.push({
        address: registry,
        abi: operatorRegistryAbi,
        functionName: "getOperator",
        args: [BigInt(id)],
      } as const);
      opCalls.push({
        address: registry,
        abi: operatorRegistryAbi,
        functionName: "commissionOf",
        args: [BigInt(id)],
      } as const);
    }
    const [balances, opResults] = await Promise.all([
      Promise.all([
        this.client.getBalance({ address: token, blockNumber }),
        this.client.getBalance({ address: this.contracts.withdrawalVault, blockNumber }),
      ]),
      count === 0 ? Promise.resolve([]) : readAll(this.client, opCalls, blockNumber),
    ]);
    const operators: OperatorState[] = [];
    const bondShares = new Map<bigint, bigint>();
    for (let id = 0; id < count; id++) {
      const op = opResults[2 * id] as {
        rewardAddress: Address;
        depositedKeys: number;
        exitedKeys: number;
        withdrawnKeys: number;
        bondShares: bigint;
      };
      const commission = opResults[2 * id + 1] as number;
      operators.push({
        id,
        rewardAddress: op.rewardAddress,
        commissionBps: Number(commission),
        depositedKeys: Number(op.depositedKeys),
        exitedKeys: Number(op.exitedKeys),
        withdrawnKeys: Number(op.withdrawnKeys),
        bondShares: op.bondShares,
      });
      bondShares.set(BigInt(id), op.bondShares);
    }
    return {
      accounting: {
        lastRefSlot,
        lastClValidators,
        lastExitedValidators,
        lastClBalance,
        secondsPerSlot: BigInt(secondsPerSlot),
        limits: {
          treasuryFeeBps: BigInt(limits.treasuryFeeBps),
          maxAnnualClGrowthBps: BigInt(limits.maxAnnualClGrowthBps),
          maxLossBps: BigInt(limits.maxLossBps),
          maxRateIncreasePerReport: BigInt(limits.maxRateIncreasePerReport),
          maxCommissionBps: BigInt(limits.maxCommissionBps),
        },
        beaconAssets: reportState[0],
        totalAssets: reportState[1],
        totalShares: reportState[2],
        pendingBurnShares: reportState[3],
        vaultBalance: balances[1],
        bondShares,
        support: consensusReport[2],
        members: consensusReport[3],
      },
      tokenBalance: balances[0],
      operators,
      queue: { lastRequestId, lastFinalizedRequestId },
      rewardsRoot,
      exitListHash: exitRequests[0],
    };
  }

  /** The queue's finalizationCost at `blockNumber` (ETH only). */
  finalizationCost(blockNumber: bigint): (id: bigint, rate: bigint) => Promise<bigint> {
    const cache = new Map<string, bigint>();
    return async (id, rate) => {
      const key = `${id}:${rate}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const [eth] = (await this.client.readContract({
        address: this.contracts.withdrawalQueue,
        abi: withdrawalQueueAbi,
        functionName: "finalizationCost",
        args: [id, rate],
        blockNumber,
      })) as readonly [bigint, bigint];
      cache.set(key, eth);
      return eth;
    };
  }

  /**
   * The registry's deposited keys at `toBlock`, from its events (KeyAdded, KeysRemoved,
   * KeysDeposited), scanned from where the cache stopped, `logRange` blocks per request.
   */
  async depositedKeys(toBlock: bigint): Promise<DepositedKey[]> {
    const registry = this.contracts.operatorRegistry;
    const events = [
      getAbiItem({ abi: operatorRegistryAbi, name: "KeyAdded" }),
      getAbiItem({ abi: operatorRegistryAbi, name: "KeysRemoved" }),
      getAbiItem({ abi: operatorRegistryAbi, name: "KeysDeposited" }),
    ];
    const cache = this.keyCache;
    if (toBlock < cache.scannedTo) {
      throw new Error(
        `the key cache is ahead of the reference block (${cache.scannedTo} > ${toBlock}): it is rebuilt`,
      );
    }
    for (let from = cache.scannedTo + 1n; from <= toBlock; from += this.logRange) {
      const to = from + this.logRange - 1n < toBlock ? from + this.logRange - 1n : toBlock;
      const logs = await this.client.getLogs({
        address: registry,
        events,
        fromBlock: from,
        toBlock: to,
        strict: true,
      });
      logs.sort((a, b) =>
        a.blockNumber === b.blockNumber
          ? (a.logIndex ?? 0) - (b.logIndex ?? 0)
          : a.blockNumber !== null && b.blockNumber !== null && a.blockNumber < b.blockNumber
            ? -1
            : 1,
      );
      for (const log of logs) {
        const args = log.args as Record<string, unknown>;
        const op = String(args.operatorId);
        if (log.eventName === "KeyAdded") {
          const keys = cache.keys[op] ?? [];
          keys[Number(args.index)] = (args.pubkey as string).toLowerCase();
          cache.keys[op] = keys;
        } else if (log.eventName === "KeysRemoved") {
          const keys = cache.keys[op] ?? [];
          keys.length = Math.min(keys.length, Number(args.totalKeys));
          cache.keys[op] = keys;
        } else if (log.eventName === "KeysDeposited") {
          cache.deposited[op] = Number(args.depositedKeys);
        }
      }
      cache.scannedTo = to;
    }
    const out: DepositedKey[] = [];
    for (const op of Object.keys(cache.deposited).sort((a, b) => Number(a) - Number(b))) {
      const keys = cache.keys[op] ?? [];
      const n = cache.deposited[op] ?? 0;
      for (let i = 0; i < n; i++) {
        const pubkey = keys[i];
        if (pubkey === undefined) throw new Error(`operator ${op} deposited key ${i} has no KeyAdded event`);
        out.push({ operatorId: Number(op), keyIndex: i, pubkey });
      }
    }
    return out;
  }

  /** The last report applied at or before `toBlock` (undefined: none yet). */
  async lastApplied(lastRefSlot: number, toBlock: bigint): Promise<AppliedReport | undefined> {
    if (lastRefSlot === 0) return undefined;
    const event = getAbiItem({ abi: accountingAbi, name: "ReportApplied" });
    const logs = await this.client.getLogs({
      address: this.contracts.accounting,
      event,
      args: { refSlot: BigInt(lastRefSlot) },
      fromBlock: BigInt(this.deployment.blockNumber),
      toBlock,
      strict: true,
    });
    const log = logs.at(-1);
    if (!log || log.transactionHash === null || log.blockNumber === null) return undefined;
    const tx = await this.client.getTransaction({ hash: log.transactionHash });
    const { args } = decodeFunctionData({ abi: accountingAbi, data: tx.input });
    const report = (args as readonly unknown[])[0] as {
      elRewardsVaultAmount: bigint;
      operatorCommission: bigint;
      exitRequestsHash: Hex;
    };
    return {
      refSlot: lastRefSlot,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      elRewardsPulled: log.args.elRewardsPulled,
      commissionShares: log.args.commissionShares,
      elRewardsVaultAmount: report.elRewardsVaultAmount,
      operatorCommission: report.operatorCommission,
      exitRequestsHash: report.exitRequestsHash,
    };
  }

  /** The packed exit list published for `hash` (undefined: never published). */
  async publishedExitList(hash: Hex, toBlock: bigint): Promise<Hex | undefined> {
    if (hash === ZERO_HASH) return undefined;
    const logs = await this.client.getLogs({
      address: this.contracts.accounting,
      event: getAbiItem({ abi: accountingAbi, name: "ExitRequestsPublished" }),
      args: { exitRequestsHash: hash },
      fromBlock: BigInt(this.deployment.blockNumber),
      toBlock,
      strict: true,
    });
    return logs.at(-1)?.args.data;
  }
}

/** The committee's initial epoch is still ahead: there is no frame to report yet. */
export class BeforeFirstFrameError extends Error {
  override name = "BeforeFirstFrameError";
}

export const ZERO_HASH = `0x${"0".repeat(64)}` as Hex;

export interface KeyCache {
  /** Last block scanned (inclusive). */
  scannedTo: bigint;
  /** Pubkeys by operator id, by key index. */
  keys: Record<string, string[]>;
  /** Deposited key count by operator id. */
  deposited: Record<string, number>;
}
