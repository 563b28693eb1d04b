// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "../accounting/AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice A guardian-signed deposit (anyone may submit it) cannot take the buffered ETH that
/// unfinalized withdrawal requests need, so a deposit landing between the committee's vote and
/// the report's submission leaves the report applicable.
contract DepositSecurityWithdrawalReserveTest is AccountingFixture {
    /// @dev Vetted keys of the operator, none deposited.
    uint256 internal constant KEYS = 2;

    address internal alice;
    uint256 internal opId;
    bytes internal pubkeys;
    bytes internal sigs;
    /// @dev Keys deposited so far (the next batch starts here).
    uint256 internal used;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        (opId, pubkeys, sigs) = _operatorWithKeys(makeAddr("operator"), 5, KEYS);
        _nextFrame();
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The signed batch for the next `count` keys.
    function _nextBatch(uint256 count)
        internal
        view
        returns (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs)
    {
        bytes memory pk = new bytes(48 * count);
        bytes memory sg = new bytes(96 * count);
        for (uint256 i; i < pk.length; ++i) {
            pk[i] = pubkeys[48 * used + i];
        }
        for (uint256 i; i < sg.length; ++i) {
            sg[i] = sigs[96 * used + i];
        }
        batch = _batch(opId, count, pk, sg);
        guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
    }

    function _deposit(uint256 count) internal {
        (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs) = _nextBatch(count);
        depositSecurity.deposit(batch, guardianSigs);
        used += count;
    }

    /// @dev Alice asks to withdraw shares worth about `requested`.
    function _request(uint256 requested) internal returns (uint256 id) {
        uint256 shares = token.convertToShares(requested);
        vm.prank(alice);
        id = token.requestRedeem(shares, alice, alice);
    }

    /// @dev ETH the unfinalized requests are worth at the current rate, rounded up.
    function _reserve() internal view returns (uint256) {
        uint256 shares = withdrawalQueue.unfinalizedShares();
        uint256 assets = token.totalAssets();
        uint256 supply = token.totalSupply();
        return (shares * assets + supply - 1) / supply;
    }

    // ---------------------------------------------------------------- the race

    /// @dev The committee agrees on a report that finalizes a request the buffer covers; then a
    /// signed deposit that would leave less than the request needs is submitted before the report.
    /// The deposit is refused, and the report applies.
    function test_depositBetweenVoteAndSubmitLeavesTheReportApplicable() public {
        // Alice stakes 150 ETH and asks for all but 16 ETH of the buffer back: a 32 ETH deposit
        // would leave 16 ETH short.
        _stake(alice, 150 ether);
        uint256 id = _request(token.bufferedEther() - 16 ether);
        (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs) = _nextBatch(1);
        _nextFrame();

        IAccounting.Report memory r = _baseReport();
        r.lastRequestIdToFinalize = id;
        _vote(r, MEMBERS);

        // The deposit races the report's submission.
        try depositSecurity.deposit(batch, guardianSigs) {} catch {}

        accounting.submitReportData(r);
        assertEq(accounting.lastProcessedRefSlot(), r.refSlot, "the agreed report applied");
        assertEq(withdrawalQueue.lastFinalizedRequestId(), id, "the request is finalized");
        assertEq(registry.totalDepositedValidators(), 0, "the deposit did not go through");
    }
    // ---------------------------------------------------------------- the reserve

    function test_depositIntoTheReserveRevertsWithTheAmounts() public {
        _stake(alice, 150 ether);
        _request(token.bufferedEther() - 16 ether);
        uint256 reserved = token.withdrawalReserve();
        assertEq(reserved, _reserve(), "the request's shares at the current rate, rounded up");
        uint256 buffered = token.bufferedEther();
        (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs) = _nextBatch(1);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHBufferReserved.selector, 32 ether, buffered - reserved, reserved));
        depositSecurity.deposit(batch, guardianSigs);
        assertEq(token.bufferedEther(), buffered, "buffer untouched");
        assertEq(depositSecurity.depositNonce(), 0, "the signed nonce is still usable");
    }

    /// @dev Only the ETH the requests need is kept: the rest of the buffer is deposited.
    function test_depositOfWhatTheReserveLeaves() public {
        _stake(alice, 150 ether);
        _request(token.bufferedEther() - 64 ether);
        _deposit(2);
        assertEq(registry.totalDepositedValidators(), 2, "two validators");
        assertGe(token.bufferedEther(), token.withdrawalReserve(), "the reserve is still there");
    }

    /// @dev A report that finalizes the requests frees the reserve: the refused deposit then goes through.
    function test_finalizationFreesTheReserve() public {
        _stake(alice, 150 ether);
        uint256 id = _request(token.bufferedEther() - 16 ether);
        (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs) = _nextBatch(1);
        vm.expectRevert();
        depositSecurity.deposit(batch, guardianSigs);

        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.lastRequestIdToFinalize = id;
        _report(r);
        assertEq(token.withdrawalReserve(), 0, "nothing left to reserve");
        _stake(alice, 32 ether);
        depositSecurity.deposit(batch, guardianSigs);
        assertEq(registry.totalDepositedValidators(), 1, "deposited");
    }

    /// @dev Whatever is staked and requested, a deposit goes through exactly when it leaves the
    /// reserve, and after any deposit a report that rewards and finalizes every request applies.
    function testFuzz_depositsNeverStarveTheReport(uint256 staked, uint256 requestedBps, uint256 count, uint256 rewards)
        public
    {
        staked = bound(staked, 1 ether, 200 ether);
        requestedBps = bound(requestedBps, 1, 10_000);
        count = bound(count, 1, KEYS);
        // Up to 0.004 ETH a day per validator (~4.6%/year), whole gwei.
        rewards = bound(rewards, 0, count * 0.004 ether / 1 gwei) * 1 gwei;
        _stake(alice, staked);
        uint256 id = _request(token.convertToAssets(token.balanceOf(alice)) * requestedBps / 10_000);

        uint256 buffered = token.bufferedEther();
        uint256 reserved = token.withdrawalReserve();
        (IDepositSecurity.DepositBatch memory batch, bytes[] memory guardianSigs) = _nextBatch(count);
        bool fits = buffered >= reserved + 32 ether * count;
        if (buffered < 32 ether * count) {
            vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHBufferExceeded.selector, 32 ether * count, buffered));
        } else if (!fits) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ITrETH.TrETHBufferReserved.selector,
                    32 ether * count,
                    buffered > reserved ? buffered - reserved : 0,
                    reserved
                )
            );
        }
        depositSecurity.deposit(batch, guardianSigs);
        assertEq(registry.totalDepositedValidators(), fits ? count : 0, "deposited exactly when it fits");
        if (!fits) rewards = 0; // no validator to earn them

        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        // The deposit is seen on the consensus layer, with some rewards.
        r.clBalance = token.beaconAssets() + rewards;
        r.lastRequestIdToFinalize = id;
        _report(r);
        assertEq(withdrawalQueue.lastFinalizedRequestId(), id, "every request finalized");
    }
}
