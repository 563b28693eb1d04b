// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {IHashConsensus} from "./IHashConsensus.sol";
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {ITrETH} from "./ITrETH.sol";

/// @title IAccounting
/// @notice Applies the oracle committee's report once per frame: has the protocol's vault (every
/// validator's withdrawal address and fee recipient) send ETH straight to the token, sets the ETH on the beacon chain, takes operators' losses from
/// their bonds, mints the protocol fee as trETH to the rewards distributor (which pays the
/// treasury its part and the operators their commission), tells the withdrawal queue the new
/// rate, finalizes withdrawal requests and names the validators that must exit.
///
/// One report, step by step:
/// 1. The committee agrees on `keccak256(abi.encode(report))` in HashConsensus.
/// 2. Anyone calls `submitReportData(report)` before the frame's processing deadline. The data
///    must hash to the agreed hash, be for the current frame's reference slot and pass the
///    sanity limits (see {Limits}).
/// 3. Per-operator exits and losses (only operators with changes; a report without any makes no
///    registry call for them) are applied in the operator registry: a loss burns the operator's bond shares first, which returns the lost value to
///    every other holder; a loss beyond the bond is recorded as the operator's debt.
/// 4. Rewards = (beacon balance + ETH in transit to the beacon chain + withdrawals pulled +
///    EL rewards pulled) minus the beacon assets the token held before. If positive, the
///    treasury fee and the operators' commission are minted as trETH at the new rate, each worth
///    exactly its wei amount, in one mint to the rewards distributor: the distributor pays the
///    treasury its part ({treasuryFeeShares}) on request and the operators theirs against the
///    root. If the holder exchange rate would rise by more than the per-report limit, less is
///    pulled of the EL rewards: the rest waits in the vault for later reports. (Withdrawals are
///    always pulled in full: principal and skimmed rewards are beacon-chain ETH whose growth the
///    annual limit bounds.)
/// 5. In one call (`report`), the withdrawal queue hears the new share rate and finalizes requests
///    up to `lastRequestIdToFinalize` at it (each at most at its own request-time rate).
///
/// Withdrawals and EL rewards arrive in one vault (the withdrawal credentials' address is also
/// the fee recipient), so the vault ETH moves in one transfer: the token's `rebase` announces the
/// amount and the vault (`pullToToken`) sends it to the token's `receiveVaultEther`; a zero pull
/// makes no call. The report still states the two amounts apart, because they obey different
/// limits (withdrawals count as beacon-chain growth; EL rewards may be held back).
///
/// Gas is flat in the number of operators and in the number of requests finalized: operators'
/// commissions are a Merkle root (claimed from the distributor with proofs), and only operators
/// with exits or losses appear in the report.
///
/// @dev Warning: if the committee misses frames, the next report simply covers everything since
/// the last one (the limits scale with the time elapsed). Staking, transfers and requests do not
/// depend on reports.
interface IAccounting {
    /// @notice Exits and losses of one operator since the last report.
    struct OperatorChange {
        uint256 operatorId;
        /// @dev The operator's validators exited so far: exit epoch passed at the reference slot
        /// (cumulative; never decreases). Meets exit requests; frees no bond.
        uint256 exitedValidators;
        /// @dev Of those, the validators whose ETH is back: withdrawable epoch passed and balance
        /// withdrawn to the vault (cumulative; never decreases, at most `exitedValidators`). Only
        /// these release their bond: a slashed validator stays exposed to the correlation penalty
        /// until it is withdrawable (about 8,192 epochs after its exit).
        uint256 withdrawnValidators;
        /// @dev Wei its validators lost in the frame (slashing, penalties, ending below 32 ETH); at
        /// most 32 ETH per validator of the operator not yet withdrawn.
        uint256 loss;
    }

