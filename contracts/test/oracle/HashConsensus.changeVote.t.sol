// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {HashConsensusBase} from "./HashConsensusBase.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";

/// @notice A member that voted in a frame votes again for another hash: its vote moves, the old
/// hash loses the consensus below the quorum and the new one gains it at the quorum.
contract HashConsensusChangeVoteTest is HashConsensusBase {
    function _variants() internal view returns (bytes32[] memory hashes, uint256[] memory backing) {
        (, hashes, backing) = consensus.getReportVariants();
    }

    function _memberHash(address member) internal view returns (bytes32 voted) {
        (, voted) = consensus.getMemberState(member);
    }

    function test_changedVoteMovesTheSupport() public {
        _vote(members[0], HASH_A);
        _vote(members[1], HASH_A);
        uint256 refSlot = _currentRefSlot();
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ReportReceived(refSlot, members[0], HASH_B);
        _vote(members[0], HASH_B);

        assertEq(_memberHash(members[0]), HASH_B, "the member's vote is the new hash");
        (bytes32[] memory hashes, uint256[] memory backing) = _variants();
        assertEq(hashes.length, 2, "two hashes voted");
        assertEq(hashes[0], HASH_A, "first variant");
        assertEq(backing[0], 1, "A lost the moved vote");
        assertEq(hashes[1], HASH_B, "second variant");
        assertEq(backing[1], 1, "B gained it");
        assertEq(_consensusHash(), bytes32(0), "no consensus");
    }

    function test_revert_sameHashAgain() public {
        _vote(members[0], HASH_A);
        _vote(members[0], HASH_B);
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusAlreadyVoted.selector, members[0], refSlot));
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_B, VERSION);
        assertEq(_memberHash(members[0]), HASH_B, "the vote stands");
    }

    /// @dev Every member backs A; they move to B one by one. A keeps the consensus while a
    /// quorum backs it; the vote that leaves it 4 gives B its 5th, in the same call.
    function test_consensusMovesWhenTheQuorumMoves() public {
        for (uint256 i; i < MEMBER_COUNT; ++i) {
            _vote(members[i], HASH_A);
        }
        uint256 refSlot = _currentRefSlot();
        for (uint256 i; i < MEMBER_COUNT - QUORUM; ++i) {
            _vote(members[i], HASH_B);
            assertEq(_consensusHash(), HASH_A, "A keeps its quorum");
            assertEq(_consensusSupport(), MEMBER_COUNT - i - 1, "A's support falls");
        }
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ReportReceived(refSlot, members[MEMBER_COUNT - QUORUM], HASH_B);
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusLost(refSlot);
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusReached(refSlot, HASH_B, QUORUM);
        _vote(members[MEMBER_COUNT - QUORUM], HASH_B);
        assertEq(_consensusHash(), HASH_B, "B has the quorum");
        assertEq(_consensusSupport(), QUORUM, "B's support");
        for (uint256 i = MEMBER_COUNT - QUORUM + 1; i < MEMBER_COUNT; ++i) {
            _vote(members[i], HASH_B);
        }
        assertEq(_consensusSupport(), MEMBER_COUNT, "unanimous again");
    }

    /// @dev With exactly a quorum behind A, one member moving withdraws the consensus: the stale
    /// report cannot be submitted while the members move to the corrected one.
    function test_consensusLostWhenItsSupportFallsBelowTheQuorum() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), HASH_A, "consensus on A");
        uint256 refSlot = _currentRefSlot();
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ReportReceived(refSlot, members[0], HASH_B);
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusLost(refSlot);
        _vote(members[0], HASH_B);
        assertEq(_consensusHash(), bytes32(0), "no consensus");
        assertEq(_consensusSupport(), 0, "no support reported");
        // The others join B (members who had not voted, and those who move).
        for (uint256 i = 1; i < QUORUM; ++i) {
            _vote(members[i], HASH_B);
        }
        assertEq(_consensusHash(), HASH_B, "consensus on B");
    }

    /// @dev A member that dissented joins the agreed hash: the support rises, the consensus stays.
    function test_dissenterJoinsTheConsensus() public {
        _vote(members[0], HASH_C);
        for (uint256 i = 1; i <= QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        _vote(members[0], HASH_A);
        assertEq(_consensusHash(), HASH_A, "consensus unchanged");
        assertEq(_consensusSupport(), QUORUM + 1, "the dissenter counts");
    }

    /// @dev One member changing its mind again and again cannot use up the variant slots: a slot
    /// no vote backs is reused once all are taken, and the others still agree.
    function test_changesCannotExhaustTheVariantSlots() public {
        for (uint256 i; i < 60; ++i) {
            _vote(members[0], keccak256(abi.encode("flip", i)));
        }
        for (uint256 i = 1; i <= QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        assertEq(_consensusHash(), HASH_A, "the others agree");
        (bytes32[] memory hashes, uint256[] memory backing) = _variants();
        uint256 backed;
        for (uint256 i; i < hashes.length; ++i) {
            backed += backing[i];
        }
        assertEq(backed, QUORUM + 1, "every vote counted once");
        assertEq(_memberHash(members[0]), keccak256(abi.encode("flip", uint256(59))), "the latest vote holds");
    }

    /// @dev Removing a member that changed its vote withdraws the vote it holds now.
    function test_removingAMemberWithdrawsItsChangedVote() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        _vote(members[5], HASH_B);
        _vote(members[5], HASH_A);
        assertEq(_consensusSupport(), QUORUM + 1, "six behind A");
        vm.prank(admin);
        consensus.removeMember(members[5], QUORUM);
        assertEq(_consensusSupport(), QUORUM, "five behind A");
        (, uint256[] memory backing) = _variants();
        assertEq(backing[1], 0, "nothing behind B");
    }

    /// @dev A new frame starts from no votes: a member's vote in it is its first, not a change.
    function test_nextFrameStartsAfresh() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        _vote(members[0], HASH_B);
        _warpToFrame(1);
        _vote(members[0], HASH_B);
        (bytes32[] memory hashes, uint256[] memory backing) = _variants();
        assertEq(hashes.length, 1, "one hash in the new frame");
        assertEq(backing[0], 1, "one vote");
    }

    /// @dev Any sequence of votes and changes over a few hashes: each hash's support is the number
    /// of members whose latest vote it is, and the consensus is the hash a quorum backs, if any.
    function testFuzz_supportsFollowTheLatestVotes(uint256 seed) public {
        bytes32[4] memory options = [HASH_A, HASH_B, HASH_C, keccak256("report D")];
        uint256[MEMBER_COUNT] memory latest; // option index + 1, 0 = no vote
        for (uint256 step; step < 40; ++step) {
            uint256 draw = uint256(keccak256(abi.encode(seed, step)));
            uint256 m = draw % MEMBER_COUNT;
            uint256 option = (draw >> 8) % options.length;
            if (latest[m] == option + 1) continue;
            _vote(members[m], options[option]);
            latest[m] = option + 1;

            bytes32 expected;
            for (uint256 o; o < options.length; ++o) {
                uint256 count;
                for (uint256 i; i < MEMBER_COUNT; ++i) {
                    if (latest[i] == o + 1) ++count;
                }
                if (count >= QUORUM) expected = options[o];
                (bytes32[] memory hashes, uint256[] memory backing) = _variants();
                for (uint256 v; v < hashes.length; ++v) {
                    if (hashes[v] == options[o]) assertEq(backing[v], count, "support is the latest votes");
                }
            }
            assertEq(_consensusHash(), expected, "consensus is the hash a quorum backs");
        }
    }
}
