// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IERC7540Operator, IERC7540Redeem, IERC7575} from "../../src/interfaces/IERC7540.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

contract WithdrawalQueueRequestTest is WithdrawalsBase {
    function testFuzz_requestEscrowsSharesAndMintsTicket(uint256 stakeAmount, uint256 fraction) public {
        stakeAmount = bound(stakeAmount, 1 gwei, 100_000 ether);
        uint256 shares = _stake(alice, stakeAmount);
        uint256 requested = bound(fraction, 1, shares);
        uint256 supply = token.totalSupply();

        vm.expectEmit(address(token));
        emit IERC7540Redeem.RedeemRequest(alice, alice, 1, alice, requested);
        uint256 id = _request(alice, requested);

        assertEq(id, 1, "first id");
        assertEq(token.balanceOf(alice), shares - requested, "owner debited");
        assertEq(token.totalSupply(), supply, "escrowed shares still count in the supply");
        assertEq(token.escrowedShares(), requested, "escrow");
        assertEq(token.balanceOf(address(withdrawalQueue)), requested, "queue balance shows the escrow");
        assertEq(withdrawalQueue.ownerOf(id), alice, "ticket holder");
        assertEq(withdrawalQueue.balanceOf(alice), 1, "ticket count");
        assertEq(withdrawalQueue.unfinalizedShares(), requested, "unfinalized shares");
        assertEq(withdrawalQueue.lastRequestId(), 1, "last request id");
        assertEq(token.pendingRedeemRequest(id, alice), requested, "pending");
        assertEq(token.claimableRedeemRequest(id, alice), 0, "not claimable");
        assertEq(token.pendingRedeemRequest(id, bob), 0, "pending only for the controller");
    }

    function test_requestForAnotherControllerByOperatorAndAllowance() public {
        _stake(alice, 10 ether);
        // An ERC-7540 operator of the owner may request with the owner's shares, without allowance.
        vm.prank(alice);
        token.setOperator(carol, true);
        assertTrue(token.isOperator(alice, carol), "operator set");
        vm.prank(carol);
        uint256 first = token.requestRedeem(1 ether, bob, alice);
        assertEq(withdrawalQueue.ownerOf(first), bob, "controller holds the ticket");
        assertEq(withdrawalQueue.balanceOf(bob), 1, "controller's ticket count");
        assertEq(withdrawalQueue.balanceOf(alice), 0, "owner holds no ticket");

        // Anyone else needs an ERC-20 allowance, which the request spends.
        vm.prank(alice);
        token.approve(bob, 2 ether);
        vm.prank(bob);
        uint256 second = token.requestRedeem(2 ether, bob, alice);
        assertEq(token.allowance(alice, bob), 0, "allowance spent");
        assertEq(second, first + 1, "ids are sequential");
        assertEq(token.balanceOf(alice), 7 ether, "owner debited twice");

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, 1));
        token.requestRedeem(1, bob, alice);
    }

    function test_requestZeroSharesReverts() public {
        _stake(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAmount.selector);
        token.requestRedeem(0, alice, alice);
    }

    function test_requestToZeroControllerReverts() public {
        _stake(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAddress.selector);
        token.requestRedeem(1, address(0), alice);
    }

    function testFuzz_requestMoreThanBalanceReverts(uint256 extra) public {
        uint256 shares = _stake(alice, 1 ether);
        extra = bound(extra, 1, 1e30);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, shares, shares + extra)
        );
        token.requestRedeem(shares + extra, alice, alice);
    }

    function test_pausedRequestsRevertAndOnlyGovernanceResumes() public {
        _stake(alice, 1 ether);
        vm.prank(committee);
        withdrawalQueue.pauseWithdrawals();
        assertTrue(withdrawalQueue.isPaused(), "paused");

        vm.prank(alice);
        vm.expectRevert(IWithdrawalQueue.WithdrawalQueuePaused.selector);
        token.requestRedeem(1, alice, alice);

        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, committee));
        withdrawalQueue.resumeWithdrawals();

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        withdrawalQueue.pauseWithdrawals();

        vm.prank(governance);
        withdrawalQueue.resumeWithdrawals();
        assertFalse(withdrawalQueue.isPaused(), "resumed");
        uint256 id = _request(alice, 1);
        assertEq(id, 1, "requests work again");
    }

    function test_tokenHooksRejectOthers() public {
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnauthorized.selector, alice));
        vm.prank(alice);
        withdrawalQueue.enqueue(alice, 1);

        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        vm.prank(alice);
        token.fundWithdrawals(0, 0);

        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        vm.prank(alice);
        token.moveTicket(alice, bob);
    }

    function test_fundWithdrawalsCannotBurnMoreThanExists() public {
        _stake(alice, 1 ether);
        _request(alice, 1 ether);
        uint256 supply = token.totalSupply();
        vm.prank(address(withdrawalQueue));
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHBurnExceedsSupply.selector, supply + 1, supply));
        token.fundWithdrawals(supply + 1, 0);
    }

    function test_escrowIsTheQueuesUnfinalizedShares() public {
        _stake(alice, 1 ether);
        uint256 before = token.balanceOf(address(withdrawalQueue));
        _request(alice, 0.25 ether);
        _request(alice, 0.5 ether);
        assertEq(token.escrowedShares(), withdrawalQueue.unfinalizedShares(), "escrow read from the queue");
        assertEq(token.escrowedShares(), 0.75 ether, "both requests escrowed");
        assertEq(token.balanceOf(address(withdrawalQueue)), before + 0.75 ether, "in the queue's balance");
    }

    function test_queueCannotBeRepointedWhileSharesAreEscrowed() public {
        _stake(alice, 1 ether);
        _request(alice, 1 ether);
        ITrETH.Modules memory m = token.modules();
        m.withdrawalQueue = bob;
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHQueueNotDrained.selector, 1 ether));
        token.setModules(m);
    }

    function test_withoutAQueueBalancesAndEscrowStillRead() public {
        ITrETH.Modules memory m = token.modules();
        address queue = m.withdrawalQueue;
        m.withdrawalQueue = address(0);
        vm.prank(governance);
        token.setModules(m);
        assertEq(token.balanceOf(address(0)), 0, "no queue: the zero address holds nothing");
        assertEq(token.escrowedShares(), 0, "no queue: nothing escrowed");
        m.withdrawalQueue = queue;
        vm.prank(governance);
        token.setModules(m);
        assertEq(token.modules().withdrawalQueue, queue, "a queue can be wired again");
    }

    function test_previewsRevertAsErc7540Requires() public {
        vm.expectRevert(ITrETH.TrETHAsyncRedemption.selector);
        token.previewRedeem(1 ether);
        vm.expectRevert(ITrETH.TrETHAsyncRedemption.selector);
        token.previewWithdraw(1 ether);
    }

    function test_supportsInterfaceIds() public view {
        // Identifiers published by ERC-7540 and ERC-7575.
        assertTrue(token.supportsInterface(0x620ee8e4), "ERC-7540 asynchronous redemption");
        assertTrue(token.supportsInterface(0xe3bc4e65), "ERC-7540 operators");
        assertTrue(token.supportsInterface(0x2f0a18c5), "ERC-7575 share");
        assertTrue(token.supportsInterface(type(IERC165).interfaceId), "ERC-165");
        assertFalse(token.supportsInterface(0xffffffff), "not the invalid id");
        assertEq(bytes32(type(IERC7540Redeem).interfaceId), bytes32(bytes4(0x620ee8e4)), "redeem id");
        assertEq(bytes32(type(IERC7540Operator).interfaceId), bytes32(bytes4(0xe3bc4e65)), "operator id");
        assertEq(bytes32(type(IERC7575).interfaceId), bytes32(bytes4(0x2f0a18c5)), "share id");
        assertEq(token.share(), address(token), "the vault is its own share");
        assertTrue(withdrawalQueue.supportsInterface(type(IERC721).interfaceId), "queue is ERC-721");
    }

    function test_ticketCountOverflowsIntoSecondCounter() public {
        _stake(alice, 1 ether);
        for (uint256 i; i < 300; ++i) {
            _request(alice, 1 gwei);
        }
        assertEq(withdrawalQueue.balanceOf(alice), 300, "count beyond 255");
        for (uint256 i = 1; i <= 260; ++i) {
            vm.prank(alice);
            withdrawalQueue.transferFrom(alice, bob, i);
        }
        assertEq(withdrawalQueue.balanceOf(alice), 40, "sender's count");
        assertEq(withdrawalQueue.balanceOf(bob), 260, "receiver's count");
        assertEq(token.balanceOf(alice), 1 ether - 300 gwei, "shares untouched by ticket moves");
    }
}