    /// @notice The report the committee agrees on. Its hash is `keccak256(abi.encode(report))`.
    struct Report {
        /// @dev Must equal {CONSENSUS_VERSION}.
        uint256 consensusVersion;
        /// @dev The frame's reference slot (from HashConsensus).
        uint256 refSlot;
        /// @dev Protocol validators seen on the consensus layer at `refSlot` (cumulative: exited
        /// validators still count).
        uint256 clValidators;
        /// @dev Their total balance at `refSlot`, wei.
        uint256 clBalance;
        /// @dev Wei of consensus-layer withdrawals (skimmed rewards, exited validators) in the
        /// vault at `refSlot`, all pulled.
        uint256 withdrawalVaultAmount;
        /// @dev Wei of EL rewards (priority fees, MEV) in the vault at `refSlot`, including any
        /// held back by earlier reports; together with `withdrawalVaultAmount` at most the
        /// vault's balance. If the vault holds less when the report is applied (a forced exit paid
        /// its EIP-7002 fee from it since the reference slot), the EL part is cut to what is there
        /// and the rest counts in a later report.
        uint256 elRewardsVaultAmount;
        /// @dev Protocol validators exited so far (cumulative).
        uint256 exitedValidators;
        /// @dev Only operators with new exits or a loss, in increasing operator id order.
        OperatorChange[] operatorChanges;
        /// @dev Merkle root of every operator's CUMULATIVE trETH commission claimable from the
        /// rewards distributor (allocating at most the commission shares minted so far, as the
        /// `ReportApplied` events state them; the commission minted by one report is allocated in
        /// the next report's root, so the oracle never has to predict the share count) (leaf: keccak256(bytes.concat(keccak256(abi.encode(operatorId,
        /// account, cumulativeShares))))). Zero keeps the previous root.
        bytes32 rewardsRoot;
        /// @dev Operators' total commission for the frame, wei; minted as trETH to the distributor.
        uint256 operatorCommission;
        /// @dev Finalize withdrawal requests up to this id (0 = none).
        uint256 lastRequestIdToFinalize;
        /// @dev keccak256 of the packed exit list (see {exitRequestsHash}); zero = no new exits.
        bytes32 exitRequestsHash;
        /// @dev Number of entries in the exit list.
        uint256 exitRequestsCount;
    }

    /// @notice What an Accounting is built with (constructor argument).
    struct Wiring {
        ITrETH token;
        IHashConsensus consensus;
        IOperatorRegistry registry;
        /// @dev The withdrawal vault (withdrawal credentials and fee recipient).
        address payable withdrawalVault;
        /// @dev Receives the fee shares; operators claim commission there, the treasury its fee.
        address rewardsDistributor;
        /// @dev DEFAULT_ADMIN_ROLE: the timelock.
        address admin;
        /// @dev Receives the treasury fee (ignored when importing from a previous module).
        address treasury;
        /// @dev The withdrawal queue, fixed for the module's life (zero: no finalization).
        address withdrawalQueue;
    }

    /// @notice Sanity limits, each a governance parameter.
    struct Limits {
        /// @dev Treasury fee, basis points of rewards (mainnet default 5_00 = 5%).
        uint16 treasuryFeeBps;
        /// @dev Largest yearly growth of the beacon balance (+ withdrawals, + the operators'
        /// losses), basis points (default 10_00 = 10%/year), pro rata over the time since the last
        /// report. 24 bits: up to ~167,000%/year, so that a small local chain (few validators,
        /// short slots: 160-2,200%/year) can be described too.
        uint24 maxAnnualClGrowthBps;
        /// @dev Largest fall of the pool (before bonds), and largest sum of the operators' losses,
        /// that a quorum alone may report, basis points of the pool's beacon assets (default 50 =
        /// 0.5%); a larger one needs every member.
        uint16 maxLossBps;
        /// @dev Largest rise of the holder exchange rate per report, in 1e-9 (default 750_000 =
        /// 0.075%, about 3x a day of 10%/year rewards); the excess EL rewards wait in the vault.
        uint32 maxRateIncreasePerReport;
        /// @dev Largest operator commission a report may state, basis points of the frame's net
        /// rewards (the pool's growth after every loss; default 10_00 = 10%, the registry's default
        /// commission cap): a reported loss never raises the cap.
        uint16 maxCommissionBps;
        /// @dev Seconds an operator has to exit a named validator (default 4 days).
        uint32 exitDeadline;
        /// @dev Wei taken from the bond of an operator that missed the exit deadline (default 1 ETH;
        /// 64 bits hold up to 18.4 ETH, more than four validators' bonds). Also the most the
        /// withdrawal vault pays for one EIP-7002 exit request.
        uint64 missedExitPenalty;
    }

    // ---------------------------------------------------------------- events

