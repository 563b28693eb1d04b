// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";
import {TicketURI} from "../../src/withdrawals/TicketURI.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract WithdrawalQueueClaimTest is WithdrawalsBase {
    uint256 internal id;
    uint256 internal rate;

    function setUp() public override {
        super.setUp();
        _stake(alice, 100 ether);
        _report(10 ether);
        // As stored (what payouts use).
        rate = _stored(_rate());
        id = _request(alice, 4 ether);
    }

    function _finalizeAll() internal {
        _reportAndFinalize(0, withdrawalQueue.lastRequestId());
    }

    function test_claimInEth() public {
        _finalizeAll();
        uint256 expected = 4 ether * rate / RATE_PRECISION;
        assertEq(token.claimableRedeemRequest(id, alice), 4 ether, "claimable shares");
        assertEq(token.pendingRedeemRequest(id, alice), 0, "no longer pending");
        uint256 before = carol.balance;
        vm.expectEmit(address(withdrawalQueue));
        emit IWithdrawalQueue.WithdrawalClaimed(id, alice, carol, expected, false);
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, carol, false);
        assertEq(paid, expected, "paid");
        assertEq(carol.balance, before + expected, "receiver got ETH");
        assertEq(withdrawalQueue.ownerOf(id), alice, "the ticket stays as a receipt");
        assertEq(token.claimableRedeemRequest(id, alice), 0, "nothing left to claim");
        assertTrue(withdrawalQueue.getRequestStatus(id).claimed, "status claimed");
    }

    function test_claimInWeth() public {
        _finalizeAll();
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, bob, true);
        assertEq(weth.balanceOf(bob), paid, "WETH to the receiver");
        assertEq(paid, 4 ether * rate / RATE_PRECISION, "amount");
    }

    function test_transferredTicketIsClaimedByTheNewHolderOnly() public {
        vm.prank(alice);
        withdrawalQueue.transferFrom(alice, bob, id);
        assertEq(withdrawalQueue.ownerOf(id), bob, "bob holds it");
        assertEq(withdrawalQueue.balanceOf(alice), 0, "alice's count");
        assertEq(withdrawalQueue.balanceOf(bob), 1, "bob's count");
        assertEq(token.pendingRedeemRequest(id, bob), 4 ether, "bob controls the request");
        _finalizeAll();

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueNotHolder.selector, id, alice, bob));
        withdrawalQueue.claim(id, alice, false);

        uint256 before = bob.balance;
        vm.prank(bob);
        uint256 paid = withdrawalQueue.claim(id, bob, false);
        assertEq(bob.balance, before + paid, "bob paid");
    }

    function test_claimByApprovedAddressOrOperator() public {
        uint256 second = _request(alice, 1 ether);
        uint256 third = _request(alice, 1 ether);
        _finalizeAll();
        vm.prank(alice);
        withdrawalQueue.approve(carol, id);
        vm.prank(carol);
        withdrawalQueue.claim(id, carol, false);

        vm.prank(alice);
        token.setOperator(bob, true);
        vm.prank(bob);
        withdrawalQueue.claim(second, bob, false);

        vm.prank(alice);
        withdrawalQueue.setApprovalForAll(carol, true);
        vm.prank(carol);
        uint256 paid = withdrawalQueue.claim(third, carol, false);
        assertEq(paid, 1 ether * rate / RATE_PRECISION, "third paid to the approved operator's choice");
        assertTrue(withdrawalQueue.getRequestStatus(second).claimed, "second claimed");
    }

    function test_claimByNonHolderReverts() public {
        _finalizeAll();
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueNotHolder.selector, id, bob, alice));
        withdrawalQueue.claim(id, bob, false);
    }

    function test_claimTwiceReverts() public {
        _finalizeAll();
        vm.startPrank(alice);
        withdrawalQueue.claim(id, alice, false);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueAlreadyClaimed.selector, id));
        withdrawalQueue.claim(id, alice, false);
        vm.stopPrank();
    }

    function test_claimUnfinalizedReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueNotFinalized.selector, id, 0));
        withdrawalQueue.claim(id, alice, false);
    }

    function test_claimUnknownTicketReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueUnknownRequest.selector, 99));
        withdrawalQueue.claim(99, alice, false);
    }

    function test_claimWhilePausedReverts() public {
        _finalizeAll();
        vm.prank(committee);
        withdrawalQueue.pauseWithdrawals();
        vm.prank(alice);
        vm.expectRevert(IWithdrawalQueue.WithdrawalQueuePaused.selector);
        withdrawalQueue.claim(id, alice, false);
    }

    /// @dev The hint is a record index: only the record holding the request's batch is accepted.
    function test_claimWithWrongHintReverts() public {
        // Records: 0 (window of id), 1 (batch of id, window of later), 2 (batch of later).
        _finalizeAll();
        uint256 later = _request(alice, 1 ether);
        _finalizeAll();
        assertEq(withdrawalQueue.recordCount(), 3, "three records");
        vm.startPrank(alice);
        // Not after the request's window.
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, later, 0));
        withdrawalQueue.claimWithHint(later, alice, false, 0);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, later, 1));
        withdrawalQueue.claimWithHint(later, alice, false, 1);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, id, 0));
        withdrawalQueue.claimWithHint(id, alice, false, 0);
        // A later batch than the one that finalized the request.
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, id, 2));
        withdrawalQueue.claimWithHint(id, alice, false, 2);
        // No such record.
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, id, 7));
        withdrawalQueue.claimWithHint(id, alice, false, 7);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueInvalidHint.selector, id, type(uint256).max - 1)
        );
        withdrawalQueue.claimWithHint(id, alice, false, type(uint256).max - 1);
        assertEq(withdrawalQueue.findBatch(later), 2, "found record");
        uint256 paid = withdrawalQueue.claimWithHint(later, alice, false, 2);
        assertEq(withdrawalQueue.claimWithHint(id, alice, false, 1), 4 ether * rate / RATE_PRECISION, "id with its hint");
        vm.stopPrank();
        assertEq(paid, 1 ether * _stored(_rate()) / RATE_PRECISION, "paid with the hint");
    }

    /// @dev A window finalized several reports after it closed: a claim without hint searches the
    /// records for its batch, and the hint reaches it directly.
    function test_claimWithoutHintFindsTheBatchSeveralRecordsLater() public {
        uint256 window = withdrawalQueue.recordCount() - 1;
        for (uint256 i; i < 5; ++i) {
            _request(alice, 0.1 ether);
            _report(0.1 ether);
        }
        // Each report saw a request and opened a record; the last one, empty, takes the batch.
        _finalizeAll();
        assertEq(withdrawalQueue.recordCount(), window + 6, "one record per report");
        uint256 record = withdrawalQueue.findBatch(id);
        assertEq(record, window + 5, "the batch is five records after the window");
        for (uint256 i = window + 1; i < record; ++i) {
            assertEq(withdrawalQueue.getRecord(i).batchRate, 0, "the records between hold no batch");
            assertEq(withdrawalQueue.getRecord(i).finalizedUpTo, 0, "and carry the finalized id");
        }
        assertEq(withdrawalQueue.getRequestStatus(id).finalizedAt, block.timestamp, "finalized now");
        uint256 snapshot = vm.snapshotState();
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, 4 ether * rate / RATE_PRECISION, "at the window's rate");
        vm.revertToState(snapshot);
        vm.prank(alice);
        assertEq(withdrawalQueue.claimWithHint(id, alice, false, record), paid, "same with the hint");
    }

    /// @dev A ticket claimed long after its request (more reports than the 7-bit window tag spans).
    function test_claimAfterManyReports() public {
        for (uint256 i; i < 300; ++i) {
            _request(alice, 0.01 ether);
            _report(0.01 ether);
        }
        assertGt(withdrawalQueue.recordCount(), 256, "more than two tag cycles");
        _finalizeAll();
        vm.prank(alice);
        uint256 paid = withdrawalQueue.claim(id, alice, false);
        assertEq(paid, 4 ether * rate / RATE_PRECISION, "found the old window and its rate");
        uint256 mid = id + 150;
        IWithdrawalQueue.RequestStatus memory st = withdrawalQueue.getRequestStatus(mid);
        assertEq(st.shares, 0.01 ether, "shares of a middle request");
        assertEq(st.claimableAssets, 0.01 ether * st.requestRate / RATE_PRECISION, "capped at its window's rate");
    }

    function test_erc7540RedeemAndWithdrawPayWeth() public {
        uint256 second = _request(alice, 2 ether);
        _finalizeAll();
        uint256 assetsFirst = 4 ether * rate / RATE_PRECISION;
        uint256 assetsSecond = 2 ether * rate / RATE_PRECISION;
        assertEq(token.maxRedeem(alice), 6 ether, "max redeem");
        assertEq(token.maxWithdraw(alice), assetsFirst + assetsSecond, "max withdraw");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueAmountMismatch.selector, 5 ether, 6 ether));
        token.redeem(5 ether, alice, alice);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, bob));
        token.redeem(4 ether, bob, alice);

        vm.expectEmit(address(token));
        emit ITrETH.Withdraw(alice, carol, alice, assetsFirst, 4 ether);
        vm.prank(alice);
        uint256 assets = token.redeem(4 ether, carol, alice);
        assertEq(assets, assetsFirst, "redeem pays the first ticket");
        assertEq(weth.balanceOf(carol), assetsFirst, "as WETH");

        vm.prank(alice);
        token.setOperator(bob, true);
        vm.prank(bob);
        uint256 shares = token.withdraw(assetsSecond, bob, alice);
        assertEq(shares, 2 ether, "withdraw claims the second ticket");
        assertEq(weth.balanceOf(bob), assetsSecond, "operator's receiver paid");
        assertTrue(withdrawalQueue.getRequestStatus(second).claimed, "second claimed");
        assertEq(token.maxRedeem(alice), 0, "nothing left");
    }

    /// @dev A seller who claims just before a buyer's purchase lands cannot deliver the empty ticket:
    /// a claimed ticket can no longer be transferred or approved.
    function test_claimedTicketCannotBeTransferredOrApproved() public {
        _finalizeAll();
        vm.prank(alice);
        withdrawalQueue.approve(bob, id);
        vm.prank(alice);
        withdrawalQueue.claim(id, alice, false);
        bytes memory claimed = abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueAlreadyClaimed.selector, id);
        // The buyer's purchase (an approved transfer) lands after the claim.
        vm.prank(bob);
        vm.expectRevert(claimed);
        withdrawalQueue.transferFrom(alice, bob, id);
        vm.startPrank(alice);
        vm.expectRevert(claimed);
        withdrawalQueue.transferFrom(alice, carol, id);
        vm.expectRevert(claimed);
        withdrawalQueue.safeTransferFrom(alice, carol, id);
        vm.expectRevert(claimed);
        withdrawalQueue.approve(carol, id);
        vm.stopPrank();
        assertEq(withdrawalQueue.ownerOf(id), alice, "the receipt stays with the claimant");
    }

    /// @dev 64 requests of 1 wei after a holder's ticket push it out of the latest finalized requests:
    /// ERC-7540 claims and views given the holder's request ids still reach it.
    function test_erc7540ClaimsWithRequestIdsReachOldTickets() public {
        uint256 second = _request(alice, 2 ether);
        _stake(carol, 1 ether);
        for (uint256 i; i < 64; ++i) {
            _request(carol, 1);
        }
        _finalizeAll();
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (id, second);
        uint256 assetsFirst = 4 ether * rate / RATE_PRECISION;
        uint256 assetsSecond = 2 ether * rate / RATE_PRECISION;
        (uint256 maxShares, uint256 maxAssets) = withdrawalQueue.claimableOf(alice, ids);
        assertEq(maxShares, 6 ether, "max redeem over the given ids");
        assertEq(maxAssets, assetsFirst + assetsSecond, "max withdraw over the given ids");
        uint256[] memory others = new uint256[](3);
        (others[0], others[1], others[2]) = (id + 2, id, id);
        (maxShares,) = withdrawalQueue.claimableOf(alice, others);
        assertEq(maxShares, 0, "tickets of others count nothing, and ids that do not ascend are skipped");

        uint256[] memory first = new uint256[](1);
        first[0] = id;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueAmountMismatch.selector, 3 ether, 4 ether));
        token.redeem(3 ether, alice, alice, first);
        vm.expectEmit(address(token));
        emit ITrETH.Withdraw(alice, carol, alice, assetsFirst, 4 ether);
        vm.prank(alice);
        assertEq(token.redeem(4 ether, carol, alice, first), assetsFirst, "redeem by id");
        assertEq(weth.balanceOf(carol), assetsFirst, "as WETH");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueAlreadyClaimed.selector, id));
        token.withdraw(assetsFirst, alice, alice, first);
        uint256[] memory notHers = new uint256[](1);
        notHers[0] = id + 2;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.WithdrawalQueueNotHolder.selector, id + 2, alice, carol));
        token.withdraw(1, alice, alice, notHers);

        first[0] = second;
        vm.prank(alice);
        assertEq(token.withdraw(assetsSecond, bob, alice, first), 2 ether, "withdraw by id");
        (maxShares,) = withdrawalQueue.claimableOf(alice, ids);
        assertEq(maxShares, 0, "nothing left");
    }

    function test_tokenUriShowsAmountAndStatus() public {
        assertEq(
            keccak256(bytes(withdrawalQueue.tokenURI(id))),
            keccak256(bytes(TicketURI.render(id, 4 ether, false, false, 0, 0))),
            "pending"
        );
        uint256 second = _request(alice, 1 ether);
        assertEq(
            keccak256(bytes(withdrawalQueue.tokenURI(second))),
            keccak256(bytes(TicketURI.render(second, 1 ether, false, false, 0, 4 ether))),
            "pending with shares ahead"
        );
        _finalizeAll();
        uint256 assets = 4 ether * rate / RATE_PRECISION;
        assertEq(
            keccak256(bytes(withdrawalQueue.tokenURI(id))),
            keccak256(bytes(TicketURI.render(id, 4 ether, true, false, assets, 0))),
            "claimable"
        );
        vm.prank(alice);
        withdrawalQueue.claim(id, alice, false);
        assertEq(
            keccak256(bytes(withdrawalQueue.tokenURI(id))),
            keccak256(bytes(TicketURI.render(id, 4 ether, true, true, 0, 0))),
            "claimed"
        );
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, 42));
        withdrawalQueue.tokenURI(42);
    }

    function test_ticketTransferRules() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, bob, id));
        withdrawalQueue.transferFrom(alice, bob, id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721IncorrectOwner.selector, bob, id, alice));
        withdrawalQueue.transferFrom(bob, carol, id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0)));
        withdrawalQueue.transferFrom(alice, address(0), id);
        // A contract that does not accept ERC-721 tokens cannot receive one through safeTransferFrom.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(token)));
        withdrawalQueue.safeTransferFrom(alice, address(token), id);
        vm.prank(alice);
        withdrawalQueue.approve(bob, id);
        assertEq(withdrawalQueue.getApproved(id), bob, "approved");
        vm.prank(bob);
        withdrawalQueue.safeTransferFrom(alice, carol, id);
        assertEq(withdrawalQueue.ownerOf(id), carol, "moved by the approved address");
        assertEq(withdrawalQueue.getApproved(id), address(0), "approval cleared");
    }

    function test_queueRejectsStrayEther() public {
        vm.prank(alice);
        (bool ok,) = address(withdrawalQueue).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH refused");
    }
}
