// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";

contract WithdrawalQueueFinalizeTest is WithdrawalsBase {
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
        (uint256 eth, uint256 shares) = withdrawalQueue.finalize(id, rate);
        assertEq(shares, 10 ether, "burned the escrow");
        assertEq(eth, 10 ether * rate / RATE_PRECISION, "eth at the rate");
        assertEq(token.totalSupply(), supply - shares, "supply");
        assertEq(token.escrowedShares(), 0, "escrow emptied");
        assertEq(token.bufferedEther(), buffer - eth, "buffer paid");
        assertEq(address(withdrawalQueue).balance, eth, "queue holds the ETH");
        assertEq(withdrawalQueue.lastFinalizedRequestId(), id, "last finalized");
        assertEq(withdrawalQueue.unfinalizedShares(), 0, "nothing unfinalized");
        assertGe(_rate(), rate, "finalization never lowers the rate of those who stay");
    }

    function test_finalizeByOthersReverts() public {
        _request(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.finalize(1, RATE_PRECISION);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.onReport(RATE_PRECISION);
    }

    function test_finalizeBeyondLastOrBackwardsReverts() public {
        _request(alice, 1 ether);
        _request(alice, 1 ether);
        _request(alice, 1 ether);
        uint256 rate = _rate();
        vm.startPrank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 4, 0, 3));
        withdrawalQueue.finalize(4, rate);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 0, 0, 3));
        withdrawalQueue.finalize(0, rate);
        withdrawalQueue.finalize(2, rate);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 2, 2, 3));
        withdrawalQueue.finalize(2, rate);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidFinalization.selector, 1, 2, 3));
        withdrawalQueue.finalize(1, rate);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidRate.selector, 0));
        withdrawalQueue.finalize(3, 0);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidRate.selector, 1 << 96));
        withdrawalQueue.onReport(1 << 96);
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
        assertEq(eth, shares * rateAtRequest / RATE_PRECISION, "locked at the rate at request");
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
        _reportAndFinalize(-int256(loss), id);
        IWithdrawalQueue.Batch memory batch = withdrawalQueue.getBatch(0);
        assertLt(batch.shareRate, rateAtRequest, "the rate fell");
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, shares * batch.shareRate / RATE_PRECISION, "paid at the rate after the loss");
    }

    /// @dev Requests in several windows, finalized in two batches that split a window: each is
    /// paid at min(its window's rate, its batch's rate).
    function test_windowsAndSplitBatchesPayTheMinimumRate() public {
        uint256 r0 = _rate();
        uint256 a = _request(alice, 3 ether);
        uint256 r1 = _report(100 ether); // reward: window 1 at a higher rate
        uint256 b = _request(bob, 5 ether);
        uint256 c = _request(alice, 7 ether);
        // Finalize a and b after a loss that brings the rate between r0 and r1.
        uint256 f1 = _report(-60 ether);
        assertLt(f1, r1, "below window 1");
        assertGt(f1, r0, "above window 0");
        vm.prank(accounting);
        (uint256 eth1, uint256 shares1) = withdrawalQueue.finalize(b, f1);
        assertEq(shares1, 8 ether, "a and b");
        assertEq(eth1, 3 ether * r0 / RATE_PRECISION + 5 ether * f1 / RATE_PRECISION, "per-window minimum");
        // c, in the split window, is finalized later after a reward.
        uint256 f2 = _report(200 ether);
        vm.prank(accounting);
        (uint256 eth2,) = withdrawalQueue.finalize(c, f2);
        assertEq(eth2, 7 ether * r1 / RATE_PRECISION, "c at its window's rate");

        assertEq(withdrawalQueue.findBatch(a), 0, "a in batch 0");
        assertEq(withdrawalQueue.findBatch(b), 0, "b in batch 0");
        assertEq(withdrawalQueue.findBatch(c), 1, "c in batch 1");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(a, alice, false), 3 ether * r0 / RATE_PRECISION, "a paid");
        vm.prank(bob);
        assertEq(withdrawalQueue.claimWithHint(b, bob, false, 0), 5 ether * f1 / RATE_PRECISION, "b paid");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(c, alice, false), 7 ether * r1 / RATE_PRECISION, "c paid");
        assertLe(address(withdrawalQueue).balance, 2, "only rounding dust is left");
    }

    function testFuzz_finalizationCostMatchesFinalize(uint8 count, uint256 cut, int64 delta) public {
        uint256 n = bound(count, 1, 20);
        for (uint256 i; i < n; ++i) {
            _request(i % 2 == 0 ? alice : bob, (i + 1) * 1 ether);
            if (i % 3 == 2) _report(int256(delta) / 1e3);
        }
        uint256 last = bound(cut, 1, n);
        uint256 rate = _report(int256(delta));
        (uint256 eth, uint256 shares) = withdrawalQueue.finalizationCost(last, rate);
        vm.prank(accounting);
        (uint256 lockedEth, uint256 burned) = withdrawalQueue.finalize(last, rate);
        assertEq(lockedEth, eth, "eth");
        assertEq(burned, shares, "shares");
        assertEq(burned, last * (last + 1) / 2 * 1 ether, "shares of requests 1..last");
        assertEq(withdrawalQueue.unfinalizedShares(), (n * (n + 1) / 2 - last * (last + 1) / 2) * 1 ether, "rest");
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
        uint256 rate = _report(1 ether);
        vm.prank(accounting);
        uint256 start = gasleft();
        withdrawalQueue.finalize(count, rate);
        used = start - gasleft();
    }

    function test_onReportReusesAnEmptyWindow() public {
        uint256 windows = withdrawalQueue.windowCount();
        _report(1 ether);
        _report(1 ether);
        assertEq(withdrawalQueue.windowCount(), windows, "no request, no new window");
        assertEq(withdrawalQueue.getWindow(windows - 1).shareRate, _rate(), "rate replaced");
        _request(alice, 1 ether);
        _report(1 ether);
        assertEq(withdrawalQueue.windowCount(), windows + 1, "a window with requests is kept");
        assertEq(withdrawalQueue.getWindow(windows).firstRequestId, 2, "next window starts after request 1");
    }
}
