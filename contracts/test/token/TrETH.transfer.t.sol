// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @notice The ERC-20 transfer path (`transfer`, `transferFrom`): balances, the packed account
/// fields beside them (delegate, ticket count), votes, events and errors.
contract TrETHTransferTest is ProtocolFixture {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event DelegateVotesChanged(address indexed delegate, uint256 previousVotes, uint256 newVotes);

    address internal alice;
    address internal bob;
    address internal aliceDelegate;
    address internal bobDelegate;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        aliceDelegate = makeAddr("alice's delegate");
        bobDelegate = makeAddr("bob's delegate");
        vm.deal(alice, 100 ether);
        vm.deal(bob, 100 ether);
        vm.prank(alice);
        token.stake{value: 10 ether}(alice);
        vm.prank(bob);
        token.stake{value: 3 ether}(bob);
        // A withdrawal ticket each, so that the ticket count beside the balance is not zero.
        vm.prank(alice);
        token.requestRedeem(1 ether, alice, alice);
        vm.prank(bob);
        token.requestRedeem(1 ether, bob, bob);
    }

    /// @dev `mode` bit 0: alice delegates; bit 1: bob delegates; bit 2: bob to alice's delegate.
    function _delegate(uint256 mode) internal returns (address fromDelegate, address toDelegate) {
        if (mode & 1 != 0) {
            fromDelegate = aliceDelegate;
            vm.prank(alice);
            token.delegate(fromDelegate);
        }
        if (mode & 2 != 0) {
            toDelegate = mode & 4 != 0 ? aliceDelegate : bobDelegate;
            vm.prank(bob);
            token.delegate(toDelegate);
        }
    }

    function testFuzz_transferMovesSharesVotesAndEvents(uint256 amount, uint256 mode) public {
        amount = bound(amount, 0, token.balanceOf(alice));
        (address fromDelegate, address toDelegate) = _delegate(bound(mode, 0, 7));
        uint256 aliceBefore = token.balanceOf(alice);
        uint256 bobBefore = token.balanceOf(bob);
        uint256 supplyBefore = token.totalSupply();
        uint256 t = block.timestamp;
        // Nobody else delegated in the fixture.
        uint256 delegatedBefore =
            (fromDelegate != address(0) ? aliceBefore : 0) + (toDelegate != address(0) ? bobBefore : 0);
        vm.warp(t + 1);

        if (fromDelegate != address(0)) {
            uint256 votes = token.getVotes(fromDelegate);
            vm.expectEmit(address(token));
            emit DelegateVotesChanged(fromDelegate, votes, votes - amount);
        }
        if (toDelegate != address(0)) {
            uint256 votes = token.getVotes(toDelegate) - (toDelegate == fromDelegate ? amount : 0);
            vm.expectEmit(address(token));
            emit DelegateVotesChanged(toDelegate, votes, votes + amount);
        }
        vm.expectEmit(address(token));
        emit Transfer(alice, bob, amount);
        vm.prank(alice);
        assertTrue(token.transfer(bob, amount), "transfer returns true");

        assertEq(token.balanceOf(alice), aliceBefore - amount, "sender balance");
        assertEq(token.balanceOf(bob), bobBefore + amount, "receiver balance");
        assertEq(token.totalSupply(), supplyBefore, "supply unchanged");
        assertEq(token.delegates(alice), fromDelegate, "sender's delegate kept");
        assertEq(token.delegates(bob), toDelegate, "receiver's delegate kept");
        assertEq(token.ticketBalanceOf(address(withdrawalQueue), alice), 1, "sender's ticket count kept");
        assertEq(token.ticketBalanceOf(address(withdrawalQueue), bob), 1, "receiver's ticket count kept");
        if (fromDelegate != address(0) && fromDelegate == toDelegate) {
            assertEq(token.getVotes(fromDelegate), aliceBefore + bobBefore, "shared delegate keeps both");
        } else {
            if (fromDelegate != address(0)) assertEq(token.getVotes(fromDelegate), aliceBefore - amount, "sender's votes");
            if (toDelegate != address(0)) assertEq(token.getVotes(toDelegate), bobBefore + amount, "receiver's votes");
        }
        uint256 delegatedAfter = (fromDelegate != address(0) ? aliceBefore - amount : 0)
            + (toDelegate != address(0) ? bobBefore + amount : 0);
        vm.warp(t + 2);
        assertEq(token.getPastTotalSupply(t), delegatedBefore, "delegated supply before");
        assertEq(token.getPastTotalSupply(t + 1), delegatedAfter, "delegated supply after");
    }

    function testFuzz_selfTransferKeepsEverything(uint256 amount, bool delegated) public {
        amount = bound(amount, 0, token.balanceOf(alice));
        if (delegated) {
            vm.prank(alice);
            token.delegate(aliceDelegate);
        }
        uint256 balance = token.balanceOf(alice);
        if (delegated) {
            vm.expectEmit(address(token));
            emit DelegateVotesChanged(aliceDelegate, balance, balance - amount);
            vm.expectEmit(address(token));
            emit DelegateVotesChanged(aliceDelegate, balance - amount, balance);
        }
        vm.expectEmit(address(token));
        emit Transfer(alice, alice, amount);
        vm.prank(alice);
        token.transfer(alice, amount);
        assertEq(token.balanceOf(alice), balance, "balance kept");
        assertEq(token.getVotes(aliceDelegate), delegated ? balance : 0, "votes kept");
        assertEq(token.ticketBalanceOf(address(withdrawalQueue), alice), 1, "ticket count kept");
    }

    function testFuzz_transferFromSpendsAllowanceAndMoves(uint256 amount, uint256 allowance) public {
        amount = bound(amount, 0, token.balanceOf(alice));
        allowance = bound(allowance, amount, type(uint256).max);
        vm.prank(alice);
        token.approve(bob, allowance);
        vm.expectEmit(address(token));
        emit Transfer(alice, bobDelegate, amount);
        vm.prank(bob);
        assertTrue(token.transferFrom(alice, bobDelegate, amount), "transferFrom returns true");
        assertEq(token.balanceOf(bobDelegate), amount, "receiver balance");
        uint256 left = allowance == type(uint256).max ? allowance : allowance - amount;
        assertEq(token.allowance(alice, bob), left, "allowance spent (unless infinite)");
    }

    function test_transferToZeroAddressReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        token.transfer(address(0), 1);
        vm.prank(alice);
        token.approve(bob, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        token.transferFrom(alice, address(0), 1);
    }

    function test_transferFromMoreThanBalanceReverts() public {
        uint256 balance = token.balanceOf(alice);
        vm.prank(alice);
        token.approve(bob, type(uint256).max);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, balance, balance + 1)
        );
        token.transferFrom(alice, bob, balance + 1);
    }

    function test_transferWithDirtyAddressBitsReverts() public {
        bytes32 dirtyBob = bytes32(uint256(uint160(bob)) | (uint256(1) << 200));
        vm.prank(alice);
        (bool ok,) = address(token).call(abi.encodePacked(token.transfer.selector, dirtyBob, uint256(1)));
        assertFalse(ok, "an address with dirty upper bits is refused");
        assertEq(token.balanceOf(bob), 3 ether - 1 ether, "nothing moved");
    }
}
