// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";

/// @notice The bond check of `addKeys` and `withdrawBond` at rates above 1, and `bondTopUp`.
contract OperatorRegistryBondTest is ProtocolFixture {
    address internal op;
    uint256 internal bondPerKey;

    function setUp() public override {
        super.setUp();
        op = makeAddr("operator");
        vm.deal(op, 10_000 ether);
        bondPerKey = registry.bondPerValidator();
        // Holders other than the seed, so that the rate is not set by 0.001 ETH alone.
        address holder = makeAddr("holder");
        vm.deal(holder, 100 ether);
        vm.prank(holder);
        token.stake{value: 100 ether}(holder);
    }

    /// @dev Raises the rate: ETH in the buffer that no share was minted for.
    function _donate(uint256 amount) internal {
        vm.deal(address(token), address(token).balance + amount);
    }

    /// @dev Sets the rate between ~0.5 (a loss) and ~100 by setting the buffer, which holds
    /// everything staked (~100 ETH).
    function _setRate(uint256 buffer) internal {
        vm.deal(address(token), bound(buffer, 50 ether, 10_000 ether));
    }

    function _register(uint256 bond) internal returns (uint256 id) {
        vm.prank(op);
        id = registry.registerOperator{value: bond}(op, 5_00);
    }

    function _addKeys(uint256 id, uint256 salt, uint256 count, uint256 value) internal {
        (bytes memory pubkeys, bytes memory sigs) = _keys(salt, count);
        vm.prank(op);
        registry.addKeys{value: value}(id, pubkeys, sigs);
    }

    function test_exactBondAcceptedAtRateAboveOne() public {
        _donate(50 ether);
        assertGt(token.convertToAssets(1e18), 1e18, "rate above 1");
        uint256 id = _register(0);
        _addKeys(id, 1, 1, bondPerKey);
        assertEq(registry.getOperator(id).totalKeys, 1, "one key on exactly bondPerValidator");
        assertLt(registry.bondValue(id), bondPerKey, "worth a little less after rounding");
        assertApproxEq(registry.bondValue(id), bondPerKey, 2, "by at most the rounding");
        (uint256 eth, uint256 shares) = registry.bondTopUp(id, 0);
        assertEq(eth, 0, "nothing more to send");
        assertEq(shares, 0, "no more shares needed");
    }

    /// @dev Keys added in several calls, each with exactly `bondPerValidator` per key, while
    /// rewards raise the rate in between: every call is accepted.
    function testFuzz_bondPerValidatorPerKeyAlwaysSuffices(uint256 buffer, uint256 rounds, uint256 seed) public {
        _setRate(buffer);
        rounds = bound(rounds, 1, 6);
        uint256 id = _register(0);
        uint256 keys;
        for (uint256 i; i < rounds; ++i) {
            uint256 count = 1 + uint256(keccak256(abi.encode(seed, i))) % 3;
            _addKeys(id, 100 + i, count, count * bondPerKey);
            keys += count;
            _donate(uint256(keccak256(abi.encode(seed, i, "rewards"))) % 10 ether);
        }
        assertEq(registry.getOperator(id).totalKeys, keys, "every key added");
        (uint256 eth, uint256 shares) = registry.bondTopUp(id, 0);
        assertEq(eth + shares, 0, "the keys are covered");
    }

    /// @dev `bondTopUp` for n more keys: its ETH, sent with `addKeys`, is enough and is not more
    /// than the shortfall in ETH (+1 wei of rounding); its shares are exact.
    function testFuzz_bondTopUpIsEnoughAndSharesExact(uint256 buffer, uint256 bond, uint256 newKeys) public {
        _setRate(buffer);
        bond = bound(bond, 0, 20 ether);
        // A stake too small for one share is refused by trETH.
        if (bond < 1 gwei) bond = 0;
        newKeys = bound(newKeys, 1, 5);
        uint256 id = _register(bond);
        // trETH for the top-up in shares below, staked first: a stake moves the rate a little.
        vm.prank(op);
        token.stake{value: 30 ether}(op);
        (uint256 eth, uint256 shares) = registry.bondTopUp(id, newKeys);
        uint256 required = newKeys * bondPerKey;
        uint256 value = registry.bondValue(id);
        uint256 shortfall = required > value ? required - value : 0;
        assertLe(eth, shortfall + 1, "asks no more than the shortfall");
        assertTrue((shares == 0) == (eth == 0), "both zero or neither");

        uint256 snapshot = vm.snapshotState();
        _addKeys(id, 1, newKeys, eth);
        assertEq(registry.getOperator(id).totalKeys, newKeys, "the ETH asked is enough");
        vm.revertToState(snapshot);

        if (shares != 0) {
            // The same top-up in trETH shares: one share less is refused, the figure is accepted.
            vm.startPrank(op);
            token.approve(address(registry), shares);
            registry.depositBondShares(id, shares - 1);
            (bytes memory pubkeys, bytes memory sigs) = _keys(1, newKeys);
            uint256 shortValue = token.convertToAssets(registry.getOperator(id).bondShares);
            vm.expectRevert(
                abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInsufficientBond.selector, id, shortValue, required)
            );
            registry.addKeys(id, pubkeys, sigs);
            registry.depositBondShares(id, 1);
            registry.addKeys(id, pubkeys, sigs);
            vm.stopPrank();
            assertEq(registry.getOperator(id).totalKeys, newKeys, "the shares asked are enough");
        }
    }

    function test_bondTopUpCountsDebtAndSkipsCurated() public {
        uint256 id = _register(0);
        (uint256 eth, uint256 shares) = registry.bondTopUp(id, 2);
        assertEq(token.convertToAssets(1e18), 1e18, "rate 1");
        assertEq(eth, 2 * bondPerKey - 2, "two keys' bond, less a share of rounding per key");
        assertEq(shares, 2 * bondPerKey - 2, "the same in shares at rate 1");
        address accounting = makeAddr("accounting");
        bytes32 role = registry.ACCOUNTING_ROLE();
        vm.prank(governance);
        registry.grantRole(role, accounting);
        vm.prank(accounting);
        registry.chargeLoss(id, 1 ether);
        (eth, shares) = registry.bondTopUp(id, 2);
        assertEq(eth, 2 * bondPerKey + 1 ether - 2, "the debt is added");
        vm.prank(governance);
        uint256 curated = registry.addCuratedOperator(op, op, 3_00);
        (eth, shares) = registry.bondTopUp(curated, 10);
        assertEq(eth + shares, 0, "a curated operator posts no bond");
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryUnknownOperator.selector, 9));
        registry.bondTopUp(9, 1);
    }

    /// @dev The rounding allowance is one share per key: a bond short by more is refused.
    function test_shortBondStillRefused() public {
        _donate(50 ether);
        uint256 id = _register(0);
        (uint256 eth,) = registry.bondTopUp(id, 1);
        (bytes memory pubkeys, bytes memory sigs) = _keys(1, 1);
        uint256 short = eth - token.convertToAssets(2) - 1;
        uint256 staked = token.previewDeposit(short);
        uint256 value = staked * (token.totalAssets() + short) / (token.totalSupply() + staked);
        vm.prank(op);
        vm.expectRevert(
            abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryInsufficientBond.selector, id, value, bondPerKey)
        );
        registry.addKeys{value: short}(id, pubkeys, sigs);
    }
}
