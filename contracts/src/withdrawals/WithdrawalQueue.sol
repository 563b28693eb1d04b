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

    /// @dev Share rates are passed and returned as wei per share scaled by 1e27.
    uint256 internal constant RATE_PRECISION = 1e27;
    /// @dev Records store rates as wei per share scaled by 1e18, so that both rates of a report fit
    /// one slot with its ids and time (see RecordSlot).
    uint256 internal constant STORED_RATE_PRECISION = 1e18;
    /// @dev 1e27 / 1e18: a passed rate is divided by this (rounded down) to be stored, a stored rate
    /// multiplied by it to be returned.
    uint256 internal constant RATE_SCALE = 1e9;
    /// @dev A request stores its record's index modulo 128 (7 bits); a claim made within 128 reports
    /// of its request finds the record in one read, an older one in one read per 128 reports.
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
        // Records written (at most one per report); 24 bits: 16.7M reports (45,000 years of daily
        // reports).
        uint24 recordCount;
        uint40 lastFinalizedRequestId;
        // Record whose window holds request lastFinalizedRequestId + 1, where the next finalization
        // starts; at most recordCount, so 24 bits.
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
        // Bits 0-6: index modulo 128 of the record whose window holds the request; bit 7: claimed.
        uint8 meta;
    }

    /// @dev One slot per record: the window a report opened and the batch it made. A report writes
    /// one (the only fresh storage it may write) or rewrites the current one in place. The window's
    /// cumulative shares when it opened is not stored: it is the cumulative of request
    /// firstRequestId - 1 (request 0, never written, holds 0).
    struct RecordSlot {
        // Window: requests from this id until the next record's first id (40 bits, as request ids).
        uint40 firstRequestId;
        // State.lastFinalizedRequestId after the record was last written (carried forward when the
        // record holds no batch), so it never decreases from one record to the next; 40 bits, an id.
        uint40 finalizedUpTo;
        // Wei per share scaled by 1e18 (the passed 1e27-scale rate rounded down): 72 bits hold rates
        // up to 4,722 ETH per share, 1e18 keeps 18 digits of a rate near 1 ETH per share.
        uint72 windowRate;
        // Rate of the batch the record holds, same unit; 0 if it holds none (a stored rate is >= 1).
        uint72 batchRate;
        // Unix seconds of the batch (0 if none); 32 bits last until 2106.
        uint32 timestamp;
    }

    State private _state;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 index => RecordSlot) private _records;
    mapping(uint256 requestId => address) private _approvals;
    mapping(address holder => mapping(address operator => bool)) private _operatorApprovals;

    // ================================================================ constructor

    /// @param token_ trETH, which escrows the shares and holds the ticket counts.
    /// @param weth_ WETH, for claims paid in WETH.
    /// @param initialShareRate The token's rate now (wei per share, 1e27 scale): the cap for
    /// requests made before the first report. 1e27 for a fresh token (its seed is priced at 1).
    constructor(ITrETH token_, IWETH weth_, uint256 initialShareRate) {
        if (address(token_) == address(0) || address(weth_) == address(0)) revert WithdrawalQueueZeroAddress();
        uint72 rate = _toStoredRateDown(initialShareRate);
        token = token_;
        weth = weth_;
        _records[0] = RecordSlot({firstRequestId: 1, finalizedUpTo: 0, windowRate: rate, batchRate: 0, timestamp: 0});
        _state.recordCount = 1;
        emit ReportRecorded(0, uint256(rate) * RATE_SCALE, 1, 0, 0, 0);
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
    function report(uint256 shareRate, uint256 lastRequestIdToFinalize)
        external
        onlyAccounting
        returns (uint256 ethLocked, uint256 sharesBurned)
    {
        return _report(shareRate, lastRequestIdToFinalize);
    }

    /// @inheritdoc IWithdrawalQueue
    function onReport(uint256 shareRate) external onlyAccounting {
        _report(shareRate, 0);
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 lastRequestId_, uint256 shareRate)
        external
        onlyAccounting
        returns (uint256 ethLocked, uint256 sharesBurned)
    {
        // 0 would mean "finalize nothing" to `report`: refused here, before the rate is checked.
        _checkFinalization(_state, lastRequestId_);
        return _report(shareRate, lastRequestId_);
    }

    /// @dev Writes one record: a new one if the current one's window has requests (their rate must
    /// stay) or if it already holds a batch and this report makes another; else the current one in
    /// place. Then the state if it changed, one event, and trETH funds the batch.
    function _report(uint256 shareRate, uint256 last) private returns (uint256 ethLocked, uint256 sharesBurned) {
        uint72 rate = _toStoredRateDown(shareRate);
        State memory s = _state;
        uint256 index = uint256(s.recordCount) - 1;
        RecordSlot memory c = _records[index];
        bool changed;
        if (last != 0) {
            _checkFinalization(s, last);
            uint256 cursor;
            // Before the record is written: the walk reads the windows as they were before this
            // report, and a batch never reaches the window this report opens or re-rates.
            (ethLocked, sharesBurned, cursor) = _cost(s, last, rate);
            // Fits: checked by _checkFinalization (last <= lastRequestId, a uint40).
            s.lastFinalizedRequestId = uint40(last);
            // Fits: at most recordCount, and the count after this report is checked below.
            s.cursor = uint24(cursor);
            changed = true;
        }
        if (c.firstRequestId <= s.lastRequestId || (last != 0 && c.batchRate != 0)) {
            index += 1;
            s.recordCount = (index + 1).toUint24();
            changed = true;
            c = RecordSlot({
                // Fits: a request id fits 40 bits, and lastRequestId + 1 is checked when it is assigned.
                firstRequestId: uint40(uint256(s.lastRequestId) + 1),
                finalizedUpTo: s.lastFinalizedRequestId,
                windowRate: rate,
                batchRate: last != 0 ? rate : 0,
                // Fits: unix seconds fit 32 bits until 2106.
                timestamp: last != 0 ? uint32(block.timestamp) : 0
            });
        } else {
            // No request since the record opened: no batch reaches its window yet, so its rate can
            // change; and it holds no batch yet if this report makes one.
            c.windowRate = rate;
            if (last != 0) {
                c.batchRate = rate;
                c.finalizedUpTo = s.lastFinalizedRequestId;
                // Fits: unix seconds fit 32 bits until 2106.
                c.timestamp = uint32(block.timestamp);
            }
        }
        _records[index] = c;
        if (changed) _state = s;
        emit ReportRecorded(index, uint256(rate) * RATE_SCALE, c.firstRequestId, last, ethLocked, sharesBurned);
        // trETH is immutable and trusted; state and event are final before it sends the ETH.
        if (last != 0) token.fundWithdrawals(sharesBurned, ethLocked);
    }

    /// @dev ETH arrives only from trETH, during a report that finalizes requests.
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
            Request({controller: controller, cumulativeShares: cumulative, meta: uint8((s.recordCount - 1) & TAG_MASK)});
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
        _checkFinalization(s, lastRequestId_);
        (eth, shares,) = _cost(s, lastRequestId_, _toStoredRateDown(shareRate));
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
        (uint256 v, uint256 windowRate) = _window(requestId, r, s);
        st.requestRate = windowRate * RATE_SCALE;
        st.claimed = r.meta & CLAIMED_BIT != 0;
        if (requestId <= s.lastFinalizedRequestId) {
            st.finalized = true;
            (uint256 j, uint256 batchRate) = _batchOf(requestId, v, s);
            if (!st.claimed) st.claimableAssets = _assetsDown(st.shares, windowRate, batchRate);
            st.finalizedAt = _records[j].timestamp;
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
        (uint256 v,) = _window(requestId, _requests[requestId], s);
        (uint256 j,) = _batchOf(requestId, v, s);
        return j;
    }

    /// @inheritdoc IWithdrawalQueue
    function recordCount() external view returns (uint256) {
        return _state.recordCount;
    }

    /// @inheritdoc IWithdrawalQueue
    function getRecord(uint256 index) external view returns (Record memory) {
        RecordSlot memory c = _records[index];
        return Record({
            firstRequestId: c.firstRequestId,
            finalizedUpTo: c.finalizedUpTo,
            windowRate: uint256(c.windowRate) * RATE_SCALE,
            batchRate: uint256(c.batchRate) * RATE_SCALE,
            timestamp: c.timestamp
        });
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

    /// @dev A passed rate (1e27 scale) as stored (1e18 scale), rounded down: the pool keeps the
    /// remainder, and finalization totals and claims use the same stored rate.
    function _toStoredRateDown(uint256 shareRate) private pure returns (uint72) {
        uint256 stored = shareRate / RATE_SCALE;
        if (stored == 0 || stored > type(uint72).max) revert WithdrawalQueueInvalidRate(shareRate);
        // Fits: checked above.
        return uint72(stored);
    }

    function _checkFinalization(State memory s, uint256 last) private pure {
        if (last <= s.lastFinalizedRequestId || last > s.lastRequestId) {
            revert WithdrawalQueueInvalidFinalization(last, s.lastFinalizedRequestId, s.lastRequestId);
        }
    }

    /// @dev a - b modulo 2^88 (see Request).
    function _diff(uint88 a, uint88 b) private pure returns (uint256 d) {
        // Wrap-around intended: cumulative values are kept modulo 2^88.
        unchecked {
            d = uint88(a - b);
        }
    }

    /// @dev Walks the records from the cursor to the one whose window holds `last`: ETH and shares
    /// of requests lastFinalized+1..last at min(window rate, `rate`) (stored units), and the record
    /// where the next finalization starts. Reads the records as they were before the report.
    function _cost(State memory s, uint256 last, uint256 rate)
        private
        view
        returns (uint256 eth, uint256 shares, uint256 cursor)
    {
        uint256 k = s.cursor;
        uint256 count = s.recordCount;
        // The cursor window's requests up to lastFinalized are finalized: start from its cumulative.
        uint88 low = _requests[s.lastFinalizedRequestId].cumulativeShares;
        uint88 lastCumulative = _requests[last].cumulativeShares;
        uint256 windowRate = _records[k].windowRate;
        while (true) {
            // The last record's window ends with the last request: a record opened after it (by this
            // report) starts at lastRequestId + 1.
            uint256 nextFirst = k + 1 < count ? _records[k + 1].firstRequestId : uint256(s.lastRequestId) + 1;
            // Window k ends at or before `last` when the next one starts by last + 1.
            bool whole = nextFirst <= last + 1;
            uint88 high = nextFirst < last + 1 ? _requests[nextFirst - 1].cumulativeShares : lastCumulative;
            uint256 part = _diff(high, low);
            shares += part;
            // Rounded down per window; per-request claims round down too, so their sum never
            // exceeds what is locked here.
            eth += part * (windowRate < rate ? windowRate : rate) / STORED_RATE_PRECISION;
            if (!whole) return (eth, shares, k);
            ++k;
            if (nextFirst == last + 1) return (eth, shares, k);
            low = high;
            windowRate = _records[k].windowRate;
        }
    }

    /// @dev Record whose window holds a request, and the window's rate: the latest record with its
    /// tag that started at or before it. Both fields are read in one block, so one SLOAD serves them.
    function _window(uint256 requestId, Request memory r, State memory s)
        private
        view
        returns (uint256 k, uint256 windowRate)
    {
        uint256 tag = r.meta & TAG_MASK;
        k = uint256(s.recordCount) - 1;
        // k >= tag: the tag was taken from a record index that is at most k.
        k -= (k - tag) % TAG_MODULUS;
        RecordSlot storage w = _records[k];
        (uint256 first, uint256 rate) = (w.firstRequestId, w.windowRate);
        while (first > requestId) {
            k -= TAG_MODULUS;
            w = _records[k];
            (first, rate) = (w.firstRequestId, w.windowRate);
        }
        windowRate = rate;
    }

    /// @dev Record holding the batch that finalized a finalized request of window `v`, and the
    /// batch's rate: the first record after `v` whose finalizedUpTo reaches the request. A batch of
    /// record j reaches only requests made before report j (windows below j), and finalizedUpTo
    /// never decreases, so a binary search finds it; usually it is record v + 1, checked first.
    function _batchOf(uint256 requestId, uint256 v, State memory s)
        private
        view
        returns (uint256 j, uint256 batchRate)
    {
        j = v + 1;
        RecordSlot storage b = _records[j];
        (uint256 upTo, uint256 rate) = (b.finalizedUpTo, b.batchRate);
        if (upTo >= requestId) return (j, rate);
        uint256 lo = j;
        uint256 hi = uint256(s.recordCount) - 1;
        // Invariant: record lo ends before the request, record hi (the last: finalizedUpTo is
        // lastFinalizedRequestId) reaches it.
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (_records[mid].finalizedUpTo >= requestId) hi = mid;
            else lo = mid;
        }
        return (hi, _records[hi].batchRate);
    }

    /// @dev Shares and payout of a finalized request; `hint` is the record holding its batch, or
    /// type(uint256).max to search it.
    function _value(uint256 requestId, Request memory r, State memory s, uint256 hint)
        private
        view
        returns (uint256 shares, uint256 assets)
    {
        shares = _diff(r.cumulativeShares, _requests[requestId - 1].cumulativeShares);
        (uint256 v, uint256 windowRate) = _window(requestId, r, s);
        uint256 batchRate;
        if (hint == type(uint256).max) {
            (, batchRate) = _batchOf(requestId, v, s);
        } else {
            // hint > v first: then hint - 1 >= v does not underflow.
            if (hint <= v || hint >= s.recordCount) revert WithdrawalQueueInvalidHint(requestId, hint);
            RecordSlot storage b = _records[hint];
            uint256 upTo;
            (upTo, batchRate) = (b.finalizedUpTo, b.batchRate);
            if (upTo < requestId || _records[hint - 1].finalizedUpTo >= requestId) {
                revert WithdrawalQueueInvalidHint(requestId, hint);
            }
        }
        assets = _assetsDown(shares, windowRate, batchRate);
    }

    /// @dev Payout of `shares` of a window at `windowRate` finalized by a batch at `batchRate`
    /// (stored units): at the lower rate, rounded down.
    function _assetsDown(uint256 shares, uint256 windowRate, uint256 batchRate) private pure returns (uint256) {
        return shares * (windowRate < batchRate ? windowRate : batchRate) / STORED_RATE_PRECISION;
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
