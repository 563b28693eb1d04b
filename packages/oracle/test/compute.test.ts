import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, keccak256 } from "viem";
import { type AccountingState, GWEI, ReportRefusal, simulateReport } from "../src/report/accountingMath.js";
import { computeReport } from "../src/report/compute.js";
import { packExitList, planExits, unpackExitList } from "../src/report/exits.js";
import { publishedTree } from "../src/report/tree.js";
import type { OperatorState, ProtocolValidator, ReportInput } from "../src/report/types.js";
import { FAR_FUTURE } from "../src/state/types.js";

const ETH = 10n ** 18n;
const GWEI_32 = 32_000_000_000;
const FAR = FAR_FUTURE;

function pubkey(i: number): string {
  return `0x${i.toString(16).padStart(96, "0")}`;
}

function validator(
  operatorId: number,
  keyIndex: number,
  index: number,
  balanceGwei: number,
  extra: Partial<NonNullable<ProtocolValidator["view"]>> = {},
): ProtocolValidator {
  return {
    key: { operatorId, keyIndex, pubkey: pubkey(index) },
    view: {
      index,
      pubkey: pubkey(index),
      balanceGwei,
      effectiveBalanceGwei: GWEI_32,
      slashed: false,
      activationEligibilityEpoch: 0,
      activationEpoch: 1,
      exitEpoch: FAR,
      withdrawableEpoch: FAR,
      ...extra,
    },
  };
}

function operator(id: number, commissionBps = 500, extra: Partial<OperatorState> = {}): OperatorState {
  return {
    id,
    rewardAddress: `0x${(0xa0 + id).toString(16).padStart(40, "0")}` as Address,
    commissionBps,
    depositedKeys: 2,
    exitedKeys: 0,
    withdrawnKeys: 0,
    bondShares: 4n * ETH,
    ...extra,
  };
}

function accounting(extra: Partial<AccountingState> = {}): AccountingState {
  return {
    lastRefSlot: 100n,
    lastClValidators: 4n,
    lastExitedValidators: 0n,
    lastClBalance: 128n * ETH,
    secondsPerSlot: 12n,
    limits: {
      treasuryFeeBps: 500n,
      maxAnnualClGrowthBps: 100_000n,
      maxLossBps: 50n,
      maxRateIncreasePerReport: 750_000n,
      maxCommissionBps: 1000n,
    },
    beaconAssets: 128n * ETH,
    totalAssets: 160n * ETH,
    totalShares: 160n * ETH,
    pendingBurnShares: 0n,
    vaultBalance: 0n,
    bondShares: new Map([
      [0n, 4n * ETH],
      [1n, 4n * ETH],
    ]),
    support: 2n,
    members: 3n,
    ...extra,
  };
}

function input(extra: Partial<ReportInput> = {}): ReportInput {
  return {
    refSlot: 100 + 7200,
    refEpoch: Math.floor((100 + 7200) / 32),
    slotsPerEpoch: 32,
    consensusVersion: 1n,
    validators: [
      validator(0, 0, 10, GWEI_32 + 10_000_000),
      validator(0, 1, 11, GWEI_32 + 10_000_000),
      validator(1, 0, 20, GWEI_32 + 5_000_000),
      validator(1, 1, 21, GWEI_32 + 5_000_000),
    ],
    history: {
      fromSlot: 100,
      toSlot: 7300,
      vaultWithdrawalsGwei: 0n,
      withdrawnGwei: new Map(),
      proposals: new Map([
        [10, 1],
        [20, 3],
      ]),
    },
    previous: {
      refSlot: 100,
      operators: {
        "0": { seen: 2, balanceGwei: 64_000_000_000n },
        "1": { seen: 2, balanceGwei: 64_000_000_000n },
      },
    },
    operators: [operator(0), operator(1, 1000)],
    accounting: accounting(),
    tokenBalance: 32n * ETH,
    heldBackElRewards: 0n,
    queue: { lastRequestId: 0n, lastFinalizedRequestId: 0n },
    finalizationCost: async () => 0n,
    tree: { allocatedThroughRefSlot: 0, root: `0x${"0".repeat(64)}`, entries: [] },
    unallocated: undefined,
    previousExitList: [],
    shardCommitteePeriod: 256,
    ...extra,
  };
}

