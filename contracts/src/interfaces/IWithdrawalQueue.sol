// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

/// @title IWithdrawalQueue
/// @notice The trETH withdrawal queue. Every redemption request (made through trETH's ERC-7540
/// `requestRedeem`) is an ERC-721 ticket held here; whoever holds the ticket controls the request.
///
/// Pricing: a request is paid `shares * min(rate at request, rate at finalization) / 1e27` wei,
/// rounded down. "Rate at request" is the share rate of the last oracle report before the request
/// (passed by the accounting module through `onReport`); "rate at finalization" is the rate the
/// accounting module passes to `finalize`. Someone who asked to leave before a loss bears it; no
/// rewards accrue after the request.
///
/// Flat finalization: each request stores the cumulative escrowed shares up to and including it
/// (modulo 2^88), so the shares of any range of requests is one subtraction. Requests made between
/// two reports form a window that shares one rate; `finalize` walks the windows it covers (one or
/// two per report in normal operation), never the requests.
///
/// Claimed tickets are kept as receipts (status "claimed" in `tokenURI`) rather than burned: a
/// claim then costs no ticket-count update.
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
        /// @dev Rate (wei per share, 1e27 scale) of the report window the request was made in.
        uint256 requestRate;
        bool finalized;
        bool claimed;
        /// @dev Wei the claim pays (0 until finalized).
        uint256 claimableAssets;
        /// @dev Time of the finalizing report (0 until finalized).
        uint256 finalizedAt;
    }

    /// @notice A report window: requests from `firstRequestId` until the next window's first.
    struct Window {
        uint256 firstRequestId;
        /// @dev Rate in force for requests of this window, wei per share scaled by 1e27.
        uint256 shareRate;
        /// @dev Index + 1 of the first finalization batch that may cover part of it: no earlier batch
        /// does (the batch itself may end before the window's requests).
        uint256 firstBatch;
    }

    /// @notice A finalization: every request up to `lastRequestId` not finalized before.
    struct Batch {
        uint256 lastRequestId;
        /// @dev The accounting module's rate at finalization, wei per share scaled by 1e27.
        uint256 shareRate;
        uint256 timestamp;
    }

    // ---------------------------------------------------------------- events

    /// @notice A report opened a window: requests from `firstRequestId` on are priced at most at `shareRate`.
    event WindowOpened(uint256 indexed window, uint256 firstRequestId, uint256 shareRate);
    /// @notice Requests `firstRequestId..lastRequestId` were finalized at `shareRate` (capped per
    /// window by the rate at request); `ethLocked` wei came from the buffer, `sharesBurned` were burned.
    event WithdrawalsFinalized(
        uint256 indexed batch,
        uint256 firstRequestId,
        uint256 lastRequestId,
        uint256 shareRate,
        uint256 ethLocked,
        uint256 sharesBurned
    );
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
    /// @notice `finalize` must move forward: lastFinalized < lastRequestId <= last request.
    error WithdrawalQueueInvalidFinalization(
        uint256 lastRequestId, uint256 lastFinalizedRequestId, uint256 lastRequestIdInQueue
    );
    /// @notice A share rate of zero or above the storable maximum (2^96 - 1).
    error WithdrawalQueueInvalidRate(uint256 shareRate);
    /// @notice The hint is not the batch that finalized the request.
    error WithdrawalQueueInvalidHint(uint256 requestId, uint256 hint);
    error WithdrawalQueueZeroAddress();
    /// @notice ERC-7540 `redeem`/`withdraw` could not match `requested` with whole claimable tickets
    /// (`claimable` is what the scanned tickets of the controller add up to).
    error WithdrawalQueueAmountMismatch(uint256 requested, uint256 claimable);
    error WithdrawalQueueTransferFailed(address receiver, uint256 amount);
    error WithdrawalQueueUnexpectedEther(address sender, uint256 amount);

    // ---------------------------------------------------------------- accounting module

    /// @notice Finalizes every request up to and including `lastRequestId` at
    /// min(rate at request, `shareRate`), burns their escrowed shares and pulls the ETH they need
    /// from the trETH buffer. Only the accounting module (trETH `modules().accounting`).
    /// @param shareRate Wei per share scaled by 1e27 at the report, after the rebase.
    /// @dev Gas does not depend on the number of requests finalized (only on the number of report
    /// windows they span). Reverts unless lastFinalizedRequestId < lastRequestId <= lastRequestId().
    /// The trETH buffer must already hold `ethLocked` (rebase with the vaults' ETH first; see
    /// `finalizationCost`), else trETH reverts with TrETHBufferExceeded. Finalizing never lowers the
    /// rate of the shares that stay: each request gets at most `shareRate` per share, and what a
    /// request capped at its lower rate at request leaves behind goes to those who stay.
    function finalize(uint256 lastRequestId, uint256 shareRate) external returns (uint256 ethLocked, uint256 sharesBurned);

    /// @notice What `finalize(lastRequestId, shareRate)` would lock and burn now.
    function finalizationCost(uint256 lastRequestId, uint256 shareRate) external view returns (uint256 eth, uint256 shares);

    /// @notice Records the rate of a report: requests from now on are priced at most at `shareRate`.
    /// Only the accounting module, once per report (before or after `finalize`), with the same rate.
    /// @dev If no request came since the last report the current window's rate is replaced, so
    /// storage grows only with reports that saw requests.
    function onReport(uint256 shareRate) external;

    /// @notice A report in one call: `onReport(shareRate)`, then `finalize(lastRequestIdToFinalize,
    /// shareRate)` unless `lastRequestIdToFinalize` is 0. Only the accounting module,
    /// once per report (instead of those two).
    function report(uint256 shareRate, uint256 lastRequestIdToFinalize)
        external
        returns (uint256 ethLocked, uint256 sharesBurned);

    function lastRequestId() external view returns (uint256);
    function lastFinalizedRequestId() external view returns (uint256);
    /// @notice Shares escrowed by requests not yet finalized.
    function unfinalizedShares() external view returns (uint256);

    // ---------------------------------------------------------------- trETH (token-only hooks)

    /// @notice Opens a ticket for `controller` over `shares` the token has escrowed. Only trETH.
    function enqueue(address controller, uint256 shares) external returns (uint256 requestId);

    /// @notice ERC-7540 `redeem` (`byAssets` false) / `withdraw` (true) for `controller`, paid in
    /// WETH to `receiver`. Only trETH, which has checked the caller against `controller`.
    /// @dev Claims whole finalized tickets held by `controller`, in id order, among the last
    /// `CLAIM_SCAN_LIMIT` finalized requests, until exactly `amount` shares (or wei) are claimed.
    /// Older tickets are claimed with `claim`.
    function claimFor(address controller, uint256 amount, bool byAssets, address receiver)
        external
        returns (uint256 shares, uint256 assets);

    // ---------------------------------------------------------------- users

    /// @notice Pays ticket `requestId` to `receiver` in ETH, or WETH if `asWeth`. Only its holder,
    /// an address approved for it (ERC-721), or an ERC-7540 operator of the holder. Needs no hint.
    /// @return assets Wei paid.
    function claim(uint256 requestId, address receiver, bool asWeth) external returns (uint256 assets);

    /// @notice `claim` with the index of the batch that finalized the request (see `findBatch`),
    /// which bounds the cost when a report window was finalized over many reports.
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
    /// @notice Index of the batch that finalized `requestId` (the hint for `claimWithHint`).
    function findBatch(uint256 requestId) external view returns (uint256);
    function windowCount() external view returns (uint256);
    function getWindow(uint256 index) external view returns (Window memory);
    function batchCount() external view returns (uint256);
    function getBatch(uint256 index) external view returns (Batch memory);
    /// @notice Shares (and wei) `controller` can claim through ERC-7540 `redeem`/`withdraw` now.
    function claimableOf(address controller) external view returns (uint256 shares, uint256 assets);
    /// @notice Shares of `requestId` pending (not finalized) if `controller` holds it, else 0.
    function pendingShares(uint256 requestId, address controller) external view returns (uint256);
    /// @notice Shares of `requestId` claimable if `controller` holds it, else 0.
    function claimableShares(uint256 requestId, address controller) external view returns (uint256);
}
