// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "../accounting/AccountingFixture.sol";
import {TrETHRateFeed} from "../../src/feeds/TrETHRateFeed.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice The trETH/ETH feed against the token itself: at deployment, after rewards, after a loss
/// beyond the operators' bonds (the rate falls), through an oracle outage, and across a new
/// accounting module.
contract TrETHRateFeedTest is AccountingFixture {
    TrETHRateFeed internal feed;
    address internal alice;
    uint256 internal opA;

    function setUp() public override {
        super.setUp();
        feed = new TrETHRateFeed(token, consensus);
        alice = makeAddr("alice");
        _stake(alice, 200 ether);
        opA = _operatorWithValidators("operator A", 1, 2);
        _operatorWithValidators("operator B", 2, 2);
        _nextFrame();
    }

    function _latest() internal view returns (uint80 roundId, uint256 answer, uint256 updatedAt) {
        (uint80 id, int256 a, uint256 startedAt, uint256 updated, uint80 answeredInRound) = feed.latestRoundData();
        assertEq(startedAt, updated, "started when updated");
        assertEq(answeredInRound, id, "answered in its round");
        assertGt(uint256(a), 0, "positive");
        return (id, uint256(a), updated);
    }

    /// @dev The feed equals the token's own valuation of one trETH, and its round is the last report.
    function _assertTracksToken() internal view {
        (uint80 roundId, uint256 answer, uint256 updatedAt) = _latest();
        assertEq(answer, token.convertToAssets(1e18), "answer = the token's convertToAssets(1e18)");
        assertEq(feed.getRate(), answer, "rate provider = feed");
        // Never above what the accounting module's exact rate gives (1e27 scale).
        assertLe(answer, accounting.shareRate() / 1e9, "never above the exact rate");
        uint256 refSlot = accounting.lastProcessedRefSlot();
        assertEq(roundId, refSlot, "round = last report's reference slot");
        assertEq(updatedAt, GENESIS_TIME + refSlot * SECONDS_PER_SLOT, "updatedAt = the reference slot's time");
        assertLe(updatedAt, block.timestamp, "not in the future");
        assertEq(feed.lastUpdated(), updatedAt, "lastUpdated");
    }

    function test_describesItself() public view {
        assertEq(feed.decimals(), 18, "18 decimals");
        assertEq(feed.version(), 1, "version");
        assertEq(keccak256(bytes(feed.description())), keccak256("trETH / ETH exchange rate"), "description");
        assertEq(address(feed.token()), address(token), "token");
    }

    function test_beforeAnyReportTheRateIsOneAndDatedAtDeployment() public view {
        _assertTracksToken();
        (, uint256 answer, uint256 updatedAt) = _latest();
        assertEq(answer, 1e18, "1:1 before any report");
        // The accounting module starts from its deployment's slot (a minute after genesis here).
        assertLe(updatedAt, GENESIS_TIME + 60, "the deployment's slot");
    }

    function test_followsRewards() public {
        (uint80 roundBefore, uint256 before,) = _latest();
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        _assertTracksToken();
        (uint80 roundAfter, uint256 answer, uint256 updatedAt) = _latest();
        assertGt(answer, before, "the rate rose");
        assertGt(roundAfter, roundBefore, "a new round");
        assertEq(roundAfter, r.refSlot, "round = the report's reference slot");
        assertEq(updatedAt, GENESIS_TIME + r.refSlot * SECONDS_PER_SLOT, "dated at its reference slot");
    }

    function test_fallsWithALossBeyondTheBond() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        (, uint256 before,) = _latest();
        _nextFrame();
        uint256 bondValue = registry.bondValue(opA);
        r = _baseReport();
        // Beacon amounts are whole gwei.
        uint256 loss = (bondValue / 1 gwei + 1) * 1 gwei + 3 ether;
        r.clBalance -= loss;
        r.operatorChanges = _changes1(opA, 0, loss);
        _vote(r, MEMBERS); // a fall beyond 0.5% of the beacon assets needs every member
        accounting.submitReportData(r);
        _assertTracksToken();
        (, uint256 answer,) = _latest();
        assertLt(answer, before, "the rate fell");
        // Holders other than the bond lose exactly the excess over the bond, shared by their shares.
        uint256 expected = (token.totalAssets() * 1e18) / token.totalSupply();
        assertApproxEq(answer, expected, 1, "the fall the token shows");
    }

    function test_outageLeavesTheRateAndShowsItsAge() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        (uint80 round, uint256 answer, uint256 updatedAt) = _latest();
        // Ten days without a report: nothing moves but the clock.
        vm.warp(block.timestamp + 10 days);
        (uint80 roundLater, uint256 answerLater, uint256 updatedLater) = _latest();
        assertEq(roundLater, round, "no new round");
        assertEq(answerLater, answer, "the last report's rate");
        assertEq(updatedLater, updatedAt, "updatedAt stays at the last report");
        assertGt(block.timestamp - updatedLater, 10 days, "its age shows the outage");
        // The next report (catching up the missed frames) moves it again.
        _nextFrame();
        r = _baseReport();
        r.clBalance += 0.2 ether;
        _report(r);
        _assertTracksToken();
        (, uint256 caughtUp, uint256 updatedNow) = _latest();
        assertGt(caughtUp, answer, "rewards of the outage arrive with the next report");
        assertGt(updatedNow, updatedAt + 10 days, "dated again");
    }

    function test_stakingAndRedemptionsLeaveItUnchanged() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        (, uint256 answer,) = _latest();
        _stake(makeAddr("bob"), 33.3 ether);
        vm.prank(alice);
        token.requestRedeem(1 ether, alice, alice);
        (, uint256 after_,) = _latest();
        // Rounding favours the pool: the rate may only rise, by dust.
        assertGe(after_, answer, "not lower");
        assertApproxEq(after_, answer, 1, "unchanged but for rounding");
    }

    function test_followsANewAccountingModule() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        _install(_successor(token.modules().withdrawalQueue));
        _assertTracksToken();
        _nextFrame();
        r = _baseReport();
        r.clBalance += 0.02 ether;
        _report(r);
        _assertTracksToken();
    }

    function test_getRoundDataLatestOnly() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        _report(r);
        (uint80 latest, uint256 answer, uint256 updatedAt) = _latest();
        (uint80 id, int256 a, uint256 startedAt, uint256 updated, uint80 answeredIn) = feed.getRoundData(latest);
        assertEq(id, latest, "round");
        assertEq(uint256(a), answer, "answer");
        assertEq(updated, updatedAt, "updatedAt");
        assertEq(startedAt, updatedAt, "startedAt");
        assertEq(answeredIn, latest, "answeredInRound");
        vm.expectRevert(abi.encodeWithSelector(TrETHRateFeed.TrETHRateFeedNoDataForRound.selector, latest - 1, latest));
        feed.getRoundData(latest - 1);
    }

    function testFuzz_answerIsWhatTheTokenPays(uint256 rewardsGwei, uint256 lossGwei) public {
        rewardsGwei = bound(rewardsGwei, 0, 0.05 ether / 1 gwei);
        lossGwei = bound(lossGwei, 0, 20 ether / 1 gwei);
        IAccounting.Report memory r = _baseReport();
        r.clBalance = r.clBalance + rewardsGwei * 1 gwei - lossGwei * 1 gwei;
        if (lossGwei > 0) r.operatorChanges = _changes1(opA, 0, lossGwei * 1 gwei);
        _vote(r, MEMBERS);
        accounting.submitReportData(r);
        _assertTracksToken();
    }

    function test_revert_zeroAddresses() public {
        vm.expectRevert(TrETHRateFeed.TrETHRateFeedZeroAddress.selector);
        new TrETHRateFeed(ITrETH(address(0)), consensus);
        vm.expectRevert(TrETHRateFeed.TrETHRateFeedZeroAddress.selector);
        new TrETHRateFeed(token, IHashConsensus(address(0)));
    }
}