    /// @notice A report was applied. `rewards` is the change of the pool's assets before fees:
    /// positive for rewards (counting only EL rewards pulled: held-back ones are not), negative for
    /// a loss (before bonds). Of the EL rewards reported, `elRewardsPulled` left the vault (the
    /// withdrawals always leave it in full). The fees were minted as `treasuryShares` (the
    /// treasury's part) and `commissionShares` to the rewards distributor. `shareRate` is the
    /// holder rate after the report, wei per share scaled by 1e27. The token's `Rebased` event in
    /// the same transaction carries the new beacon assets and the ETH received from the vault.
    event ReportApplied(
        uint256 indexed refSlot,
        int256 rewards,
        uint256 elRewardsPulled,
        uint256 treasuryShares,
        uint256 commissionShares,
        uint256 shareRate
    );
    /// @notice This module took over from `previous` at its reference slot `lastRefSlot`.
    event StateImported(address indexed previous, uint256 lastRefSlot);
    /// @notice Bond shares deferred by penalties and debt repayments outside a report were burned
    /// by this report (within its rate limit; the rest waits for later reports).
    event DeferredBurnApplied(uint256 indexed refSlot, uint256 shares);
    /// @notice The report names validators to exit; the list is published with {publishExitRequests}.
    /// `deadline` is the list's own, set when a report first named it; a report naming the same
    /// list again keeps it.
    event ExitRequestsSet(uint256 indexed refSlot, bytes32 exitRequestsHash, uint256 count, uint256 deadline);
    /// @notice The exit list whose hash a report named, for operators to read.
    event ExitRequestsPublished(bytes32 indexed exitRequestsHash, bytes data);
    /// @notice An operator missed the deadline for a named validator: it was exited through
    /// EIP-7002 and the operator penalised.
    /// `penalty` is charged on the first forced exit of a validator only (zero on a retry).
    event ValidatorForcedExit(uint256 indexed operatorId, uint256 indexed keyIndex, bytes pubkey, uint256 penalty, address caller);
    event LimitsSet(Limits limits);
    event TreasurySet(address treasury);

    // ---------------------------------------------------------------- errors

    /// @notice The committee has no consensus for the current frame `refSlot`.
    error AccountingNoConsensus(uint256 refSlot);
    /// @notice The report is for `refSlot`, older than the current frame's `currentRefSlot`.
    error AccountingRefSlotInPast(uint256 refSlot, uint256 currentRefSlot);
    /// @notice The report is for `refSlot`, later than the current frame's `currentRefSlot`.
    error AccountingRefSlotInFuture(uint256 refSlot, uint256 currentRefSlot);
    /// @notice The frame of `refSlot` was already reported (last processed: `lastRefSlot`).
    error AccountingAlreadyProcessed(uint256 refSlot, uint256 lastRefSlot);
    /// @notice The data hashes to `actual`; the committee agreed on `expected`.
    error AccountingReportHashMismatch(bytes32 expected, bytes32 actual);
    error AccountingUnexpectedConsensusVersion(uint256 version, uint256 expected);
    /// @notice Validators on the consensus layer went down from `previous` to `reported`.
    error AccountingClValidatorsDecreased(uint256 reported, uint256 previous);
    /// @notice More validators on the consensus layer than were ever deposited.
    error AccountingClValidatorsExceedDeposits(uint256 reported, uint256 deposited);
    /// @notice The cumulative exited count went down, or above the validators seen.
    error AccountingInvalidExitedValidators(uint256 reported, uint256 previous, uint256 clValidators);
    /// @notice The beacon balance grew by `growth` wei; at most `limit` in the time elapsed.
    error AccountingClGrowthTooHigh(uint256 growth, uint256 limit);
    /// @notice A fall (or a sum of operator losses) of `loss` wei above `bound` needs every member:
    /// `support` of `members` agreed.
    error AccountingLossNeedsUnanimity(uint256 loss, uint256 bound, uint256 support, uint256 members);
    /// @notice The commission exceeds the largest commission on the rewards.
    error AccountingCommissionTooHigh(uint256 commission, uint256 maxCommission);
    /// @notice Operator changes must come in strictly increasing id order.
    error AccountingOperatorChangesUnsorted(uint256 operatorId, uint256 previousId);
    /// @notice The consensus-layer balance must be whole gwei (the consensus layer's unit).
    error AccountingClBalanceNotGwei(uint256 clBalance);
    /// @notice The report asks to pull more than a vault holds.
    error AccountingVaultAmountTooHigh(address vault, uint256 amount, uint256 balance);
    /// @notice A finalization up to a request that does not exist yet.
    error AccountingInvalidRequestId(uint256 requestId, uint256 lastRequestId);
    error AccountingInvalidLimits(Limits limits);
    error AccountingZeroAddress();
    /// @notice The packed exit list does not hash to `expected`.
    error AccountingExitRequestsMismatch(bytes32 expected, bytes32 actual);
    /// @notice Entry `index` is outside the exit list of `count` entries.
    error AccountingExitIndexOutOfRange(uint256 index, uint256 count);
    /// @notice The exit deadline `deadline` has not passed (now `timestamp`).
    error AccountingExitDeadlineNotPassed(uint256 deadline, uint256 timestamp);
    /// @notice The operator has already exited enough validators (`exited` of `target`).
    error AccountingExitAlreadyDone(uint256 operatorId, uint256 exited, uint256 target);
    /// @notice The pubkey and signature do not match the registry's key `keyIndex` of `operatorId`.
    error AccountingExitKeyMismatch(uint256 operatorId, uint256 keyIndex);
    /// @notice The validator was force-exited at `forcedAt`; a retry is possible after `retryAfter`.
    error AccountingExitAlreadyForced(uint256 operatorId, uint256 keyIndex, uint256 forcedAt, uint256 retryAfter);
    /// @notice No report named an exit list with this hash.
    error AccountingUnknownExitList(bytes32 exitRequestsHash);
    /// @notice A successor module reports only once governance activated it ({activate}).
    error AccountingNotActive();
    /// @notice {activate} is for a successor that is installed and not yet active.
    error AccountingCannotActivate(address tokenAccountingModule, bool awaitingImport);
    /// @notice This module is no longer the token's accounting module.
    error AccountingNotCurrentModule(address current);

