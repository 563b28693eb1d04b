// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {IWETH} from "../interfaces/IWETH.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {ERC721Utils} from "@openzeppelin/contracts/token/ERC721/utils/ERC721Utils.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TicketURI} from "./TicketURI.sol";

/// @title WithdrawalQueue
/// @notice See {IWithdrawalQueue}.
/// @dev Not behind a proxy, on purpose: a request must fit 75,000 gas and a claim 50,000, and a
/// proxy adds ~4,700 gas to each (measured). Governance replaces the logic the way it replaces any
/// trETH module: deploy a new queue and repoint `modules().withdrawalQueue` (trETH allows it only
/// once every escrowed share is finalized). An old queue keeps paying its tickets: it holds their
/// ETH and a claim needs nothing from trETH.
contract WithdrawalQueue is IWithdrawalQueue, IERC721Errors {
    using SafeCast for uint256;

    // ================================================================ constants / immutables

    /// @dev Share rates are wei per share scaled by 1e27.
    uint256 internal constant RATE_PRECISION = 1e27;
    /// @dev A request stores its window's index modulo 128 (7 bits); a claim made within 128 reports
    /// of its request finds the window in one read, an older one in one read per 128 reports.
    uint256 internal constant TAG_MODULUS = 128;
    uint8 internal constant TAG_MASK = 0x7f;
    uint8 internal constant CLAIMED_BIT = 0x80;
    uint8 internal constant FLAG_PAUSED = 1;
    /// @notice ERC-7540 `redeem`/`withdraw` look at this many of the latest finalized requests.
    uint256 public constant CLAIM_SCAN_LIMIT = 64;

    ITrETH public immutable token;
    IWETH public immutable weth;

    // ================================================================ storage

    /// @dev One slot, read and written by every request.
    struct State {
        // 40 bits: 1.1e12 requests.
        uint40 lastRequestId;
        // Cumulative escrowed shares of all requests, modulo 2^88 (see Request).
        uint88 cumulativeShares;
        // Report windows opened; 24 bits: 16.7M reports (45,000 years of daily reports).
        uint24 windowCount;
        uint40 lastFinalizedRequestId;
        // Finalization batches (at most one per report); same bound as windows.
        uint24 batchCount;
        // Window holding request lastFinalizedRequestId + 1, where the next finalization starts.
        uint24 cursor;
        // Bit 0: paused.
        uint8 flags;
    }

    /// @dev One slot per request, the only fresh storage a request writes.
    struct Request {
        // The ticket holder (controller).
        address controller;
        // Shares escrowed by all requests up to and including this one, modulo 2^88. Only
        // differences are used and any difference is at most the total supply (< 2^88), so the
        // wrap-around never changes a result.
        uint88 cumulativeShares;
        // Bits 0-6: window index modulo 128; bit 7: claimed.
        uint8 meta;
    }

    /// @dev One slot per report window, written by `onReport` (and once by `finalize`).
    struct WindowSlot {
        uint40 firstRequestId;
        // State.cumulativeShares when the window opened.
        uint88 cumulativeBefore;
        // Wei per share scaled by 1e27; 96 bits hold rates up to 79 ETH per share.
        uint96 shareRate;
        // Index + 1 of the first batch that may finalize part of the window: the batch count after
        // the last report that saw the window without requests. No earlier batch reaches it.
        uint32 firstBatch;
    }

    struct BatchSlot {
        uint40 lastRequestId;
        uint96 shareRate;
        uint48 timestamp;
    }

    State private _state;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 index => WindowSlot) private _windows;
    mapping(uint256 index => BatchSlot) private _batches;
    mapping(uint256 requestId => address) private _approvals;
    mapping(address holder => mapping(address operator => bool)) private _operatorApprovals;

    // ================================================================ constructor

    /// @param token_ trETH, which escrows the shares and holds the ticket counts.
    /// @param weth_ WETH, for claims paid in WETH.
    /// @param initialShareRate The token's rate now (wei per share, 1e27 scale): the cap for
    /// requests made before the first report. 1e27 for a fresh token (its seed is priced at 1).
    constructor(ITrETH token_, IWETH weth_, uint256 initialShareRate) {
        if (address(token_) == address(0) || address(weth_) == address(0)) revert WithdrawalQueueZeroAddress();
        _checkRate(initialShareRate);
        token = token_;
        weth = weth_;
        // Fits: checked by _checkRate.
        _windows[0] = WindowSlot({firstRequestId: 1, cumulativeBefore: 0, shareRate: uint96(initialShareRate), firstBatch: 1});
        _state.windowCount = 1;
        emit WindowOpened(0, 1, initialShareRate);
    }

    // ================================================================ modifiers

    modifier onlyAccounting() {
        if (msg.sender != token.accountingModule()) revert WithdrawalQueueUnauthorized(msg.sender);
        _;
    }

    modifier onlyToken() {
        if (msg.sender != address(token)) revert WithdrawalQueueUnauthorized(msg.sender);
        _;
    }

    // ================================================================ governance

    /// @inheritdoc IWithdrawalQueue
    function pauseWithdrawals() external {
        if (msg.sender != token.emergencyCommittee() && msg.sender != token.governance()) {
            revert WithdrawalQueueUnauthorized(msg.sender);
        }
        _state.flags |= FLAG_PAUSED;
        emit WithdrawalsPaused(msg.sender);
    }

    /// @inheritdoc IWithdrawalQueue
    function resumeWithdrawals() external {
        if (msg.sender != token.governance()) revert WithdrawalQueueUnauthorized(msg.sender);
        _state.flags &= ~FLAG_PAUSED;
        emit WithdrawalsResumed(msg.sender);
    }

    // ================================================================ accounting module

    /// @inheritdoc IWithdrawalQueue
    function onReport(uint256 shareRate) external onlyAccounting {
        State memory s = _state;
        if (_openWindow(s, shareRate, 0)) _state = s;
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 lastRequestId_, uint256 shareRate)
        external
        onlyAccounting
        returns (uint256 ethLocked, uint256 sharesBurned)
    {
        State memory s = _state;
        (ethLocked, sharesBurned) = _finalize(s, lastRequestId_, shareRate);
        _state = s;
        // trETH is immutable and trusted; state and event are final before it sends the ETH.
        token.fundWithdrawals(sharesBurned, ethLocked);
    }

    /// @inheritdoc IWithdrawalQueue
    function report(uint256 shareRate, uint256 lastRequestIdToFinalize)
        external
        onlyAccounting
        returns (uint256 ethLocked, uint256 sharesBurned)
    {
        State memory s = _state;
        bool finalizing = lastRequestIdToFinalize != 0;
        // The window opens first, as with `onReport` then `finalize`, so that a finalization that
        // ends the current window moves the cursor past it; one access check, one read and one
        // write of the state serve both.
        // The batch made below cannot reach the requests of the window opened (or re-rated) here.
        bool opened = _openWindow(s, shareRate, finalizing ? 1 : 0);
        if (finalizing) (ethLocked, sharesBurned) = _finalize(s, lastRequestIdToFinalize, shareRate);
        if (opened || finalizing) _state = s;
        // trETH is immutable and trusted; state and events are final before it sends the ETH.
        if (finalizing) token.fundWithdrawals(sharesBurned, ethLocked);
    }

    /// @dev `onReport` on the state in memory; true if `s` changed (a window opened). `batchesAfter`
    /// batches are made by the same report after this call (they cannot reach the window's requests).
    function _openWindow(State memory s, uint256 shareRate, uint256 batchesAfter) private returns (bool opened) {
        _checkRate(shareRate);
        uint256 index = s.windowCount - 1;
        // Fits: batchCount is 24 bits.
        uint32 firstBatch = uint32(uint256(s.batchCount) + batchesAfter + 1);
        if (_windows[index].firstRequestId <= s.lastRequestId) {
            // The current window has requests: open a new one.
            index = s.windowCount;
            s.windowCount = (index + 1).toUint24();
            // Fits: a request id fits 40 bits, and lastRequestId + 1 is checked when it is assigned.
            _windows[index] = WindowSlot({
                firstRequestId: uint40(uint256(s.lastRequestId) + 1),
                cumulativeBefore: s.cumulativeShares,
                shareRate: uint96(shareRate),
                firstBatch: firstBatch
            });
            opened = true;
        } else {
            // No request since the window opened: its rate changes, and no batch so far reaches it.
            // (Without a batch in this report the bound kept is still a bound.)
            if (batchesAfter == 0) {
                _windows[index].shareRate = uint96(shareRate);
            } else {
                WindowSlot storage w = _windows[index];
                w.shareRate = uint96(shareRate);
                w.firstBatch = firstBatch;
            }
        }
        emit WindowOpened(index, uint256(s.lastRequestId) + 1, shareRate);
    }

    /// @dev `finalize` on the state in memory (the caller writes it and has trETH fund the batch).
    function _finalize(State memory s, uint256 lastRequestId_, uint256 shareRate)
        private
        returns (uint256 ethLocked, uint256 sharesBurned)
    {
        _checkFinalization(s, lastRequestId_, shareRate);
        uint256 batch = s.batchCount;
        uint256 cursor;
        (ethLocked, sharesBurned, cursor) = _cost(s, lastRequestId_, shareRate);
        // Fits: checked by _checkFinalization (id <= lastRequestId, rate < 2^96).
        _batches[batch] = BatchSlot({
            lastRequestId: uint40(lastRequestId_),
            shareRate: uint96(shareRate),
            timestamp: uint48(block.timestamp)
        });
        uint256 first = uint256(s.lastFinalizedRequestId) + 1;
        s.lastFinalizedRequestId = uint40(lastRequestId_);
        s.batchCount = (batch + 1).toUint24();
        // Fits: a window index below windowCount.
        s.cursor = uint24(cursor);
        emit WithdrawalsFinalized(batch, first, lastRequestId_, shareRate, ethLocked, sharesBurned);
    }

    /// @dev ETH arrives only from trETH, during `finalize`.
    receive() external payable {
        if (msg.sender != address(token)) revert WithdrawalQueueUnexpectedEther(msg.sender, msg.value);
    }

    // ================================================================ trETH hooks

    /// @inheritdoc IWithdrawalQueue
    function enqueue(address controller, uint256 shares) external onlyToken returns (uint256 requestId) {
        State memory s = _state;
        if (s.flags & FLAG_PAUSED != 0) revert WithdrawalQueuePaused();
        requestId = uint256(s.lastRequestId) + 1;
        uint88 cumulative;
        // Wraps modulo 2^88 by design (see Request); shares < 2^88 since trETH balances are 88-bit.
        unchecked {
            cumulative = s.cumulativeShares + uint88(shares);
        }
        s.lastRequestId = requestId.toUint40();
        s.cumulativeShares = cumulative;
        _state = s;
        // Fits: TAG_MASK keeps 7 bits.
        _requests[requestId] =
            Request({controller: controller, cumulativeShares: cumulative, meta: uint8((s.windowCount - 1) & TAG_MASK)});
        emit Transfer(address(0), controller, requestId);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimFor(address controller, uint256 amount, bool byAssets, address receiver)
        external
        onlyToken
        returns (uint256 shares, uint256 assets)
    {
        if (receiver == address(0)) revert WithdrawalQueueZeroAddress();
        State memory s = _state;
        if (s.flags & FLAG_PAUSED != 0) revert WithdrawalQueuePaused();
        uint256 last = s.lastFinalizedRequestId;
        uint256 id = last > CLAIM_SCAN_LIMIT ? last - CLAIM_SCAN_LIMIT + 1 : 1;
        for (; id <= last; ++id) {
            uint256 got = byAssets ? assets : shares;
            if (got >= amount) break;
            Request memory r = _requests[id];
            if (r.controller != controller || r.meta & CLAIMED_BIT != 0) continue;
            (uint256 ticketShares, uint256 ticketAssets) = _value(id, r, s, type(uint256).max);
            _requests[id].meta = r.meta | CLAIMED_BIT;
            emit WithdrawalClaimed(id, controller, receiver, ticketAssets, true);
            shares += ticketShares;
            assets += ticketAssets;
        }
        uint256 claimed = byAssets ? assets : shares;
        if (claimed != amount) revert WithdrawalQueueAmountMismatch(amount, claimed);
        _pay(receiver, assets, true);
    }

    // ================================================================ users

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256 requestId, address receiver, bool asWeth) external returns (uint256 assets) {
        return _claim(requestId, receiver, asWeth, type(uint256).max);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimWithHint(uint256 requestId, address receiver, bool asWeth, uint256 hint)
        external
        returns (uint256 assets)
    {
        return _claim(requestId, receiver, asWeth, hint);
    }

    function _claim(uint256 requestId, address receiver, bool asWeth, uint256 hint) private returns (uint256 assets) {
        Request memory r = _requests[requestId];
        address holder = r.controller;
        if (holder == address(0)) revert WithdrawalQueueUnknownRequest(requestId);
        if (msg.sender != holder && !_mayClaim(holder, msg.sender, requestId)) {
            revert WithdrawalQueueNotHolder(requestId, msg.sender, holder);
        }
        if (r.meta & CLAIMED_BIT != 0) revert WithdrawalQueueAlreadyClaimed(requestId);
        if (receiver == address(0)) revert WithdrawalQueueZeroAddress();
        State memory s = _state;
        if (s.flags & FLAG_PAUSED != 0) revert WithdrawalQueuePaused();
        if (requestId > s.lastFinalizedRequestId) revert WithdrawalQueueNotFinalized(requestId, s.lastFinalizedRequestId);
        (, assets) = _value(requestId, r, s, hint);
        _requests[requestId].meta = r.meta | CLAIMED_BIT;
        emit WithdrawalClaimed(requestId, holder, receiver, assets, asWeth);
        _pay(receiver, assets, asWeth);
    }

    // ================================================================ ERC-721

    /// @inheritdoc IERC721
    function balanceOf(address holder) external view returns (uint256) {
        if (holder == address(0)) revert ERC721InvalidOwner(address(0));
        return token.ticketBalanceOf(holder);
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 requestId) public view returns (address holder) {
        holder = _requests[requestId].controller;
        if (holder == address(0)) revert ERC721NonexistentToken(requestId);
    }

    /// @inheritdoc IERC721
    function approve(address to, uint256 requestId) external {
        address holder = ownerOf(requestId);
        if (msg.sender != holder && !_operatorApprovals[holder][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        _approvals[requestId] = to;
        emit Approval(holder, to, requestId);
    }

    /// @inheritdoc IERC721
    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(operator);
        _operatorApprovals[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    /// @inheritdoc IERC721
    function getApproved(uint256 requestId) external view returns (address) {
        ownerOf(requestId);
        return _approvals[requestId];
    }

    /// @inheritdoc IERC721
    function isApprovedForAll(address holder, address operator) external view returns (bool) {
        return _operatorApprovals[holder][operator];
    }

    /// @inheritdoc IERC721
    function transferFrom(address from, address to, uint256 requestId) public {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        address holder = ownerOf(requestId);
        if (holder != from) revert ERC721IncorrectOwner(from, requestId, holder);
        if (
            msg.sender != holder && !_operatorApprovals[holder][msg.sender] && _approvals[requestId] != msg.sender
        ) revert ERC721InsufficientApproval(msg.sender, requestId);
        delete _approvals[requestId];
        _requests[requestId].controller = to;
        emit Transfer(from, to, requestId);
        // trETH is immutable and trusted: it only moves the ticket counts.
        token.moveTicket(from, to);
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 requestId) external {
        safeTransferFrom(from, to, requestId, "");
    }

    /// @inheritdoc IERC721
    function safeTransferFrom(address from, address to, uint256 requestId, bytes memory data) public {
        transferFrom(from, to, requestId);
        ERC721Utils.checkOnERC721Received(msg.sender, from, to, requestId, data);
    }

    /// @inheritdoc IERC721Metadata
    function name() external pure returns (string memory) {
        return "Tributary Withdrawal Ticket";
    }

    /// @inheritdoc IERC721Metadata
    function symbol() external pure returns (string memory) {
        return "trETH-WQ";
    }

    /// @inheritdoc IERC721Metadata
    function tokenURI(uint256 requestId) external view returns (string memory) {
        ownerOf(requestId);
        RequestStatus memory st = getRequestStatus(requestId);
        return TicketURI.render(requestId, st.shares, st.finalized, st.claimed, st.claimableAssets, st.sharesAhead);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC721).interfaceId
            || interfaceId == type(IERC721Metadata).interfaceId;
    }

    // ================================================================ views

    /// @inheritdoc IWithdrawalQueue
    function finalizationCost(uint256 lastRequestId_, uint256 shareRate)
        external
        view
        returns (uint256 eth, uint256 shares)
    {
        State memory s = _state;
        _checkFinalization(s, lastRequestId_, shareRate);
        (eth, shares,) = _cost(s, lastRequestId_, shareRate);
    }

    /// @inheritdoc IWithdrawalQueue
    function lastRequestId() external view returns (uint256) {
        return _state.lastRequestId;
    }

    /// @inheritdoc IWithdrawalQueue
    function lastFinalizedRequestId() external view returns (uint256) {
        return _state.lastFinalizedRequestId;
    }

    /// @inheritdoc IWithdrawalQueue
    function unfinalizedShares() public view returns (uint256) {
        State memory s = _state;
        return _diff(s.cumulativeShares, _requests[s.lastFinalizedRequestId].cumulativeShares);
    }

    /// @inheritdoc IWithdrawalQueue
    function isPaused() external view returns (bool) {
        return _state.flags & FLAG_PAUSED != 0;
    }

    /// @inheritdoc IWithdrawalQueue
    function getRequestStatus(uint256 requestId) public view returns (RequestStatus memory st) {
        Request memory r = _requests[requestId];
        if (r.controller == address(0)) revert WithdrawalQueueUnknownRequest(requestId);
        State memory s = _state;
        st.controller = r.controller;
        st.shares = _diff(r.cumulativeShares, _requests[requestId - 1].cumulativeShares);
        st.requestRate = _windows[_window(requestId, r, s)].shareRate;
        st.claimed = r.meta & CLAIMED_BIT != 0;
        if (requestId <= s.lastFinalizedRequestId) {
            st.finalized = true;
            (, st.claimableAssets) = _value(requestId, r, s, type(uint256).max);
            st.finalizedAt = _batches[_batchOf(requestId, r, s)].timestamp;
            if (st.claimed) st.claimableAssets = 0;
        } else {
            st.sharesAhead = _diff(
                _requests[requestId - 1].cumulativeShares, _requests[s.lastFinalizedRequestId].cumulativeShares
            );
        }
    }

    /// @inheritdoc IWithdrawalQueue
    function findBatch(uint256 requestId) external view returns (uint256) {
        State memory s = _state;
        if (requestId == 0 || requestId > s.lastFinalizedRequestId) {
            revert WithdrawalQueueNotFinalized(requestId, s.lastFinalizedRequestId);
        }
        return _batchOf(requestId, _requests[requestId], s);
    }

    /// @inheritdoc IWithdrawalQueue
    function windowCount() external view returns (uint256) {
        return _state.windowCount;
    }

    /// @inheritdoc IWithdrawalQueue
    function getWindow(uint256 index) external view returns (Window memory) {
        WindowSlot memory w = _windows[index];
        return Window(w.firstRequestId, w.shareRate, w.firstBatch);
    }

    /// @inheritdoc IWithdrawalQueue
    function batchCount() external view returns (uint256) {
        return _state.batchCount;
    }

    /// @inheritdoc IWithdrawalQueue
    function getBatch(uint256 index) external view returns (Batch memory) {
        BatchSlot memory b = _batches[index];
        return Batch(b.lastRequestId, b.shareRate, b.timestamp);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableOf(address controller) external view returns (uint256 shares, uint256 assets) {
        State memory s = _state;
        uint256 last = s.lastFinalizedRequestId;
        for (uint256 id = last > CLAIM_SCAN_LIMIT ? last - CLAIM_SCAN_LIMIT + 1 : 1; id <= last; ++id) {
            Request memory r = _requests[id];
            if (r.controller != controller || r.meta & CLAIMED_BIT != 0) continue;
            (uint256 ticketShares, uint256 ticketAssets) = _value(id, r, s, type(uint256).max);
            shares += ticketShares;
            assets += ticketAssets;
        }
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingShares(uint256 requestId, address controller) external view returns (uint256) {
        Request memory r = _requests[requestId];
        if (r.controller != controller || controller == address(0) || requestId <= _state.lastFinalizedRequestId) {
            return 0;
        }
        return _diff(r.cumulativeShares, _requests[requestId - 1].cumulativeShares);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableShares(uint256 requestId, address controller) external view returns (uint256) {
        Request memory r = _requests[requestId];
        if (
            r.controller != controller || controller == address(0) || r.meta & CLAIMED_BIT != 0
                || requestId > _state.lastFinalizedRequestId
        ) return 0;
        return _diff(r.cumulativeShares, _requests[requestId - 1].cumulativeShares);
    }

    // ================================================================ internal

    function _checkRate(uint256 shareRate) private pure {
        if (shareRate == 0 || shareRate > type(uint96).max) revert WithdrawalQueueInvalidRate(shareRate);
    }

    function _checkFinalization(State memory s, uint256 last, uint256 shareRate) private pure {
        if (last <= s.lastFinalizedRequestId || last > s.lastRequestId) {
            revert WithdrawalQueueInvalidFinalization(last, s.lastFinalizedRequestId, s.lastRequestId);
        }
        _checkRate(shareRate);
    }

    /// @dev a - b modulo 2^88 (see Request).
    function _diff(uint88 a, uint88 b) private pure returns (uint256 d) {
        // Wrap-around intended: cumulative values are kept modulo 2^88.
        unchecked {
            d = uint88(a - b);
        }
    }

    /// @dev Walks the windows from the cursor to the one holding `last`: ETH and shares of
    /// requests lastFinalized+1..last, and the window where the next finalization starts.
    function _cost(State memory s, uint256 last, uint256 rate)
        private
        view
        returns (uint256 eth, uint256 shares, uint256 cursor)
    {
        uint256 k = s.cursor;
        uint256 count = s.windowCount;
        WindowSlot memory w = _windows[k];
        // When the previous finalization ended the window before the cursor, the cursor window's
        // opening total is the finalized total (no read of the last finalized request).
        uint88 low = w.firstRequestId == uint256(s.lastFinalizedRequestId) + 1
            ? w.cumulativeBefore
            : _requests[s.lastFinalizedRequestId].cumulativeShares;
        uint88 lastCumulative = _requests[last].cumulativeShares;
        uint256 windowRate = w.shareRate;
        while (true) {
            uint256 nextFirst = k + 1 < count ? _windows[k + 1].firstRequestId : type(uint256).max;
            // Window k ends at or before `last` when the next one starts by last + 1.
            bool whole = nextFirst <= last + 1;
            uint88 high = whole ? _windows[k + 1].cumulativeBefore : lastCumulative;
            uint256 part = _diff(high, low);
            shares += part;
            // Rounded down per window; per-request claims round down too, so their sum never
            // exceeds what is locked here.
            eth += part * (windowRate < rate ? windowRate : rate) / RATE_PRECISION;
            if (!whole) return (eth, shares, k);
            ++k;
            if (nextFirst == last + 1) return (eth, shares, k);
            low = high;
            windowRate = _windows[k].shareRate;
        }
    }

    /// @dev Window of a request: the latest window with its tag that started at or before it.
    function _window(uint256 requestId, Request memory r, State memory s) private view returns (uint256 k) {
        uint256 tag = r.meta & TAG_MASK;
        k = s.windowCount - 1;
        // k >= tag: the tag was taken from a window index that is at most k.
        k -= (k - tag) % TAG_MODULUS;
        while (_windows[k].firstRequestId > requestId) {
            k -= TAG_MODULUS;
        }
    }

    /// @dev Batch that finalized a finalized request: the first batch whose last id reaches it,
    /// searched from the first batch that may reach the request's window.
    function _batchOf(uint256 requestId, Request memory r, State memory s) private view returns (uint256) {
        uint256 lo = _windows[_window(requestId, r, s)].firstBatch - 1;
        if (_batches[lo].lastRequestId >= requestId) return lo;
        uint256 hi = s.batchCount - 1;
        // Invariant: batch lo ends before the request, batch hi reaches it.
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (_batches[mid].lastRequestId >= requestId) hi = mid;
            else lo = mid;
        }
        return hi;
    }

    /// @dev Shares and payout of a finalized request.
    function _value(uint256 requestId, Request memory r, State memory s, uint256 hint)
        private
        view
        returns (uint256 shares, uint256 assets)
    {
        shares = _diff(r.cumulativeShares, _requests[requestId - 1].cumulativeShares);
        uint256 k = _window(requestId, r, s);
        WindowSlot memory w = _windows[k];
        uint256 finalRate;
        if (hint == type(uint256).max) {
            uint256 b = w.firstBatch - 1;
            finalRate = _batches[b].shareRate;
            if (_batches[b].lastRequestId < requestId) finalRate = _batches[_batchOf(requestId, r, s)].shareRate;
        } else {
            if (
                hint >= s.batchCount || _batches[hint].lastRequestId < requestId
                    || (hint > 0 && _batches[hint - 1].lastRequestId >= requestId)
            ) revert WithdrawalQueueInvalidHint(requestId, hint);
            finalRate = _batches[hint].shareRate;
        }
        uint256 rate = w.shareRate < finalRate ? w.shareRate : finalRate;
        assets = shares * rate / RATE_PRECISION;
    }

    /// @dev Approved for the ticket (ERC-721) or an ERC-7540 operator of the holder.
    function _mayClaim(address holder, address caller, uint256 requestId) private view returns (bool) {
        return _approvals[requestId] == caller || _operatorApprovals[holder][caller] || token.isOperator(holder, caller);
    }

    /// @dev Every state change and event precede this call (checks-effects-interactions).
    function _pay(address receiver, uint256 assets, bool asWeth) private {
        if (asWeth) {
            weth.deposit{value: assets}();
            if (!weth.transfer(receiver, assets)) revert WithdrawalQueueTransferFailed(receiver, assets);
        } else {
            (bool ok,) = receiver.call{value: assets}("");
            if (!ok) revert WithdrawalQueueTransferFailed(receiver, assets);
        }
    }
}
