/**
 * What the oracle reads from a beacon state: the fields of each protocol validator that the report's
 * rules use. Epochs are numbers; FAR_FUTURE_EPOCH (2^64 - 1) is `Infinity`. Balances are gwei as
 * numbers (exact below 2^53 gwei, 9 million ETH per validator).
 */
export interface ValidatorView {
  /** Index in the beacon state's validator registry. */
  index: number;
  /** 0x-prefixed lowercase hex, 48 bytes. */
  pubkey: string;
  balanceGwei: number;
  effectiveBalanceGwei: number;
  slashed: boolean;
  activationEligibilityEpoch: number;
  activationEpoch: number;
  exitEpoch: number;
  withdrawableEpoch: number;
}

/** The parts of a beacon state the report needs. */
export interface StateView {
  slot: number;
  /** Validators in the whole registry (the protocol's and everyone else's). */
  totalValidators: number;
  /** The protocol's validators found in the state, in the order of the pubkeys asked for. */
  validators: ValidatorView[];
}

export const FAR_FUTURE = Number.POSITIVE_INFINITY;
