import type { formatEther } from "viem";
import type { ContractErrorName } from "./contract.js";

type Eth = typeof formatEther;
// biome-ignore lint/suspicious/noExplicitAny: each sentence reads its own error's values by name.
type Sentence = (args: any, eth: Eth) => string;

/** OpenZeppelin Governor's `ProposalState`, by value. */
const PROPOSAL_STATES = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
];
/** OpenZeppelin TimelockController's `OperationState`, by value. */
const OPERATION_STATES = ["unset", "waiting", "ready", "done"];

/** The names of the states set in a bitmap (bit i = state i), joined with "or". */
function states(bitmap: string | bigint, names: string[]): string {
  const bits = BigInt(bitmap);
  const set = names.filter((_, i) => (bits >> BigInt(i)) & 1n);
  return set.length ? set.join(" or ") : "none";
}

/** Basis points as a percentage. */
const pct = (bps: bigint) => `${Number(bps) / 100}%`;

/**
 * One plain sentence per custom error of the protocol's contracts, built from the error's values
 * (wei amounts in ETH). `errors.test.ts` fails when a contract error has no sentence here, and the
 * type below fails to compile.
 */
export const errorSentences = {
  // ---------------------------------------------------------------- trETH
  TrETHStakeLimitExceeded: (a, eth) =>
    `Staking ${eth(a.requested)} ETH is above the stake limit: ${eth(a.available)} ETH can be staked now (the limit refills over the day).`,
  TrETHStakingIsPaused: () => "Staking is paused; only governance resumes it.",
  TrETHZeroAmount: () => "The amount is zero.",
  TrETHZeroAddress: () => "The address is the zero address.",
  TrETHZeroShares: (a, eth) => `${eth(a.assets)} ETH is too little to mint a single share.`,
  TrETHUnauthorized: (a) => `${a.caller} lacks the role this trETH function needs.`,
  TrETHBufferExceeded: (a, eth) =>
    `A beacon deposit of ${eth(a.requested)} ETH is more than the ${eth(a.buffered)} ETH in the buffer.`,
  TrETHBufferReserved: (a, eth) =>
    `A beacon deposit of ${eth(a.requested)} ETH would take ETH kept for withdrawals: ${eth(a.reserved)} ETH stays reserved, so at most ${eth(a.depositable)} ETH can be deposited.`,
  TrETHInvalidStakeCap: (a, eth) =>
    `A daily stake cap of ${eth(a.cap)} ETH is not a whole number of 0.001 ETH or is above the storable maximum.`,
  TrETHPermitExpired: (a) => `The permit expired at ${a.deadline} (unix seconds); sign a new one.`,
  TrETHInvalidSigner: (a) => `The permit was signed by ${a.signer}, not by the owner ${a.owner}.`,
  TrETHSeedTooSmall: (a, eth) =>
    `The deployment seed of ${eth(a.seed)} ETH is below the ${eth(a.minimum)} ETH the dead shares need.`,
  TrETHFutureLookup: (a) =>
    `Votes at time ${a.timepoint} are not known yet: the token's clock is at ${a.clock}; ask for a past time.`,
  TrETHUnexpectedEther: (a, eth) => `trETH does not take ${eth(a.amount)} ETH from ${a.sender} here.`,
  TrETHAsyncRedemption: () =>
    "Redemption is asynchronous (ERC-7540): there is no preview; request with requestRedeem and claim once finalized.",
  TrETHBurnExceedsSupply: (a, eth) =>
    `Burning ${eth(a.shares)} trETH is more than the ${eth(a.totalShares)} trETH in existence.`,
  TrETHQueueNotDrained: (a, eth) =>
    `The withdrawal queue cannot be replaced while ${eth(a.escrowed)} trETH of requests wait for finalization.`,
  TrETHQueueLimit: (a) => `At most ${a.max} withdrawal queues can ever be wired to trETH.`,
  TrETHDeferredBurnExceeded: (a, eth) =>
    `A report asked to burn ${eth(a.shares)} trETH, more than the ${eth(a.pending)} trETH set aside for burning.`,

  // ---------------------------------------------------------------- withdrawal queue
  WithdrawalQueueNotFinalized: (a) =>
    `Withdrawal request ${a.requestId} is not finalized yet (requests up to ${a.lastFinalizedRequestId} are); it can be claimed after a later report.`,
  WithdrawalQueueAlreadyClaimed: (a) => `Withdrawal request ${a.requestId} was already claimed.`,
  WithdrawalQueueNotHolder: (a) =>
    `${a.caller} does not hold the ticket of withdrawal request ${a.requestId}; ${a.holder} does.`,
  WithdrawalQueuePaused: () => "Withdrawals are paused; only governance resumes them.",
  WithdrawalQueueUnauthorized: (a) => `${a.caller} lacks the role this withdrawal queue function needs.`,
  WithdrawalQueueUnknownRequest: (a) => `There is no withdrawal request ${a.requestId}.`,
  WithdrawalQueueInvalidFinalization: (a) =>
    `Finalizing up to request ${a.lastRequestId} does not move forward: requests up to ${a.lastFinalizedRequestId} are finalized and the last request is ${a.lastRequestIdInQueue}.`,
  WithdrawalQueueInvalidHint: (a) =>
    `Record ${a.hint} is not the batch that finalized request ${a.requestId}; claim without a hint or ask findBatch.`,
  WithdrawalQueueZeroAddress: () => "The receiver is the zero address.",
  WithdrawalQueueAmountMismatch: (a, eth) =>
    `The tickets claimed add up to ${eth(a.claimable)}, not the ${eth(a.requested)} asked; claim whole tickets or pass their ids.`,
  WithdrawalQueueTransferFailed: (a, eth) =>
    `Paying ${eth(a.amount)} ETH to ${a.receiver} failed: it refused the ETH.`,
  WithdrawalQueueUnexpectedEther: (a, eth) =>
    `The withdrawal queue does not take ${eth(a.amount)} ETH from ${a.sender}.`,

  // ---------------------------------------------------------------- WETH
  WETHInsufficientBalance: (a, eth) =>
    `${a.account} holds ${eth(a.balance)} WETH, less than the ${eth(a.needed)} WETH needed.`,
  WETHInsufficientAllowance: (a, eth) =>
    `${a.spender} may take ${eth(a.allowance)} WETH, less than the ${eth(a.needed)} WETH needed: approve it first.`,
  WETHTransferFailed: (a, eth) => `Sending ${eth(a.amount)} ETH to ${a.to} failed: it refused the ETH.`,

  // ---------------------------------------------------------------- ERC-20 / ERC-721 / signatures
  ERC20InsufficientBalance: (a, eth) =>
    `${a.sender} holds ${eth(a.balance)} trETH, less than the ${eth(a.needed)} needed.`,
  ERC20InsufficientAllowance: (a, eth) =>
    `${a.spender} may spend ${eth(a.allowance)} trETH of the owner, less than the ${eth(a.needed)} needed: approve it or give a permit.`,
  ERC20InvalidApprover: (a) => `${a.approver} cannot approve (the zero address).`,
  ERC20InvalidReceiver: (a) => `${a.receiver} cannot receive tokens (the zero address).`,
  ERC20InvalidSender: (a) => `${a.sender} cannot send tokens (the zero address).`,
  ERC20InvalidSpender: (a) => `${a.spender} cannot be approved (the zero address).`,
  ERC721IncorrectOwner: (a) => `Ticket ${a.tokenId} belongs to ${a.owner}, not ${a.sender}.`,
  ERC721InsufficientApproval: (a) => `${a.operator} is not approved to move ticket ${a.tokenId}.`,
  ERC721InvalidApprover: (a) => `${a.approver} cannot approve this ticket.`,
  ERC721InvalidOperator: (a) => `${a.operator} cannot be an operator (the zero address).`,
  ERC721InvalidOwner: (a) => `${a.owner} is not a valid ticket owner (the zero address).`,
  ERC721InvalidReceiver: (a) =>
    `${a.receiver} cannot receive tickets: the zero address, or a contract that does not accept ERC-721 tokens.`,
  ERC721InvalidSender: (a) => `${a.sender} cannot send this ticket.`,
  ERC721NonexistentToken: (a) => `Ticket ${a.tokenId} does not exist.`,
  ECDSAInvalidSignature: () => "The signature is not valid.",
  ECDSAInvalidSignatureLength: (a) => `The signature is ${a.length} bytes long, not 65.`,
  ECDSAInvalidSignatureS: (a) => `The signature's s value ${a.s} is out of range (a malleable signature).`,
  InvalidAccountNonce: (a) =>
    `The signature uses a spent or wrong nonce: ${a.account}'s current nonce is ${a.currentNonce}; sign again.`,
  VotesExpiredSignature: (a) =>
    `The delegation signature expired at ${a.expiry} (unix seconds); sign a new one.`,
  CheckpointUnorderedInsertion: () => "A vote checkpoint was written out of time order.",
  ERC6372InconsistentClock: () => "The token's clock does not match its declared clock mode.",
  SafeCastOverflowedUintDowncast: (a) => `The value ${a.value} does not fit in ${a.bits} bits.`,
  StringTooLong: (a) => `The string "${a.str}" is too long to store as a short string.`,
  InvalidShortString: () => "The stored short string is malformed.",
  AddressEmptyCode: (a) => `${a.target} has no contract code.`,
  FailedCall: () => "A call to another contract failed without a reason.",

  // ---------------------------------------------------------------- access, proxies, initialization
  AccessControlBadConfirmation: () => "A role can be renounced only by its holder, for itself.",
  AccessControlUnauthorizedAccount: (a) => `${a.account} lacks the role ${a.neededRole}.`,
  ERC1967InvalidImplementation: (a) => `${a.implementation} is not a valid implementation (no code).`,
  ERC1967NonPayable: () => "This upgrade takes no ETH.",
  ERC1967ProxyUninitialized: () => "The proxy has no implementation yet.",
  UUPSUnauthorizedCallContext: () => "This upgrade function must be called through the proxy.",
  UUPSUnsupportedProxiableUUID: (a) =>
    `The new implementation reports storage slot ${a.slot}, not ERC-1967's.`,
  InvalidInitialization: () => "The contract is already initialized.",
  NotInitializing: () => "This function runs only during initialization.",

  // ---------------------------------------------------------------- accounting
  AccountingAlreadyProcessed: (a) =>
    `The report for reference slot ${a.refSlot} is already applied (the last one was for ${a.lastRefSlot}).`,
  AccountingCannotActivate: (a) =>
    `The accounting module cannot take over: trETH's accounting module is ${a.tokenAccountingModule}${a.awaitingImport ? " and the state import is not done" : ""}.`,
  AccountingClBalanceNotGwei: (a) =>
    `The reported beacon balance ${a.clBalance} wei is not a whole number of gwei.`,
  AccountingClGrowthTooHigh: (a, eth) =>
    `The report's beacon balance grew by ${eth(a.growth)} ETH, above the ${eth(a.limit)} ETH a report may add.`,
  AccountingClValidatorsDecreased: (a) =>
    `The report counts ${a.reported} validators, fewer than the ${a.previous} reported before.`,
  AccountingClValidatorsExceedDeposits: (a) =>
    `The report counts ${a.reported} validators, more than the ${a.deposited} deposited.`,
  AccountingCommissionTooHigh: (a, eth) =>
    `The report's operator commission of ${eth(a.commission)} ETH is above the ${eth(a.maxCommission)} ETH allowed.`,
  AccountingExitAlreadyDone: (a) =>
    `Operator ${a.operatorId} has already exited ${a.exited} validators, reaching the ${a.target} asked.`,
  AccountingExitAlreadyForced: (a) =>
    `The exit of operator ${a.operatorId}'s key ${a.keyIndex} was forced at ${a.forcedAt}; it can be retried after ${a.retryAfter}.`,
  AccountingExitDeadlineNotPassed: (a) =>
    `The operator's exit deadline ${a.deadline} has not passed (now ${a.timestamp}); the exit cannot be forced yet.`,
  AccountingExitIndexOutOfRange: (a) => `Exit ${a.index} is out of range: the list has ${a.count}.`,
  AccountingExitKeyMismatch: (a) =>
    `Key ${a.keyIndex} of operator ${a.operatorId} is not the key in the exit list.`,
  AccountingExitRequestsMismatch: (a) =>
    `The exit list given hashes to ${a.actual}, not the ${a.expected} the report agreed.`,
  AccountingInvalidExitedValidators: (a) =>
    `The report counts ${a.reported} exited validators: fewer than the ${a.previous} before, or more than the ${a.clValidators} validators.`,
  AccountingInvalidLimits: () => "The report sanity limits are not valid.",
  AccountingInvalidRequestId: (a) =>
    `The report finalizes up to request ${a.requestId}, but the last request is ${a.lastRequestId}.`,
  AccountingLossNeedsUnanimity: (a, eth) =>
    `A loss of ${eth(a.loss)} ETH is above ${eth(a.bound)} ETH and needs every member: ${a.support} of ${a.members} agreed.`,
  AccountingNoConsensus: (a) =>
    `The oracle committee has not agreed on a report for reference slot ${a.refSlot}.`,
  AccountingNotActive: () => "The accounting module is not active.",
  AccountingNotCurrentModule: (a) => `This accounting module is not trETH's current one (${a.current} is).`,
  AccountingOperatorChangesUnsorted: (a) =>
    `The report's operator changes are not in ascending id order: ${a.operatorId} follows ${a.previousId}.`,
  AccountingRefSlotInFuture: (a) =>
    `Reference slot ${a.refSlot} is after the current frame's (${a.currentRefSlot}).`,
  AccountingRefSlotInPast: (a) =>
    `Reference slot ${a.refSlot} is before the current frame's (${a.currentRefSlot}).`,
  AccountingReportHashMismatch: (a) => `The report data hashes to ${a.actual}, not the ${a.expected} agreed.`,
  AccountingUnexpectedConsensusVersion: (a) =>
    `The report uses consensus version ${a.version}; version ${a.expected} is expected.`,
  AccountingUnknownExitList: (a) => `No report announced the exit list ${a.exitRequestsHash}.`,
  AccountingVaultAmountTooHigh: (a, eth) =>
    `The report takes ${eth(a.amount)} ETH from vault ${a.vault}, which holds ${eth(a.balance)} ETH.`,
  AccountingZeroAddress: () => "An address given to the accounting module is the zero address.",

  // ---------------------------------------------------------------- deposit security
  DepositSecurityAllocationMismatch: (a) =>
    `The deposit names ${a.operatorIds} operators but ${a.counts} key counts.`,
  DepositSecurityDepositRootChanged: (a) =>
    `The deposit contract's root changed since the guardians signed (${a.signed} signed, ${a.current} now): a deposit landed in between.`,
  DepositSecurityDepositsPaused: () => "Deposits are paused by a guardian; only governance resumes them.",
  DepositSecurityEmptyDeposit: () => "The deposit has no keys.",
  DepositSecurityGuardianExists: (a) => `${a.guardian} is already a guardian.`,
  DepositSecurityInvalidQuorum: (a) => `A quorum of ${a.quorum} is not valid with ${a.guardians} guardians.`,
  DepositSecurityInvalidShare: (a) => `An operator share of ${pct(a.bps)} is not valid.`,
  DepositSecurityKeysLengthMismatch: (a) =>
    `The deposit has ${a.pubkeysLength} bytes of keys and ${a.signaturesLength} bytes of signatures, which do not make ${a.keys} keys.`,
  DepositSecurityNoQuorum: (a) =>
    `${a.signatures} guardian signatures are fewer than the quorum of ${a.quorum}.`,
  DepositSecurityNotGuardian: (a) => `${a.account} is not a guardian.`,
  DepositSecurityNotPauser: (a) => `${a.account} may not pause deposits.`,
  DepositSecurityOperatorShareExceeded: (a) =>
    `Operator ${a.operatorId} would run ${a.active} of ${a.totalActive} active validators, above its ${pct(a.maxShareBps)} share.`,
  DepositSecurityStaleNonce: (a) =>
    `The guardians signed deposit nonce ${a.nonce}, but it is ${a.current} now.`,
  DepositSecurityUnexpectedEther: (a) => `The deposit module does not take ETH from ${a.sender}.`,
  DepositSecurityUnsortedSigners: (a) =>
    `Guardian signatures must be sorted by signer: ${a.signer} comes after ${a.previous}.`,
  DepositSecurityZeroAddress: () => "An address given to the deposit module is the zero address.",

  // ---------------------------------------------------------------- vaults
  EtherVaultInsufficientBalance: (a, eth) =>
    `The vault holds ${eth(a.balance)} ETH, less than the ${eth(a.requested)} ETH asked.`,
  EtherVaultZeroAddress: () => "The vault's recipient is the zero address.",
  WithdrawalVaultExitRequestFailed: (a, eth) =>
    `The exit request for validator ${a.pubkey} (fee ${eth(a.fee)} ETH) was refused by the system contract.`,
  WithdrawalVaultFeeTooHigh: (a, eth) =>
    `The exit request fee of ${eth(a.fee)} ETH is above the ${eth(a.maxFee)} ETH allowed; retry when it falls.`,
  WithdrawalVaultFeeUnaffordable: (a, eth) =>
    `The exit request fee of ${eth(a.fee)} ETH is more than the vault's ${eth(a.balance)} ETH.`,
  WithdrawalVaultFeeUnavailable: (a) => `The exit system contract ${a.systemContract} did not give its fee.`,
  WithdrawalVaultInvalidPubkey: (a) => `A validator key is ${a.length} bytes long, not 48.`,

  // ---------------------------------------------------------------- oracle committee
  HashConsensusAlreadyMember: (a) => `${a.account} is already an oracle member.`,
  HashConsensusAlreadyVoted: (a) => `${a.member} already voted for reference slot ${a.refSlot}.`,
  HashConsensusDeadlinePassed: (a) =>
    `The deadline for reference slot ${a.refSlot} was slot ${a.deadlineSlot}; it is slot ${a.currentSlot} now.`,
  HashConsensusInitialEpochAlreadyReached: (a) =>
    `The initial epoch ${a.initialEpoch} is reached (epoch ${a.currentEpoch} now); it cannot change.`,
  HashConsensusInitialEpochNotReached: (a) =>
    `Reports start at epoch ${a.initialEpoch}; it is epoch ${a.currentEpoch} now.`,
  HashConsensusInvalidChainConfig: (a) =>
    `The chain settings (${a.slotsPerEpoch} slots per epoch, ${a.secondsPerSlot} s per slot, genesis ${a.genesisTime}) are not valid.`,
  HashConsensusInvalidConsensusVersion: (a) => `Consensus version ${a.version} is not valid.`,
  HashConsensusInvalidFrameConfig: (a) =>
    `Frames of ${a.epochsPerFrame} epochs from epoch ${a.initialEpoch} are not a valid schedule.`,
  HashConsensusInvalidQuorum: (a) => `A quorum of ${a.quorum} is not valid with ${a.memberCount} members.`,
  HashConsensusNotMember: (a) => `${a.account} is not an oracle member.`,
  HashConsensusRefSlotNotCurrent: (a) =>
    `Reference slot ${a.refSlot} is not the current frame's (${a.currentRefSlot}).`,
  HashConsensusTooManyMembers: (a) => `The committee has the most members it can: ${a.maxMembers}.`,
  HashConsensusTooManyVariants: (a) =>
    `Too many different reports were proposed for reference slot ${a.refSlot}.`,
  HashConsensusUnexpectedConsensusVersion: (a) =>
    `The vote uses consensus version ${a.version}; version ${a.expectedVersion} is expected.`,
  HashConsensusZeroAddress: () => "An address given to the oracle committee is the zero address.",
  HashConsensusZeroReportHash: (a) => `A vote for reference slot ${a.refSlot} cannot be the zero hash.`,

  // ---------------------------------------------------------------- operators
  OperatorRegistryBondTooLarge: (a, eth) => `A bond of ${eth(a.shares)} trETH is above what can be stored.`,
  OperatorRegistryCommissionTooHigh: (a) =>
    `A commission of ${pct(a.commissionBps)} is above the maximum of ${pct(a.maxBps)}.`,
  OperatorRegistryDebtOutstanding: (a, eth) =>
    `Operator ${a.operatorId} owes ${eth(a.debt)} ETH of losses; settle the debt first.`,
  OperatorRegistryDuplicatePubkey: (a) => `The validator key ${a.pubkey} is already registered.`,
  OperatorRegistryInsufficientBond: (a, eth) =>
    `Operator ${a.operatorId}'s bond (${eth(a.bond)}: ETH for new keys, trETH for a withdrawal) does not cover the ${eth(a.required)} needed; post more bond or withdraw less.`,
  OperatorRegistryInvalidExitedCount: (a) =>
    `Operator ${a.operatorId}: ${a.exited} exited validators is below the ${a.current} already reported or above the ${a.deposited} deposited.`,
  OperatorRegistryInvalidPubkeysLength: (a) =>
    `${a.length} bytes of keys is not a whole number of 48-byte keys.`,
  OperatorRegistryInvalidSignaturesLength: (a) =>
    `${a.length} bytes of signatures, where the keys need ${a.expected} (96 bytes each).`,
  OperatorRegistryInvalidVettedCount: (a) =>
    `Operator ${a.operatorId}: ${a.vetted} vetted keys must lie between the ${a.depositedKeys} deposited and the ${a.totalKeys} registered.`,
  OperatorRegistryInvalidWithdrawnCount: (a) =>
    `Operator ${a.operatorId}: ${a.withdrawn} withdrawn validators is below the ${a.current} already reported or above the ${a.exited} exited.`,
  OperatorRegistryKeyMismatch: (a) =>
    `Key ${a.index} of operator ${a.operatorId} is not the key registered there.`,
  OperatorRegistryKeysInUse: (a) =>
    `Operator ${a.operatorId} can remove ${a.removable} keys (not deposited), not ${a.requestedRemoval}.`,
  OperatorRegistryLossTooHigh: (a, eth) =>
    `A loss of ${eth(a.loss)} ETH for operator ${a.operatorId} is above the ${eth(a.maxLoss)} ETH allowed.`,
  OperatorRegistryNoKeys: () => "No keys were given.",
  OperatorRegistryNotEnoughVettedKeys: (a) =>
    `Operator ${a.operatorId} has ${a.available} vetted keys ready, fewer than the ${a.requested} asked.`,
  OperatorRegistryNothingToSettle: (a) => `Operator ${a.operatorId} has no debt to settle.`,
  OperatorRegistryNotManager: (a) => `${a.caller} is not the manager of operator ${a.operatorId}.`,
  OperatorRegistryStaleKeysNonce: (a) =>
    `The vetting was signed for keys nonce ${a.nonce} of operator ${a.operatorId}; it is ${a.current} now.`,
  OperatorRegistryUnknownOperator: (a) => `There is no operator ${a.operatorId}.`,
  OperatorRegistryZeroAddress: () => "An address given to the operator registry is the zero address.",
  OperatorRegistryZeroAmount: () => "The amount is zero.",

  // ---------------------------------------------------------------- rewards
  RewardsDistributorInvalidProof: (a, eth) =>
    `The proof for operator ${a.operatorId}, ${a.account} and ${eth(a.cumulativeShares)} trETH does not lead to the current rewards root.`,
  RewardsDistributorNothingToClaim: (a, eth) =>
    `Operator ${a.operatorId} already claimed ${eth(a.claimed)} trETH, at least the ${eth(a.cumulativeShares)} trETH in this proof.`,
  RewardsDistributorZeroAddress: () => "The commission's account is the zero address.",

  // ---------------------------------------------------------------- governance
  GovernorAlreadyCastVote: (a) => `${a.voter} already voted on this proposal.`,
  GovernorAlreadyQueuedProposal: (a) => `Proposal ${a.proposalId} is already queued.`,
  GovernorDisabledDeposit: () => "The Governor does not take deposits.",
  GovernorInsufficientProposerVotes: (a, eth) =>
    `${a.proposer} has ${eth(a.votes)} trETH of votes, below the ${eth(a.threshold)} trETH needed to propose.`,
  GovernorInvalidProposalLength: (a) =>
    `A proposal needs as many targets, calldatas and values: ${a.targets}, ${a.calldatas} and ${a.values} given.`,
  GovernorInvalidQuorumFraction: (a) =>
    `A quorum of ${a.quorumNumerator}/${a.quorumDenominator} of the supply is not valid.`,
  GovernorInvalidSignature: (a) => `The vote signature is not ${a.voter}'s.`,
  GovernorInvalidVoteParams: () => "This Governor takes no vote parameters.",
  GovernorInvalidVoteType: () => "The vote must be for (1), against (0) or abstain (2).",
  GovernorInvalidVotingPeriod: (a) => `A voting period of ${a.votingPeriod} seconds is not valid.`,
  GovernorNonexistentProposal: (a) => `There is no proposal ${a.proposalId}.`,
  GovernorOnlyExecutor: (a) => `${a.account} is not the Governor's executor (the timelock).`,
  GovernorProposalQueueingFailed: (a) => `Queueing proposal ${a.proposalId} in the timelock failed.`,
  GovernorProposalQueueingNotRequired: (a) => `Proposal ${a.proposalId} needs no queueing.`,
  GovernorRestrictedProposer: (a) =>
    `${a.proposer} may not make this proposal (the description restricts the proposer).`,
  GovernorUnableToCancel: (a) => `${a.account} cannot cancel proposal ${a.proposalId} now.`,
  GovernorUnexpectedProposalState: (a) =>
    `Proposal ${a.proposalId} is ${PROPOSAL_STATES[Number(a.current)] ?? `in state ${a.current}`}; this needs it ${states(a.expectedStates, PROPOSAL_STATES)}.`,
  TributaryGovernorClockNotTimestamp: (a) =>
    `The voting token's clock is "${a.clockMode}"; the Governor needs a timestamp clock.`,
  TributaryGovernorMinimumQuorumTooLarge: (a, eth) =>
    `A minimum quorum of ${eth(a.minimumQuorum)} trETH is above the ${eth(a.max)} trETH allowed.`,
  TimelockInsufficientDelay: (a) =>
    `A delay of ${a.delay} seconds is below the timelock's minimum of ${a.minDelay}.`,
  TimelockInvalidOperationLength: (a) =>
    `An operation needs as many targets, payloads and values: ${a.targets}, ${a.payloads} and ${a.values} given.`,
  TimelockUnauthorizedCaller: (a) => `${a.caller} may not call the timelock's own functions.`,
  TimelockUnexecutedPredecessor: (a) =>
    `The operation ${a.predecessorId} it depends on has not been executed.`,
  TimelockUnexpectedOperationState: (a) =>
    `Timelock operation ${a.operationId} is not ${states(a.expectedStates, OPERATION_STATES)}.`,
  TrETHRateFeedNoDataForRound: (a) =>
    `The rate feed keeps no past rounds: round ${a.roundId} is not the latest (${a.latestRoundId}).`,
  TrETHMorphoOracleZeroAddress: () => "The Morpho oracle needs the token's address, not zero.",
  FixedRateIrmRateTooHigh: (a) =>
    `A fixed borrow rate of ${a.ratePerSecond} per second (1e18 scale) is above 100% a year.`,
  TrETHRateFeedZeroAddress: () => "The rate feed needs the token's and the committee's addresses, not zero.",
  // ---------------------------------------------------------------- crosschain
  BridgeAppNoPeer: (a) => `No counterpart is set for chain ${a.chainId}: the bridge cannot send there.`,
  BridgeAppUnauthorized: (a) =>
    `${a.caller} may not call this: only a message from this contract's counterpart on chain ${a.sourceChain} may (it came from ${a.sender}).`,
  BridgeAppZeroAddress: () => "A crosschain contract needs an address here, not zero.",
  BridgedTrETHBurnLimitExceeded: (a, eth) =>
    `Sending ${eth(a.amount)} trETH is above the bridge's limit: ${eth(a.available)} trETH can be sent now (the limit refills over the day).`,
  BridgedTrETHLimitTooLarge: (a) => `A bridge limit of ${a.limit} does not fit 128 bits.`,
  BridgedTrETHMintLimitExceeded: (a, eth) =>
    `Receiving ${eth(a.amount)} trETH is above the bridge's limit: ${eth(a.available)} trETH can arrive now; the transfer waits and goes through when the limit refills.`,
  BridgedTrETHUnauthorized: (a) => `${a.caller} is not a bridge the bridged trETH authorises.`,
  ERC2612ExpiredSignature: (a) => `The permit expired at ${a.deadline}.`,
  ERC2612InvalidSigner: (a) => `The permit is signed by ${a.signer}, not by the owner ${a.owner}.`,
  MessageBridgeAlreadyExecuted: (a) => `Message ${a.id} was already executed (or is waiting for a retry).`,
  MessageBridgeInvalidCommittee: (a) =>
    `A committee of ${a.relayers} relayers with threshold ${a.threshold} is not valid: at least 2 signatures, at most the committee's size, no repeated or zero address.`,
  MessageBridgeNoMessage: () => "No crosschain message is being executed.",
  MessageBridgeNotFailed: (a) => `Message ${a.id} is not waiting for a retry.`,
  MessageBridgeNotRelayer: (a) => `${a.signer} is not a member of the relayer committee.`,
  MessageBridgeRetryFailed: (a) => `Message ${a.id} still cannot be executed; it stays waiting for a retry.`,
  MessageBridgeSignersNotSorted: (a) =>
    `The relayers' signatures must be by distinct signers in ascending address order (${a.signer} after ${a.previous}).`,
  MessageBridgeTooFewSignatures: (a) =>
    `The message carries ${a.valid} relayer signatures; ${a.threshold} are needed.`,
  MessageBridgeWrongChain: (a) => `The message is for chain ${a.destinationChainId}, not chain ${a.chainId}.`,
  OwnableInvalidOwner: (a) => `${a.owner} cannot be the owner.`,
  OwnableUnauthorizedAccount: (a) => `${a.account} is not the owner.`,
  RateReceiverInvalidBounds: () =>
    "The rate bounds are not valid: a report period and a change bound above zero (at most 100%), and a maximum age of at least one period.",
  RateReceiverJumpTooLarge: (a, eth) =>
    `A rate of ${eth(a.rate)} ETH moves too far from ${eth(a.current)} ETH (by at most ${eth(a.maxChange)} ETH since the last report).`,
  RateReceiverNoDataForRound: (a) =>
    `The relayed rate keeps no past rounds: round ${a.roundId} is not the latest (${a.latestRoundId}).`,
  RateReceiverNoRate: () => "No rate has been relayed to this chain yet.",
  RateReceiverOlderReport: (a) =>
    `The rate comes from a report (time ${a.reportTime}) no newer than the one held (time ${a.current}).`,
  RateSenderNothingNew: () => "This report's rate was already sent to that chain: no newer report yet.",
  GovernanceRelayCallFailed: (a) =>
    `Call ${a.index} of the governance batch, to ${a.target}, failed: the whole batch was undone.`,
  GovernanceRelayNoCalls: () => "A governance batch needs at least one call.",
  GovernanceRelayOnlySelf: (a) => `Only the governance relay runs its batches, not ${a.caller}.`,
  GovernanceRelayOutOfOrder: (a) =>
    `Governance batch ${a.sequence} arrived before batch ${a.expected}: it runs once the earlier one has.`,
  RemoteDepositPoolInvalidParameters: () =>
    "The pool's fee must be at most 1% and its maximum rate age above zero.",
  RemoteDepositPoolNothingToSend: () => "No deposit is waiting to be sent to Ethereum.",
  RemoteDepositPoolStaleRate: (a) =>
    `The relayed rate is ${a.age} seconds old, above the ${a.maxAge} the pool accepts: staking here waits for the next rate.`,
  RemoteDepositPoolUnexpectedEther: (a) => `The pool takes ETH only from WETH, not from ${a.sender}.`,
  RemoteDepositPoolZeroShares: (a, eth) => `${eth(a.assets)} WETH is too little to buy a share.`,
  RemoteStakeReceiverNoBridge: () => "trETH has no crosschain bridge set: a batch cannot be locked for it.",
  RemoteStakeReceiverShortfall: (a, eth) =>
    `The batch needs ${eth(a.needed)} trETH locked but ${eth(a.available)} is at hand: it waits until the reserve covers it.`,
  RemoteStakeReceiverValueMismatch: (a, eth) =>
    `The batch carries ${eth(a.value)} ETH but states ${eth(a.assets)} ETH.`,
  TokenBridgeZeroAmount: () => "Bridging needs an amount above zero.",
} satisfies Record<ContractErrorName, Sentence>;
