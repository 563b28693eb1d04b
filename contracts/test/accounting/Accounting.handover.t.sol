// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {Accounting} from "../../src/accounting/Accounting.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice The replacement of the accounting module as governance really runs it: the successor
/// is built days before it goes live, and the old module applies reports in between.
contract AccountingHandoverTest is AccountingFixture {
    uint256 internal op;

    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 100 ether);
        op = _operatorWithValidators("operator A", 1, 2);
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether;
        _report(r);
    }

    /// @dev A reward report and an exit report by the old module, after the successor was built.
    function _gapReports() internal {
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance = accounting.lastClBalance() + 0.01 ether;
        _report(r);

        _nextFrame();
        r = _baseReport();
        vm.deal(address(withdrawalVault), 32 ether);
        r.clBalance = accounting.lastClBalance() - 32 ether;
        r.withdrawalVaultAmount = 32 ether;
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(op, 1, 0);
        _report(r);
    }

    function test_successorTakesTheStateAtTheHandoverNotAtConstruction() public {
        Accounting old = accounting;
        Accounting next = _successor(address(withdrawalQueue));
        _gapReports();
        uint256 treasuryShares = old.treasuryFeeShares();
        _install(next);

        assertEq(next.lastProcessedRefSlot(), old.lastProcessedRefSlot(), "reference slot at the handover");
        assertEq(next.lastClBalance(), old.lastClBalance(), "balance at the handover");
        assertEq(next.lastClValidators(), old.lastClValidators(), "validators at the handover");
        assertEq(next.lastExitedValidators(), 1, "exits at the handover");
        assertEq(next.treasuryFeeShares(), treasuryShares, "treasury fee so far");

        // The successor's first report: 0.01 ETH of rewards and nothing else.
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance = next.lastClBalance() + 0.005 ether;
        uint256 assets = token.totalAssets();
        _report(r);
        assertEq(token.totalAssets(), assets + 0.005 ether, "only the frame's rewards are counted");
        assertEq(token.beaconAssets(), r.clBalance, "no ETH counted twice as in transit");
        assertGt(next.treasuryFeeShares(), treasuryShares, "the fee counter goes on from the old module's");

        // And the next ones go on.
        _nextFrame();
        r = _baseReport();
        r.clBalance = next.lastClBalance() + 0.005 ether;
        assets = token.totalAssets();
        _report(r);
        assertEq(token.totalAssets(), assets + 0.005 ether, "second report of the successor");
    }

    function test_oldModuleCannotReportAfterTheHandover() public {
        Accounting old = accounting;
        Accounting next = _successor(address(withdrawalQueue));
        _install(next);
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance = next.lastClBalance() + 0.005 ether;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, address(old)));
        old.submitReportData(r);
        next.submitReportData(r);
        assertEq(next.lastProcessedRefSlot(), r.refSlot, "the successor applies the frame");
    }

    function test_revert_successorReportsOnlyOnceActivated() public {
        Accounting next = _successor(address(withdrawalQueue));
        // Installed without activation (a batch that forgot it): it refuses to report on no state.
        vm.startPrank(governance);
        token.setModules(
            ITrETH.Modules({depositor: address(depositSecurity), accounting: address(next), withdrawalQueue: address(withdrawalQueue)})
        );
        registry.grantRole(registry.ACCOUNTING_ROLE(), address(next));
        withdrawalVault.grantRole(withdrawalVault.ACCOUNTING_ROLE(), address(next));
        vm.stopPrank();
        _nextFrame();
        accounting = next;
        IAccounting.Report memory r = _baseReport();
        _vote(r, 2);
        vm.expectRevert(IAccounting.AccountingNotActive.selector);
        next.submitReportData(r);
    }

    function test_revert_activateOnlyByGovernanceOnceInstalledAndOnce() public {
        Accounting next = _successor(address(withdrawalQueue));
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingCannotActivate.selector, address(accounting), true));
        next.activate();
        vm.expectRevert();
        next.activate();
        _install(next);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingCannotActivate.selector, address(next), false));
        next.activate();
    }

    function test_distributorFollowsTheCurrentModule() public {
        Accounting next = _successor(address(withdrawalQueue));
        _install(next);
        assertEq(address(distributor.accounting()), address(next), "the distributor reads the successor");
        // A report of the successor mints commission and sets a root; the operator claims it.
        address rewardA = registry.getOperator(op).rewardAddress;
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance = next.lastClBalance() + 0.005 ether;
        r.operatorCommission = 0.0002 ether;
        uint256 cumulative = 1e12;
        r.rewardsRoot = keccak256(bytes.concat(keccak256(abi.encode(op, rewardA, cumulative))));
        _report(r);
        distributor.claim(op, rewardA, cumulative, new bytes32[](0));
        assertEq(token.balanceOf(rewardA), cumulative, "commission claimed against the successor's root");
        uint256 treasuryBefore = token.balanceOf(treasury);
        distributor.claimTreasuryFee();
        assertEq(token.balanceOf(treasury) - treasuryBefore, next.treasuryFeeShares(), "treasury fee of both modules paid");
    }

    function test_revert_oldModuleCannotForceExitsAfterTheHandover() public {
        Accounting old = accounting;
        _install(_successor(address(withdrawalQueue)));
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingNotCurrentModule.selector, address(accounting)));
        old.forceExit(new bytes(60), 0, new bytes(96));
    }
}
