// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {AccountingFixture} from "./AccountingFixture.sol";
import {TributaryGovernor} from "../../src/governance/TributaryGovernor.sol";
import {TributaryTimelock} from "../../src/governance/TributaryTimelock.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice trETH holders change the treasury fee: a Governor proposal voted with trETH, queued in
/// and executed by the timelock that owns the accounting parameters; and the emergency committee
/// can pause but only governance resumes.
/// @dev The Governor's quorum is 4% of trETH's TOTAL supply (recorded by the proposal), not of
/// `getPastTotalSupply`, which is the delegated supply.
contract GovernanceFeeTest is AccountingFixture {
    uint48 internal constant VOTING_DELAY = 1 days;
    uint32 internal constant VOTING_PERIOD = 3 days;
    uint256 internal constant TIMELOCK_DELAY = 2 days;

    TributaryTimelock internal timelock;
    TributaryGovernor internal governor;
    address internal alice;
    address internal bob;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        address[] memory none = new address[](0);
        timelock = new TributaryTimelock(TIMELOCK_DELAY, none, none, address(this));
        governor = new TributaryGovernor(token, timelock, VOTING_DELAY, VOTING_PERIOD, 1 ether, 4, 0);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(0)); // anyone executes a ready operation
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));
        // The accounting parameters and trETH move to the timelock.
        vm.startPrank(governance);
        accounting.grantRole(accounting.DEFAULT_ADMIN_ROLE(), address(timelock));
        accounting.renounceRole(accounting.DEFAULT_ADMIN_ROLE(), governance);
        token.transferGovernance(address(timelock));
        vm.stopPrank();
        vm.prank(address(timelock));
        token.acceptGovernance();

        _stake(alice, 100 ether);
        _stake(bob, 300 ether);
        vm.prank(alice);
        token.delegate(alice);
        vm.warp(block.timestamp + 1);
    }

    function _feeProposal(uint16 feeBps)
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        IAccounting.Limits memory l = accounting.limits();
        l.treasuryFeeBps = feeBps;
        targets = new address[](1);
        targets[0] = address(accounting);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(IAccounting.setLimits, (l));
    }

    function test_holdersChangeTheFeeThroughTheTimelock() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _feeProposal(7_00);
        string memory text = "Raise the treasury fee to 7%";
        vm.prank(alice);
        uint256 id = governor.propose(targets, values, calldatas, text);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        // Bob holds more trETH but never delegated: his balance carries no votes, yet it counts in
        // the quorum, which is 4% of all trETH (alice's 100 trETH clear it alone).
        assertEq(governor.getVotes(bob, block.timestamp - 1), 0, "undelegated balance has no votes");
        assertEq(governor.quorum(block.timestamp - 1), token.totalSupply() * 4 / 100, "quorum of the total supply");
        vm.prank(alice);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Succeeded), "passed");
        governor.queue(targets, values, calldatas, keccak256(bytes(text)));
        assertEq(accounting.limits().treasuryFeeBps, 5_00, "unchanged while queued");
        vm.warp(block.timestamp + TIMELOCK_DELAY + 1);
        governor.execute(targets, values, calldatas, keccak256(bytes(text)));
        assertEq(accounting.limits().treasuryFeeBps, 7_00, "fee changed by the timelock");

        // The next report charges the new fee.
        _stake(makeAddr("filler"), 32 ether);
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        vm.deal(address(withdrawalVault), 0.1 ether);
        r.elRewardsVaultAmount = 0.1 ether;
        _report(r);
        distributor.claimTreasuryFee();
        assertApproxEq(token.convertToAssets(token.balanceOf(treasury)), 0.007 ether, 2, "7% of the rewards");
    }

    function test_nobodyElseChangesTheFee() public {
        IAccounting.Limits memory l = accounting.limits();
        vm.prank(governance);
        vm.expectRevert();
        accounting.setLimits(l);
        vm.prank(alice);
        vm.expectRevert();
        accounting.setLimits(l);
    }

    function test_emergencyCommitteePausesOnlyGovernanceResumes() public {
        vm.prank(committee);
        token.pauseStaking();
        assertTrue(token.isStakingPaused(), "paused by the committee");
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, committee));
        token.resumeStaking();
        // Transfers and reports go on while staking is paused.
        vm.prank(alice);
        token.transfer(bob, 1 ether);
        _nextFrame();
        _report(_baseReport());
        vm.prank(address(timelock));
        token.resumeStaking();
        assertFalse(token.isStakingPaused(), "resumed by governance");
    }
}
