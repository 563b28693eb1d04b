// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {HashConsensusBase} from "./HashConsensusBase.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";

/// @notice addMember, removeMember and setQuorum, including changes in the middle of a frame.
contract HashConsensusMembersTest is HashConsensusBase {
    /*//////////////////////////////////////////////////////////////
                              ADD MEMBER
    //////////////////////////////////////////////////////////////*/

    function test_addMember() public {
        address newcomer = makeAddr("newcomer");
        vm.expectEmit(address(consensus));
        emit IHashConsensus.MemberAdded(newcomer, MEMBER_COUNT + 1, 6);
        vm.prank(admin);
        consensus.addMember(newcomer, 6);
        assertTrue(consensus.isMember(newcomer), "is member");
        assertEq(consensus.getMembers().length, MEMBER_COUNT + 1, "count");
        assertEq(consensus.getMembers()[MEMBER_COUNT], newcomer, "appended");
        assertEq(consensus.getQuorum(), 6, "quorum");
    }

    function test_addMember_emitsQuorumSet() public {
        vm.expectEmit(address(consensus));
        emit IHashConsensus.QuorumSet(7, QUORUM);
        vm.prank(admin);
        consensus.addMember(makeAddr("newcomer"), 7);
    }

    function testFuzz_revert_addMember_unauthorized(address caller) public {
        vm.assume(caller != admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, consensus.MANAGE_MEMBERS_ROLE()
            )
        );
        vm.prank(caller);
        consensus.addMember(makeAddr("newcomer"), 6);
    }

    function test_revert_addMember_zeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusZeroAddress.selector));
        vm.prank(admin);
        consensus.addMember(address(0), 6);
    }

    function test_revert_addMember_alreadyMember() public {
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusAlreadyMember.selector, members[3]));
        vm.prank(admin);
        consensus.addMember(members[3], 6);
    }

    function testFuzz_revert_addMember_quorumNotMajority(uint256 quorum) public {
        // 10 members after the addition: a quorum of 5 or less is not a majority.
        quorum = bound(quorum, 0, 5);
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidQuorum.selector, quorum, 10));
        vm.prank(admin);
        consensus.addMember(makeAddr("newcomer"), quorum);
    }

    function test_revert_addMember_tooMany() public {
        uint256 max = consensus.MAX_MEMBERS();
        vm.startPrank(admin);
        for (uint256 i = MEMBER_COUNT; i < max; ++i) {
            consensus.addMember(address(uint160(0x5000 + i)), _minQuorum(i + 1));
        }
        assertEq(consensus.getMembers().length, max, "full");
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusTooManyMembers.selector, max));
        consensus.addMember(makeAddr("one too many"), max);
        vm.stopPrank();
    }

    function test_addMemberMidFrame_canVoteNow() public {
        for (uint256 i; i < 3; ++i) {
            _vote(members[i], HASH_A);
        }
        address newcomer = makeAddr("newcomer");
        vm.prank(admin);
        consensus.addMember(newcomer, 6);
        // Earlier votes still count; quorum is now 6.
        for (uint256 i = 3; i < 5; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), bytes32(0), "5 of quorum 6");
        _vote(newcomer, HASH_A);
        assertEq(_consensusHash(), HASH_A, "newcomer completes quorum");
        assertEq(_consensusSupport(), 6, "support");
    }

    /*//////////////////////////////////////////////////////////////
                             REMOVE MEMBER
    //////////////////////////////////////////////////////////////*/

    function test_removeMember() public {
        address removed = members[2];
        address last = members[MEMBER_COUNT - 1];
        vm.expectEmit(address(consensus));
        emit IHashConsensus.MemberRemoved(removed, MEMBER_COUNT - 1, QUORUM);
        vm.prank(admin);
        consensus.removeMember(removed, QUORUM);
        assertFalse(consensus.isMember(removed), "not a member");
        address[] memory list = consensus.getMembers();
        assertEq(list.length, MEMBER_COUNT - 1, "count");
        assertEq(list[2], last, "last moved into the gap");
        assertTrue(consensus.isMember(last), "moved member kept");

        // The moved member's record still works: it votes, and can be removed in turn.
        _vote(last, HASH_A);
        vm.prank(admin);
        consensus.removeMember(last, QUORUM);
        assertEq(consensus.getMembers().length, MEMBER_COUNT - 2, "count after second removal");

        uint256 refSlot = _currentRefSlot();
        _expectNotMember(removed);
        vm.prank(removed);
        consensus.submitReport(refSlot, HASH_A, VERSION);
    }

    function test_revert_removeMember_notMember() public {
        address stranger = makeAddr("stranger");
        _expectNotMember(stranger);
        vm.prank(admin);
        consensus.removeMember(stranger, QUORUM);
    }

    function test_revert_removeMember_quorumNotMajority() public {
        // 8 members after removal: 4 is not a majority.
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidQuorum.selector, 4, 8));
        vm.prank(admin);
        consensus.removeMember(members[0], 4);
    }

    function testFuzz_revert_removeMember_unauthorized(address caller) public {
        vm.assume(caller != admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, consensus.MANAGE_MEMBERS_ROLE()
            )
        );
        vm.prank(caller);
        consensus.removeMember(members[0], QUORUM);
    }

    function test_removeMemberMidFrame_withdrawsVoteAndLosesConsensus() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), HASH_A, "consensus");
        uint256 refSlot = _currentRefSlot();

        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusLost(refSlot);
        vm.prank(admin);
        consensus.removeMember(members[0], QUORUM);
        assertEq(_consensusHash(), bytes32(0), "consensus lost");
        (, bytes32[] memory hashes, uint256[] memory variantSupports) = consensus.getReportVariants();
        assertEq(hashes.length, 1, "variant kept");
        assertEq(variantSupports[0], QUORUM - 1, "vote withdrawn");

        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusReached(refSlot, HASH_A, QUORUM);
        _vote(members[QUORUM], HASH_A);
        assertEq(_consensusHash(), HASH_A, "consensus regained");
    }

    function test_removeNonVoterMidFrame_reachesConsensus() public {
        for (uint256 i; i < 4; ++i) {
            _vote(members[i], HASH_B);
        }
        vm.startPrank(admin);
        consensus.removeMember(members[8], QUORUM);
        assertEq(_consensusHash(), bytes32(0), "still 4 of 5");
        uint256 refSlot = _currentRefSlot();
        // 7 members, quorum 4: the 4 votes cast are now enough.
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusReached(refSlot, HASH_B, 4);
        consensus.removeMember(members[7], 4);
        vm.stopPrank();
        assertEq(_consensusHash(), HASH_B, "consensus by removal");
        assertEq(_consensusSupport(), 4, "support");
    }

    function test_removeAndReAddMidFrame_voteCountedOnce() public {
        _vote(members[0], HASH_A);
        vm.startPrank(admin);
        consensus.removeMember(members[0], QUORUM);
        consensus.addMember(members[0], QUORUM);
        vm.stopPrank();
        // Its earlier vote was withdrawn, so it may vote again, and is counted once.
        _vote(members[0], HASH_B);
        (, bytes32[] memory hashes, uint256[] memory variantSupports) = consensus.getReportVariants();
        assertEq(hashes.length, 2, "both variants listed");
        assertEq(variantSupports[0], 0, "withdrawn vote for A");
        assertEq(variantSupports[1], 1, "new vote for B");
    }

    function test_removeMemberAfterFrame_keepsNextFrameClean() public {
        _vote(members[0], HASH_A);
        _warpToFrame(1);
        vm.prank(admin);
        consensus.removeMember(members[0], QUORUM);
        for (uint256 i = 1; i <= QUORUM; ++i) {
            _vote(members[i], HASH_C);
        }
        assertEq(_consensusHash(), HASH_C, "frame 1 consensus");
        assertEq(_consensusSupport(), QUORUM, "support");
    }

    /*//////////////////////////////////////////////////////////////
                              SET QUORUM
    //////////////////////////////////////////////////////////////*/

    function test_setQuorum() public {
        vm.expectEmit(address(consensus));
        emit IHashConsensus.QuorumSet(9, QUORUM);
        vm.prank(admin);
        consensus.setQuorum(9);
        assertEq(consensus.getQuorum(), 9, "quorum");
    }

    function testFuzz_revert_setQuorum_invalid(uint256 quorum) public {
        uint256 max = consensus.MAX_MEMBERS();
        // Not a majority of 9, or above the maximum.
        quorum = quorum % 2 == 0 ? bound(quorum, 0, 4) : bound(quorum, max + 1, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidQuorum.selector, quorum, MEMBER_COUNT)
        );
        vm.prank(admin);
        consensus.setQuorum(quorum);
    }

    function test_quorumAboveMemberCount_haltsConsensus() public {
        vm.prank(admin);
        consensus.setQuorum(MEMBER_COUNT + 1);
        for (uint256 i; i < MEMBER_COUNT; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), bytes32(0), "unreachable quorum");
    }

    function test_raiseQuorumMidFrame_losesThenRegains() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        uint256 refSlot = _currentRefSlot();
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusLost(refSlot);
        vm.prank(admin);
        consensus.setQuorum(QUORUM + 1);
        assertEq(_consensusHash(), bytes32(0), "lost");
        _vote(members[QUORUM], HASH_A);
        assertEq(_consensusHash(), HASH_A, "regained");
        assertEq(_consensusSupport(), QUORUM + 1, "support");
    }

    function test_lowerQuorumMidFrame_reachesConsensus() public {
        vm.prank(admin);
        consensus.setQuorum(7);
        for (uint256 i; i < 6; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), bytes32(0), "6 of 7");
        uint256 refSlot = _currentRefSlot();
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusReached(refSlot, HASH_A, 6);
        vm.prank(admin);
        consensus.setQuorum(6);
        assertEq(_consensusHash(), HASH_A, "reached by governance");
    }

    function testFuzz_revert_setQuorum_unauthorized(address caller) public {
        vm.assume(caller != admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, consensus.MANAGE_MEMBERS_ROLE()
            )
        );
        vm.prank(caller);
        consensus.setQuorum(6);
    }
}