describe("computeReport", () => {
  it("sums the protocol's validators and charges each operator's commission on its own rewards", async () => {
    const c = await computeReport(input());
    assert.equal(c.report.clValidators, 4n);
    assert.equal(c.report.clBalance, (4n * 32_000_000_000n + 30_000_000n) * GWEI);
    assert.equal(c.report.withdrawalVaultAmount, 0n);
    assert.equal(c.report.elRewardsVaultAmount, 0n);
    assert.deepEqual(c.report.operatorChanges, []);
    // Operator 0: 0.02 ETH of rewards at 5%; operator 1: 0.01 ETH at 10%.
    assert.equal(c.commissionSplit["0"], (20_000_000n * GWEI * 500n) / 10_000n);
    assert.equal(c.commissionSplit["1"], (10_000_000n * GWEI * 1000n) / 10_000n);
    assert.equal(c.report.operatorCommission, c.commissionSplit["0"]! + c.commissionSplit["1"]!);
    // The rate: 160 ETH + 0.03 ETH of rewards, fees minted as shares.
    assert.equal(c.outcome.rewards, 30_000_000n * GWEI);
    assert.ok(c.outcome.shareRate > 10n ** 27n);
  });

  it("is deterministic: the same inputs give the same bytes and hash", async () => {
    const a = await computeReport(input());
    const b = await computeReport(input());
    assert.equal(a.hash, b.hash);
    const other = await computeReport(input({ accounting: accounting({ vaultBalance: ETH }) }));
    assert.notEqual(a.hash, other.hash, "a different vault balance is a different report");
  });

  it("splits the vault by the frame's withdrawals and shares new EL rewards by proposals", async () => {
    const c = await computeReport(
      input({
        validators: [
          validator(0, 0, 10, GWEI_32),
          validator(0, 1, 11, GWEI_32),
          validator(1, 0, 20, GWEI_32),
          validator(1, 1, 21, GWEI_32),
        ],
        history: {
          fromSlot: 100,
          toSlot: 7300,
          vaultWithdrawalsGwei: 40_000_000n,
          withdrawnGwei: new Map([
            [10, 10_000_000],
            [11, 10_000_000],
            [20, 10_000_000],
            [21, 10_000_000],
          ]),
          proposals: new Map([
            [10, 1],
            [20, 3],
          ]),
        },
        accounting: accounting({ vaultBalance: 40_000_000n * GWEI + ETH / 10n }),
        heldBackElRewards: ETH / 50n,
      }),
    );
    assert.equal(c.report.withdrawalVaultAmount, 40_000_000n * GWEI);
    assert.equal(c.report.elRewardsVaultAmount, ETH / 10n);
    // New EL rewards: 0.1 - 0.02 held back = 0.08 ETH, one quarter to operator 0, three to operator 1.
    assert.equal(c.details.newElRewards, (8n * ETH) / 100n);
    const op0 = ((20_000_000n * GWEI + (2n * ETH) / 100n) * 500n) / 10_000n;
    const op1 = ((20_000_000n * GWEI + (6n * ETH) / 100n) * 1000n) / 10_000n;
    assert.equal(c.commissionSplit["0"], op0);
    assert.equal(c.commissionSplit["1"], op1);
  });

  it("charges a negative net change as the operator's loss and pays it no commission", async () => {
    const c = await computeReport(
      input({
        validators: [
          validator(0, 0, 10, GWEI_32 - 1_000_000_000, {
            slashed: true,
            exitEpoch: 300,
            withdrawableEpoch: 8000,
          }),
          validator(0, 1, 11, GWEI_32 + 10_000_000),
          validator(1, 0, 20, GWEI_32 + 5_000_000),
          validator(1, 1, 21, GWEI_32 + 5_000_000),
        ],
        refEpoch: 301,
      }),
    );
    assert.deepEqual(c.report.operatorChanges, [
      { operatorId: 0n, exitedValidators: 1n, withdrawnValidators: 0n, loss: 990_000_000n * GWEI },
    ]);
    assert.equal(c.commissionSplit["0"], undefined);
    assert.equal(c.report.exitedValidators, 1n);
    // The bond covers the loss: bond shares burn at the rate before the report.
    assert.equal(c.outcome.bondBurnShares, 990_000_000n * GWEI);
  });

  it("counts a validator first seen from its 32 ETH deposit", async () => {
    const c = await computeReport(
      input({
        previous: {
          refSlot: 100,
          operators: {
            "0": { seen: 1, balanceGwei: 32_000_000_000n },
            "1": { seen: 2, balanceGwei: 64_000_000_000n },
          },
        },
        accounting: accounting({ lastClValidators: 3n, lastClBalance: 96n * ETH, beaconAssets: 128n * ETH }),
      }),
    );
    const op0 = c.details.operators.find((o) => o.id === 0)!;
    assert.equal(op0.newlySeen, 1);
    assert.equal(op0.clNetGwei, 20_000_000n);
  });

  it("finalizes the longest run of requests the ETH after the report pays", async () => {
    // Request i costs i ETH cumulative: 1, 3, 6, 10, 15 ...
    const cost = async (id: bigint) => ((id - 2n) * (id - 1n) * ETH) / 2n;
    const c = await computeReport(
      input({
        tokenBalance: 7n * ETH,
        queue: { lastRequestId: 12n, lastFinalizedRequestId: 2n },
        finalizationCost: cost,
      }),
    );
    // Cost to id 5 is 6 ETH, to id 6 is 10 ETH: 7 ETH pays up to 5.
    assert.equal(c.report.lastRequestIdToFinalize, 5n);
    assert.ok(c.exitList.entries.length > 0, "the rest of the demand asks for exits");
  });
});

