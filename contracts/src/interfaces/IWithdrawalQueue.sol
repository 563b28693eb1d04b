// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

/// @title IWithdrawalQueue
/// @notice The trETH withdrawal queue. Every redemption request (made through trETH's ERC-7540
/// `requestRedeem`) is an ERC-721 ticket held here; whoever holds the ticket controls the request.
///
/// Pricing: a request is paid `shares * min(rate at request, rate at finalization)` wei, rounded
/// down. "Rate at request" is the share rate of the last oracle report before the request;
/// "rate at finalization" is the rate of the report that finalizes it (both passed by the accounting
/// module through `report`). Someone who asked to leave before a loss bears it; no rewards accrue
/// after the request. Rates are passed and returned as wei per share scaled by 1e27 but stored
/// rounded down to 1e18 scale, in a floating-point form with no ceiling (see `report`). Requests
/// made before the first report (window 0) are priced at the first report's rate: the token's rate
/// then, the first one the queue learns.
///
/// Flat finalization: each request stores the cumulative escrowed shares up to and including it
/// (modulo 2^88), so the shares of any range of requests is one subtraction. Requests made between
/// two reports form a window that shares one rate; a finalization walks the windows it covers (one
/// or two per report in normal operation), never the requests.
///
/// Records: each report writes one record (one storage slot): the window it opens (its first request
/// id and rate) and the batch it finalizes (its rate, time and the last id finalized). A report
/// rewrites the current record instead of opening one when no request came since it was opened
/// (and, if the report finalizes, the record holds no batch yet), so storage grows by at most one
/// slot per report. A request of window `v` is finalized by the batch of the first record after
/// `v` whose `finalizedUpTo` reaches it: usually record `v + 1`.
///
/// Claimed tickets are kept as receipts (status "claimed" in `tokenURI`) rather than burned: a
/// claim then costs no ticket-count update. A receipt can no longer be transferred or approved, so
/// nobody can sell a ticket they emptied by claiming it just before. It still counts in its holder's
/// `balanceOf`, as any token it owns does (ERC-721).
///
/// ERC-721 balances live in trETH (packed with each holder's share balance), so a holder's first
/// request needs no fresh storage for a counter; `balanceOf` reads them from the token.
interface IWithdrawalQueue is IERC721Metadata {
    /// @notice Everything known about one request.
    struct RequestStatus {
        /// @dev The ticket holder (the request's controller).
        address controller;
        /// @dev Shares escrowed by the request.
        uint256 shares;
        /// @dev Unfinalized shares queued before this request (0 once finalized): with the ETH the
        /// protocol can free per report, this estimates the wait.
        uint256 sharesAhead;
        /// @dev Rate of the report window the request was made in, wei per share scaled by 1e27 (the
        /// stored 1e18-scale rate times 1e9, so a multiple of 1e9); type(uint256).max for a request
        /// made before the first report, until that report gives it its rate.
        uint256 requestRate;
        bool finalized;
        bool claimed;
        /// @dev Wei the claim pays (0 until finalized).
        uint256 claimableAssets;
        /// @dev Time of the finalizing report (0 until finalized).
        uint256 finalizedAt;
    }

    /// @notice What one report recorded: the window it opened and the batch it finalized, if any.
    /// Rates are wei per share scaled by 1e27: the stored 1e18-scale rate times 1e9.
    struct Record {
        /// @dev Window: requests from this id until the next record's `firstRequestId` (exclusive)
        /// are priced at most at `windowRate`. Equal to the next record's when the window is empty.
        uint256 firstRequestId;
        /// @dev `lastFinalizedRequestId()` after the record was last written; non-decreasing over
        /// record indexes. When the record holds a batch, the batch finalized requests from the
        /// previous record's `finalizedUpTo` + 1 up to this.
        uint256 finalizedUpTo;
        /// @dev Rate in force for requests of this window; type(uint256).max for record 0 until the
        /// first report.
        uint256 windowRate;
        /// @dev Rate of the batch this record holds (0 if it holds none, or a batch at rate 0). A
        /// later report without finalization may re-rate the record's (empty) window and keep its
        /// batch.
        uint256 batchRate;
        /// @dev When the batch was made, unix seconds; 0 if the record holds no batch.
        uint256 timestamp;
    }

    // ---------------------------------------------------------------- events

