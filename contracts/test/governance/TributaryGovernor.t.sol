// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {Test} from "../utils/Test.sol";
import {OwnedParameterMock} from "../mocks/OwnedParameterMock.sol";
import {VotesTokenMock} from "../mocks/VotesTokenMock.sol";
import {TributaryGovernor} from "../../src/governance/TributaryGovernor.sol";
import {HashConsensus} from "../../src/oracle/HashConsensus.sol";
import {ITributaryGovernor} from "../../src/interfaces/ITributaryGovernor.sol";

contract TributaryGovernorTest is Test {
    /// @dev In seconds: the token's clock is in timestamp mode.
    uint48 internal constant VOTING_DELAY = 2 days;
    uint32 internal constant VOTING_PERIOD = 7 days;
    uint256 internal constant TIMELOCK_DELAY = 2 days;
    /// @dev 1 token (18 decimals) of votes to propose.
    uint256 internal constant PROPOSAL_THRESHOLD = 1e18;
    /// @dev 4% of the total supply.
    uint256 internal constant QUORUM_PERCENT = 4;
    /// @dev The quorum's absolute floor: below 4% of the supply here, so the fraction applies.
    uint256 internal constant MINIMUM_QUORUM = 10e18;

    VotesTokenMock internal token;
    TimelockController internal timelock;
    TributaryGovernor internal governor;
    OwnedParameterMock internal target;

    address internal alice;
    address internal bob;
    address internal carol;

    function setUp() public {
        vm.warp(1_750_000_000);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");

        token = new VotesTokenMock(true);
        // 1,000 tokens in all: quorum is 40.
        token.mint(alice, 600e18);
        token.mint(bob, 370e18);
        token.mint(carol, 30e18);

        address[] memory none = new address[](0);
        timelock = new TimelockController(TIMELOCK_DELAY, none, none, address(this));
        governor = new TributaryGovernor(
            token, timelock, VOTING_DELAY, VOTING_PERIOD, PROPOSAL_THRESHOLD, QUORUM_PERCENT, MINIMUM_QUORUM
        );
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(governor));
        // The timelock administers itself from now on.
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        target = new OwnedParameterMock(address(timelock));

        vm.prank(alice);
        token.delegate(alice);
        vm.prank(carol);
        token.delegate(carol);
        // Bob never delegates: his tokens carry no votes.
        vm.warp(block.timestamp + 1);
    }

    function _proposal(uint256 value)
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text)
    {
        targets = new address[](1);
        targets[0] = address(target);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(OwnedParameterMock.setParameter, (value));
        text = string.concat("Set the parameter to ", value == 42 ? "42" : "another value");
    }

    function _propose(address proposer, uint256 value) internal returns (uint256 proposalId) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposal(value);
        vm.prank(proposer);
        proposalId = governor.propose(targets, values, calldatas, text);
    }

    function test_clockIsTimestamp() public view {
        assertEq(keccak256(bytes(governor.CLOCK_MODE())), keccak256("mode=timestamp"), "clock mode");
        assertEq(governor.clock(), block.timestamp, "clock is the timestamp");
        assertEq(governor.votingDelay(), VOTING_DELAY, "voting delay in seconds");
        assertEq(governor.votingPeriod(), VOTING_PERIOD, "voting period in seconds");
        assertEq(governor.timelock(), address(timelock), "timelock");
        assertEq(governor.quorum(block.timestamp - 1), 40e18, "4% of supply");
    }

    function test_revert_blockNumberToken() public {
        VotesTokenMock blockToken = new VotesTokenMock(false);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITributaryGovernor.TributaryGovernorClockNotTimestamp.selector, "mode=blocknumber&from=default"
            )
        );
        new TributaryGovernor(
            blockToken, timelock, VOTING_DELAY, VOTING_PERIOD, PROPOSAL_THRESHOLD, QUORUM_PERCENT, MINIMUM_QUORUM
        );
    }

    function test_proposeVoteQueueExecute() public {
        uint256 proposalId = _propose(alice, 42);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Pending), "pending");
        assertEq(governor.proposalSnapshot(proposalId), block.timestamp + VOTING_DELAY, "snapshot in seconds");

        vm.warp(block.timestamp + VOTING_DELAY + 1);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Active), "active");
        vm.prank(alice);
        governor.castVote(proposalId, 1);
        vm.prank(carol);
        governor.castVote(proposalId, 0);
        (uint256 against, uint256 forVotes,) = governor.proposalVotes(proposalId);
        assertEq(forVotes, 600e18, "for");
        assertEq(against, 30e18, "against");

        vm.warp(governor.proposalDeadline(proposalId) + 1);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Succeeded), "succeeded");

        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposal(42);
        bytes32 descriptionHash = keccak256(bytes(text));
        governor.queue(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Queued), "queued");
        assertEq(governor.proposalEta(proposalId), block.timestamp + TIMELOCK_DELAY, "eta after the timelock delay");

        // Not before the timelock delay: the governor salts the timelock operation with its address.
        bytes32 salt = bytes20(address(governor)) ^ descriptionHash;
        bytes32 operationId = timelock.hashOperationBatch(targets, values, calldatas, 0, salt);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(target.parameter(), 0, "unchanged before the delay");

        vm.warp(block.timestamp + TIMELOCK_DELAY);
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(target.parameter(), 42, "parameter set through the timelock");
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Executed), "executed");
    }

    function test_withoutQuorumIsDefeated() public {
        uint256 proposalId = _propose(carol, 7);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        // 30 of the 40 needed, all in favour.
        vm.prank(carol);
        governor.castVote(proposalId, 1);
        vm.warp(governor.proposalDeadline(proposalId) + 1);
        assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Defeated), "defeated");

        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposal(7);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Defeated,
                bytes32(1 << uint8(IGovernor.ProposalState.Succeeded))
            )
        );
        governor.queue(targets, values, calldatas, keccak256(bytes(text)));
        assertEq(target.parameter(), 0, "unchanged");
    }

    function test_revert_proposeBelowThreshold() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas, string memory text) =
            _proposal(42);
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, bob, 0, PROPOSAL_THRESHOLD)
        );
        vm.prank(bob);
        governor.propose(targets, values, calldatas, text);
    }

    function testFuzz_onlyTimelockChangesTarget(address caller) public {
        vm.assume(caller != address(timelock));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        vm.prank(caller);
        target.setParameter(1);
        assertEq(target.parameter(), 0, "unchanged");
    }

    function testFuzz_onlyGovernorDrivesTimelock(address caller) public {
        vm.assume(caller != address(governor));
        bytes memory data = abi.encodeCall(OwnedParameterMock.setParameter, (1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, timelock.PROPOSER_ROLE()
            )
        );
        vm.prank(caller);
        timelock.schedule(address(target), 0, data, bytes32(0), bytes32(0), TIMELOCK_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, timelock.EXECUTOR_ROLE()
            )
        );
        vm.prank(caller);
        timelock.execute(address(target), 0, data, bytes32(0), bytes32(0));
        assertEq(target.parameter(), 0, "unchanged");
    }

    function test_revert_settingsOnlyThroughGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, alice));
        vm.prank(alice);
        governor.setVotingPeriod(1 days);
        assertEq(governor.votingPeriod(), VOTING_PERIOD, "unchanged");
    }

    /// @dev The oracle committee is governed the same way: the timelock holds its roles.
    function test_governanceAddsOracleMember() public {
        // Mainnet chain shape, frames of 225 epochs starting at epoch 1.
        HashConsensus oracle = new HashConsensus(32, 12, 1_606_824_023, 225, 1, 1, address(timelock));
        address member = makeAddr("oracle member");

        address[] memory targets = new address[](2);
        targets[0] = address(oracle);
        targets[1] = address(oracle);
        uint256[] memory values = new uint256[](2);
        bytes[] memory calldatas = new bytes[](2);
        calldatas[0] = abi.encodeCall(oracle.grantRole, (oracle.MANAGE_MEMBERS_ROLE(), address(timelock)));
        calldatas[1] = abi.encodeCall(HashConsensus.addMember, (member, 1));
        string memory text = "Add the first oracle member";
        vm.prank(alice);
        uint256 proposalId = governor.propose(targets, values, calldatas, text);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(alice);
        governor.castVote(proposalId, 1);
        vm.warp(governor.proposalDeadline(proposalId) + 1);
        governor.queue(targets, values, calldatas, keccak256(bytes(text)));
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        governor.execute(targets, values, calldatas, keccak256(bytes(text)));
        assertTrue(oracle.isMember(member), "member added by governance");
    }
}