describe("exit list", () => {
  const many = (() => {
    const out: ProtocolValidator[] = [];
    let index = 100;
    // Operator 0: 5 validators, operator 1: 3, operator 2: 1.
    for (const [op, n] of [
      [0, 5],
      [1, 3],
      [2, 1],
    ] as const) {
      for (let k = 0; k < n; k++) out.push(validator(op, k, index++, GWEI_32, { activationEpoch: 10 + k }));
    }
    return out;
  })();

  it("spreads exits: the operator with the most exitable validators first, its oldest first", () => {
    const plan = planExits({
      validators: many,
      refEpoch: 1000,
      shardCommitteePeriod: 256,
      owed: 4n * 32n * ETH,
      available: 0n,
      previousList: [],
      exited: new Map(),
    });
    assert.deepEqual(
      plan.entries.map((e) => [e.operatorId, e.keyIndex, e.targetExited]),
      [
        [0, 0, 1],
        [0, 1, 2],
        [0, 2, 3],
        [1, 0, 1],
      ],
    );
  });

  it("does not count a slashed validator's ETH as coming back", () => {
    const withExiting = [
      ...many.slice(0, 8),
      validator(2, 0, 108, GWEI_32, { slashed: true, exitEpoch: 900, withdrawableEpoch: 9000 }),
    ];
    const plan = planExits({
      validators: withExiting,
      refEpoch: 1000,
      shardCommitteePeriod: 256,
      owed: 32n * ETH,
      available: 0n,
      previousList: [],
      exited: new Map(),
    });
    assert.equal(plan.comingBack, 0n);
    assert.equal(plan.entries.length, 1);
  });

  it("names an earlier list's pending validators again, first", () => {
    const previous = [
      { operatorId: 2, keyIndex: 0, targetExited: 1, pubkey: pubkey(108), validatorIndex: 108 },
    ];
    const plan = planExits({
      validators: many,
      refEpoch: 1000,
      shardCommitteePeriod: 256,
      owed: 2n * 32n * ETH,
      available: 0n,
      previousList: previous,
      exited: new Map(),
    });
    assert.deepEqual(
      plan.entries.map((e) => [e.operatorId, e.keyIndex]),
      [
        [2, 0],
        [0, 0],
      ],
    );
  });

  it("packs entries as the contract reads them", () => {
    const entries = [{ operatorId: 7, keyIndex: 300, targetExited: 2, pubkey: pubkey(5), validatorIndex: 5 }];
    const data = packExitList(entries);
    assert.equal((data.length - 2) / 2, 60);
    assert.equal(data.slice(0, 2 + 24), `0x000007${"000000012c"}00000002`);
    assert.deepEqual(unpackExitList(data), [
      { operatorId: 7, keyIndex: 300, targetExited: 2, pubkey: pubkey(5) },
    ]);
    assert.equal(keccak256(data).length, 66);
  });
});

