// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice The registry's accounting hooks: exits, losses charged to bonds, debt and its settlement.
contract OperatorRegistryAccountingTest is ProtocolFixture {
    address internal accounting;
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        accounting = makeAddr("accounting");
        vm.startPrank(governance);
        registry.grantRole(registry.ACCOUNTING_ROLE(), accounting);
        vm.stopPrank();
        bytes memory pubkeys;
        bytes memory sigs;
        (id, pubkeys, sigs) = _operatorWithKeys(makeAddr("operator"), 7, 2);
        vm.deal(address(this), 64 ether);
        token.stake{value: 64 ether}(address(this));
        depositSecurity.deposit(_batch(id, 2, pubkeys, sigs), _quorumSigs(_batchDigest(_batch(id, 2, pubkeys, sigs)), GUARDIAN_QUORUM));
    }

    function test_exitsOnlyGrowAndStayWithinDeposits() public {
        vm.prank(accounting);
        registry.applyReport(id, 1, 1, 0, 1 ether, 1 ether);
        assertEq(registry.getOperator(id).exitedKeys, 1, "exited");
        assertEq(registry.totalExitedValidators(), 1, "total exited");
        assertEq(registry.activeValidators(id), 1, "active");
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidExitedCount.selector, id, 0, 1, 2));
        registry.applyReport(id, 0, 0, 0, 1 ether, 1 ether);
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidExitedCount.selector, id, 3, 1, 2));
        registry.applyReport(id, 3, 3, 0, 1 ether, 1 ether);
    }

    function testFuzz_lossBurnsBondFirstThenRecordsDebt(uint256 loss) public {
        loss = bound(loss, 1, 30 ether);
        uint256 bondShares = registry.getOperator(id).bondShares;
        uint256 bondValue = registry.bondValue(id);
        uint256 supply = token.totalSupply();
        vm.prank(accounting);
        uint256 covered = registry.chargeLoss(id, loss);
        IOperatorRegistry.Operator memory op = registry.getOperator(id);
        if (loss <= bondValue) {
            assertEq(covered, loss, "fully covered");
            assertEq(op.debt, 0, "no debt");
            assertEq(token.totalSupply(), supply, "a penalty outside a report burns nothing at once");
            assertEq(token.pendingBurnShares(), bondShares - op.bondShares, "the bond shares wait for the next report");
        } else {
            assertEq(op.bondShares, 0, "whole bond burned");
            assertEq(covered, bondValue, "covered the bond's value");
            assertEq(op.debt, loss - bondValue, "the rest is debt");
            assertEq(token.pendingBurnShares(), bondShares, "the whole bond waits for the next report");
            assertEq(token.totalSupply(), supply, "nothing burned at once");
        }
    }

    function test_debtBlocksBondWithdrawalUntilSettled() public {
        vm.prank(accounting);
        registry.chargeLoss(id, 20 ether);
        uint256 debt = registry.getOperator(id).debt;
        assertGt(debt, 0, "debt recorded");
        assertEq(registry.requiredBond(id), 2 * 4 ether + debt, "required bond includes the debt");
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNothingToSettle.selector, id));
        registry.settleDebt(id);
    }

    /// @dev A curated operator needs no bond for its keys, but its debt is still owed: a bond
    /// it posts pays the debt first (settleDebt) and cannot be withdrawn before.
    function test_curatedOperatorInDebtCannotWithdrawBond() public {
        address manager = makeAddr("curated operator");
        vm.prank(governance);
        uint256 curated = registry.addCuratedOperator(manager, manager, 3_00);
        vm.prank(accounting);
        registry.chargeLoss(curated, 2 ether);
        assertEq(registry.getOperator(curated).debt, 2 ether, "a penalty without bond is all debt");

        vm.deal(manager, 5 ether);
        vm.prank(manager);
        registry.depositBond{value: 5 ether}(curated);
        uint256 bond = registry.getOperator(curated).bondShares;
        vm.prank(manager);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryDebtOutstanding.selector, curated, 2 ether));
        registry.withdrawBond(curated, bond, manager);
        vm.prank(manager);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryDebtOutstanding.selector, curated, 2 ether));
        registry.withdrawBond(curated, 1, manager);

        registry.settleDebt(curated);
        assertEq(registry.getOperator(curated).debt, 0, "debt paid from the bond");
        uint256 left = registry.getOperator(curated).bondShares;
        assertApproxEq(bond - left, token.convertToShares(2 ether), 1, "2 ETH of shares set aside for the debt");
        vm.prank(manager);
        registry.withdrawBond(curated, left, manager);
        assertEq(token.balanceOf(manager), left, "the rest withdrawn once the debt is paid");
    }

    /// @dev The same for a bonded operator: bond above what its keys need stays while it owes.
    function test_bondedOperatorInDebtCannotWithdrawExcess() public {
        vm.prank(accounting);
        registry.chargeLoss(id, 20 ether);
        uint256 debt = registry.getOperator(id).debt;
        assertGt(debt, 0, "debt recorded");
        address manager = registry.getOperator(id).manager;
        vm.deal(manager, 100 ether);
        vm.prank(manager);
        registry.depositBond{value: 100 ether}(id);
        vm.prank(manager);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryDebtOutstanding.selector, id, debt));
        registry.withdrawBond(id, 1 ether, manager);
    }

    function test_onlyAccounting() public {
        vm.expectRevert();
        registry.applyReport(id, 1, 1, 0, 1 ether, 1 ether);
        vm.expectRevert();
        registry.chargeLoss(id, 1);
    }
}
