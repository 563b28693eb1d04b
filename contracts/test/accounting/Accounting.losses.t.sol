// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {WithdrawalFinalizerMock} from "../mocks/WithdrawalFinalizerMock.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";

/// @notice Losses in a report: the responsible operator's bond pays first, debt records the rest,
/// and only the excess lowers the exchange rate.
contract AccountingLossesTest is AccountingFixture {
    address internal alice;
    uint256 internal opA;
    uint256 internal opB;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        _stake(alice, 200 ether);
        opA = _operatorWithValidators("operator A", 1, 2);
        opB = _operatorWithValidators("operator B", 2, 2);
        _nextFrame();
    }

    /// @dev A slashing of `loss` wei on operator A's validators, voted by every member.
    function _slashA(uint256 loss) internal {
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= loss;
        r.operatorChanges = _changes1(opA, 0, loss);
        _vote(r, MEMBERS);
        accounting.submitReportData(r);
    }

    function test_slashedWithinBondLeavesRateUnchanged() public {
        uint256 rateBefore = _rate();
        uint256 bondBefore = registry.bondValue(opA);
        uint256 aliceBefore = token.convertToAssets(token.balanceOf(alice));
        _slashA(1 ether);
        // The burned bond shares were rounded up: the rate may only rise, by rounding.
        assertApproxEq(_rate(), rateBefore, 1e9, "rate unchanged");
        assertGe(_rate(), rateBefore, "never below");
        assertApproxEq(token.convertToAssets(token.balanceOf(alice)), aliceBefore, 2, "alice keeps her ETH");
        assertApproxEq(registry.bondValue(opA), bondBefore - 1 ether, 2, "bond paid the loss");
        assertEq(registry.getOperator(opA).debt, 0, "no debt");
    }

    function test_slashedBeyondBondLowersRateByExactlyTheExcess() public {
        uint256 bondShares = registry.getOperator(opA).bondShares;
        uint256 bondValue = registry.bondValue(opA);
        uint256 assets = token.totalAssets();
        uint256 shares = token.totalSupply();
        uint256 loss = 12 ether;
        _slashA(loss);
        uint256 excess = loss - bondValue;
        assertEq(registry.getOperator(opA).bondShares, 0, "whole bond burned");
        assertEq(registry.getOperator(opA).debt, excess, "debt = loss beyond the bond");
        assertEq(token.totalAssets(), assets - loss, "assets fall by the loss");
        assertEq(token.totalSupply(), shares - bondShares, "the bond's shares are gone");
        // Other holders' shares were worth assets - bondValue before; now assets - loss.
        uint256 otherShares = shares - bondShares;
        uint256 expectedRate = (assets - bondValue - excess) * 1e27 / otherShares;
        assertApproxEq(_rate(), expectedRate, 1e9, "rate falls by exactly the excess over the bond");
        // Operator B's bond is untouched: the loss was not theirs.
        assertEq(registry.getOperator(opB).debt, 0, "others' bonds not touched");
    }

    function testFuzz_rateFallsOnlyBeyondTheBond(uint256 loss) public {
        // Consensus-layer amounts are whole gwei.
        loss = bound(loss, 1, 40 ether / 1 gwei) * 1 gwei;
        uint256 bondValue = registry.bondValue(opA);
        uint256 bondShares = registry.getOperator(opA).bondShares;
        uint256 assets = token.totalAssets();
        uint256 shares = token.totalSupply();
        uint256 rateBefore = _rate();
        _slashA(loss);
        if (loss <= bondValue) {
            assertGe(_rate(), rateBefore, "covered loss: rate not lower");
            assertApproxEq(_rate(), rateBefore, 1e9, "covered loss: rate unchanged");
            assertEq(registry.getOperator(opA).debt, 0, "covered loss: no debt");
        } else {
            assertLt(_rate(), rateBefore, "uncovered loss lowers the rate");
            uint256 expectedRate = (assets - loss) * 1e27 / (shares - bondShares);
            assertApproxEq(_rate(), expectedRate, 1e9, "by exactly the excess");
            assertEq(registry.getOperator(opA).debt, loss - bondValue, "excess recorded as debt");
        }
    }

    function testFuzz_twoOperatorsSlashedWithinBondsLeaveRateUnchanged(uint256 lossA, uint256 lossB) public {
        // Consensus-layer amounts are whole gwei.
        lossA = bound(lossA, 1, registry.bondValue(opA) / 1 gwei) * 1 gwei;
        lossB = bound(lossB, 1, registry.bondValue(opB) / 1 gwei) * 1 gwei;
        uint256 rateBefore = _rate();
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= lossA + lossB;
        r.operatorChanges = new IAccounting.OperatorChange[](2);
        r.operatorChanges[0] = IAccounting.OperatorChange(opA, 0, 0, lossA);
        r.operatorChanges[1] = IAccounting.OperatorChange(opB, 0, 0, lossB);
        _vote(r, MEMBERS);
        accounting.submitReportData(r);
        assertGe(_rate(), rateBefore, "not lower: both bonds valued at the pre-report rate");
        assertApproxEq(_rate(), rateBefore, 1e9, "unchanged");
    }

    function test_lossAndRewardsInOneReport() public {
        // Operator A loses 0.5 ETH, everyone else earns 0.04 ETH: holders see the 0.04 ETH minus fees.
        IAccounting.Report memory r = _baseReport();
        r.clBalance = r.clBalance - 0.5 ether + 0.04 ether;
        r.operatorChanges = _changes1(opA, 0, 0.5 ether);
        uint256 aliceBefore = token.convertToAssets(token.balanceOf(alice));
        _report(r);
        // Net delta is negative (-0.46): no fees; the bond burn returns 0.5 ETH to holders.
        assertEq(token.balanceOf(address(distributor)), 0, "no fee on a net loss");
        assertGt(token.convertToAssets(token.balanceOf(alice)), aliceBefore, "holders still gain the others' rewards");
    }

    function test_debtSettledFromLaterBond() public {
        _slashA(12 ether);
        uint256 debt = registry.getOperator(opA).debt;
        address manager = registry.getOperator(opA).manager;
        vm.deal(manager, 10 ether);
        vm.prank(manager);
        registry.depositBond{value: 10 ether}(opA);
        uint256 rateBefore = _rate();
        registry.settleDebt(opA);
        assertEq(registry.getOperator(opA).debt, 0, "debt repaid");
        assertEq(_rate(), rateBefore, "the rate does not move outside a report");
        assertGt(token.pendingBurnShares(), 0, "the repayment waits for the next report");
        // Up to a wei below: the shares set aside are rounded up, the value left rounded down.
        assertGe(registry.bondValue(opA) + 1, 10 ether - debt, "paid from the new bond");
        assertLt(registry.bondValue(opA), 10 ether, "the bond is smaller");
        // The next report burns the shares set aside (within its rate limit).
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.exitedValidators = accounting.lastExitedValidators();
        _vote(r, MEMBERS);
        accounting.submitReportData(r);
        assertGt(_rate(), rateBefore, "repayment raises the rate for holders, in the report");
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNothingToSettle.selector, opA));
        registry.settleDebt(opA);
    }

    function test_requestBeforeLossFinalizedAtLowerRate() public {
        WithdrawalFinalizerMock queue = new WithdrawalFinalizerMock();
        queue.setLastRequestId(1);
        _useQueue(address(queue));
        uint256 rateAtRequest = _rate();
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 12 ether;
        r.operatorChanges = _changes1(opA, 0, 12 ether);
        r.lastRequestIdToFinalize = 1;
        _vote(r, MEMBERS);
        accounting.submitReportData(r);
        assertLt(queue.lastShareRate(), rateAtRequest, "finalization rate below the rate at request");
        assertEq(queue.lastShareRate(), _rate(), "the post-loss rate");
    }

    function test_onlyAccountingChargesBonds() public {
        vm.expectRevert();
        registry.chargeLoss(opA, 1 ether);
        vm.expectRevert();
        registry.applyReport(opA, 1, 1, 0, 1 ether, 1 ether);
    }

    function test_revert_exitedCountGoesBack() public {
        IAccounting.Report memory r = _baseReport();
        r.operatorChanges = _changes1(opA, 3, 0);
        _vote(r, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidExitedCount.selector, opA, 3, 0, 2)
        );
        accounting.submitReportData(r);
    }
}
