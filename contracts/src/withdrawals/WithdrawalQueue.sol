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
import {StoredRate} from "../libraries/StoredRate.sol";
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

    /// @dev Records store rates as wei per share scaled by 1e18, in a 72-bit floating-point form
    /// (see StoredRate), so that both rates of a report fit one slot with its ids and time.
    uint256 internal constant STORED_RATE_PRECISION = 1e18;
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
        // Wei per share scaled by 1e18 (the passed 1e27-scale rate rounded down), as a StoredRate:
        // exact below 18.4 ETH per share, 64 significant bits above, no ceiling. Record 0's is
        // StoredRate.UNSET until the first report sets it.
        uint72 windowRate;
        // Rate of the batch the record holds, same form; 0 if it holds none.
        uint72 batchRate;
        // Unix seconds of the batch, 0 if the record holds none (a batch may have rate 0); 32 bits
        // last until 2106.
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
    /// @dev Window 0 (requests before the first report) has no rate yet: the first report gives it
    /// its own (see `report`).
    constructor(ITrETH token_, IWETH weth_) {
        if (address(token_) == address(0) || address(weth_) == address(0)) revert WithdrawalQueueZeroAddress();
        token = token_;
        weth = weth_;
        _records[0] =
            RecordSlot({firstRequestId: 1, finalizedUpTo: 0, windowRate: StoredRate.UNSET, batchRate: 0, timestamp: 0});
        _state.recordCount = 1;
        emit ReportRecorded(0, type(uint256).max, 1, 0, 0, 0);
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
    /// place. Then the state if it changed, one event (two if the buffer could not pay every request
    /// asked), and trETH funds the batch.
    function _report(uint256 shareRate, uint256 last) private returns (uint256 ethLocked, uint256 sharesBurned) {
        uint72 rate = StoredRate.encodeDown(shareRate);
        State memory s = _state;
        uint256 index = uint256(s.recordCount) - 1;
        RecordSlot memory c = _records[index];
        if (c.windowRate == StoredRate.UNSET) {
            // The first report: window 0's requests were made at the token's rate, which the queue
            // did not know; they take this report's, the first rate a report gives. Written before
            // the walk below, which reads it.
            c.windowRate = rate;
            if (c.firstRequestId <= s.lastRequestId) {
                _records[0] = c;
                emit InitialWindowRated(uint256(StoredRate.decode(rate)) * StoredRate.SCALE);
            }
        }
        bool changed;
        uint256 requested = last;
        if (last != 0) {
            _checkFinalization(s, last);
            uint256 cursor;
            // Before the record is written: the walk reads the windows as they were before this
            // report, and a batch never reaches the window this report opens or re-rates. The
            // buffer (trETH's balance; trETH is warm, it made this report) bounds the ETH locked.
            (ethLocked, sharesBurned, cursor, last) = _cost(s, last, rate, address(token).balance);
            if (last == s.lastFinalizedRequestId) {
                // Not even the first request is paid: nothing is finalized.
                last = 0;
            } else {
                // Fits: at most the `last` checked by _checkFinalization (<= lastRequestId, a uint40).
                s.lastFinalizedRequestId = uint40(last);
                // Fits: at most recordCount, and the count after this report is checked below.
                s.cursor = uint24(cursor);
                changed = true;
            }
        }
        if (c.firstRequestId <= s.lastRequestId || (last != 0 && c.timestamp != 0)) {
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
        _storeRecord(index, c);
        if (changed) _storeState(s);
        emit ReportRecorded(
            index, uint256(StoredRate.decode(rate)) * StoredRate.SCALE, c.firstRequestId, last, ethLocked, sharesBurned
        );
        if (last != requested) emit FinalizationLimited(requested, last, address(token).balance);
        // trETH is immutable and trusted; state and events are final before it sends the ETH.
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
        _storeState(s);
        // Fits: TAG_MASK keeps 7 bits.
        _storeRequest(requestId, controller, cumulative, uint8((s.recordCount - 1) & TAG_MASK));
        emit Transfer(address(0), controller, requestId);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimFor(
        address controller,
        uint256 amount,
        bool byAssets,
        address receiver,
        uint256[] calldata requestIds
    ) external onlyToken returns (uint256 shares, uint256 assets) {
        if (receiver == address(0)) revert WithdrawalQueueZeroAddress();
        State memory s = _state;
        if (s.flags & FLAG_PAUSED != 0) revert WithdrawalQueuePaused();
        (shares, assets) = requestIds.length == 0
            ? _claimLatest(s, controller, amount, byAssets, receiver)
            : _claimListed(s, controller, receiver, requestIds);
        uint256 claimed = byAssets ? assets : shares;
        if (claimed != amount) revert WithdrawalQueueAmountMismatch(amount, claimed);
        _pay(receiver, assets, true);
    }

    /// @dev `claimFor` without ids: `controller`'s finalized tickets among the latest
    /// CLAIM_SCAN_LIMIT finalized requests, in id order, until `amount` shares (or wei) are reached.
    function _claimLatest(State memory s, address controller, uint256 amount, bool byAssets, address receiver)
        private
        returns (uint256 shares, uint256 assets)
    {
        uint256 last = s.lastFinalizedRequestId;
        for (uint256 id = last > CLAIM_SCAN_LIMIT ? last - CLAIM_SCAN_LIMIT + 1 : 1; id <= last; ++id) {
            if ((byAssets ? assets : shares) >= amount) break;
            Request memory r = _requests[id];
            if (r.controller != controller || r.meta & CLAIMED_BIT != 0) continue;
            (uint256 ticketShares, uint256 ticketAssets) = _claimRecord(id, r, s, receiver);
            shares += ticketShares;
            assets += ticketAssets;
        }
    }

    /// @dev `claimFor` with ids: exactly the tickets listed, each held by `controller`, finalized and
    /// not claimed.
    function _claimListed(State memory s, address controller, address receiver, uint256[] calldata requestIds)
        private
        returns (uint256 shares, uint256 assets)
    {
        for (uint256 i; i < requestIds.length; ++i) {
            uint256 id = requestIds[i];
            Request memory r = _requests[id];
            if (r.controller != controller) revert WithdrawalQueueNotHolder(id, controller, r.controller);
            if (r.meta & CLAIMED_BIT != 0) revert WithdrawalQueueAlreadyClaimed(id);
            if (id > s.lastFinalizedRequestId) revert WithdrawalQueueNotFinalized(id, s.lastFinalizedRequestId);
            (uint256 ticketShares, uint256 ticketAssets) = _claimRecord(id, r, s, receiver);
            shares += ticketShares;
            assets += ticketAssets;
        }
    }

    /// @dev Marks finalized ticket `id` (request `r`) claimed for `claimFor`, which pays it in WETH
    /// with the others, and returns its shares and payout.
    function _claimRecord(uint256 id, Request memory r, State memory s, address receiver)
        private
        returns (uint256 shares, uint256 assets)
    {
        (shares, assets) = _value(id, r, s, type(uint256).max);
        _requests[id].meta = r.meta | CLAIMED_BIT;
        emit WithdrawalClaimed(id, r.controller, receiver, assets, true);
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
        _storeRequest(requestId, holder, r.cumulativeShares, r.meta | CLAIMED_BIT);
        emit WithdrawalClaimed(requestId, holder, receiver, assets, asWeth);
        _pay(receiver, assets, asWeth);
    }

    // ================================================================ ERC-721

    /// @inheritdoc IERC721
    function balanceOf(address holder) external view returns (uint256) {
        if (holder == address(0)) revert ERC721InvalidOwner(address(0));
        return token.ticketBalanceOf(address(this), holder);
    }

    /// @inheritdoc IERC721
    function ownerOf(uint256 requestId) public view returns (address holder) {
        holder = _requests[requestId].controller;
        if (holder == address(0)) revert ERC721NonexistentToken(requestId);
    }

    /// @inheritdoc IERC721
    function approve(address to, uint256 requestId) external {
        address holder = _transferableHolder(requestId);
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
        address holder = _transferableHolder(requestId);
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
        (eth, shares,,) = _cost(s, lastRequestId_, StoredRate.encodeDown(shareRate), type(uint256).max);
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
        // Fits: a stored rate is 72 bits.
        st.requestRate = StoredRate.toShareRate(uint72(windowRate));
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
            windowRate: StoredRate.toShareRate(c.windowRate),
            batchRate: StoredRate.decode(c.batchRate) * StoredRate.SCALE,
            timestamp: c.timestamp
        });
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableOf(address controller, uint256[] calldata requestIds)
        external
        view
        returns (uint256 shares, uint256 assets)
    {
        State memory s = _state;
        uint256 last = s.lastFinalizedRequestId;
        uint256 n = requestIds.length;
        uint256 from = last > CLAIM_SCAN_LIMIT ? last - CLAIM_SCAN_LIMIT + 1 : 1;
        // Without ids: the latest CLAIM_SCAN_LIMIT finalized requests, in order.
        uint256 previous;
        for (uint256 i; n == 0 ? from + i <= last : i < n; ++i) {
            uint256 id = n == 0 ? from + i : requestIds[i];
            // Each id once: ids that do not ascend are skipped.
            if (id <= previous) continue;
            previous = id;
            Request memory r = _requests[id];
            if (r.controller != controller || controller == address(0) || r.meta & CLAIMED_BIT != 0 || id > last) {
                continue;
            }
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

    function _checkFinalization(State memory s, uint256 last) private pure {
        if (last <= s.lastFinalizedRequestId || last > s.lastRequestId) {
            revert WithdrawalQueueInvalidFinalization(last, s.lastFinalizedRequestId, s.lastRequestId);
        }
    }

    /// @dev Writes the state slot in one store, without reading it first (each field as in State).
    function _storeState(State memory s) private {
        uint256 word = uint256(s.lastRequestId) | uint256(s.cumulativeShares) << 40 | uint256(s.recordCount) << 128
            | uint256(s.lastFinalizedRequestId) << 152 | uint256(s.cursor) << 192 | uint256(s.flags) << 216;
        // The slot of `_state`, laid out as State: fields from the low-order bits in declaration order.
        assembly ("memory-safe") {
            sstore(_state.slot, word)
        }
    }

    /// @dev Writes record `index` in one store, without reading it first (fields as in RecordSlot).
    function _storeRecord(uint256 index, RecordSlot memory c) private {
        uint256 word = uint256(c.firstRequestId) | uint256(c.finalizedUpTo) << 40 | uint256(c.windowRate) << 80
            | uint256(c.batchRate) << 152 | uint256(c.timestamp) << 224;
        RecordSlot storage slot = _records[index];
        // The record's slot, laid out as RecordSlot.
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    /// @dev Writes request `id` in one store, without reading it first (fields as in Request).
    function _storeRequest(uint256 id, address controller, uint88 cumulative, uint8 meta) private {
        uint256 word = uint256(uint160(controller)) | uint256(cumulative) << 160 | uint256(meta) << 248;
        Request storage slot = _requests[id];
        // The request's slot, laid out as Request.
        assembly ("memory-safe") {
            sstore(slot.slot, word)
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
    /// of requests lastFinalized+1..paidUpTo at min(window rate, `rate`) (stored form), where
    /// paidUpTo is `last` if that costs at most `budget` wei, else the last request whose prefix the
    /// budget pays (lastFinalized if none); and the record whose window holds paidUpTo + 1, where
    /// the next finalization starts. Reads the records as they were before the report.
    function _cost(State memory s, uint256 last, uint72 rate, uint256 budget)
        private
        view
        returns (uint256 eth, uint256 shares, uint256 cursor, uint256 paidUpTo)
    {
        cursor = s.cursor;
        // Requests up to paidUpTo are paid: those finalized before, then whole windows. The cursor
        // window's requests up to lastFinalized are finalized: start from its cumulative.
        paidUpTo = s.lastFinalizedRequestId;
        uint88 low = _requests[paidUpTo].cumulativeShares;
        while (true) {
            // The last record's window ends with the last request: a record opened after it (by this
            // report) starts at lastRequestId + 1.
            uint256 nextFirst =
                cursor + 1 < s.recordCount ? _records[cursor + 1].firstRequestId : uint256(s.lastRequestId) + 1;
            // Window `cursor` ends at or before `last` when the next one starts by last + 1.
            uint256 end = nextFirst <= last + 1 ? nextFirst - 1 : last;
            uint256 part = _diff(_requests[end].cumulativeShares, low);
            uint256 r = _lowerRate(_records[cursor].windowRate, rate);
            // Rounded down per window; per-request claims round down too, so their sum never
            // exceeds what is locked here. Cannot overflow: shares < 2^88 and r < 2^160.
            uint256 partEth = part * r / STORED_RATE_PRECISION;
            // `budget` is what is left of it.
            if (partEth > budget) {
                // The buffer runs out in this window: its longest paid prefix.
                (paidUpTo, part, partEth) = _paidPrefix(paidUpTo + 1, end, low, r, budget);
                return (eth + partEth, shares + part, cursor, paidUpTo);
            }
            // Unchecked: partEth <= budget, checked above.
            unchecked {
                budget -= partEth;
            }
            shares += part;
            eth += partEth;
            paidUpTo = end;
            if (end == last) {
                // Window `cursor` holds last + 1 unless it ends with `last`.
                if (nextFirst == last + 1) ++cursor;
                return (eth, shares, cursor, paidUpTo);
            }
            ++cursor;
            // A warm read: the window's end was read above.
            low = _requests[end].cumulativeShares;
        }
    }

    /// @dev The lower of two stored rates, at 1e18 scale.
    function _lowerRate(uint72 a, uint72 b) private pure returns (uint256) {
        return StoredRate.decode(a < b ? a : b);
    }

    /// @dev Requests `first`..`end` of one window at stored rate `r` (1e18 scale) cost more than
    /// `room` wei: the last of them whose prefix costs at most `room` (first - 1 if none), its
    /// shares and ETH. `low` is the cumulative of request first - 1. A binary search over the
    /// requests' cumulative shares: only a report whose buffer falls short pays for it.
    function _paidPrefix(uint256 first, uint256 end, uint88 low, uint256 r, uint256 room)
        private
        view
        returns (uint256 paidUpTo, uint256 shares, uint256 eth)
    {
        // Invariant: request lo's prefix fits (first - 1: nothing), request hi's does not.
        uint256 lo = first - 1;
        uint256 hi = end;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            uint256 part = _diff(_requests[mid].cumulativeShares, low);
            uint256 cost = part * r / STORED_RATE_PRECISION;
            if (cost <= room) (lo, shares, eth) = (mid, part, cost);
            else hi = mid;
        }
        return (lo, shares, eth);
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
    /// (stored form): at the lower rate, rounded down. A finalized window's rate is set (the report
    /// that finalized it set window 0's), and shares < 2^88 times a rate < 2^160 cannot overflow.
    function _assetsDown(uint256 shares, uint256 windowRate, uint256 batchRate) private pure returns (uint256) {
        // Fits: both are stored rates, 72 bits.
        return shares * StoredRate.decode(uint72(windowRate < batchRate ? windowRate : batchRate))
            / STORED_RATE_PRECISION;
    }

    /// @dev The holder of a ticket that may still move: it exists and is not claimed (a claimed
    /// ticket is a receipt, so that nobody can sell a ticket emptied by a claim just before).
    function _transferableHolder(uint256 requestId) private view returns (address holder) {
        Request memory r = _requests[requestId];
        holder = r.controller;
        if (holder == address(0)) revert ERC721NonexistentToken(requestId);
        if (r.meta & CLAIMED_BIT != 0) revert WithdrawalQueueAlreadyClaimed(requestId);
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
            bool ok;
            // A plain value transfer: no calldata, and no return data copied.
            assembly ("memory-safe") {
                ok := call(gas(), receiver, assets, 0, 0, 0, 0)
            }
            if (!ok) revert WithdrawalQueueTransferFailed(receiver, assets);
        }
    }
}
