// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract TrETHTest is ProtocolFixture {
    address internal alice;
    address internal bob;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        vm.deal(alice, 1_000_000 ether);
        vm.deal(bob, 1_000_000 ether);
    }

    // ---------------------------------------------------------------- staking

    function testFuzz_stakeMintsAtRateAndKeepsAccounts(uint256 amount) public {
        amount = bound(amount, 1, 10_000 ether);
        uint256 supplyBefore = token.totalSupply();
        uint256 expected = token.previewDeposit(amount);
        vm.prank(alice);
        uint256 shares = token.stake{value: amount}(alice);
        assertEq(shares, expected, "shares == previewDeposit");
        assertEq(token.balanceOf(alice), shares, "balance");
        assertEq(token.totalSupply(), supplyBefore + shares, "supply");
        assertEq(token.bufferedEther(), SEED + amount, "buffer");
        assertLe(token.convertToAssets(shares), amount, "no value created for the staker");
    }

    function test_receiveStakesForSender() public {
        vm.prank(alice);
        (bool ok,) = address(token).call{value: 2 ether}("");
        assertTrue(ok, "plain ETH accepted");
        assertEq(token.balanceOf(alice), 2 ether, "staked at rate 1");
    }

    function test_stakeZeroReverts() public {
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAmount.selector);
        token.stake{value: 0}(alice);
    }

    function test_stakeToZeroAddressReverts() public {
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAddress.selector);
        token.stake{value: 1 ether}(address(0));
    }

    function test_stakeAboveDailyLimitReverts() public {
        vm.prank(alice);
        token.stake{value: DAILY_CAP - 1 ether}(alice);
        (uint256 available,) = token.stakeLimit();
        // Consumption is rounded up to the clock's tick (cap / (86,400 * 256), ~0.0068 ETH here).
        assertApproxEq(available, 1 ether, DAILY_CAP / (1 days * 256) + 1, "one ETH left, less a tick");
        assertLe(available, 1 ether, "rounding favours the limit");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHStakeLimitExceeded.selector, 2 ether, available));
        token.stake{value: 2 ether}(alice);
    }

    function testFuzz_stakeLimitRefillsLinearly(uint256 elapsed) public {
        elapsed = bound(elapsed, 0, 2 days);
        vm.prank(alice);
        token.stake{value: DAILY_CAP}(alice);
        (uint256 drained,) = token.stakeLimit();
        assertEq(drained, 0, "drained");
        vm.warp(block.timestamp + elapsed);
        (uint256 available,) = token.stakeLimit();
        uint256 expected = elapsed >= 1 days ? DAILY_CAP : DAILY_CAP * elapsed / 1 days;
        assertApproxEq(available, expected, DAILY_CAP / (1 days * 256) + 1, "linear refill");
        assertLe(available, DAILY_CAP, "never above the cap");
    }

    function test_pausedStakingReverts() public {
        vm.prank(committee);
        token.pauseStaking();
        assertTrue(token.isStakingPaused(), "paused");
        assertEq(token.maxDeposit(alice), 0, "maxDeposit is 0 while paused");
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHStakingIsPaused.selector);
        token.stake{value: 1 ether}(alice);
        // The committee cannot resume: only governance.
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, committee));
        token.resumeStaking();
        vm.prank(governance);
        token.resumeStaking();
        vm.prank(alice);
        token.stake{value: 1 ether}(alice);
        assertEq(token.balanceOf(alice), 1 ether, "staking works again");
    }

    function test_transfersWorkWhileStakingPaused() public {
        vm.prank(alice);
        token.stake{value: 1 ether}(alice);
        vm.prank(committee);
        token.pauseStaking();
        vm.prank(alice);
        token.transfer(bob, 0.5 ether);
        assertEq(token.balanceOf(bob), 0.5 ether, "transfer during pause");
    }

    // ---------------------------------------------------------------- WETH (ERC-4626)

    function testFuzz_depositWethAndMint(uint256 amount) public {
        amount = bound(amount, 1 gwei, 1_000 ether);
        vm.startPrank(alice);
        weth.deposit{value: amount * 3}();
        weth.approve(address(token), type(uint256).max);
        uint256 shares = token.deposit(amount, alice);
        assertEq(shares, token.convertToShares(amount), "deposit shares");
        uint256 assets = token.mint(shares, bob);
        vm.stopPrank();
        assertGe(assets, amount - 1, "mint pays at least the rate (rounded up)");
        assertEq(token.balanceOf(bob), shares, "mint gives exactly the shares asked");
        assertEq(token.bufferedEther(), SEED + amount + assets, "WETH unwrapped into the buffer");
        assertEq(weth.balanceOf(address(token)), 0, "no WETH left in the token");
        assertEq(token.asset(), address(weth), "asset is WETH");
    }

    function test_depositZeroWethReverts() public {
        vm.prank(alice);
        vm.expectRevert(ITrETH.TrETHZeroAmount.selector);
        token.deposit(0, alice);
    }

    // ---------------------------------------------------------------- ERC-20

    function test_transferMoreThanBalanceReverts() public {
        vm.prank(alice);
        token.stake{value: 1 ether}(alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1 ether, 2 ether));
        token.transfer(bob, 2 ether);
    }

    function test_transferFromNeedsAllowance() public {
        vm.prank(alice);
        token.stake{value: 1 ether}(alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, 1));
        token.transferFrom(alice, bob, 1);
        vm.prank(alice);
        token.approve(bob, 10);
        vm.prank(bob);
        token.transferFrom(alice, bob, 4);
        assertEq(token.allowance(alice, bob), 6, "allowance spent");
    }

    function test_permitSetsAllowanceOnceAndRejectsReplayAndExpiry() public {
        uint256 ownerKey = 0xD00D;
        address owner = vm.addr(ownerKey);
        bytes32 digest = _permitDigest(owner, bob, 5 ether, 0, block.timestamp + 1);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);
        token.permit(owner, bob, 5 ether, block.timestamp + 1, v, r, s);
        assertEq(token.allowance(owner, bob), 5 ether, "allowance by permit");
        assertEq(token.nonces(owner), 1, "nonce used");
        vm.expectRevert();
        token.permit(owner, bob, 5 ether, block.timestamp + 1, v, r, s);
        vm.warp(block.timestamp + 2);
        digest = _permitDigest(owner, bob, 5 ether, 1, block.timestamp - 1);
        (v, r, s) = vm.sign(ownerKey, digest);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHPermitExpired.selector, block.timestamp - 1));
        token.permit(owner, bob, 5 ether, block.timestamp - 1, v, r, s);
    }

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                value,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    // ---------------------------------------------------------------- votes

    function test_votesFollowDelegatedBalancesOnly() public {
        vm.prank(alice);
        token.stake{value: 10 ether}(alice);
        vm.prank(bob);
        token.stake{value: 5 ether}(bob);
        assertEq(token.getVotes(alice), 0, "no votes before delegating");
        vm.prank(alice);
        token.delegate(alice);
        assertEq(token.getVotes(alice), 10 ether, "self-delegated");
        uint256 t1 = block.timestamp;
        vm.warp(t1 + 10);
        vm.prank(alice);
        token.transfer(bob, 4 ether);
        assertEq(token.getVotes(alice), 6 ether, "votes follow the balance");
        vm.prank(bob);
        token.delegate(alice);
        assertEq(token.getVotes(alice), 15 ether, "bob's balance delegated to alice");
        vm.warp(t1 + 20);
        assertEq(token.getPastVotes(alice, t1), 10 ether, "past votes at t1");
        assertEq(token.getPastTotalSupply(t1), 10 ether, "delegated supply at t1");
        assertEq(token.getPastTotalSupply(t1 + 10), 15 ether, "delegated supply at t1 + 10");
        assertEq(token.clock(), block.timestamp, "timestamp clock");
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHFutureLookup.selector, block.timestamp, uint48(block.timestamp)));
        token.getPastVotes(alice, block.timestamp);
    }

    // ---------------------------------------------------------------- roles and modules

    function test_governanceFunctionsRejectOthers() public {
        ITrETH.Modules memory m;
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.setDailyStakeCap(1 ether);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.setModules(m);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.setEmergencyCommittee(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.transferGovernance(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.pauseStaking();
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, alice));
        token.fundBeaconDeposit(1 ether);
        vm.stopPrank();
    }

    function test_governanceTransferIsTwoStep() public {
        vm.prank(governance);
        token.transferGovernance(alice);
        assertEq(token.governance(), governance, "unchanged until accepted");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, bob));
        token.acceptGovernance();
        vm.prank(alice);
        token.acceptGovernance();
        assertEq(token.governance(), alice, "accepted");
    }

    function test_invalidCapReverts() public {
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHInvalidStakeCap.selector, 1 ether + 1));
        token.setDailyStakeCap(1 ether + 1);
    }

    function test_fundBeaconDepositBeyondBufferReverts() public {
        address depositor = token.modules().depositor;
        vm.prank(depositor);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHBufferExceeded.selector, 32 ether, SEED));
        token.fundBeaconDeposit(32 ether);
    }

    // ---------------------------------------------------------------- inflation attack

    /// @dev A first staker who donates to inflate the share price cannot profit from the next staker.
    function testFuzz_donationDoesNotStealFromNextStaker(uint256 attackerStake, uint256 donation, uint256 victimStake)
        public
    {
        attackerStake = bound(attackerStake, 1, 100 ether);
        donation = bound(donation, 1, 10_000 ether);
        victimStake = bound(victimStake, 1 ether, 1_000 ether);
        vm.prank(alice);
        token.stake{value: attackerStake}(alice);
        // A forced donation (e.g. selfdestruct) raises the buffer without minting.
        vm.deal(address(token), address(token).balance + donation);
        vm.prank(bob);
        uint256 shares = token.stake{value: victimStake}(bob);
        uint256 victimValue = token.convertToAssets(shares);
        uint256 attackerValue = token.convertToAssets(token.balanceOf(alice));
        // The victim loses at most a rounding dust relative to a fair rate...
        assertGe(victimValue + victimStake / 1e6 + 2, victimStake, "victim keeps its stake up to dust");
        // ...and the attacker never gets back more than it put in.
        assertLe(attackerValue, attackerStake + donation, "attacker gains nothing");
    }
}
