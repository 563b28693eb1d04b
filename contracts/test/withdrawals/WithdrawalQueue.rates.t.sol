// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";

/// @notice The rates a report records, from a fresh deployment (the 0.001 ETH seed only): no rate
/// makes a report revert, and requests made before the first report are priced at the token's rate.
contract WithdrawalQueueRatesTest is WithdrawalsBase {
    /// @dev The highest rate 72 bits held at 1e18 scale: about 4,722 ETH per share.
    uint256 internal constant OLD_CEILING = (uint256(1) << 72) * 1e9;

    address internal attacker;

    function setUp() public override {
        super.setUp();
        attacker = makeAddr("attacker");
        vm.deal(attacker, 1_000_000_000 ether);
    }

    /// @dev Right after deployment, staking then burning lifts the rate above 4,722 ETH per share:
    /// reports go on, and a request made at that rate is finalized and paid its value.
    function test_launchDonationAboveTheOldCeilingLeavesReportsWorking() public {
        uint256 shares = _stake(attacker, 5 ether);
        vm.prank(attacker);
        token.burn(shares);
        uint256 rate = _rate();
        assertGt(rate, OLD_CEILING, "the rate is above the old ceiling");
        _report(0);
        assertEq(_lastRecord().windowRate, _stored(rate), "the report recorded the rate");

        uint256 mine = _stake(alice, 100 ether);
        uint256 value = token.convertToAssets(mine);
        uint256 id = _request(alice, mine);
        (uint256 eth, uint256 burned) = _reportAndFinalize(0, id);
        assertEq(burned, mine, "the escrow is finalized");
        assertEq(token.escrowedShares(), 0, "nothing left in escrow");
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, eth, "one ticket: paid what was locked");
        assertLe(paid, value, "never above the value at request");
        // The window's rate is the report's; the stake's rounding (at most one wei of shares) lifted
        // the rate a little since. The stored rate is rounded down to 1e-18 wei per share and keeps
        // 64 significant bits (2^-63).
        assertGe(paid + value / 2 ** 62 + rate / RATE_PRECISION + mine / 1e18 + 2, value, "the value at request, within rounding");
    }

    /// @dev ETH forced into the token (no `receive`) after a stake and burn, at any size: every
    /// report, finalization and claim goes through, and pays the value at request within rounding.
    function testFuzz_launchDonationNeverBlocksReports(uint256 stakeSeed, uint256 burnSeed, uint256 forcedSeed)
        public
    {
        uint256 staked = bound(stakeSeed, 1 gwei, 100_000 ether);
        uint256 shares = _stake(attacker, staked);
        uint256 burned = bound(burnSeed, 0, shares);
        if (burned != 0) {
            vm.prank(attacker);
            token.burn(burned);
        }
        uint256 forced = bound(forcedSeed, 0, 100_000_000 ether);
        vm.deal(address(token), address(token).balance + forced);
        uint256 rate = _report(0);

        uint256 mine = _stake(alice, 100 ether);
        vm.assume(mine != 0);
        uint256 value = token.convertToAssets(mine);
        uint256 id = _request(alice, mine);
        (uint256 eth,) = _reportAndFinalize(0, id);
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, eth, "paid what was locked");
        assertLe(paid, value, "never above the value at request");
        // As above: one wei of shares at the report's rate, the stored rate's rounding.
        assertGe(paid + value / 2 ** 62 + rate / RATE_PRECISION + mine / 1e18 + 2, value, "the value at request, within rounding");
    }

    /// @dev Any rate at all is recorded, rounded down, and is storable: a report never reverts on it.
    function testFuzz_anyRateIsRecordedRoundedDown(uint256 rate) public {
        vm.prank(accounting);
        withdrawalQueue.onReport(rate);
        uint256 stored = _lastRecord().windowRate;
        assertLe(stored, rate, "rounded down");
        assertEq(stored % 1e9, 0, "a multiple of 1e9 at 1e27 scale");
        // 64 significant bits below the saturation point (2^160 at 1e18 scale).
        if (rate / 1e9 < uint256(1) << 160) assertGe(stored + rate / 2 ** 63 + 1e9, rate, "64 significant bits");
        else assertEq(stored, ((uint256(1) << 160) - 2 ** 96) * 1e9, "saturated");
    }

    /// @dev Rates of zero (a pool wiped out) and rates up to the saturation point finalize: the batch
    /// at rate 0 pays nothing, and the record still holds a batch.
    function test_zeroRateFinalizes() public {
        vm.warp(1 days);
        _stake(alice, 10 ether);
        uint256 id = _request(alice, 1 ether);
        vm.prank(accounting);
        (uint256 eth, uint256 shares) = withdrawalQueue.report(0, id);
        assertEq(eth, 0, "nothing to pay at rate 0");
        assertEq(shares, 1 ether, "the escrow is burned");
        assertEq(_lastRecord().timestamp, block.timestamp, "the record holds the batch");
        assertEq(withdrawalQueue.findBatch(id), withdrawalQueue.recordCount() - 1, "found");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(id, alice, false), 0, "claims nothing");
    }

    /// @dev The attack at launch: after the rate was doubled (a stake, then half the supply burned),
    /// a victim stakes 10 ETH and requests before the first report. The request is priced at the
    /// token's rate, not at 1.0: the victim gets its 10 ETH back. The attacker's own 1-wei request,
    /// made before it raised the rate, does not fix window 0's rate either.
    function test_requestBeforeTheFirstReportIsPricedAtTheTokensRate() public {
        uint256 shares = _stake(attacker, 10 ether);
        uint256 early = _request(attacker, 1);
        vm.prank(attacker);
        token.burn(shares / 2);
        assertGt(_rate(), 199 * RATE_PRECISION / 100, "the rate doubled");
        uint256 victimShares = _stake(alice, 10 ether);
        uint256 id = _request(alice, victimShares);
        assertEq(withdrawalQueue.getRequestStatus(id).requestRate, type(uint256).max, "no rate before a report");

        uint256 rate = _rebase(0);
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.InitialWindowRated(_stored(rate));
        vm.prank(accounting);
        (uint256 eth,) = withdrawalQueue.report(rate, id);
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertApproxEq(paid, 10 ether, 1e6, "the victim gets back what it staked");
        assertEq(withdrawalQueue.getRecord(0).windowRate, _stored(rate), "window 0 took the first report's rate");
        vm.prank(attacker);
        assertLe(withdrawalQueue.claim(early, attacker, false), 2, "the attacker's wei");
        assertLe(paid, eth, "within what was locked");
    }

    /// @dev Window 0 is priced at the first report's rate, and stays at it: a later report that
    /// finalizes it after more rewards pays the first report's rate.
    function test_windowZeroKeepsTheFirstReportsRate() public {
        uint256 mine = _stake(alice, 100 ether);
        uint256 id = _request(alice, mine / 2);
        assertEq(withdrawalQueue.getRecord(0).windowRate, type(uint256).max, "unset before a report");
        (uint256 cost,) = withdrawalQueue.finalizationCost(id, _rate());
        assertEq(cost, mine / 2 * _stored(_rate()) / RATE_PRECISION, "the cost view prices window 0 at the rate given");

        uint256 first = _stored(_report(1 ether));
        // Record 1 (opened by the first report) is re-rated in place: record 0 keeps the first rate.
        uint256 second = _rebase(0);
        assertEq(_stored(second), first, "no change");
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.ReportRecorded(1, first, id + 1, 0, 0, 0);
        vm.prank(accounting);
        withdrawalQueue.report(second, 0);
        _reportAndFinalize(5 ether, id);
        assertGt(_stored(_rate()), first, "the rate rose after the first report");
        assertEq(withdrawalQueue.getRecord(0).windowRate, first, "window 0 at the first report's rate");
        vm.prank(alice);
        assertEq(withdrawalQueue.claim(id, alice, false), mine / 2 * first / RATE_PRECISION, "paid at it");
    }

    /// @dev The first report with no request before it re-rates record 0 in place, as any report does
    /// with an empty window.
    function test_firstReportWithoutRequestsReratesRecordZero() public {
        uint256 rate = _report(0);
        assertEq(withdrawalQueue.recordCount(), 1, "one record");
        assertEq(withdrawalQueue.getRecord(0).windowRate, _stored(rate), "rated by the report");
    }
}
