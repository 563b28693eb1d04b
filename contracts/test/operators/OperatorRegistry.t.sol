// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract OperatorRegistryTest is ProtocolFixture {
    address internal op;
    address internal stranger;

    function setUp() public override {
        super.setUp();
        op = makeAddr("operator");
        stranger = makeAddr("stranger");
        vm.deal(op, 1_000 ether);
    }

    function _register() internal returns (uint256 id) {
        vm.prank(op);
        id = registry.registerOperator(op, 5_00);
    }

    function test_registerAndAddKeysWithBond() public {
        uint256 id = _register();
        (bytes memory pubkeys, bytes memory sigs) = _keys(1, 3);
        vm.prank(op);
        registry.addKeys{value: 12 ether}(id, pubkeys, sigs);
        IOperatorRegistry.Operator memory o = registry.getOperator(id);
        assertEq(o.totalKeys, 3, "three keys");
        assertEq(o.bondShares, token.balanceOf(address(registry)), "bond held as trETH by the registry");
        assertEq(registry.bondValue(id), 12 ether, "bond value at rate 1");
        assertEq(registry.requiredBond(id), 12 ether, "4 ETH per key");
        assertEq(
            registry.withdrawalCredentials(),
            bytes32(uint256(0x01) << 248 | uint256(uint160(address(withdrawalVault)))),
            "0x01 credentials to the withdrawal vault"
        );
        assertEq(registry.keyCommitment(id, 1), keccak256(_slice(pubkeys, sigs, 1)), "key commitment");
    }

    function _slice(bytes memory pubkeys, bytes memory sigs, uint256 i) internal pure returns (bytes memory out) {
        out = new bytes(144);
        for (uint256 j; j < 48; ++j) {
            out[j] = pubkeys[i * 48 + j];
        }
        for (uint256 j; j < 96; ++j) {
            out[48 + j] = sigs[i * 96 + j];
        }
    }

    function test_insufficientBondReverts() public {
        uint256 id = _register();
        (bytes memory pubkeys, bytes memory sigs) = _keys(1, 2);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInsufficientBond.selector, id, 7 ether, 8 ether));
        registry.addKeys{value: 7 ether}(id, pubkeys, sigs);
    }

    function test_malformedKeysRevert() public {
        uint256 id = _register();
        (bytes memory pubkeys, bytes memory sigs) = _keys(1, 2);
        vm.startPrank(op);
        vm.expectRevert(IOperatorRegistry.OperatorRegistryNoKeys.selector);
        registry.addKeys{value: 8 ether}(id, "", "");
        bytes memory shortKey = new bytes(47);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidPubkeysLength.selector, 47));
        registry.addKeys{value: 8 ether}(id, shortKey, new bytes(96));
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidSignaturesLength.selector, 95, 96));
        registry.addKeys{value: 8 ether}(id, new bytes(48), new bytes(95));
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInvalidSignaturesLength.selector, 96, 192));
        registry.addKeys{value: 8 ether}(id, pubkeys, new bytes(96));
        registry.addKeys{value: 8 ether}(id, pubkeys, sigs);
        // The same pubkey again, even from another operator, is rejected.
        bytes memory first = new bytes(48);
        for (uint256 i; i < 48; ++i) {
            first[i] = pubkeys[i];
        }
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryDuplicatePubkey.selector, first));
        registry.addKeys{value: 4 ether}(id, first, new bytes(96));
        vm.stopPrank();
    }

    function test_onlyManagerManagesOperator() public {
        uint256 id = _register();
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotManager.selector, id, stranger));
        registry.addKeys(id, new bytes(48), new bytes(96));
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotManager.selector, id, stranger));
        registry.removeKeys(id, 1);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotManager.selector, id, stranger));
        registry.withdrawBond(id, 1, stranger);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotManager.selector, id, stranger));
        registry.setCommission(id, 1);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotManager.selector, id, stranger));
        registry.setRewardAddress(id, stranger);
        vm.stopPrank();
    }

    function test_privilegedFunctionsRejectOthers() public {
        uint256 id = _register();
        bytes32 admin = registry.DEFAULT_ADMIN_ROLE();
        bytes32 depositor = registry.DEPOSITOR_ROLE();
        vm.startPrank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        registry.addCuratedOperator(stranger, stranger, 0);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        registry.setBondPerValidator(0);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        registry.setMaxCommission(0);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        registry.setCommissionIncreaseDelay(0);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, depositor));
        registry.setVettedKeys(id, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, depositor));
        registry.useKeys(id, 1, "", "");
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        registry.upgradeToAndCall(address(1), "");
        vm.stopPrank();
    }

    function test_commissionIncreaseWaitsDecreaseIsImmediate() public {
        uint256 id = _register();
        vm.prank(op);
        registry.setCommission(id, 8_00);
        assertEq(registry.commissionOf(id), 5_00, "increase not yet in force");
        vm.warp(block.timestamp + 7 days - 1);
        assertEq(registry.commissionOf(id), 5_00, "still waiting");
        vm.warp(block.timestamp + 1);
        assertEq(registry.commissionOf(id), 8_00, "in force after the delay");
        vm.prank(op);
        registry.setCommission(id, 2_00);
        assertEq(registry.commissionOf(id), 2_00, "decrease at once");
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryCommissionTooHigh.selector, 10_01, 10_00));
        registry.setCommission(id, 10_01);
    }

    function test_removeUnusedKeysOnlyAndResetVetting() public {
        (uint256 id, bytes memory pubkeys, bytes memory sigs) = _operatorWithKeys(op, 7, 3);
        assertEq(registry.getOperator(id).vettedKeys, 3, "vetted");
        // Deposit one key so that it can no longer be removed.
        vm.deal(address(this), 32 ether);
        token.stake{value: 32 ether}(address(this));
        _depositFirst(id, pubkeys, sigs);
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryKeysInUse.selector, id, 3, 2));
        registry.removeKeys(id, 3);
        vm.prank(op);
        registry.removeKeys(id, 1);
        IOperatorRegistry.Operator memory o = registry.getOperator(id);
        assertEq(o.totalKeys, 2, "one removed");
        assertEq(o.vettedKeys, 2, "vetting clipped to the remaining keys");
    }

    function _depositFirst(uint256 id, bytes memory pubkeys, bytes memory sigs) internal {
        bytes memory pk = new bytes(48);
        bytes memory sg = new bytes(96);
        for (uint256 i; i < 48; ++i) {
            pk[i] = pubkeys[i];
        }
        for (uint256 i; i < 96; ++i) {
            sg[i] = sigs[i];
        }
        IDepositSecurity.DepositBatch memory batch = _batch(id, 1, pk, sg);
        depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM));
    }

    function test_bondWithdrawalLimitedToExcess() public {
        uint256 id = _register();
        (bytes memory pubkeys, bytes memory sigs) = _keys(3, 1);
        vm.prank(op);
        registry.addKeys{value: 6 ether}(id, pubkeys, sigs);
        uint256 shares = registry.getOperator(id).bondShares;
        vm.prank(op);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInsufficientBond.selector, id, 3 ether, 4 ether));
        registry.withdrawBond(id, 3 ether, op);
        vm.prank(op);
        registry.withdrawBond(id, 2 ether, op);
        assertEq(token.balanceOf(op), 2 ether, "excess returned as trETH");
        assertEq(registry.getOperator(id).bondShares, shares - 2 ether, "bond reduced");
        vm.prank(op);
        vm.expectRevert(IOperatorRegistry.OperatorRegistryZeroAmount.selector);
        registry.withdrawBond(id, 0, op);
    }

    function test_bondInTrETHShares() public {
        uint256 id = _register();
        vm.startPrank(op);
        token.stake{value: 4 ether}(op);
        token.approve(address(registry), 4 ether);
        registry.depositBondShares(id, 4 ether);
        (bytes memory pubkeys, bytes memory sigs) = _keys(4, 1);
        registry.addKeys(id, pubkeys, sigs);
        vm.stopPrank();
        assertEq(registry.getOperator(id).totalKeys, 1, "key backed by a trETH bond");
    }

    function test_curatedOperatorNeedsNoBond() public {
        vm.prank(governance);
        uint256 id = registry.addCuratedOperator(op, op, 3_00);
        (bytes memory pubkeys, bytes memory sigs) = _keys(5, 2);
        vm.prank(op);
        registry.addKeys(id, pubkeys, sigs);
        assertEq(registry.requiredBond(id), 0, "no bond");
        assertTrue(registry.getOperator(id).curated, "curated");
    }

    function test_unknownOperatorReverts() public {
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryUnknownOperator.selector, 9));
        registry.getOperator(9);
    }
}