describe("rewards tree", () => {
  it("allocates the last report's commission shares by its split, cumulatively, with verifiable proofs", async () => {
    const c = await computeReport(
      input({
        unallocated: { refSlot: 100, commissionShares: 1_000n, split: { "0": 1n * ETH, "1": 3n * ETH } },
        tree: {
          allocatedThroughRefSlot: 50,
          root: `0x${"11".repeat(32)}`,
          entries: [{ operatorId: 0, account: operator(0).rewardAddress, shares: 500n }],
        },
      }),
    );
    assert.deepEqual(
      c.tree.entries.map((e) => [e.operatorId, e.shares]),
      [
        [0, 750n],
        [1, 750n],
      ],
    );
    assert.equal(c.report.rewardsRoot, c.tree.root);
    const published = publishedTree(c.tree);
    const proof = published.proofs["1"]!;
    const ok = StandardMerkleTree.verify(
      c.tree.root,
      ["uint256", "address", "uint256"],
      [1n, proof.account, BigInt(proof.cumulativeShares)],
      proof.proof,
    );
    assert.ok(ok);
  });

  it("keeps the previous root (zero in the report) when nothing new is allocated", async () => {
    const c = await computeReport(input());
    assert.equal(c.report.rewardsRoot, `0x${"0".repeat(64)}`);
  });
});

describe("accounting arithmetic", () => {
  it("refuses growth above the annual limit with the contract's error and values", () => {
    assert.throws(
      () =>
        simulateReport(
          {
            refSlot: 101n,
            clValidators: 4n,
            clBalance: 140n * ETH,
            withdrawalVaultAmount: 0n,
            elRewardsVaultAmount: 0n,
            exitedValidators: 0n,
            operatorChanges: [],
            operatorCommission: 0n,
          },
          accounting(),
        ),
      (e: unknown) => e instanceof ReportRefusal && e.errorName === "AccountingClGrowthTooHigh",
    );
  });

  it("holds back EL rewards above the per-report rate limit", () => {
    const o = simulateReport(
      {
        refSlot: 7300n,
        clValidators: 4n,
        clBalance: 128n * ETH,
        withdrawalVaultAmount: 0n,
        elRewardsVaultAmount: 10n * ETH,
        exitedValidators: 0n,
        operatorChanges: [],
        operatorCommission: 0n,
      },
      accounting({ vaultBalance: 10n * ETH }),
    );
    assert.ok(o.elPull < 10n * ETH && o.elPull > 0n);
    // The rate rises by 0.075% (the fee shares, rounded down, add a few 1e-27).
    const before = (160n * ETH * 10n ** 27n) / (160n * ETH);
    assert.ok(o.shareRate >= (before * 1_000_750_000n) / 1_000_000_000n);
    assert.ok(o.shareRate <= (before * 1_000_750_001n) / 1_000_000_000n);
  });
});