    /// @notice A report wrote record `record` (opened it, or rewrote the current one in place):
    /// requests from `firstRequestId` on are priced at most at `shareRate`, and if `finalizedTo` is
    /// not 0, the requests after the previous finalized one up to `finalizedTo` were finalized at
    /// `shareRate` (capped per window by its rate, see `getRecord`): `ethLocked` wei came from the
    /// buffer and `sharesBurned` were burned. With nothing finalized, `finalizedTo`, `ethLocked`
    /// and `sharesBurned` are 0. `shareRate` is the stored rate: wei per share scaled by 1e27, rounded
    /// down to a multiple of 1e9. One event per report (see also `FinalizationLimited`). At
    /// deployment, record 0 is announced with `shareRate` type(uint256).max: not known yet.
    event ReportRecorded(
        uint256 indexed record,
        uint256 shareRate,
        uint256 firstRequestId,
        uint256 finalizedTo,
        uint256 ethLocked,
        uint256 sharesBurned
    );
    /// @notice The buffer could not pay every request the report asked to finalize (up to
    /// `requestedUpTo`): requests were finalized up to `finalizedTo` only (0: none), the longest
    /// prefix `bufferedEther` wei (the buffer before the batch) pays. The rest waits for a later
    /// report. Emitted after the report's `ReportRecorded`.
    event FinalizationLimited(uint256 requestedUpTo, uint256 finalizedTo, uint256 bufferedEther);
    /// @notice The first report gave the requests made before it (window 0, record 0) its rate,
    /// `shareRate` (1e27 scale, as stored). Emitted once, before that report's `ReportRecorded`,
    /// when such requests exist.
    event InitialWindowRated(uint256 shareRate);
    /// @notice A ticket was claimed: `assets` wei (as ETH or WETH) went to `receiver`.
    event WithdrawalClaimed(
        uint256 indexed requestId, address indexed controller, address indexed receiver, uint256 assets, bool asWeth
    );
    event WithdrawalsPaused(address indexed by);
    event WithdrawalsResumed(address indexed by);

    // ---------------------------------------------------------------- errors

    /// @notice The caller lacks the role the function needs.
    error WithdrawalQueueUnauthorized(address caller);
    error WithdrawalQueuePaused();
    /// @notice No ticket with this id exists.
    error WithdrawalQueueUnknownRequest(uint256 requestId);
    /// @notice `caller` neither holds ticket `requestId` (held by `holder`) nor is approved for it.
    error WithdrawalQueueNotHolder(uint256 requestId, address caller, address holder);
    error WithdrawalQueueAlreadyClaimed(uint256 requestId);
    error WithdrawalQueueNotFinalized(uint256 requestId, uint256 lastFinalizedRequestId);
    /// @notice A finalization must move forward: lastFinalized < lastRequestId <= last request.
    error WithdrawalQueueInvalidFinalization(
        uint256 lastRequestId, uint256 lastFinalizedRequestId, uint256 lastRequestIdInQueue
    );
    /// @notice The hint is not the index of the record holding the batch that finalized the request.
    error WithdrawalQueueInvalidHint(uint256 requestId, uint256 hint);
    error WithdrawalQueueZeroAddress();
    /// @notice ERC-7540 `redeem`/`withdraw` could not match `requested` with whole claimable tickets
    /// (`claimable` is what the scanned tickets of the controller add up to).
    error WithdrawalQueueAmountMismatch(uint256 requested, uint256 claimable);
    error WithdrawalQueueTransferFailed(address receiver, uint256 amount);
    error WithdrawalQueueUnexpectedEther(address sender, uint256 amount);

    // ---------------------------------------------------------------- accounting module

    /// @notice A report in one call. Requests from now on are priced at most at `shareRate`, and
    /// unless `lastRequestIdToFinalize` is 0, every request up to and including it is finalized at
    /// min(rate at request, `shareRate`): its escrowed shares are burned and the ETH it needs is
    /// pulled from the trETH buffer (`fundWithdrawals`, after the state and the event are written).
    /// Only the accounting module (trETH `modules().accounting`), once per report.
    /// The first report also gives its rate to the requests made before it (window 0).
    /// @param shareRate Wei per share scaled by 1e27 at the report, after the rebase; any value is
    /// accepted. Stored rounded down to 1e18 scale (a multiple of 1e9 at 1e27 scale), exactly below
    /// 18.4 ETH per share and to 64 significant bits above, saturating at 2^160 - 1 at 1e18 scale
    /// (1.46e30 ETH per share, beyond what a uint88 supply can reach); rounding down favours the
    /// pool: the finalization total and every claim use the same stored rate, so claims never exceed
    /// the ETH locked. A rate of 0 (a pool wiped out) finalizes at 0.
    /// @dev Writes at most one fresh storage slot (a record) and emits one `ReportRecorded`. Gas does
    /// not depend on the number of requests finalized (only on the number of report windows they
    /// span). Reverts unless lastFinalizedRequestId < lastRequestIdToFinalize <= lastRequestId()
    /// (when not 0) with WithdrawalQueueInvalidFinalization; never for the rate or the buffer. It
    /// locks at most the trETH buffer (its ETH balance, with the vault's ETH already pulled): if
    /// finalizing up to `lastRequestIdToFinalize` costs more, it finalizes the longest prefix the
    /// buffer pays (a binary search within the window where the buffer runs out, which only such a
    /// report pays for) and emits `FinalizationLimited`. Finalizing never lowers the rate of the
    /// shares that stay: each request gets at most `shareRate` per share, and what a request capped
    /// at its lower rate at request leaves behind goes to those who stay.
    function report(uint256 shareRate, uint256 lastRequestIdToFinalize)
        external
        returns (uint256 ethLocked, uint256 sharesBurned);

