/**
 * Named presets of the accounting module's sanity limits (IAccounting.Limits), checked against
 * every oracle report.
 *
 * `mainnet` is what the Accounting constructor sets. `devnet` is for a local chain only: a few
 * dozen validators earn hundreds of percent a year at the consensus rules (rewards scale with
 * 1/sqrt(total stake)), and short slots bring many frames a day, so mainnet's 10%/year would refuse
 * every report. The deploy refuses `devnet` on any chain but the development ones.
 */
export interface AccountingLimits {
  treasuryFeeBps: number;
  maxAnnualClGrowthBps: number;
  maxLossBps: number;
  maxRateIncreasePerReport: number;
  maxCommissionBps: number;
  /** Seconds. */
  exitDeadline: number;
  /** Wei. */
  missedExitPenalty: bigint;
}

export const LIMIT_PRESETS = {
  mainnet: {
    treasuryFeeBps: 500,
    maxAnnualClGrowthBps: 1_000,
    maxLossBps: 50,
    maxRateIncreasePerReport: 750_000,
    maxCommissionBps: 1_000,
    exitDeadline: 4 * 86_400,
    missedExitPenalty: 10n ** 18n,
  },
  devnet: {
    treasuryFeeBps: 500,
    // 50,000%/year: a local chain's beacon growth, with room.
    maxAnnualClGrowthBps: 5_000_000,
    maxLossBps: 50,
    maxRateIncreasePerReport: 750_000,
    maxCommissionBps: 1_000,
    exitDeadline: 4 * 86_400,
    missedExitPenalty: 10n ** 18n,
  },
} as const satisfies Record<string, AccountingLimits>;

export type LimitPreset = keyof typeof LIMIT_PRESETS;

/** One line per limit, for a start banner. */
export function describeLimits(name: LimitPreset): string[] {
  const l = LIMIT_PRESETS[name];
  return [
    `treasury fee ${l.treasuryFeeBps / 100}%`,
    `beacon growth up to ${l.maxAnnualClGrowthBps / 100}%/year`,
    `loss a quorum may report ${l.maxLossBps / 100}% (more needs every member)`,
    `holder rate +${l.maxRateIncreasePerReport / 1e7}% per report at most`,
    `commission up to ${l.maxCommissionBps / 100}%`,
    `exit deadline ${l.exitDeadline / 3600} h, missed-exit penalty ${Number(l.missedExitPenalty) / 1e18} ETH`,
  ];
}
