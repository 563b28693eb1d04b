/**
 * What the benchmark times after reading the state: the whole report computation of the oracle
 * (`computeReport`), on the state's protocol validators and a synthetic frame around them that has
 * mainnet's shape: 300 operators, a frame of 7,200 slots whose blocks each pay 16 withdrawals (those
 * of protocol validators to the vault) and are proposed by protocol validators in proportion to
 * their share, a queue of 20,000 pending withdrawal requests that outgrows the buffer (so the
 * finalization bisection and the exit list both run), and operator sums from the previous report.
 * The chain reads that would precede it (the registry's keys, the accounting state) are prepared
 * before the timer starts, as the daemon has them before it reads the state.
 */
import { type Address, keccak256 } from "viem";
import { FrameHistoryReader, type HistoryCache } from "../src/history.js";
import type { AccountingState } from "../src/report/accountingMath.js";
import { computeReport } from "../src/report/compute.js";
import { matchValidators } from "../src/report/match.js";
import type { DepositedKey, OperatorState, ReportInput, Snapshot } from "../src/report/types.js";
import type { StateView } from "../src/state/types.js";

/** Operators the benchmark spreads the protocol's validators over. */
export const BENCH_OPERATORS = 300;
const SLOTS = 7_200;
const SLOTS_PER_EPOCH = 32;
const WITHDRAWALS_PER_BLOCK = 16;
const VAULT = "0x00000000000000000000000000000000000000aa";
const ETH = 10n ** 18n;

export interface BenchReport {
  validators: number;
  hash: string;
  clBalance: string;
  operatorCommission: string;
  lastRequestIdToFinalize: string;
  exitRequestsCount: string;
}

