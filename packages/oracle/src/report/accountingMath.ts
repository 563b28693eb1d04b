/**
 * The arithmetic `Accounting.submitReportData` applies to a report, in the same order and with the
 * same rounding (contracts/src/accounting/Accounting.sol, ReportMath.sol and the operator registry's
 * bond cover), so that the oracle knows before voting the share rate a report will set, the ETH it
 * pulls and the fee shares it mints, and whether the contract would refuse it.
 */

export const BPS = 10_000n;
export const RATE_LIMIT_PRECISION = 1_000_000_000n;
export const YEAR = 365n * 24n * 3600n;
export const SHARE_RATE_SCALE = 10n ** 27n;
export const DEPOSIT_SIZE = 32n * 10n ** 18n;
export const GWEI = 10n ** 9n;

/** The limits the accounting module holds (see IAccounting.Limits). */
export interface Limits {
  treasuryFeeBps: bigint;
  maxAnnualClGrowthBps: bigint;
  maxLossBps: bigint;
  maxRateIncreasePerReport: bigint;
  maxCommissionBps: bigint;
}

/** The fields of a report the arithmetic reads. */
export interface ReportAmounts {
  refSlot: bigint;
  clValidators: bigint;
  clBalance: bigint;
  withdrawalVaultAmount: bigint;
  elRewardsVaultAmount: bigint;
  exitedValidators: bigint;
  operatorChanges: readonly { operatorId: bigint; loss: bigint }[];
  operatorCommission: bigint;
}

/** On-chain state the report is applied to. */
export interface AccountingState {
  /** Accounting: last processed reference slot, validators and balance as last reported. */
  lastRefSlot: bigint;
  lastClValidators: bigint;
  lastExitedValidators: bigint;
  lastClBalance: bigint;
  secondsPerSlot: bigint;
  limits: Limits;
  /** trETH.reportState(): beacon assets, total assets, total shares, shares set aside to burn. */
  beaconAssets: bigint;
  totalAssets: bigint;
  totalShares: bigint;
  pendingBurnShares: bigint;
  /** The vault's ETH balance. */
  vaultBalance: bigint;
  /** Bond shares of each operator that appears in operatorChanges. */
  bondShares: ReadonlyMap<bigint, bigint>;
  /** Votes behind the agreed hash and the committee's size (for a loss that needs every member). */
  support: bigint;
  members: bigint;
}

export interface Outcome {
  /** Beacon assets after the report: the reported balance plus ETH still in transit. */
  postBeacon: bigint;
  wvPull: bigint;
  elPull: bigint;
  /** Bond shares the operators' losses burn (at the rate before the report). */
  bondBurnShares: bigint;
  /** Shares set aside earlier (penalties) that this report burns. */
  deferredBurnShares: bigint;
  rewards: bigint;
  loss: bigint;
  treasuryFee: bigint;
  treasuryShares: bigint;
  commissionShares: bigint;
  /** Holder rate after the report, wei per share scaled by 1e27. */
  shareRate: bigint;
  /** Total assets and shares after the report. */
  assetsAfter: bigint;
  sharesAfter: bigint;
}

