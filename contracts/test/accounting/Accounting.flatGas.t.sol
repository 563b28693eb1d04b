// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";

/// @notice Applying a report costs the same whatever the number of operators: nothing on chain
/// iterates over them (commissions are a Merkle root, losses a short list).
contract AccountingFlatGasTest is AccountingFixture {
    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 100 ether);
        _operatorWithValidators("operator A", 1, 2);
        _nextFrame();
        _report(_baseReport());
        _nextFrame();
    }

    function _typical() internal returns (IAccounting.Report memory r) {
        r = _baseReport();
        r.clBalance = r.clBalance + 0.01 ether - 0.01 ether; // rewards and a loss on operator 0
        vm.deal(address(withdrawalVault), 0.01 ether);
        r.elRewardsVaultAmount = 0.01 ether;
        r.operatorChanges = _changes1(0, 0, 0.01 ether);
        r.rewardsRoot = keccak256("root");
        r.operatorCommission = 0.0005 ether;
    }

    function _measure() internal returns (uint256 used) {
        IAccounting.Report memory r = _typical();
        _vote(r, 2);
        uint256 before = gasleft();
        accounting.submitReportData(r);
        used = before - gasleft();
    }

    function _register(uint256 count) internal {
        for (uint256 i; i < count; ++i) {
            address manager = address(uint160(0x10000 + i));
            vm.prank(manager);
            registry.registerOperator(manager, 5_00);
        }
    }

    function test_reportGasDoesNotGrowWithOperators() public {
        // One test runs in one transaction, so both runs first register operators: the registry
        // is then equally warm, and only the number of operators differs.
        uint256 snapshot = vm.snapshotState();
        _register(1);
        uint256 few = _measure();
        assertEq(registry.operatorCount(), 2, "2 operators");
        vm.revertToState(snapshot);
        _register(300);
        uint256 many = _measure();
        assertEq(registry.operatorCount(), 301, "301 operators");
        assertApproxEq(many, few, few / 100, "within 1% with 301 operators as with 2");
    }
}
