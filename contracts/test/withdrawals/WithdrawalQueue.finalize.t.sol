// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";

/// @notice Recording cheatcodes (standard signatures) that the shared test Vm interface lacks.
interface RecordingVm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
    function record() external;
    function accesses(address target) external returns (bytes32[] memory readSlots, bytes32[] memory writeSlots);
}

contract WithdrawalQueueFinalizeTest is WithdrawalsBase {
    RecordingVm internal constant recorder = RecordingVm(address(vm));

    function setUp() public override {
        super.setUp();
        _stake(alice, 1_000 ether);
        _stake(bob, 1_000 ether);
        // Beacon assets to lose from later (the rebase is a reward now).
        _report(500 ether);
    }

    function test_finalizeMovesEthAndBurnsEscrow() public {
        uint256 id = _request(alice, 10 ether);
        uint256 rate = _rate();
        uint256 supply = token.totalSupply();
        uint256 buffer = token.bufferedEther();
        vm.prank(accounting);
        (uint256 eth, uint256 shares) = withdrawalQueue.report(rate, id);
        assertEq(shares, 10 ether, "burned the escrow");
        assertEq(eth, 10 ether * _stored(rate) / RATE_PRECISION, "eth at the stored rate");
        assertEq(token.totalSupply(), supply - shares, "supply");
        assertEq(token.escrowedShares(), 0, "escrow emptied");
        assertEq(token.bufferedEther(), buffer - eth, "buffer paid");
        assertEq(address(withdrawalQueue).balance, eth, "queue holds the ETH");
        assertEq(withdrawalQueue.lastFinalizedRequestId(), id, "last finalized");
        assertEq(withdrawalQueue.unfinalizedShares(), 0, "nothing unfinalized");
        assertGe(_rate(), rate, "finalization never lowers the rate of those who stay");
    }

    /// @dev A finalizing report emits one event carrying the window, the finalized range and its ETH.
    function test_reportEmitsOneEventWithRangeAndEth() public {
        _request(alice, 2 ether);
        uint256 last = _request(bob, 3 ether);
        uint256 rate = _rate();
        uint256 record = withdrawalQueue.recordCount();
        uint256 eth = 5 ether * _stored(rate) / RATE_PRECISION;
        recorder.recordLogs();
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.ReportRecorded(record, _stored(rate), last + 1, last, eth, 5 ether);
        vm.prank(accounting);
        withdrawalQueue.report(rate, last);
        RecordingVm.Log[] memory logs = recorder.getRecordedLogs();
        uint256 fromQueue;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(withdrawalQueue)) ++fromQueue;
        }
        assertEq(fromQueue, 1, "one queue event per report");
    }

    /// @dev A report writes at most one fresh storage slot in the queue: the record it opens.
    function test_reportWritesAtMostOneFreshSlot() public {
        _request(alice, 1 ether);
        _request(bob, 1 ether);
        uint256 rate = _report(1 ether);
        assertEq(_freshQueueSlots(rate, 0), 0, "re-rating an empty record writes no fresh slot");
        _request(alice, 1 ether);
        rate = _rebase(1 ether);
        assertEq(_freshQueueSlots(rate, 2), 1, "finalizing with requests since: one fresh slot");
        rate = _rebase(1 ether);
        assertEq(_freshQueueSlots(rate, 3), 1, "finalizing over a record holding a batch: one fresh slot");
        rate = _rebase(1 ether);
        assertEq(_freshQueueSlots(rate, 0), 0, "re-rating the record that holds the batch: none");
    }

    /// @dev Queue slots that `report(rate, last)` turns from zero to non-zero: the report runs, its
    /// written slots are read, the state is rolled back to read them before, and the report runs again.
    function _freshQueueSlots(uint256 rate, uint256 last) private returns (uint256 fresh) {
        uint256 snapshot = vm.snapshotState();
        recorder.record();
        vm.prank(accounting);
        withdrawalQueue.report(rate, last);
        (, bytes32[] memory written) = recorder.accesses(address(withdrawalQueue));
        bytes32[] memory after_ = new bytes32[](written.length);
        for (uint256 i; i < written.length; ++i) {
            after_[i] = vm.load(address(withdrawalQueue), written[i]);
        }
        vm.revertToState(snapshot);
        for (uint256 i; i < written.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) {
                if (written[j] == written[i]) seen = true;
            }
            if (!seen && vm.load(address(withdrawalQueue), written[i]) == bytes32(0) && after_[i] != bytes32(0)) {
                ++fresh;
            }
        }
        vm.prank(accounting);
        withdrawalQueue.report(rate, last);
    }

    function test_finalizeByOthersReverts() public {
        _request(alice, 1 ether);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.report(RATE_PRECISION, 1);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.finalize(1, RATE_PRECISION);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.onReport(RATE_PRECISION);
        vm.stopPrank();
    }

    function test_finalizeBeyondLastOrBackwardsReverts() public {
        _request(alice, 1 ether);
        _request(alice, 1 ether);
        _request(alice, 1 ether);
        uint256 rate = _rate();
        vm.startPrank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 4, 0, 3));
        withdrawalQueue.report(rate, 4);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 4, 0, 3));
        withdrawalQueue.finalize(4, rate);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 0, 0, 3));
        withdrawalQueue.finalize(0, rate);
        withdrawalQueue.report(rate, 2);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 2, 2, 3));
        withdrawalQueue.report(rate, 2);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 1, 2, 3));
        withdrawalQueue.finalize(1, rate);
        vm.stopPrank();
        assertEq(withdrawalQueue.lastFinalizedRequestId(), 2, "only the valid finalization happened");
    }

    /// @dev Rewards after the request are not earned: the payout stays at the rate at request.
    function testFuzz_rewardAfterRequestIsNotEarned(uint256 shares, uint256 reward) public {
        shares = bound(shares, 1, token.balanceOf(alice));
        reward = bound(reward, 1 gwei, 200 ether);
        uint256 rateAtRequest = _rate();
        uint256 id = _request(alice, shares);
        (uint256 eth,) = _reportAndFinalize(int256(reward), id);
        assertGt(_rate(), rateAtRequest, "the rate rose");
        assertEq(eth, shares * _stored(rateAtRequest) / RATE_PRECISION, "locked at the rate at request");
        uint256 before = alice.balance;
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, eth, "paid at the rate at request");
        assertEq(alice.balance, before + paid, "ETH received");
    }

    /// @dev A loss after the request is borne: the payout falls to the rate at finalization.
    function testFuzz_lossAfterRequestIsBorne(uint256 shares, uint256 loss) public {
        shares = bound(shares, 1, token.balanceOf(alice));
        loss = bound(loss, 1 gwei, 400 ether);
        uint256 rateAtRequest = _rate();
        uint256 id = _request(alice, shares);
        (,, uint256 finalRate) = _reportAndFinalizeAt(-int256(loss), id);
        IWithdrawalQueue.Record memory record = withdrawalQueue.getRecord(withdrawalQueue.findBatch(id));
        assertEq(record.batchRate, _stored(finalRate), "the batch's stored rate");
        assertLt(record.batchRate, _stored(rateAtRequest), "the rate fell");
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, shares * record.batchRate / RATE_PRECISION, "paid at the rate after the loss");
    }

    /// @dev Requests in several windows, finalized in two batches that split a window: each is
    /// paid at min(its window's rate, its batch's rate).
    function test_windowsAndSplitBatchesPayTheMinimumRate() public {
        uint256 r0 = _stored(_rate());
        uint256 a = _request(alice, 3 ether);
        uint256 r1 = _stored(_report(100 ether)); // reward: window 1 at a higher rate
        uint256 b = _request(bob, 5 ether);
        uint256 c = _request(alice, 7 ether);
        // Finalize a and b after a loss that brings the rate between r0 and r1.
        (uint256 eth1, uint256 shares1, uint256 f1) = _reportAndFinalizeAt(-60 ether, b);
        f1 = _stored(f1);
        assertLt(f1, r1, "below window 1");
        assertGt(f1, r0, "above window 0");
        assertEq(shares1, 8 ether, "a and b");
        assertEq(eth1, 3 ether * r0 / RATE_PRECISION + 5 ether * f1 / RATE_PRECISION, "per-window minimum");
        // c, in the split window, is finalized later after a reward.
        (uint256 eth2,,) = _reportAndFinalizeAt(200 ether, c);
        assertEq(eth2, 7 ether * r1 / RATE_PRECISION, "c at its window's rate");

        // Records: 0 (window of a), 1 (window of b and c), 2 (batch of a and b), 3 (batch of c).
        assertEq(withdrawalQueue.recordCount(), 4, "four records");
        assertEq(withdrawalQueue.findBatch(a), 2, "a in the batch of record 2");
        assertEq(withdrawalQueue.findBatch(b), 2, "b in the batch of record 2");
        assertEq(withdrawalQueue.findBatch(c), 3, "c in the batch of record 3");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(a, alice, false), 3 ether * r0 / RATE_PRECISION, "a paid");
        vm.prank(bob);
        assertEq(withdrawalQueue.claimWithHint(b, bob, false, 2), 5 ether * f1 / RATE_PRECISION, "b paid");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(c, alice, false), 7 ether * r1 / RATE_PRECISION, "c paid");
        assertLe(address(withdrawalQueue).balance, 2, "only rounding dust is left");
    }

    /// @dev One batch over four windows at different rates, two of them above the batch rate: each
    /// window is locked at min(window rate, batch rate), each claim paid the same way, and the claims
    /// add up to at most what was locked.
    function test_finalizationAcrossWindowsAtDifferentRates() public {
        uint256[4] memory rates;
        uint256[4] memory ids;
        int256[4] memory moves = [int256(0), 80 ether, -150 ether, 120 ether];
        for (uint256 i; i < 4; ++i) {
            rates[i] = _stored(i == 0 ? _rate() : _report(moves[i]));
            _request(alice, 1 ether + i * 0.37 ether);
            ids[i] = _request(bob, 2 ether + i * 0.11 ether + 7);
        }
        // A loss brings the batch rate below windows 1 and 3 and above window 2.
        uint256 rate = _rebase(-40 ether);
        uint256 batchRate = _stored(rate);
        assertGt(rates[1], batchRate, "window 1 above the batch");
        assertGt(rates[3], batchRate, "window 3 above the batch");
        assertLt(rates[2], batchRate, "window 2 below the batch");
        uint256 expected;
        for (uint256 i; i < 4; ++i) {
            uint256 capped = rates[i] < batchRate ? rates[i] : batchRate;
            expected += (3 ether + i * 0.48 ether + 7) * capped / RATE_PRECISION;
        }
        (uint256 cost,) = withdrawalQueue.finalizationCost(ids[3], rate);
        vm.prank(accounting);
        (uint256 eth,) = withdrawalQueue.report(rate, ids[3]);
        assertEq(eth, expected, "sum over windows of shares at min(window rate, batch rate)");
        assertEq(cost, eth, "cost view agrees");

        uint256 claimed;
        for (uint256 i; i < 4; ++i) {
            uint256 capped = rates[i] < batchRate ? rates[i] : batchRate;
            assertEq(withdrawalQueue.getRequestStatus(ids[i]).requestRate, rates[i], "window rate of the request");
            vm.prank(alice);
            uint256 paidA = withdrawalQueue.claim(ids[i] - 1, alice, false);
            vm.prank(bob);
            uint256 paidB = withdrawalQueue.claim(ids[i], bob, false);
            assertEq(paidA, (1 ether + i * 0.37 ether) * capped / RATE_PRECISION, "alice's ticket");
            assertEq(paidB, (2 ether + i * 0.11 ether + 7) * capped / RATE_PRECISION, "bob's ticket");
            claimed += paidA + paidB;
        }
        assertLe(claimed, eth, "claims within the locked ETH");
        assertEq(address(withdrawalQueue).balance, eth - claimed, "the queue keeps only rounding dust");
        assertLe(eth - claimed, 4, "at most one wei per window");
    }

    /// @dev Requests over reports at fuzzed rates (not multiples of 1e9), finalized at fuzzed points:
    /// the claims never add up to more than the ETH locked.
    function testFuzz_claimsNeverExceedLocked(uint256 seed) public {
        uint256 base = _rate();
        uint256 locked;
        uint256 n;
        for (uint256 round; round < 6; ++round) {
            uint256 requests = bound(uint256(keccak256(abi.encode(seed, round, "n"))), 0, 3);
            for (uint256 i; i < requests; ++i) {
                uint256 shares = bound(uint256(keccak256(abi.encode(seed, round, i))), 1, 7 ether);
                _request(i % 2 == 0 ? alice : bob, shares);
                ++n;
            }
            // Between half and the whole of the token's rate, so the buffer always covers it.
            uint256 rate = bound(uint256(keccak256(abi.encode(seed, round, "rate"))), base / 2, base);
            uint256 last = withdrawalQueue.lastRequestId();
            uint256 lastFinalized = withdrawalQueue.lastFinalizedRequestId();
            uint256 upTo;
            if (last > lastFinalized && uint256(keccak256(abi.encode(seed, round, "f"))) % 3 != 0) {
                upTo = bound(uint256(keccak256(abi.encode(seed, round, "upTo"))), lastFinalized + 1, last);
            }
            vm.prank(accounting);
            (uint256 eth,) = withdrawalQueue.report(rate, upTo);
            locked += eth;
        }
        uint256 claimed;
        for (uint256 id = 1; id <= withdrawalQueue.lastFinalizedRequestId(); ++id) {
            address holder = withdrawalQueue.ownerOf(id);
            vm.prank(holder);
            claimed += withdrawalQueue.claim(id, holder, false);
        }
        assertLe(claimed, locked, "claimed <= locked");
        assertEq(address(withdrawalQueue).balance, locked - claimed, "the queue holds the rest");
        assertLe(locked - claimed, n, "at most one wei of dust per request");
    }

    function testFuzz_finalizationCostMatchesFinalize(uint8 count, uint256 cut, int64 delta) public {
        uint256 n = bound(count, 1, 20);
        for (uint256 i; i < n; ++i) {
            _request(i % 2 == 0 ? alice : bob, (i + 1) * 1 ether);
            if (i % 3 == 2) _report(int256(delta) / 1e3);
        }
        uint256 last = bound(cut, 1, n);
        uint256 rate = _rebase(int256(delta));
        (uint256 eth, uint256 shares) = withdrawalQueue.finalizationCost(last, rate);
        vm.prank(accounting);
        (uint256 lockedEth, uint256 burned) = withdrawalQueue.report(rate, last);
        assertEq(lockedEth, eth, "eth");
        assertEq(burned, shares, "shares");
        assertEq(burned, last * (last + 1) / 2 * 1 ether, "shares of requests 1..last");
        assertEq(withdrawalQueue.unfinalizedShares(), (n * (n + 1) / 2 - last * (last + 1) / 2) * 1 ether, "rest");
    }

    /// @dev `onReport` then `finalize` in one report leave the state `report` leaves.
    function test_onReportThenFinalizeEqualsReport() public {
        _request(alice, 1 ether);
        _request(bob, 2 ether);
        uint256 rate = _rebase(3 ether);
        uint256 snapshot = vm.snapshotState();
        vm.prank(accounting);
        (uint256 eth, uint256 shares) = withdrawalQueue.report(rate, 2);
        IWithdrawalQueue.Record memory one = _lastRecord();
        uint256 count = withdrawalQueue.recordCount();
        vm.revertToState(snapshot);
        vm.startPrank(accounting);
        withdrawalQueue.onReport(rate);
        (uint256 eth2, uint256 shares2) = withdrawalQueue.finalize(2, rate);
        vm.stopPrank();
        IWithdrawalQueue.Record memory two = _lastRecord();
        assertEq(eth2, eth, "eth");
        assertEq(shares2, shares, "shares");
        assertEq(withdrawalQueue.recordCount(), count, "record count");
        assertEq(keccak256(abi.encode(two)), keccak256(abi.encode(one)), "same record");
    }

    /// @dev `finalize` alone is a report: after requests since the last one it opens a record whose
    /// window and batch take its rate, and it refuses 0 (which `report` reads as "finalize nothing").
    function test_finalizeAloneIsAReport() public {
        uint256 half = _stored(_rate() / 2);
        uint256 id = _request(alice, 1 ether);
        uint256 count = withdrawalQueue.recordCount();
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 0, 0, 1));
        withdrawalQueue.finalize(0, half);
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.ReportRecorded(count, half, id + 1, id, 1 ether * half / RATE_PRECISION, 1 ether);
        vm.prank(accounting);
        withdrawalQueue.finalize(id, half);
        assertEq(withdrawalQueue.recordCount(), count + 1, "a record for the batch");
        IWithdrawalQueue.Record memory record = _lastRecord();
        assertEq(record.windowRate, half, "window rate");
        assertEq(record.batchRate, half, "batch rate");
        assertEq(record.firstRequestId, id + 1, "the next window starts after the request");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(id, alice, false), 1 ether * half / RATE_PRECISION, "paid");
    }

    /// @dev Finalizing 500 requests costs the same gas as finalizing one (within 5%).
    function test_finalizeGasIsFlatInRequests() public {
        uint256 snapshot = vm.snapshotState();
        uint256 one = _finalizeGas(1);
        vm.revertToState(snapshot);
        uint256 many = _finalizeGas(500);
        assertLe(many, one * 105 / 100, "500 requests within 5% of one");
        assertLe(one, many * 105 / 100, "and the other way round");
    }

    function _finalizeGas(uint256 count) private returns (uint256 used) {
        for (uint256 i; i < count; ++i) {
            _request(alice, 0.01 ether);
        }
        uint256 rate = _rebase(1 ether);
        vm.prank(accounting);
        uint256 start = gasleft();
        withdrawalQueue.report(rate, count);
        used = start - gasleft();
    }

    // ---------------------------------------------------------------- buffer short of the cost

    /// @dev Moves `amount` of the buffer to the beacon chain's side of the books: the rate stays and
    /// the buffer falls short of the requests. Deposits cannot do this (they leave the withdrawal
    /// reserve), so this unit test moves the ETH itself: it stands for the cases the reserve does
    /// not cover (a report that finalizes at a rate above the one the reserve was valued at).
    function _drainBuffer(uint256 amount) internal {
        uint256 beacon = token.beaconAssets();
        vm.prank(accounting);
        token.rebase(beacon + amount, 0, address(0), 0, 0);
        vm.deal(address(token), address(token).balance - amount);
    }

    /// @dev The buffer holds less than finalizing every request asked would cost: the report
    /// finalizes the requests it can pay, says how far it went, and a later report finalizes the rest.
    function test_reportFinalizesWhatTheBufferPays() public {
        uint256 a = _request(alice, 100 ether);
        uint256 b = _request(bob, 200 ether);
        uint256 c = _request(alice, 300 ether);
        uint256 rate = _rate();
        (uint256 upToB,) = withdrawalQueue.finalizationCost(b, rate);
        (uint256 upToC,) = withdrawalQueue.finalizationCost(c, rate);
        // Leave a and b's ETH and one wei less than c's.
        _drainBuffer(token.bufferedEther() - (upToC - 1));
        uint256 buffer = token.bufferedEther();
        assertGt(buffer, upToB, "b is paid");

        uint256 records = withdrawalQueue.recordCount();
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.ReportRecorded(records, _stored(rate), c + 1, b, upToB, 300 ether);
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.FinalizationLimited(c, b, buffer);
        vm.prank(accounting);
        (uint256 eth, uint256 shares) = withdrawalQueue.report(rate, c);
        assertEq(eth, upToB, "a and b's ETH");
        assertEq(shares, 300 ether, "a and b's shares");
        assertEq(withdrawalQueue.lastFinalizedRequestId(), b, "finalized up to b");
        assertEq(token.escrowedShares(), 300 ether, "c still in escrow");
        assertEq(token.bufferedEther(), buffer - eth, "the buffer paid");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(a, alice, false), 100 ether * _stored(rate) / RATE_PRECISION, "a paid");

        // ETH comes back (an exit): the next report finalizes c.
        vm.deal(address(token), address(token).balance + 1_000 ether);
        rate = _rate();
        vm.prank(accounting);
        (eth,) = withdrawalQueue.report(rate, c);
        assertEq(withdrawalQueue.lastFinalizedRequestId(), c, "c finalized");
        assertGt(eth, 0, "c's ETH");
    }

    /// @dev With no ETH for even the first request, a report records its rate and finalizes nothing.
    function test_reportWithAnEmptyBufferFinalizesNothing() public {
        uint256 id = _request(alice, 10 ether);
        _drainBuffer(token.bufferedEther());
        uint256 rate = _rate();
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.FinalizationLimited(id, 0, 0);
        vm.prank(accounting);
        (uint256 eth, uint256 shares) = withdrawalQueue.report(rate, id);
        assertEq(eth + shares, 0, "nothing finalized");
        assertEq(withdrawalQueue.lastFinalizedRequestId(), 0, "none");
        assertEq(_lastRecord().windowRate, _stored(rate), "the rate is recorded");
        assertEq(_lastRecord().timestamp, 0, "no batch");
    }

    /// @dev Requests over several windows and a buffer of any size: the report locks at most the
    /// buffer, finalizes the longest prefix it pays (the next request would not fit), and the claims
    /// of that prefix stay within what was locked.
    function testFuzz_reportFinalizesTheLongestPaidPrefix(uint256 seed, uint256 keepSeed) public {
        for (uint256 round; round < 4; ++round) {
            uint256 n = bound(uint256(keccak256(abi.encode(seed, round))), 1, 4);
            for (uint256 i; i < n; ++i) {
                uint256 shares = bound(uint256(keccak256(abi.encode(seed, round, i))), 1, 40 ether);
                _request(i % 2 == 0 ? alice : bob, shares);
            }
            int256 move = int256(bound(uint256(keccak256(abi.encode(seed, round, "move"))), 0, 20 ether)) - 10 ether;
            _report(move);
        }
        uint256 last = withdrawalQueue.lastRequestId();
        uint256 rate = _rate();
        (uint256 full,) = withdrawalQueue.finalizationCost(last, rate);
        uint256 keep = bound(keepSeed, 0, full + 1 ether);
        if (keep < token.bufferedEther()) _drainBuffer(token.bufferedEther() - keep);
        uint256 buffer = token.bufferedEther();
        // The cost of finalizing up to each request, before the report.
        uint256[] memory costs = new uint256[](last + 1);
        for (uint256 id = 1; id <= last; ++id) {
            (costs[id],) = withdrawalQueue.finalizationCost(id, rate);
        }

        vm.prank(accounting);
        (uint256 eth,) = withdrawalQueue.report(rate, last);
        uint256 upTo = withdrawalQueue.lastFinalizedRequestId();
        assertLe(eth, buffer, "within the buffer");
        assertEq(eth, costs[upTo], "exactly the prefix's cost");
        if (upTo < last) assertGt(costs[upTo + 1], buffer, "the next request would not fit");
        else assertEq(eth, full, "everything paid");
        uint256 claimed;
        for (uint256 id = 1; id <= upTo; ++id) {
            address holder = withdrawalQueue.ownerOf(id);
            vm.prank(holder);
            claimed += withdrawalQueue.claim(id, holder, false);
        }
        assertLe(claimed, eth, "claims within the locked ETH");
        assertEq(withdrawalQueue.unfinalizedShares(), token.escrowedShares(), "escrow agrees");
    }

    /// @dev A report with no request since the current record opened re-rates it in place.
    function test_reportReratesAnEmptyWindowInPlace() public {
        uint256 records = withdrawalQueue.recordCount();
        _report(1 ether);
        _report(1 ether);
        assertEq(withdrawalQueue.recordCount(), records, "no request, no new record");
        assertEq(_lastRecord().windowRate, _stored(_rate()), "rate replaced");
        vm.prank(accounting);
        withdrawalQueue.onReport(RATE_PRECISION + 5e9 + 3);
        assertEq(withdrawalQueue.recordCount(), records, "onReport re-rates in place too");
        assertEq(_lastRecord().windowRate, RATE_PRECISION + 5e9, "stored rounded down");
        _request(alice, 1 ether);
        uint256 rate = _report(1 ether);
        assertEq(withdrawalQueue.recordCount(), records + 1, "a record whose window has requests is kept");
        IWithdrawalQueue.Record memory record = _lastRecord();
        assertEq(record.firstRequestId, 2, "next window starts after request 1");
        assertEq(record.windowRate, _stored(rate), "at the report's rate");
        assertEq(record.batchRate, 0, "no batch");
        assertEq(withdrawalQueue.getRecord(records - 1).windowRate, RATE_PRECISION + 5e9, "request 1's window kept its rate");
        assertEq(withdrawalQueue.getRequestStatus(1).requestRate, RATE_PRECISION + 5e9, "request 1 priced at it");
    }

    /// @dev A finalizing report whose current record already holds a batch (no request since) opens a
    /// new record; one without finalization re-rates the current one and keeps its batch.
    function test_finalizingOverARecordWithABatchOpensANewRecord() public {
        _request(alice, 1 ether);
        _request(alice, 2 ether);
        uint256 id = _request(bob, 3 ether);
        (,, uint256 rate1) = _reportAndFinalizeAt(1 ether, 1);
        uint256 count = withdrawalQueue.recordCount();
        IWithdrawalQueue.Record memory first = _lastRecord();
        assertEq(first.firstRequestId, id + 1, "opened after the last request");
        assertEq(first.finalizedUpTo, 1, "batch up to 1");
        assertEq(first.batchRate, _stored(rate1), "batch rate");
        assertEq(first.timestamp, block.timestamp, "batch time");

        vm.warp(block.timestamp + 1 days);
        (,, uint256 rate2) = _reportAndFinalizeAt(1 ether, 2);
        assertEq(withdrawalQueue.recordCount(), count + 1, "a new record for the second batch");
        IWithdrawalQueue.Record memory second = _lastRecord();
        assertEq(second.firstRequestId, first.firstRequestId, "the previous record's window stays empty");
        assertEq(second.finalizedUpTo, 2, "batch up to 2");
        assertEq(second.batchRate, _stored(rate2), "its rate");
        assertEq(second.timestamp, block.timestamp, "its time");
        assertEq(withdrawalQueue.getRecord(count - 1).batchRate, _stored(rate1), "the first batch is untouched");

        uint256 rate3 = _report(1 ether);
        assertEq(withdrawalQueue.recordCount(), count + 1, "no finalization: re-rated in place");
        IWithdrawalQueue.Record memory rerated = _lastRecord();
        assertEq(rerated.windowRate, _stored(rate3), "new window rate");
        assertEq(rerated.batchRate, second.batchRate, "batch kept");
        assertEq(rerated.finalizedUpTo, 2, "finalized range kept");

        (,, uint256 rate4) = _reportAndFinalizeAt(1 ether, 3);
        assertEq(withdrawalQueue.findBatch(1), count - 1, "request 1 in the first batch");
        assertEq(withdrawalQueue.findBatch(2), count, "request 2 in the second");
        assertEq(withdrawalQueue.findBatch(3), count + 1, "request 3 in the third");
        assertEq(withdrawalQueue.getRequestStatus(2).finalizedAt, second.timestamp, "finalized at the second batch");
        uint256 windowRate = withdrawalQueue.getRequestStatus(id).requestRate;
        uint256 capped = windowRate < _stored(rate4) ? windowRate : _stored(rate4);
        vm.prank(bob);
        assertEq(withdrawalQueue.claim(id, bob, false), 3 ether * capped / RATE_PRECISION, "paid from the third batch");
    }
}
