// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {WithdrawalsBase} from "./WithdrawalsBase.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWETH} from "../../src/interfaces/IWETH.sol";
import {WithdrawalQueue} from "../../src/withdrawals/WithdrawalQueue.sol";

/// @notice Tickets across a queue replacement: the retired queue's tickets stay transferable, and
/// each queue's ERC-721 balances count its own tickets only.
contract WithdrawalQueueSwapTest is WithdrawalsBase {
    WithdrawalQueue[] internal queues;

    function setUp() public override {
        super.setUp();
        queues.push(withdrawalQueue);
        _stake(alice, 100 ether);
        _stake(bob, 100 ether);
        _stake(carol, 100 ether);
    }

    /// @dev Finalizes everything in the current queue and wires a new one.
    function _swap() internal returns (WithdrawalQueue next) {
        uint256 last = withdrawalQueue.lastRequestId();
        if (last > withdrawalQueue.lastFinalizedRequestId()) _reportAndFinalize(0, last);
        next = new WithdrawalQueue(token, IWETH(address(weth)));
        ITrETH.Modules memory m = token.modules();
        m.withdrawalQueue = address(next);
        vm.prank(governance);
        token.setModules(m);
        withdrawalQueue = next;
        queues.push(next);
    }

    function test_retiredTicketsMoveAndBalancesStayApart() public {
        WithdrawalQueue old = withdrawalQueue;
        uint256 one = _request(alice, 1 ether);
        uint256 two = _request(alice, 2 ether);
        uint256 three = _request(bob, 3 ether);
        _reportAndFinalize(0, three);
        vm.prank(alice);
        old.claim(one, alice, false);
        WithdrawalQueue next = _swap();

        vm.prank(alice);
        old.transferFrom(alice, carol, two);
        assertEq(old.ownerOf(two), carol, "a retired ticket moves");
        assertEq(old.balanceOf(alice), 1, "alice keeps her receipt");
        assertEq(old.balanceOf(carol), 1, "carol holds the moved ticket");

        uint256 fresh = _request(alice, 4 ether);
        assertEq(next.balanceOf(alice), 1, "the new queue counts its own ticket");
        assertEq(old.balanceOf(alice), 1, "and the retired queue its own");
        assertEq(next.balanceOf(carol), 0, "carol has none in the new queue");

        vm.prank(bob);
        old.transferFrom(bob, alice, three);
        assertEq(old.balanceOf(alice), 2, "a retired ticket received");
        assertEq(next.balanceOf(alice), 1, "the new count is untouched");
        vm.prank(alice);
        next.transferFrom(alice, bob, fresh);
        assertEq(next.balanceOf(bob), 1, "bob's new ticket");
        assertEq(old.balanceOf(bob), 0, "bob's retired tickets are gone");
        assertEq(next.balanceOf(alice), 0, "alice's new ticket moved");
        assertEq(old.balanceOf(alice), 2, "alice's retired tickets stay");

        vm.prank(carol);
        uint256 paid = old.claim(two, carol, false);
        assertEq(paid, 2 ether * _stored(_rate()) / RATE_PRECISION, "the retired queue still pays");
    }

    /// @dev A holder with more than 32 tickets (the count carries into a second word) in the retired
    /// queue: its first ticket in the new queue moves the whole count aside, and both stay exact.
    function test_manyRetiredTicketsMoveAsideWhole() public {
        WithdrawalQueue old = withdrawalQueue;
        for (uint256 i; i < 40; ++i) {
            _request(alice, 1 gwei);
        }
        assertEq(old.balanceOf(alice), 40, "40 tickets");
        WithdrawalQueue next = _swap();
        assertEq(old.balanceOf(alice), 40, "still 40 after the swap");
        assertEq(next.balanceOf(alice), 0, "none in the new queue");
        for (uint256 i; i < 33; ++i) {
            _request(alice, 1 gwei);
        }
        assertEq(next.balanceOf(alice), 33, "33 new tickets");
        assertEq(old.balanceOf(alice), 40, "40 retired tickets");
        for (uint256 i = 1; i <= 35; ++i) {
            vm.prank(alice);
            old.transferFrom(alice, bob, i);
        }
        vm.prank(alice);
        next.transferFrom(alice, bob, 1);
        assertEq(old.balanceOf(alice), 5, "5 retired tickets left");
        assertEq(old.balanceOf(bob), 35, "bob received 35 retired tickets");
        assertEq(next.balanceOf(alice), 32, "32 new tickets left");
        assertEq(next.balanceOf(bob), 1, "bob's new ticket");
    }

    /// @dev At most 8 queues can ever be wired; one wired before can be wired again.
    function test_queueLimit() public {
        WithdrawalQueue first = withdrawalQueue;
        for (uint256 i = 1; i < 8; ++i) {
            _swap();
        }
        WithdrawalQueue ninth = new WithdrawalQueue(token, IWETH(address(weth)));
        ITrETH.Modules memory m = token.modules();
        m.withdrawalQueue = address(ninth);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHQueueLimit.selector, 8));
        token.setModules(m);
        m.withdrawalQueue = address(first);
        vm.prank(governance);
        token.setModules(m);
        withdrawalQueue = first;
        _request(alice, 1 ether);
        assertEq(first.balanceOf(alice), 1, "the first queue counts again");
    }

    /// @dev Random requests, transfers and claims over three queues (two replacements): every queue's
    /// balance of every holder is the number of its tickets the holder owns.
    function testFuzz_ticketCountsPerQueueMatchOwners(uint256 seed) public {
        address[3] memory holders = [alice, bob, carol];
        for (uint256 step; step < 36; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            if (step == 12 || step == 24) _swap();
            uint256 action = r % 3;
            address who = holders[(r >> 8) % 3];
            if (action == 0) {
                vm.prank(who);
                token.requestRedeem(1 ether, holders[(r >> 16) % 3], who);
            } else {
                WithdrawalQueue q = queues[(r >> 24) % queues.length];
                uint256 last = q.lastRequestId();
                if (last == 0) continue;
                uint256 ticket = (r >> 32) % last + 1;
                address holder = q.ownerOf(ticket);
                if (q.getRequestStatus(ticket).claimed) continue;
                if (action == 1) {
                    vm.prank(holder);
                    q.transferFrom(holder, holders[(r >> 40) % 3], ticket);
                } else if (ticket <= q.lastFinalizedRequestId()) {
                    vm.prank(holder);
                    q.claim(ticket, holder, false);
                }
            }
        }
        for (uint256 i; i < queues.length; ++i) {
            for (uint256 h; h < 3; ++h) {
                uint256 owned;
                for (uint256 ticket = 1; ticket <= queues[i].lastRequestId(); ++ticket) {
                    if (queues[i].ownerOf(ticket) == holders[h]) ++owned;
                }
                assertEq(queues[i].balanceOf(holders[h]), owned, "balance == tickets owned, per queue");
            }
        }
    }
}
