// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice The ERC-4626 deposit-side limits and conversions: `maxDeposit` and `maxMint` are what
/// `deposit` and `mint` really accept, and no view reverts when the pool holds no assets.
contract TrETHERC4626Test is ProtocolFixture {
    uint256 internal constant MAX_UINT88 = type(uint88).max;

    address internal alice;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        vm.deal(alice, 100 ether);
        vm.prank(alice);
        token.stake{value: 100 ether}(alice);
    }

    function _removeCap() internal {
        vm.prank(governance);
        token.setDailyStakeCap(0);
    }

    /// @dev WETH for `amount` in `who`'s hands, approved to the token.
    function _weth(address who, uint256 amount) internal {
        vm.deal(who, amount);
        vm.startPrank(who);
        weth.deposit{value: amount}();
        weth.approve(address(token), type(uint256).max);
        vm.stopPrank();
    }

    /// @dev The deposit limit as the standard defines it, computed from the outside: the 88-bit
    /// room left for the pool's assets and (at the current rate) for its shares, and the stake limit.
    function _expectedMaxDeposit() internal view returns (uint256 max) {
        uint256 assets = token.totalAssets();
        uint256 shares = token.totalSupply();
        max = MAX_UINT88 - assets;
        // The largest x with floor(x * shares / assets) <= MAX_UINT88 - shares.
        uint256 byShares = ((MAX_UINT88 - shares + 1) * assets + shares - 1) / shares - 1;
        if (byShares < max) max = byShares;
        (uint256 available,) = token.stakeLimit();
        if (available < max) max = available;
    }

    function test_maxDepositWithoutCapIsWhatCanBeDeposited() public {
        _removeCap();
        uint256 max = token.maxDeposit(alice);
        assertLe(max, MAX_UINT88, "within the 88-bit supply");
        assertEq(max, _expectedMaxDeposit(), "the 88-bit room");
        address whale = makeAddr("whale");
        _weth(whale, max);
        vm.prank(whale);
        uint256 shares = token.deposit(max, whale);
        assertEq(token.balanceOf(whale), shares, "deposited");
        assertLe(token.totalAssets(), MAX_UINT88, "assets within 88 bits");
        assertEq(token.maxDeposit(alice), 0, "nothing more fits");
        assertEq(token.maxMint(alice), 0, "no share more fits");
    }

    /// @dev At any rate (a loss below 1, rewards above), with or without a cap: maxDeposit and
    /// maxMint can be deposited and minted, and maxDeposit is the tight bound.
    function testFuzz_maxDepositAndMaxMintAreAccepted(uint256 buffer, bool capped, uint256 elapsed) public {
        vm.deal(address(token), bound(buffer, 1 gwei, 1_000_000 ether));
        if (capped) vm.warp(block.timestamp + bound(elapsed, 0, 2 days));
        else _removeCap();
        uint256 max = token.maxDeposit(alice);
        assertEq(max, _expectedMaxDeposit(), "maxDeposit is the tight limit");
        uint256 maxShares = token.maxMint(alice);
        assertEq(maxShares, token.convertToShares(max), "maxMint is maxDeposit in shares");
        address whale = makeAddr("whale");
        _weth(whale, max + 1);

        uint256 snapshot = vm.snapshotState();
        if (token.previewDeposit(max) != 0) {
            vm.prank(whale);
            token.deposit(max, whale);
            if (!capped) assertLe(token.maxDeposit(alice), 1 gwei, "the 88-bit room is used up");
        }
        vm.revertToState(snapshot);
        if (maxShares != 0) {
            vm.prank(whale);
            uint256 paid = token.mint(maxShares, whale);
            assertLe(paid, max, "mint(maxMint) costs at most maxDeposit");
            assertEq(token.balanceOf(whale), maxShares, "minted");
        }
    }

    function test_pausedMaxesAreZero() public {
        vm.prank(committee);
        token.pauseStaking();
        assertEq(token.maxDeposit(alice), 0, "maxDeposit");
        assertEq(token.maxMint(alice), 0, "maxMint");
    }

    /// @dev A total loss with the buffer empty: no rate exists. The views answer (0: nothing can be
    /// minted), and neither deposit nor mint hands out shares.
    function test_viewsDoNotRevertWithoutAssets() public {
        vm.deal(address(token), 0);
        assertEq(token.totalAssets(), 0, "no assets");
        assertGt(token.totalSupply(), 0, "shares outstanding");
        assertEq(token.convertToShares(1 ether), 0, "convertToShares");
        assertEq(token.previewDeposit(1 ether), 0, "previewDeposit");
        assertEq(token.maxDeposit(alice), 0, "maxDeposit");
        assertEq(token.maxMint(alice), 0, "maxMint");
        assertEq(token.convertToAssets(1 ether), 0, "convertToAssets");
        assertEq(token.previewMint(1 ether), 0, "previewMint");

        _weth(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHZeroShares.selector, 1 ether));
        token.deposit(1 ether, alice);
        uint256 balance = token.balanceOf(alice);
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAmount.selector);
        token.mint(1 ether, alice);
        assertEq(token.balanceOf(alice), balance, "no free shares");
    }
}