/** The contract would revert with this error and these arguments. */
export class ReportRefusal extends Error {
  constructor(
    readonly errorName: string,
    readonly args: Record<string, bigint>,
  ) {
    super(
      `${errorName}(${Object.entries(args)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
    );
    this.name = "ReportRefusal";
  }
}

/** floor(a * b / c) */
function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

function mulDivUp(a: bigint, b: bigint, c: bigint): bigint {
  const p = a * b;
  return p === 0n ? 0n : (p - 1n) / c + 1n;
}

export function clGrowthLimit(base: bigint, annualBps: bigint, elapsed: bigint): bigint {
  return mulDiv(base * annualBps, elapsed, BPS * YEAR);
}

export function lossBound(base: bigint, bps: bigint): bigint {
  return (base * bps) / BPS;
}

export function maxRewards(
  assets: bigint,
  sharesBefore: bigint,
  sharesNow: bigint,
  limit: bigint,
  commission: bigint,
  feeBps: bigint,
): bigint {
  const cap = mulDiv(assets * (RATE_LIMIT_PRECISION + limit), sharesNow, sharesBefore * RATE_LIMIT_PRECISION);
  if (cap + commission <= assets) return 0n;
  return mulDiv(cap + commission - assets, BPS, BPS - feeBps);
}

export function maxBurn(
  assetsAfter: bigint,
  assets: bigint,
  sharesBefore: bigint,
  sharesNow: bigint,
  limit: bigint,
): bigint {
  const floor = mulDivUp(
    assetsAfter * RATE_LIMIT_PRECISION,
    sharesBefore,
    assets * (RATE_LIMIT_PRECISION + limit),
  );
  return sharesNow > floor ? sharesNow - floor : 0n;
}

export function feeShares(fee: bigint, assets: bigint, shares: bigint): bigint {
  if (fee === 0n) return 0n;
  return mulDiv(fee, shares, assets - fee);
}

export function shareRate(assets: bigint, shares: bigint): bigint {
  return mulDiv(assets, SHARE_RATE_SCALE, shares);
}

/**
 * Applies `report` to `state` as the contract does, or throws the ReportRefusal the contract would
 * revert with (for the checks that depend on amounts; the frame and hash checks are the caller's).
 */
export function simulateReport(report: ReportAmounts, state: AccountingState): Outcome {
  const preBeacon = state.beaconAssets;
  // _inTransit
  if (report.clBalance % GWEI !== 0n)
    throw new ReportRefusal("AccountingClBalanceNotGwei", { clBalance: report.clBalance });
  if (report.clValidators < state.lastClValidators) {
    throw new ReportRefusal("AccountingClValidatorsDecreased", {
      reported: report.clValidators,
      previous: state.lastClValidators,
    });
  }
  if (report.exitedValidators < state.lastExitedValidators || report.exitedValidators > report.clValidators) {
    throw new ReportRefusal("AccountingInvalidExitedValidators", {
      reported: report.exitedValidators,
      previous: state.lastExitedValidators,
      clValidators: report.clValidators,
    });
  }
  const lastBalance = (state.lastClBalance / GWEI) * GWEI;
  const pending = preBeacon - lastBalance;
  const seen = (report.clValidators - state.lastClValidators) * DEPOSIT_SIZE;
  if (seen > pending) {
    throw new ReportRefusal("AccountingClValidatorsExceedDeposits", {
      reported: report.clValidators,
      deposited: state.lastClValidators + pending / DEPOSIT_SIZE,
    });
  }
  const postBeacon = report.clBalance + (pending - seen);

  // _checkBalances / _vaultAmounts
  if (report.withdrawalVaultAmount > state.vaultBalance) {
    throw new ReportRefusal("AccountingVaultAmountTooHigh", {
      amount: report.withdrawalVaultAmount,
      balance: state.vaultBalance,
    });
  }
  const left = state.vaultBalance - report.withdrawalVaultAmount;
  let elPull = report.elRewardsVaultAmount < left ? report.elRewardsVaultAmount : left;
  let lossTotal = 0n;
  for (const change of report.operatorChanges) lossTotal += change.loss;
  const clAfter = postBeacon + report.withdrawalVaultAmount;
  const clGross = clAfter + lossTotal;
  if (clGross > preBeacon) {
    const growth = clGross - preBeacon;
    const slots = report.refSlot - state.lastRefSlot;
    const limit = clGrowthLimit(preBeacon, state.limits.maxAnnualClGrowthBps, slots * state.secondsPerSlot);
    if (growth > limit) throw new ReportRefusal("AccountingClGrowthTooHigh", { growth, limit });
  }
  const total = clAfter + elPull;
  if (total < preBeacon || lossTotal !== 0n) {
    let fall = total < preBeacon ? preBeacon - total : 0n;
    if (lossTotal > fall) fall = lossTotal;
    const bound = lossBound(preBeacon, state.limits.maxLossBps);
    if (fall > bound && state.support !== state.members) {
      throw new ReportRefusal("AccountingLossNeedsUnanimity", {
        loss: fall,
        bound,
        support: state.support,
        members: state.members,
      });
    }
  }
  if (report.operatorCommission !== 0n) {
    const net = total > preBeacon ? total - preBeacon : 0n;
    const maxCommission = (net * state.limits.maxCommissionBps) / BPS;
    if (report.operatorCommission > maxCommission) {
      throw new ReportRefusal("AccountingCommissionTooHigh", {
        commission: report.operatorCommission,
        maxCommission,
      });
    }
  }

  // _applyOperatorChanges: each loss burns bond shares at the rate before the report.
  let bondBurnShares = 0n;
  for (const change of report.operatorChanges) {
    if (change.loss === 0n) continue;
    const bond = state.bondShares.get(change.operatorId) ?? 0n;
    if (bond === 0n) continue;
    const burned = mulDivUp(change.loss, state.totalShares, state.totalAssets);
    bondBurnShares += burned <= bond ? burned : bond;
  }
  const sharesBefore = state.totalShares;
  let sharesNow = sharesBefore - bondBurnShares;

  // _deferredBurn
  let deferredBurnShares = 0n;
  if (state.pendingBurnShares !== 0n) {
    const clDelta = postBeacon + report.withdrawalVaultAmount - preBeacon;
    const assets =
      clDelta >= 0n
        ? state.totalAssets + clDelta - (clDelta * state.limits.treasuryFeeBps) / BPS
        : state.totalAssets - -clDelta;
    if (clDelta >= 0n || report.operatorCommission === 0n) {
      let burn = maxBurn(
        assets,
        state.totalAssets,
        sharesBefore,
        sharesNow,
        state.limits.maxRateIncreasePerReport,
      );
      if (burn > state.pendingBurnShares) burn = state.pendingBurnShares;
      deferredBurnShares = burn;
    }
    sharesNow -= deferredBurnShares;
  }

  // _computeOutcome
  const commission = report.operatorCommission;
  const maxD = maxRewards(
    state.totalAssets,
    sharesBefore,
    sharesNow,
    state.limits.maxRateIncreasePerReport,
    commission,
    state.limits.treasuryFeeBps,
  );
  const wvPull = report.withdrawalVaultAmount;
  const clDelta = postBeacon + wvPull - preBeacon;
  const room = clDelta >= maxD ? 0n : maxD - clDelta;
  if (elPull > room) elPull = room;
  const beaconDelta = postBeacon - preBeacon;
  const pulled = wvPull + elPull;
  const assetsAfter = state.totalAssets - preBeacon + pulled + postBeacon;
  const delta = beaconDelta + pulled;
  let sharesAfter = sharesNow;
  let rewards = 0n;
  let loss = 0n;
  let treasuryFee = 0n;
  let treasuryShares = 0n;
  let commissionShares = 0n;
  if (delta > 0n) {
    rewards = delta;
    treasuryFee = (rewards * state.limits.treasuryFeeBps) / BPS;
    const fees = treasuryFee + commission;
    if (fees > rewards) {
      throw new ReportRefusal("AccountingCommissionTooHigh", {
        commission,
        maxCommission: rewards - treasuryFee,
      });
    }
    const minted = feeShares(fees, assetsAfter, sharesAfter);
    treasuryShares = fees === 0n ? 0n : (minted * treasuryFee) / fees;
    commissionShares = minted - treasuryShares;
    sharesAfter += minted;
  } else {
    if (commission !== 0n)
      throw new ReportRefusal("AccountingCommissionTooHigh", { commission, maxCommission: 0n });
    loss = -delta;
  }
  return {
    postBeacon,
    wvPull,
    elPull,
    bondBurnShares,
    deferredBurnShares,
    rewards,
    loss,
    treasuryFee,
    treasuryShares,
    commissionShares,
    shareRate: shareRate(assetsAfter, sharesAfter),
    assetsAfter,
    sharesAfter,
  };
}
