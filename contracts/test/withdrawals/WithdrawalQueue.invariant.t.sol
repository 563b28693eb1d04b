// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";
import {TrETH} from "../../src/token/TrETH.sol";
import {WithdrawalQueue} from "../../src/withdrawals/WithdrawalQueue.sol";

/// @notice Random sequences of stakes, requests, reports (rewards and losses) with finalization,
/// claims (including repeated ones) and ticket transfers, with ghost totals for the invariants.
contract WithdrawalsHandler is WithdrawalsBase {
    uint256 internal constant ACTORS = 4;
    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;

    address[] public actors;
    mapping(uint256 requestId => uint256) public ghostShares;
    mapping(uint256 requestId => bool) public ghostPaid;
    /// @dev Wei locked by finalizations and wei paid by claims.
    uint256 public ghostLocked;
    uint256 public ghostClaimed;
    /// @dev Set if a ticket was ever paid twice, or paid above its rate at request.
    bool public ghostDoublePay;
    bool public ghostOverpaid;
    /// @dev Set if a report locked more than the buffer held.
    bool public ghostOverLocked;
    /// @dev Set if a claimed ticket moved, or an unclaimed one refused to.
    bool public ghostReceiptMoved;
    bool internal initialized;
    address internal depositor;

    constructor() {
        setUp();
    }

    function setUp() public override {
        if (initialized) return;
        initialized = true;
        super.setUp();
        for (uint256 i; i < ACTORS; ++i) {
            address a = makeAddr(string(abi.encodePacked("withdrawer", i)));
            actors.push(a);
            vm.deal(a, 1_000_000 ether);
            _stake(a, 1_000 ether);
        }
        // Beacon assets that later reports can lose.
        _report(2_000 ether);
        depositor = makeAddr("depositor");
        ITrETH.Modules memory m = token.modules();
        m.depositor = depositor;
        vm.prank(governance);
        token.setModules(m);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function tokenAddress() external view returns (address) {
        return address(token);
    }

    function queueAddress() external view returns (address) {
        return address(withdrawalQueue);
    }

    // ---------------------------------------------------------------- actions

    function stake(uint256 actorSeed, uint256 amount) external {
        _stake(actors[actorSeed % ACTORS], bound(amount, 1 gwei, 500 ether));
    }

    /// @dev Buffered ETH goes to the beacon chain (a deposit), as far as the withdrawal reserve
    /// allows: a report may still find the buffer short when it finalizes above the rate the
    /// reserve was valued at.
    function deposit(uint256 amountSeed) external {
        uint256 buffered = token.bufferedEther();
        uint256 reserve = token.withdrawalReserve();
        if (buffered <= reserve) return;
        vm.prank(depositor);
        token.fundBeaconDeposit(bound(amountSeed, 1, buffered - reserve));
    }

    function request(uint256 actorSeed, uint256 sharesSeed) external {
        address who = actors[actorSeed % ACTORS];
        uint256 balance = token.balanceOf(who);
        if (balance == 0) return;
        uint256 shares = bound(sharesSeed, 1, balance);
        uint256 id = _request(who, shares);
        ghostShares[id] = shares;
    }

    function report(int256 deltaSeed, uint256 lastSeed, bool finalizeNow) external {
        // Between -5% and +1% of the beacon assets: losses and rewards.
        uint256 beacon = token.beaconAssets();
        int256 delta = int256(bound(uint256(deltaSeed), 0, beacon / 20 + beacon / 100)) - int256(beacon / 20);
        uint256 rate = _rebase(delta);
        uint256 lastFinalized = withdrawalQueue.lastFinalizedRequestId();
        uint256 last = withdrawalQueue.lastRequestId();
        uint256 upTo;
        if (finalizeNow && last != lastFinalized) upTo = bound(lastSeed, lastFinalized + 1, last);
        // A buffer short of the cost finalizes the longest prefix it pays: the report never reverts.
        uint256 buffer = token.bufferedEther();
        vm.prank(accounting);
        (uint256 locked,) = withdrawalQueue.report(rate, upTo);
        if (locked > buffer) ghostOverLocked = true;
        ghostLocked += locked;
    }

    function claim(uint256 idSeed, bool asWeth) external {
        uint256 last = withdrawalQueue.lastRequestId();
        if (last == 0) return;
        uint256 id = bound(idSeed, 1, last);
        address holder = withdrawalQueue.ownerOf(id);
        IWithdrawalQueue.RequestStatus memory st = withdrawalQueue.getRequestStatus(id);
        vm.prank(holder);
        try withdrawalQueue.claim(id, holder, asWeth) returns (uint256 paid) {
            if (ghostPaid[id]) ghostDoublePay = true;
            ghostPaid[id] = true;
            ghostClaimed += paid;
            if (paid > ghostShares[id] * st.requestRate / RATE_PRECISION) ghostOverpaid = true;
        } catch {
            // Only a claimed or unfinalized ticket may refuse its holder.
            if (!st.claimed && st.finalized) ghostOverpaid = true;
        }
    }

    function transferTicket(uint256 idSeed, uint256 toSeed) external {
        uint256 last = withdrawalQueue.lastRequestId();
        if (last == 0) return;
        uint256 id = bound(idSeed, 1, last);
        address holder = withdrawalQueue.ownerOf(id);
        bool claimed = withdrawalQueue.getRequestStatus(id).claimed;
        vm.prank(holder);
        try withdrawalQueue.transferFrom(holder, actors[toSeed % ACTORS], id) {
            // A claimed ticket is a receipt: it must not move.
            if (claimed) ghostReceiptMoved = true;
        } catch {
            if (!claimed) ghostReceiptMoved = true;
        }
    }

    // ---------------------------------------------------------------- ghost views

    function unfinalizedGhostShares() external view returns (uint256 sum) {
        for (uint256 id = withdrawalQueue.lastFinalizedRequestId() + 1; id <= withdrawalQueue.lastRequestId(); ++id) {
            sum += ghostShares[id];
        }
    }

    function sumOfBalances() external view returns (uint256 sum) {
        sum = token.balanceOf(DEAD) + token.balanceOf(address(withdrawalQueue));
        for (uint256 i; i < ACTORS; ++i) {
            sum += token.balanceOf(actors[i]);
        }
    }

    function ticketsHeld() external view returns (uint256 sum) {
        for (uint256 i; i < ACTORS; ++i) {
            sum += withdrawalQueue.balanceOf(actors[i]);
        }
    }
}

contract WithdrawalQueueInvariantTest is Test {
    WithdrawalsHandler internal handler;
    TrETH internal token;
    WithdrawalQueue internal queue;

    function setUp() public {
        handler = new WithdrawalsHandler();
        token = TrETH(payable(handler.tokenAddress()));
        queue = WithdrawalQueue(payable(handler.queueAddress()));
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev The handler's actions succeed on a plain sequence (so the invariants see real flows).
    function test_handlerExercisesEveryFlow() public {
        handler.request(0, 10 ether);
        handler.request(1, 20 ether);
        handler.transferTicket(1, 2);
        handler.report(type(int256).max, 2, true);
        handler.claim(1, false);
        handler.claim(2, true);
        handler.claim(2, false);
        assertEq(queue.lastFinalizedRequestId(), 2, "finalized");
        assertGt(handler.ghostClaimed(), 0, "claims paid");
        assertEq(handler.ghostClaimed(), handler.ghostLocked() - address(queue).balance, "paid from the locked ETH");
        assertFalse(handler.ghostDoublePay(), "the repeated claim was refused");
    }

    function invariant_escrowEqualsUnfinalizedRequests() public view {
        uint256 ghost = handler.unfinalizedGhostShares();
        assertEq(token.escrowedShares(), ghost, "escrow == sum of unfinalized request shares");
        assertEq(queue.unfinalizedShares(), ghost, "queue's unfinalized shares agree");
    }

    function invariant_onlyUnclaimedTicketsMove() public view {
        assertFalse(handler.ghostReceiptMoved(), "claimed tickets stay, unclaimed ones move");
    }

    function invariant_reportsLockAtMostTheBuffer() public view {
        assertFalse(handler.ghostOverLocked(), "no report locked more than the buffer");
    }

    function invariant_claimsNeverExceedFinalizedEth() public view {
        assertLe(handler.ghostClaimed(), handler.ghostLocked(), "claimed <= locked");
        assertEq(address(queue).balance, handler.ghostLocked() - handler.ghostClaimed(), "queue holds locked - claimed");
    }

    function invariant_noTicketPaidTwiceOrAboveItsRate() public view {
        assertFalse(handler.ghostDoublePay(), "no ticket paid twice");
        assertFalse(handler.ghostOverpaid(), "no ticket paid above its rate at request, none refused when due");
    }

    /// @dev Records: windows start in order, finalizedUpTo never decreases and only moves in a
    /// record holding a batch, and the last record's is the last finalized request.
    function invariant_recordsAreOrdered() public view {
        uint256 count = queue.recordCount();
        IWithdrawalQueue.Record memory previous = queue.getRecord(0);
        assertEq(previous.firstRequestId, 1, "the first window starts at request 1");
        assertEq(previous.timestamp, 0, "the first record holds no batch");
        assertLt(previous.windowRate, type(uint256).max, "the first report rated window 0");
        for (uint256 i = 1; i < count; ++i) {
            IWithdrawalQueue.Record memory r = queue.getRecord(i);
            assertGe(r.firstRequestId, previous.firstRequestId, "windows in order");
            assertGe(r.finalizedUpTo, previous.finalizedUpTo, "finalizedUpTo non-decreasing");
            if (r.timestamp == 0) {
                assertEq(r.finalizedUpTo, previous.finalizedUpTo, "carried without a batch");
                assertEq(r.batchRate, 0, "no batch, no batch rate");
            } else {
                assertLt(r.finalizedUpTo, r.firstRequestId, "a batch reaches only earlier windows");
            }
            assertLt(r.windowRate, type(uint256).max, "every window after the first report has a rate");
            previous = r;
        }
        assertEq(previous.finalizedUpTo, queue.lastFinalizedRequestId(), "the last record is up to date");
    }

    function invariant_supplyAndTicketsAddUp() public view {
        assertEq(handler.sumOfBalances(), token.totalSupply(), "balances + escrow == total supply");
        assertEq(handler.ticketsHeld(), queue.lastRequestId(), "one ticket per request, all held");
    }
}