    // ---------------------------------------------------------------- reports

    /// @notice Applies the report the committee agreed on. Anyone may call.
    function submitReportData(Report calldata report) external;

    /// @notice Emits the exit list `data` whose hash the last report named, so that operators can
    /// read it. Entries are packed `operatorId (uint24) ++ keyIndex (uint40) ++ targetExited
    /// (uint32) ++ pubkey (48 bytes)`; `targetExited` is the operator's cumulative exited count
    /// that meets the request. Anyone may call.
    function publishExitRequests(bytes calldata data) external;

    /// @notice After its list's deadline, exits entry `index` of an exit list a report named
    /// (this module's or its predecessors') through EIP-7002 (fee paid by the withdrawal vault, at
    /// most `missedExitPenalty`), if the operator's exited count is still below the entry's target.
    /// The first forced exit of a validator penalises the operator's bond; the penalty reaches the
    /// holders through the next report (see {ITrETH-deferBurn}). The beacon chain silently drops a
    /// request it cannot take (e.g. before the validator served SHARD_COMMITTEE_PERIOD), so a
    /// validator still not exited may be forced again, without penalty, once `exitDeadline` has
    /// passed since the last attempt. Anyone may call.
    /// @param keySignature The key's deposit signature: with the pubkey it must match the
    /// registry's commitment for `(operatorId, keyIndex)`.
    /// @dev Warning: the exited counts are those of the last report; an operator that exits just
    /// before the deadline is safe only once a report records it, so the deadline should exceed a frame.
    function forceExit(bytes calldata data, uint256 index, bytes calldata keySignature) external;

    // ---------------------------------------------------------------- governance

    function setLimits(Limits calldata limits) external;
    function setTreasury(address treasury) external;
    /// @notice Makes a successor module live: imports its predecessor's report state, rewards
    /// root, limits and treasury as they are now. Governance calls it in the same timelock batch as
    /// trETH's `setModules` (after it) and the role grants, so no report falls between the import
    /// and the switch: the predecessor cannot apply a report once trETH no longer names it.
    function activate() external;

    // ---------------------------------------------------------------- views

    /// @notice The report format this contract understands.
    function CONSENSUS_VERSION() external view returns (uint256);
    function limits() external view returns (Limits memory);
    function treasury() external view returns (address);
    function withdrawalQueue() external view returns (address);
    /// @notice The module this one replaces (zero for the first).
    function previous() external view returns (IAccounting);
    /// @notice True for a successor until {activate}.
    function awaitingActivation() external view returns (bool);
    function lastProcessedRefSlot() external view returns (uint256);
    /// @notice Validators seen on the consensus layer and exited, as last reported.
    function lastClValidators() external view returns (uint256);
    function lastExitedValidators() external view returns (uint256);
    /// @notice The validators' balance as last reported, wei.
    function lastClBalance() external view returns (uint256);
    /// @notice trETH shares of treasury fee minted to the rewards distributor so far (cumulative);
    /// the distributor pays them to {treasury}.
    function treasuryFeeShares() external view returns (uint256);
    /// @notice The operators' rewards root of the last report that set one (see {Report}), kept as
    /// its first 152 bits (the last 104 are zero here): a proof is checked against those. 152 bits
    /// leave forging a proof for a root someone else built at 2^152 work; a collision (2^76)
    /// would only serve the root's author, the committee, which can post any root anyway.
    function rewardsRoot() external view returns (bytes32);
    /// @notice The latest exit list's hash and its deadline (unix seconds).
    function exitRequests() external view returns (bytes32 exitRequestsHash, uint256 deadline);
    /// @notice The deadline of an exit list a report of this module or a predecessor named (0: none).
    function exitListDeadline(bytes32 exitRequestsHash) external view returns (uint256);
    /// @notice When the validator was last force-exited by this module or a predecessor (0: never).
    function forcedAt(uint256 operatorId, uint256 keyIndex) external view returns (uint256);
    /// @notice ETH per share scaled by 1e27, as the token prices it now.
    function shareRate() external view returns (uint256);
}
