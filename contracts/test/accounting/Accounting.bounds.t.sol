// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {Accounting} from "../../src/accounting/Accounting.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";

/// @notice What a report may claim about operators' losses, exits and rewards.
contract AccountingBoundsTest is AccountingFixture {
    uint256 internal opA;
    uint256 internal opB;

    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 100 ether);
        opA = _operatorWithValidators("operator A", 1, 2);
        opB = _operatorWithValidators("operator B", 2, 2);
        _nextFrame();
        _report(_baseReport());
        _nextFrame();
    }

    /// @dev A quorum reports a loss for operator B with no fall of the pool: refused, since the
    /// loss added back would be growth far above the annual limit.
    function test_revert_lossWithoutAFall() public {
        IAccounting.Report memory r = _baseReport();
        r.operatorChanges = _changes1(opB, 0, 0, 3 ether);
        _vote(r, 2);
        uint256 limit = token.beaconAssets() * 10_00 / 10_000 * FRAME_SECONDS / 365 days;
        vm.expectRevert();
        accounting.submitReportData(r);
        assertGt(3 ether, limit, "the claimed loss is above any growth the frame allows");
        assertEq(registry.getOperator(opB).debt, 0, "no bond touched");
    }

    /// @dev Losses above the quorum's bound need every member, even when rewards elsewhere hide
    /// the fall.
    function test_revert_largeLossesNeedEveryMember() public {
        IAccounting.Report memory r = _baseReport();
        uint256 bound = token.beaconAssets() * 50 / 10_000;
        r.clBalance -= 1 ether;
        r.operatorChanges = _changes1(opB, 0, 0, 1 ether);
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingLossNeedsUnanimity.selector, 1 ether, bound, 2, 3));
        accounting.submitReportData(r);
        // With every member it goes through.
        vm.prank(members[2]);
        consensus.submitReport(r.refSlot, keccak256(abi.encode(r)), 1);
        accounting.submitReportData(r);
        assertGt(registry.getOperator(opB).bondShares, 0, "charged to the bond");
    }

    function test_revert_operatorLossAboveWhatItsValidatorsHold() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 65 ether;
        r.operatorChanges = _changes1(opB, 0, 0, 65 ether);
        _vote(r, MEMBERS);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryLossTooHigh.selector, opB, 65 ether, 64 ether));
        accounting.submitReportData(r);
    }

    /// @dev The commission cap is a share of the net rewards: a reported loss does not raise it.
    function test_revert_commissionAboveTheNetRewards() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether - 0.005 ether; // 0.01 rewards, 0.005 lost by operator B
        r.operatorChanges = _changes1(opB, 0, 0, 0.005 ether);
        r.operatorCommission = 0.0006 ether; // 10% of the gross 0.01 would allow 0.001
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingCommissionTooHigh.selector, 0.0006 ether, 0.0005 ether));
        accounting.submitReportData(r);
    }

    /// @dev A validator counted as exited keeps its bond until its ETH is back: a slashed one can
    /// still lose its correlation penalty for about 8,192 epochs.
    function test_bondReleasedOnlyOnceTheValidatorIsWithdrawn() public {
        address manager = registry.getOperator(opA).manager;
        IAccounting.Report memory r = _baseReport();
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(opA, 1, 0, 0);
        _report(r);
        assertEq(registry.requiredBond(opA), 2 * 4 ether, "exited, not withdrawn: the bond still backs it");
        uint256 bond = registry.getOperator(opA).bondShares;
        vm.prank(manager);
        vm.expectRevert();
        registry.withdrawBond(opA, bond / 4, manager);

        _nextFrame();
        r = _baseReport();
        vm.deal(address(withdrawalVault), 32 ether);
        r.clBalance -= 32 ether;
        r.withdrawalVaultAmount = 32 ether;
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(opA, 1, 1, 0);
        _report(r);
        assertEq(registry.requiredBond(opA), 4 ether, "withdrawn: its bond is free");
        vm.prank(manager);
        registry.withdrawBond(opA, bond / 4, manager);
    }

    function test_revert_withdrawnAboveExited() public {
        IAccounting.Report memory r = _baseReport();
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(opA, 1, 2, 0);
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidWithdrawnCount.selector, opA, 2, 0, 1));
        accounting.submitReportData(r);
    }

    /// @dev The growth limit can describe a small local chain (here 2,200%/year).
    function test_growthLimitWideEnoughForASmallChain() public {
        IAccounting.Limits memory l = accounting.limits();
        l.maxAnnualClGrowthBps = 220_000;
        vm.prank(governance);
        accounting.setLimits(l);
        assertEq(accounting.limits().maxAnnualClGrowthBps, 220_000, "stored");
        IAccounting.Report memory r = _baseReport();
        uint256 growth = token.beaconAssets() * 20 / 365; // 2,000%/year over a day
        r.clBalance += growth / 1 gwei * 1 gwei;
        uint256 assets = token.totalAssets();
        _report(r);
        assertEq(token.totalAssets(), assets + growth / 1 gwei * 1 gwei, "applied");
    }
}

/// @notice The first report's growth is measured from the deployment, not from genesis.
contract AccountingFirstReportTest is AccountingFixture {
    function test_firstReportGrowthMeasuredFromTheDeployment() public {
        // A module deployed now, long after genesis, with a fresh pool.
        Accounting fresh = new Accounting(
            IAccounting.Wiring({
                token: token,
                consensus: consensus,
                registry: registry,
                withdrawalVault: payable(address(withdrawalVault)),
                rewardsDistributor: address(distributor),
                admin: governance,
                treasury: treasury,
                withdrawalQueue: address(withdrawalQueue)
            }),
            IAccounting(address(0))
        );
        uint256 deploySlot = (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT;
        assertEq(fresh.lastProcessedRefSlot(), deploySlot, "starts at the deployment's slot");
        _install(fresh);
        _stake(makeAddr("alice"), 100 ether);
        _operatorWithValidators("operator A", 1, 2);
        uint256 refSlot = _nextFrame();
        // 50% "growth" in the first report would pass a limit measured from slot 0 (years).
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 32 ether;
        _vote(r, 2);
        uint256 limit = 64 ether * 10_00 / 10_000 * ((refSlot - deploySlot) * SECONDS_PER_SLOT) / 365 days;
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingClGrowthTooHigh.selector, 32 ether, limit));
        fresh.submitReportData(r);
    }
}
