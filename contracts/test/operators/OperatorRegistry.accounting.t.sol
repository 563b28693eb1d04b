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

    function test_onlyAccounting() public {
        vm.expectRevert();
        registry.applyReport(id, 1, 1, 0, 1 ether, 1 ether);
        vm.expectRevert();
        registry.chargeLoss(id, 1);
    }
}
