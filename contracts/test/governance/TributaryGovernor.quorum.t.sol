// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {OwnedParameterMock} from "../mocks/OwnedParameterMock.sol";
import {TributaryGovernor} from "../../src/governance/TributaryGovernor.sol";
import {TributaryTimelock} from "../../src/governance/TributaryTimelock.sol";
import {ITributaryGovernor} from "../../src/interfaces/ITributaryGovernor.sol";

/// @notice The quorum against real trETH, whose `getPastTotalSupply` is the DELEGATED supply: an
/// early delegator holding a sliver of trETH must not clear the quorum alone. The quorum is
/// max(1,000 trETH, 4% of the total supply recorded by the proposal).
contract TributaryGovernorQuorumTest is ProtocolFixture {
    uint48 internal constant VOTING_DELAY = 2 days;
    uint32 internal constant VOTING_PERIOD = 7 days;
    uint256 internal constant TIMELOCK_DELAY = 2 days;
    uint256 internal constant PROPOSAL_THRESHOLD = 1 ether;
    uint256 internal constant QUORUM_PERCENT = 4;
    /// @dev The quorum's absolute floor (the deploy script's default): 1,000 trETH.
    uint256 internal constant MINIMUM_QUORUM = 1_000 ether;

    TributaryTimelock internal timelock;
    TributaryGovernor internal governor;
    OwnedParameterMock internal target;
    address internal attacker;

    function setUp() public override {
        super.setUp();
        vm.warp(1_750_000_000);
        attacker = makeAddr("early delegator");
        address[] memory none = new address[](0);
        timelock = new TributaryTimelock(TIMELOCK_DELAY, none, none, address(this));
        governor = new TributaryGovernor(
            IVotes(address(token)),
            timelock,
            VOTING_DELAY,
            VOTING_PERIOD,
            PROPOSAL_THRESHOLD,
            QUORUM_PERCENT,
            MINIMUM_QUORUM
        );
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.grantRole(timelock.EXECUTOR_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));
        target = new OwnedParameterMock(address(timelock));
    }

    function _stake(address who, uint256 amount) internal {
        vm.deal(who, who.balance + amount);
        vm.prank(who);
        token.stake{value: amount}(who);
    }

    function _holders(uint256 count, uint256 each) internal {
        for (uint256 i; i < count; ++i) {
            _stake(address(uint160(0x4010de2 + i)), each);
        }
    }

    function _call(address to, bytes memory data)
        internal
        pure
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        targets[0] = to;
        values = new uint256[](1);
        calldatas = new bytes[](1);
        calldatas[0] = data;
    }

    function _propose(address proposer, address to, bytes memory data, string memory text) internal returns (uint256) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _call(to, data);
        vm.prank(proposer);
        return governor.propose(targets, values, calldatas, text);
    }

    /// @dev The attacker stakes `amount`, delegates to itself, proposes and votes for; nobody else
    /// votes. Returns the proposal's final state.
    function _attack(uint256 amount) internal returns (IGovernor.ProposalState) {
        _stake(attacker, amount);
        vm.prank(attacker);
        token.delegate(attacker);
        vm.warp(block.timestamp + 1);

        bytes memory data = abi.encodeCall(OwnedParameterMock.setParameter, (666));
        uint256 id = _propose(attacker, address(target), data, "Set the parameter to 666");
        vm.warp(governor.proposalSnapshot(id) + 1);
        vm.prank(attacker);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        return governor.state(id);
    }

    function test_earlyDelegatorWithOnePercentIsDefeated() public {
        // 100,000 trETH held by stakers who have not delegated (yet): 4% is 4,000, above the floor.
        _holders(10, 10_000 ether);
        // 1,000 trETH: about 1% of the supply, every delegated vote there is.
        IGovernor.ProposalState state = _attack(1_000 ether);
        assertEq(uint256(state), uint256(IGovernor.ProposalState.Defeated), "1% of the supply does not clear quorum");
        assertEq(target.parameter(), 0, "parameter unchanged");
        uint256 delegated = token.getPastTotalSupply(block.timestamp - 1);
        assertGt(governor.quorum(block.timestamp - 1), delegated, "above all delegated votes");
        assertEq(governor.quorum(block.timestamp - 1), token.totalSupply() * 4 / 100, "4% of the total supply");
    }

    function test_earlyDelegatorAtLaunchIsDefeated() public {
        // At launch the supply is the seed and the attacker's stake: 10 trETH is all of it, far
        // from the quorum's absolute floor.
        IGovernor.ProposalState state = _attack(10 ether);
        assertEq(uint256(state), uint256(IGovernor.ProposalState.Defeated), "launch stake does not clear quorum");
    }

    /// @dev The outcome of a lone voter is decided by max(floor, 4% of ALL trETH), however little
    /// of the rest is delegated.
    function testFuzz_loneVoterNeedsQuorumOfTotalSupply(uint256 holders, uint256 each, uint256 stake) public {
        // Within the daily stake cap of 150,000 ETH.
        holders = bound(holders, 0, 5);
        each = bound(each, 1 ether, 25_000 ether);
        stake = bound(stake, PROPOSAL_THRESHOLD, 20_000 ether);
        _holders(holders, each);
        IGovernor.ProposalState state = _attack(stake);
        uint256 fraction = token.totalSupply() * QUORUM_PERCENT / 100;
        uint256 needed = fraction > MINIMUM_QUORUM ? fraction : MINIMUM_QUORUM;
        assertEq(governor.quorum(block.timestamp - 1), needed, "quorum");
        // The attacker's votes are its shares (bought at a rate of 1: no report yet).
        uint256 votes = token.balanceOf(attacker);
        IGovernor.ProposalState expected =
            votes >= needed ? IGovernor.ProposalState.Succeeded : IGovernor.ProposalState.Defeated;
        assertEq(uint256(state), uint256(expected), "passes exactly when its votes reach the quorum");
    }

    function test_quorumSupplyIsRecordedByEachProposal() public {
        uint256 deployed = block.timestamp;
        assertEq(governor.quorumSupply(deployed), SEED, "recorded at deployment: the seed");
        _stake(attacker, 2_000 ether);
        vm.prank(attacker);
        token.delegate(attacker);
        vm.warp(block.timestamp + 1);
        uint256 first = _propose(
            attacker, address(target), abi.encodeCall(OwnedParameterMock.setParameter, (1)), "first"
        );
        uint256 atFirst = token.totalSupply();
        // Stakes after the proposal move a LATER proposal's record, which the first one's snapshot
        // sees only if that proposal came before the snapshot.
        _holders(4, 25_000 ether);
        vm.warp(block.timestamp + 1 days);
        _propose(attacker, address(target), abi.encodeCall(OwnedParameterMock.setParameter, (2)), "second");
        uint256 atSecond = token.totalSupply();
        assertEq(governor.quorumSupply(deployed), SEED, "the deployment's record is kept");
        assertEq(governor.quorumSupply(block.timestamp - 1 days), atFirst, "the first proposal's record");
        uint256 snapshot = governor.proposalSnapshot(first);
        assertEq(governor.quorumSupply(snapshot), atSecond, "latest record before the snapshot");
        vm.warp(snapshot + 1);
        assertEq(governor.quorum(snapshot), atSecond * 4 / 100, "quorum of the first proposal");
    }

    function test_minimumQuorumChangesOnlyThroughAProposal() public {
        assertEq(governor.minimumQuorum(block.timestamp), MINIMUM_QUORUM, "initial floor");
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, address(this)));
        governor.setMinimumQuorum(1);
        // Not even the timelock on its own: only a proposal the governor executes.
        vm.prank(address(timelock));
        vm.expectRevert();
        governor.setMinimumQuorum(1);

        _stake(attacker, 5_000 ether);
        vm.prank(attacker);
        token.delegate(attacker);
        vm.warp(block.timestamp + 1);
        bytes memory data = abi.encodeCall(ITributaryGovernor.setMinimumQuorum, (5_000 ether));
        uint256 id = _propose(attacker, address(governor), data, "Raise the quorum floor");
        vm.warp(governor.proposalSnapshot(id) + 1);
        vm.prank(attacker);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _call(address(governor), data);
        bytes32 descriptionHash = keccak256("Raise the quorum floor");
        governor.queue(targets, values, calldatas, descriptionHash);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
        uint256 before = block.timestamp - 1;
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(governor.minimumQuorum(block.timestamp), 5_000 ether, "new floor");
        assertEq(governor.minimumQuorum(before), MINIMUM_QUORUM, "past snapshots keep the old floor");
        assertEq(governor.quorum(governor.proposalSnapshot(id)), MINIMUM_QUORUM, "the executed proposal's quorum");
    }

    function test_revert_minimumQuorumTooLarge() public {
        uint256 tooLarge = uint256(type(uint208).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITributaryGovernor.TributaryGovernorMinimumQuorumTooLarge.selector, tooLarge, type(uint208).max
            )
        );
        new TributaryGovernor(
            IVotes(address(token)),
            TimelockController(payable(address(timelock))),
            VOTING_DELAY,
            VOTING_PERIOD,
            PROPOSAL_THRESHOLD,
            QUORUM_PERCENT,
            tooLarge
        );
    }
}
