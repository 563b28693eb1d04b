import type { formatEther } from "viem";

type Eth = typeof formatEther;
// biome-ignore lint/suspicious/noExplicitAny: each sentence reads its own error's values by name.
type Sentence = (args: any, eth: Eth) => string;

/**
 * One plain sentence per custom error of the protocol's contracts, built from the error's values.
 * `errors.test.ts` fails when a contract error has no sentence here.
 */
export const errorSentences: Record<string, Sentence> = {
  TrETHStakeLimitExceeded: (a, eth) =>
    `Staking ${eth(a.requested)} ETH is above the stake limit: ${eth(a.available)} ETH can be staked now (the limit refills over the day).`,
  TrETHStakingIsPaused: () => "Staking is paused; only governance resumes it.",
  TrETHZeroAmount: () => "The amount is zero.",
  TrETHZeroAddress: () => "The address is the zero address.",
  TrETHZeroShares: (a, eth) => `${eth(a.assets)} ETH is too little to mint a single share.`,
  ERC20InsufficientBalance: (a, eth) =>
    `${a.sender} holds ${eth(a.balance)} trETH, less than the ${eth(a.needed)} needed.`,
  WithdrawalQueueNotFinalized: (a) =>
    `Withdrawal request ${a.requestId} is not finalized yet (requests up to ${a.lastFinalizedRequestId} are); it can be claimed after a later report.`,
  WithdrawalQueueAlreadyClaimed: (a) => `Withdrawal request ${a.requestId} was already claimed.`,
  WithdrawalQueueNotHolder: (a) =>
    `${a.caller} does not hold the ticket of withdrawal request ${a.requestId}; ${a.holder} does.`,
  WithdrawalQueuePaused: () => "Withdrawals are paused; only governance resumes them.",
};