    /// @notice `report(shareRate, 0)`: records the rate of a report without finalizing. Only the
    /// accounting module.
    /// @dev If no request came since the current record was opened its rate is replaced in place, so
    /// storage grows only with reports that saw requests.
    function onReport(uint256 shareRate) external;

    /// @notice `report(shareRate, lastRequestId)`, refusing `lastRequestId` 0 (it may still finalize
    /// less, or nothing, if the buffer falls short). Only the accounting
    /// module. It also sets the rate for requests from now on, so after `onReport(shareRate)` in
    /// the same report (with the same rate) the state is the one `report` leaves, written in two
    /// calls with two events.
    function finalize(uint256 lastRequestId, uint256 shareRate) external returns (uint256 ethLocked, uint256 sharesBurned);

    /// @notice What `report(shareRate, lastRequestId)` would lock and burn now with a buffer that
    /// pays it all.
    function finalizationCost(uint256 lastRequestId, uint256 shareRate) external view returns (uint256 eth, uint256 shares);

    function lastRequestId() external view returns (uint256);
    function lastFinalizedRequestId() external view returns (uint256);
    /// @notice Shares escrowed by requests not yet finalized.
    function unfinalizedShares() external view returns (uint256);

    // ---------------------------------------------------------------- trETH (token-only hooks)

    /// @notice Opens a ticket for `controller` over `shares` the token has escrowed. Only trETH.
    function enqueue(address controller, uint256 shares) external returns (uint256 requestId);

    /// @notice ERC-7540 `redeem` (`byAssets` false) / `withdraw` (true) for `controller`, paid in
    /// WETH to `receiver`. Only trETH, which has checked the caller against `controller`.
    /// @dev With `requestIds` empty: claims whole finalized tickets held by `controller`, in id
    /// order, among the last `CLAIM_SCAN_LIMIT` finalized requests, until exactly `amount` shares
    /// (or wei) are claimed. With `requestIds`: claims exactly those tickets, any age (each must be
    /// held by `controller`, finalized and unclaimed, else WithdrawalQueueNotHolder,
    /// WithdrawalQueueNotFinalized or WithdrawalQueueAlreadyClaimed), which must add up to `amount`.
    /// Either way WithdrawalQueueAmountMismatch if the total is not `amount`.
    function claimFor(address controller, uint256 amount, bool byAssets, address receiver, uint256[] calldata requestIds)
        external
        returns (uint256 shares, uint256 assets);

    // ---------------------------------------------------------------- users

    /// @notice Pays ticket `requestId` to `receiver` in ETH, or WETH if `asWeth`. Only its holder,
    /// an address approved for it (ERC-721), or an ERC-7540 operator of the holder. Needs no hint.
    /// @return assets Wei paid.
    function claim(uint256 requestId, address receiver, bool asWeth) external returns (uint256 assets);

    /// @notice `claim` with the index of the record holding the batch that finalized the request
    /// (see `findBatch`), which bounds the cost when a report window was finalized over many
    /// reports. Reverts with WithdrawalQueueInvalidHint if it is not that record.
    function claimWithHint(uint256 requestId, address receiver, bool asWeth, uint256 hint)
        external
        returns (uint256 assets);

    // ---------------------------------------------------------------- governance

    /// @notice Pauses requests and claims. The emergency committee or governance.
    function pauseWithdrawals() external;
    /// @notice Resumes requests and claims. Only governance.
    function resumeWithdrawals() external;

    // ---------------------------------------------------------------- views

    function isPaused() external view returns (bool);
    function getRequestStatus(uint256 requestId) external view returns (RequestStatus memory);
    /// @notice Index of the record holding the batch that finalized `requestId` (the hint for
    /// `claimWithHint`). Reverts with WithdrawalQueueNotFinalized if it is not finalized.
    function findBatch(uint256 requestId) external view returns (uint256);
    /// @notice Records written so far (one per report that saw requests or finalized over a record
    /// already holding a batch, plus the first one, written at deployment).
    function recordCount() external view returns (uint256);
    /// @notice Record `index` (zero for an index not below `recordCount()`).
    function getRecord(uint256 index) external view returns (Record memory);
    /// @notice Shares (and wei) `controller` can claim through ERC-7540 `redeem`/`withdraw` now:
    /// over the latest `CLAIM_SCAN_LIMIT` finalized requests with `requestIds` empty, else over the
    /// tickets listed (ids in ascending order: an id not above the one before it is skipped; ids
    /// not claimable by `controller` count nothing).
    function claimableOf(address controller, uint256[] calldata requestIds)
        external
        view
        returns (uint256 shares, uint256 assets);
    /// @notice Shares of `requestId` pending (not finalized) if `controller` holds it, else 0.
    function pendingShares(uint256 requestId, address controller) external view returns (uint256);
    /// @notice Shares of `requestId` claimable if `controller` holds it, else 0.
    function claimableShares(uint256 requestId, address controller) external view returns (uint256);
}
