// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {Accounting} from "../../src/accounting/Accounting.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";

/// @notice Governance replaces the accounting module (it is not behind a proxy): the new module
/// imports the old one's report state, and reports go on where the old one stopped.
contract AccountingReplaceTest is AccountingFixture {
    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 100 ether);
        _operatorWithValidators("operator A", 1, 2);
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether;
        r.rewardsRoot = keccak256("root 1");
        _report(r);
    }

    function test_successorImportsTheReportState() public {
        IAccounting.Limits memory limits = accounting.limits();
        limits.treasuryFeeBps = 7_00;
        vm.prank(governance);
        accounting.setLimits(limits);

        Accounting old = accounting;
        Accounting next = _successor(address(withdrawalQueue));
        assertTrue(next.awaitingActivation(), "a successor waits for activation");
        assertEq(next.lastProcessedRefSlot(), 0, "nothing imported at construction");
        _install(next);
        accounting = old;
        assertFalse(next.awaitingActivation(), "active");
        assertEq(next.lastProcessedRefSlot(), accounting.lastProcessedRefSlot(), "reference slot");
        assertEq(next.lastClValidators(), accounting.lastClValidators(), "validators");
        assertEq(next.lastExitedValidators(), accounting.lastExitedValidators(), "exited");
        assertEq(next.lastClBalance(), accounting.lastClBalance(), "balance");
        assertEq(next.treasuryFeeShares(), accounting.treasuryFeeShares(), "treasury fee so far");
        assertEq(next.rewardsRoot(), accounting.rewardsRoot(), "rewards root");
        assertEq(bytes19(next.rewardsRoot()), bytes19(keccak256("root 1")), "the root's first 152 bits");
        assertEq(next.treasury(), accounting.treasury(), "treasury");
        assertEq(next.limits().treasuryFeeBps, 7_00, "limits");
        assertTrue(next.hasRole(next.DEFAULT_ADMIN_ROLE(), governance), "governance administers it");
    }

    function test_reportsGoOnThroughTheSuccessor() public {
        Accounting next = _successor(address(withdrawalQueue));
        _install(next);

        // The new module takes the next frame's report.
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether;
        uint256 assets = token.totalAssets();
        _report(r);
        assertEq(token.totalAssets(), assets + 0.01 ether, "rewards applied by the successor");
        assertEq(next.lastProcessedRefSlot(), r.refSlot, "successor advanced");
    }

    function test_revert_successorRejectsTheFrameAlreadyApplied() public {
        Accounting next = _successor(address(withdrawalQueue));
        _install(next);
        (uint256 refSlot,) = consensus.getCurrentFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether;
        r.rewardsRoot = keccak256("root 1");
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingAlreadyProcessed.selector, refSlot, refSlot));
        next.submitReportData(r);
    }
}
