// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {HashConsensusBase} from "./HashConsensusBase.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";

contract HashConsensusSubmitReportTest is HashConsensusBase {
    /*//////////////////////////////////////////////////////////////
                              BAD INPUT
    //////////////////////////////////////////////////////////////*/

    function test_setUp_committee() public view {
        assertEq(consensus.getMembers().length, MEMBER_COUNT, "member count");
        assertEq(consensus.getQuorum(), QUORUM, "quorum");
        assertEq(_currentRefSlot(), _refSlotOf(0), "frame 0 ref slot");
    }

    function testFuzz_revert_nonMember(address stranger, bytes32 reportHash) public {
        vm.assume(!consensus.isMember(stranger));
        uint256 refSlot = _currentRefSlot();
        _expectNotMember(stranger);
        vm.prank(stranger);
        consensus.submitReport(refSlot, reportHash, VERSION);
    }

    function testFuzz_revert_futureRefSlot(uint256 ahead) public {
        uint256 refSlot = _currentRefSlot();
        uint256 future = refSlot + bound(ahead, 1, type(uint128).max);
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusRefSlotNotCurrent.selector, future, refSlot)
        );
        vm.prank(members[0]);
        consensus.submitReport(future, HASH_A, VERSION);
    }

    function test_revert_nextFrameRefSlot() public {
        uint256 refSlot = _currentRefSlot();
        uint256 next = refSlot + FRAME_SLOTS;
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusRefSlotNotCurrent.selector, next, refSlot));
        vm.prank(members[0]);
        consensus.submitReport(next, HASH_A, VERSION);
    }

    function testFuzz_revert_pastSlotThatIsNoReferenceSlot(uint256 behind) public {
        _warpToFrame(3);
        uint256 refSlot = _currentRefSlot();
        uint256 past = refSlot - bound(behind, 1, refSlot);
        vm.assume((refSlot - past) % FRAME_SLOTS != 0);
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusRefSlotNotCurrent.selector, past, refSlot));
        vm.prank(members[0]);
        consensus.submitReport(past, HASH_A, VERSION);
    }

    function testFuzz_revert_afterDeadline(uint256 framesLater, uint256 secondsIntoFrame) public {
        uint256 previousRefSlot = _currentRefSlot();
        (, uint256 deadline) = consensus.getCurrentFrame();
        // Any moment after the frame's last slot: some frames later, anywhere in that frame.
        framesLater = bound(framesLater, 1, 1000);
        uint256 frameSeconds = FRAME_SLOTS * SECONDS_PER_SLOT;
        vm.warp(_frameStartTime(framesLater) + bound(secondsIntoFrame, 0, frameSeconds - 1));
        uint256 currentSlot = (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT;
        assertGt(currentSlot, deadline, "past the deadline");
        vm.expectRevert(
            abi.encodeWithSelector(
                IHashConsensus.HashConsensusDeadlinePassed.selector, previousRefSlot, deadline, currentSlot
            )
        );
        vm.prank(members[0]);
        consensus.submitReport(previousRefSlot, HASH_A, VERSION);
    }

    function test_revert_votedTwiceSameHash() public {
        _vote(members[0], HASH_A);
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusAlreadyVoted.selector, members[0], refSlot)
        );
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_A, VERSION);
    }

    function test_revert_votedTwiceAfterQuorum() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusAlreadyVoted.selector, members[0], refSlot)
        );
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_A, VERSION);
        assertEq(_consensusSupport(), QUORUM, "support unchanged");
    }

    function test_revert_zeroHash() public {
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusZeroReportHash.selector, refSlot));
        vm.prank(members[0]);
        consensus.submitReport(refSlot, bytes32(0), VERSION);
    }

    function testFuzz_revert_unexpectedConsensusVersion(uint256 version) public {
        vm.assume(version != VERSION);
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusUnexpectedConsensusVersion.selector, version, VERSION)
        );
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_A, version);
    }

    function testFuzz_revert_beforeInitialEpoch(uint256 timestamp) public {
        timestamp = bound(timestamp, 0, _frameStartTime(0) - 1);
        vm.warp(timestamp);
        uint256 epoch = timestamp > GENESIS_TIME ? (timestamp - GENESIS_TIME) / SECONDS_PER_SLOT / SLOTS_PER_EPOCH : 0;
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInitialEpochNotReached.selector, epoch, INITIAL_EPOCH)
        );
        vm.prank(members[0]);
        consensus.submitReport(_refSlotOf(0), HASH_A, VERSION);
    }

    /*//////////////////////////////////////////////////////////////
                                QUORUM
    //////////////////////////////////////////////////////////////*/

    function test_quorumReached() public {
        uint256 refSlot = _currentRefSlot();
        for (uint256 i; i < QUORUM - 1; ++i) {
            vm.expectEmit(address(consensus));
            emit IHashConsensus.ReportReceived(refSlot, members[i], HASH_A);
            _vote(members[i], HASH_A);
            assertEq(_consensusHash(), bytes32(0), "no consensus below quorum");
        }
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusReached(refSlot, HASH_A, QUORUM);
        _vote(members[QUORUM - 1], HASH_A);

        (uint256 reportRefSlot, bytes32 reportHash, uint256 support, uint256 memberCount, uint256 deadline) =
            consensus.getConsensusReport();
        assertEq(reportRefSlot, refSlot, "ref slot");
        assertEq(reportHash, HASH_A, "consensus hash");
        assertEq(support, QUORUM, "support at quorum");
        assertEq(memberCount, MEMBER_COUNT, "member count");
        assertEq(deadline, refSlot + FRAME_SLOTS, "deadline is the frame's last slot");
        (uint256 agreedRefSlot, bytes32 agreedHash, uint256 agreedSupport) = consensus.agreedReport();
        assertEq(agreedRefSlot, refSlot, "agreedReport: ref slot");
        assertEq(agreedHash, HASH_A, "agreedReport: hash");
        assertEq(agreedSupport, QUORUM, "agreedReport: support");
    }

    function test_votesAfterQuorumCountTowardSupport() public {
        for (uint256 i; i < MEMBER_COUNT; ++i) {
            _vote(members[i], HASH_A);
            assertEq(_consensusSupport(), i + 1 >= QUORUM ? i + 1 : 0, "support");
        }
        (,, uint256 support, uint256 memberCount,) = consensus.getConsensusReport();
        assertEq(support, memberCount, "unanimous");
    }

    function test_quorumNotReached_splitVotes() public {
        for (uint256 i; i < 4; ++i) {
            _vote(members[i], HASH_A);
        }
        for (uint256 i = 4; i < 8; ++i) {
            _vote(members[i], HASH_B);
        }
        _vote(members[8], HASH_C);
        assertEq(_consensusHash(), bytes32(0), "no consensus");
        assertEq(_consensusSupport(), 0, "no support");

        (uint256 refSlot, bytes32[] memory hashes, uint256[] memory variantSupports) = consensus.getReportVariants();
        assertEq(refSlot, _currentRefSlot(), "variants ref slot");
        assertEq(hashes.length, 3, "three variants");
        assertEq(hashes[0], HASH_A, "variant 0");
        assertEq(hashes[1], HASH_B, "variant 1");
        assertEq(hashes[2], HASH_C, "variant 2");
        assertEq(variantSupports[0], 4, "support 0");
        assertEq(variantSupports[1], 4, "support 1");
        assertEq(variantSupports[2], 1, "support 2");
    }

    function test_minorityAfterConsensusKeepsConsensus() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        for (uint256 i = QUORUM; i < MEMBER_COUNT; ++i) {
            _vote(members[i], HASH_B);
        }
        assertEq(_consensusHash(), HASH_A, "consensus kept");
        assertEq(_consensusSupport(), QUORUM, "support of A only");
    }

    function test_newFrameStartsEmpty() public {
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_A);
        }
        _warpToFrame(1);
        (uint256 refSlot, bytes32 reportHash, uint256 support,, uint256 deadline) = consensus.getConsensusReport();
        assertEq(refSlot, _refSlotOf(1), "next ref slot");
        assertEq(reportHash, bytes32(0), "no consensus yet");
        assertEq(support, 0, "no support yet");
        assertEq(deadline, _refSlotOf(2), "deadline");
        (, bytes32[] memory hashes,) = consensus.getReportVariants();
        assertEq(hashes.length, 0, "no variants yet");
        (uint256 lastVoted, bytes32 voted) = consensus.getMemberState(members[0]);
        assertEq(lastVoted, _refSlotOf(0), "last voted in frame 0");
        assertEq(voted, bytes32(0), "no vote in frame 1");

        // The same members vote again, for another hash, which wins this frame alone.
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_B);
        }
        assertEq(_consensusHash(), HASH_B, "frame 1 consensus");
        (, hashes,) = consensus.getReportVariants();
        assertEq(hashes.length, 1, "old variants dropped");
    }

    function test_skippedFramesStillVotable() public {
        _warpToFrame(7);
        for (uint256 i; i < QUORUM; ++i) {
            _vote(members[i], HASH_C);
        }
        (uint256 refSlot, bytes32 reportHash,,,) = consensus.getConsensusReport();
        assertEq(refSlot, _refSlotOf(7), "ref slot of frame 7");
        assertEq(reportHash, HASH_C, "consensus");
    }

    function test_getMemberState() public {
        (uint256 lastVoted, bytes32 voted) = consensus.getMemberState(members[2]);
        assertEq(lastVoted, 0, "never voted");
        assertEq(voted, bytes32(0), "no hash");
        _vote(members[2], HASH_B);
        (lastVoted, voted) = consensus.getMemberState(members[2]);
        assertEq(lastVoted, _currentRefSlot(), "voted now");
        assertEq(voted, HASH_B, "hash");
    }

    /*//////////////////////////////////////////////////////////////
                            SAFETY (FUZZ)
    //////////////////////////////////////////////////////////////*/

    /// @dev Any committee size, any valid quorum, any voting order and any split over 4 hashes:
    /// at most one hash ever reaches quorum in a frame, the consensus never changes once reached,
    /// and every view agrees with a ghost tally.
    function testFuzz_neverTwoHashesReachQuorum(uint256 memberCount, uint256 quorum, uint256 choices, uint256 order)
        public
    {
        memberCount = bound(memberCount, 1, consensus.MAX_MEMBERS());
        HashConsensusHarnessSetup memory s = _committee(memberCount, bound(quorum, _minQuorum(memberCount), memberCount));
        _warpToFrame(2);
        uint256 refSlot = _currentRefSlot();

        bytes32[4] memory hashes = [HASH_A, HASH_B, HASH_C, keccak256("report D")];
        uint256[4] memory tally;
        bytes32 winner;
        for (uint256 n; n < memberCount; ++n) {
            // A fuzzed permutation: swap a not-yet-voted member into position n.
            uint256 pick = n + uint256(keccak256(abi.encode(order, n))) % (memberCount - n);
            (s.voters[n], s.voters[pick]) = (s.voters[pick], s.voters[n]);
            uint256 choice = uint256(keccak256(abi.encode(choices, n))) % 4;

            vm.prank(s.voters[n]);
            s.hc.submitReport(refSlot, hashes[choice], VERSION);
            ++tally[choice];

            uint256 atQuorum;
            for (uint256 h; h < 4; ++h) {
                if (tally[h] >= s.quorum) {
                    ++atQuorum;
                    if (winner == bytes32(0)) winner = hashes[h];
                }
            }
            assertLe(atQuorum, 1, "at most one hash at quorum");
            (, bytes32 reportHash, uint256 support,,) = s.hc.getConsensusReport();
            assertEq(reportHash, winner, "consensus is the first hash to reach quorum");
            if (winner != bytes32(0)) {
                assertEq(support, tally[_indexOf(hashes, winner)], "support is the winner's tally");
            }
        }
        (, bytes32[] memory variants, uint256[] memory variantSupports) = s.hc.getReportVariants();
        uint256 total;
        for (uint256 i; i < variants.length; ++i) {
            assertEq(variantSupports[i], tally[_indexOf(hashes, variants[i])], "variant support");
            total += variantSupports[i];
        }
        assertEq(total, memberCount, "every vote counted once");
    }

    struct HashConsensusHarnessSetup {
        IHashConsensus hc;
        address[] voters;
        uint256 quorum;
    }

    function _committee(uint256 memberCount, uint256 quorum) internal returns (HashConsensusHarnessSetup memory s) {
        consensus = _deploy(admin);
        s.hc = consensus;
        s.quorum = quorum;
        s.voters = new address[](memberCount);
        vm.startPrank(admin);
        consensus.grantRole(consensus.MANAGE_MEMBERS_ROLE(), admin);
        for (uint256 i; i < memberCount; ++i) {
            s.voters[i] = address(uint160(0x1000 + i));
            consensus.addMember(s.voters[i], i + 1 == memberCount ? quorum : _minQuorum(i + 1));
        }
        vm.stopPrank();
    }

    function _indexOf(bytes32[4] memory hashes, bytes32 h) internal pure returns (uint256) {
        for (uint256 i; i < 4; ++i) {
            if (hashes[i] == h) return i;
        }
        revert("unknown hash");
    }
}