export interface Prepared {
  keys: DepositedKey[];
  history: FrameHistoryReader;
  input: Omit<ReportInput, "validators" | "history">;
  refSlot: number;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The chain side of the frame. `protocolIndices[j]` is the registry index of the j-th protocol pubkey
 * (the generator spreads them evenly); `totalValidators` is the registry's size.
 */
export function prepareBench(
  pubkeys: readonly string[],
  protocolIndices: readonly number[],
  totalValidators: number,
  refSlot: number,
): Prepared {
  const keys: DepositedKey[] = pubkeys.map((pubkey, j) => ({
    operatorId: j % BENCH_OPERATORS,
    keyIndex: Math.floor(j / BENCH_OPERATORS),
    pubkey: pubkey.toLowerCase(),
  }));
  const perOperator = new Array<number>(BENCH_OPERATORS).fill(0);
  for (const k of keys) perOperator[k.operatorId] = (perOperator[k.operatorId] as number) + 1;
  const operators: OperatorState[] = perOperator.map((n, id) => ({
    id,
    rewardAddress: `0x${(0x1000 + id).toString(16).padStart(40, "0")}` as Address,
    commissionBps: 500 + (id % 5) * 100,
    depositedKeys: n,
    exitedKeys: 0,
    withdrawnKeys: 0,
    bondShares: BigInt(n) * 2n * ETH,
  }));

  // The frame's blocks: a sweep of 16 withdrawals per block over the registry, as the spec's
  // withdrawal sweep does; those of protocol validators pay the vault.
  const rand = random(42);
  const isProtocol = new Uint8Array(totalValidators);
  for (const i of protocolIndices) isProtocol[i] = 1;
  const cache: HistoryCache = { vault: VAULT, slots: {} };
  let sweep = 0;
  let vaultGwei = 0n;
  const from = refSlot - SLOTS;
  for (let s = from + 1; s <= refSlot; s++) {
    if (rand() < 0.01) {
      cache.slots[String(s)] = null; // a missed slot
      continue;
    }
    const proposer = Math.floor(rand() * totalValidators);
    const w: [number, number][] = [];
    for (let k = 0; k < WITHDRAWALS_PER_BLOCK; k++) {
      const index = sweep;
      sweep = (sweep + 1) % totalValidators;
      if (isProtocol[index]) {
        const gwei = 10_000_000 + Math.floor(rand() * 10_000_000);
        w.push([index, gwei]);
        vaultGwei += BigInt(gwei);
      }
    }
    cache.slots[String(s)] = { p: proposer, n: 20_000_000 + s, w };
  }
  const history = new FrameHistoryReader({ block: async () => null }, VAULT, cache);

  // Previous report: every protocol validator seen at 32 ETH, except the last one of each operator.
  const previous: Snapshot = { refSlot: from, operators: {} };
  for (let id = 0; id < BENCH_OPERATORS; id++) {
    const seen = Math.max(0, (perOperator[id] as number) - 1);
    previous.operators[String(id)] = { seen, balanceGwei: BigInt(seen) * 32_000_000_000n };
  }
  const protocol = BigInt(pubkeys.length);
  const lastClValidators = protocol - BigInt(BENCH_OPERATORS);
  const beaconAssets = protocol * 32n * ETH;
  const accounting: AccountingState = {
    lastRefSlot: BigInt(from),
    lastClValidators,
    lastExitedValidators: 0n,
    lastClBalance: lastClValidators * 32n * ETH,
    secondsPerSlot: 12n,
    limits: {
      treasuryFeeBps: 500n,
      // The synthetic balances are not a year's growth of the synthetic previous ones: no limit here.
      maxAnnualClGrowthBps: 16_000_000n,
      maxLossBps: 10_000n,
      maxRateIncreasePerReport: 750_000n,
      maxCommissionBps: 1000n,
    },
    beaconAssets,
    totalAssets: beaconAssets + 1000n * ETH,
    totalShares: ((beaconAssets + 1000n * ETH) * 95n) / 100n,
    pendingBurnShares: 0n,
    vaultBalance: vaultGwei * 1_000_000_000n + 300n * ETH,
    bondShares: new Map(operators.map((o) => [BigInt(o.id), o.bondShares])),
    support: 9n,
    members: 9n,
  };
  // 20,000 requests of 1 to 64 ETH: cumulative costs, as the queue's finalizationCost would give.
  const requests = 20_000;
  const cumulative: bigint[] = [0n];
  for (let i = 1; i <= requests; i++)
    cumulative.push((cumulative[i - 1] as bigint) + BigInt(1 + (i % 64)) * ETH);
  const input: Prepared["input"] = {
    refSlot,
    refEpoch: Math.floor(refSlot / SLOTS_PER_EPOCH),
    slotsPerEpoch: SLOTS_PER_EPOCH,
    consensusVersion: 1n,
    previous,
    operators,
    accounting,
    tokenBalance: 1000n * ETH,
    heldBackElRewards: 10n * ETH,
    queue: { lastRequestId: BigInt(requests), lastFinalizedRequestId: 0n },
    finalizationCost: async (id) => cumulative[Number(id)] as bigint,
    tree: { allocatedThroughRefSlot: 0, root: `0x${"0".repeat(64)}`, entries: [] },
    unallocated: {
      refSlot: from,
      commissionShares: 50n * ETH,
      split: Object.fromEntries(operators.map((o) => [String(o.id), BigInt(o.id + 1) * 10n ** 15n])),
    },
    previousExitList: [],
    shardCommitteePeriod: 256,
  };
  return { keys, history, input, refSlot };
}

/** The report from the state's view: what the daemon does once it has the state. */
export async function computeFromView(view: StateView, prepared: Prepared): Promise<BenchReport> {
  const validators = matchValidators(prepared.keys, view.validators);
  const history = prepared.history.history(prepared.refSlot - SLOTS, prepared.refSlot);
  const c = await computeReport({ ...prepared.input, validators, history });
  return {
    validators: view.validators.length,
    hash: c.hash,
    clBalance: c.report.clBalance.toString(),
    operatorCommission: c.report.operatorCommission.toString(),
    lastRequestIdToFinalize: c.report.lastRequestIdToFinalize.toString(),
    exitRequestsCount: c.report.exitRequestsCount.toString(),
  };
}

export function digestOf(report: BenchReport): string {
  return keccak256(new TextEncoder().encode(JSON.stringify(report))).slice(2, 18);
}
