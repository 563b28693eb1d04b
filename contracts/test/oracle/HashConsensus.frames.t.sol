// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {HashConsensusBase} from "./HashConsensusBase.sol";
import {HashConsensus} from "../../src/oracle/HashConsensus.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";

/// @notice Frame arithmetic, frame configuration and construction.
contract HashConsensusFramesTest is HashConsensusBase {
    /*//////////////////////////////////////////////////////////////
                           FRAME ARITHMETIC
    //////////////////////////////////////////////////////////////*/

    function test_configViews() public view {
        (uint256 slotsPerEpoch, uint256 secondsPerSlot, uint256 genesisTime) = consensus.getChainConfig();
        assertEq(slotsPerEpoch, SLOTS_PER_EPOCH, "slots per epoch");
        assertEq(secondsPerSlot, SECONDS_PER_SLOT, "seconds per slot");
        assertEq(genesisTime, GENESIS_TIME, "genesis time");
        (uint256 initialEpoch, uint256 epochsPerFrame) = consensus.getFrameConfig();
        assertEq(initialEpoch, INITIAL_EPOCH, "initial epoch");
        assertEq(epochsPerFrame, EPOCHS_PER_FRAME, "epochs per frame");
        assertEq(consensus.getConsensusVersion(), VERSION, "version");
    }

    function test_frameBoundaries() public {
        // The first second of frame 1: its reference slot is the last slot of frame 0.
        vm.warp(_frameStartTime(1));
        (uint256 refSlot, uint256 deadline) = consensus.getCurrentFrame();
        assertEq(refSlot, _refSlotOf(1), "ref slot at frame start");
        assertEq(deadline, _refSlotOf(2), "deadline at frame start");
        // The last second of frame 1 is still frame 1.
        vm.warp(_frameStartTime(2) - 1);
        (refSlot, deadline) = consensus.getCurrentFrame();
        assertEq(refSlot, _refSlotOf(1), "ref slot at frame end");
        assertEq((block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT, deadline, "last second is in the deadline slot");
    }

    /// @dev For any time on the mainnet-shaped committee: the reference slot is the slot before a
    /// frame start, the current slot lies in (refSlot, deadline] and the frame is FRAME_SLOTS long.
    function testFuzz_currentFrame(uint256 timestamp) public {
        // From frame 0 to ~1,000 years later.
        timestamp = bound(timestamp, _frameStartTime(0), _frameStartTime(0) + 1000 * 365 days);
        vm.warp(timestamp);
        _checkFrame(consensus, timestamp, GENESIS_TIME, SECONDS_PER_SLOT, SLOTS_PER_EPOCH, INITIAL_EPOCH, EPOCHS_PER_FRAME);
    }

    /// @dev The same for any chain and frame shape.
    function testFuzz_currentFrame_anyConfig(
        uint256 slotsPerEpoch,
        uint256 secondsPerSlot,
        uint256 genesisTime,
        uint256 epochsPerFrame,
        uint256 initialEpoch,
        uint256 elapsed
    ) public {
        slotsPerEpoch = bound(slotsPerEpoch, 2, type(uint16).max);
        secondsPerSlot = bound(secondsPerSlot, 1, type(uint16).max);
        genesisTime = bound(genesisTime, 0, 2 ** 34);
        epochsPerFrame = bound(epochsPerFrame, 1, type(uint16).max);
        initialEpoch = bound(initialEpoch, 1, 1_000_000);
        HashConsensus hc =
            new HashConsensus(slotsPerEpoch, secondsPerSlot, genesisTime, epochsPerFrame, initialEpoch, VERSION, admin);
        uint256 start = genesisTime + initialEpoch * slotsPerEpoch * secondsPerSlot;
        uint256 timestamp = start + bound(elapsed, 0, 2 ** 36);
        vm.warp(timestamp);
        _checkFrame(hc, timestamp, genesisTime, secondsPerSlot, slotsPerEpoch, initialEpoch, epochsPerFrame);
    }

    function _checkFrame(
        HashConsensus hc,
        uint256 timestamp,
        uint256 genesisTime,
        uint256 secondsPerSlot,
        uint256 slotsPerEpoch,
        uint256 initialEpoch,
        uint256 epochsPerFrame
    ) internal view {
        (uint256 refSlot, uint256 deadline) = hc.getCurrentFrame();
        uint256 slot = (timestamp - genesisTime) / secondsPerSlot;
        uint256 frameSlots = epochsPerFrame * slotsPerEpoch;
        uint256 frameStartSlot = refSlot + 1;
        assertEq(frameStartSlot % slotsPerEpoch, 0, "frame starts on an epoch boundary");
        assertGe(frameStartSlot / slotsPerEpoch, initialEpoch, "frame at or after the initial epoch");
        assertEq((frameStartSlot / slotsPerEpoch - initialEpoch) % epochsPerFrame, 0, "frame start on the frame grid");
        assertLt(refSlot, slot, "ref slot in the past");
        assertLe(slot, deadline, "deadline not passed");
        assertEq(deadline - refSlot, frameSlots, "frame length");
        (uint256 consensusRefSlot,,,, uint256 consensusDeadline) = hc.getConsensusReport();
        assertEq(consensusRefSlot, refSlot, "consensus report ref slot");
        assertEq(consensusDeadline, deadline, "consensus report deadline");
    }

    function testFuzz_revert_currentFrameBeforeInitialEpoch(uint256 timestamp) public {
        timestamp = bound(timestamp, 0, _frameStartTime(0) - 1);
        vm.warp(timestamp);
        uint256 epoch = timestamp > GENESIS_TIME ? (timestamp - GENESIS_TIME) / SECONDS_PER_SLOT / SLOTS_PER_EPOCH : 0;
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInitialEpochNotReached.selector, epoch, INITIAL_EPOCH)
        );
        consensus.getCurrentFrame();
        (uint256 refSlot, bytes32 reportHash,,, uint256 deadline) = consensus.getConsensusReport();
        assertEq(refSlot, 0, "no ref slot before the first frame");
        assertEq(reportHash, bytes32(0), "no report before the first frame");
        assertEq(deadline, 0, "no deadline before the first frame");
    }

    /*//////////////////////////////////////////////////////////////
                          FRAME CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    function test_setEpochsPerFrame_keepsCurrentRefSlot() public {
        _warpToFrame(4);
        vm.warp(block.timestamp + 10 * SLOTS_PER_EPOCH * SECONDS_PER_SLOT);
        uint256 refSlot = _currentRefSlot();
        for (uint256 i; i < 3; ++i) {
            _vote(members[i], HASH_A);
        }
        uint256 newEpochsPerFrame = 450;
        uint256 currentFrameStartEpoch = INITIAL_EPOCH + 4 * EPOCHS_PER_FRAME;
        vm.expectEmit(address(consensus));
        emit IHashConsensus.FrameConfigSet(currentFrameStartEpoch, newEpochsPerFrame);
        vm.prank(admin);
        consensus.setEpochsPerFrame(newEpochsPerFrame);

        (uint256 newRefSlot, uint256 deadline) = consensus.getCurrentFrame();
        assertEq(newRefSlot, refSlot, "ref slot kept");
        assertEq(deadline, refSlot + newEpochsPerFrame * SLOTS_PER_EPOCH, "deadline moved");
        // Votes cast before the change still count.
        _vote(members[3], HASH_A);
        _vote(members[4], HASH_A);
        assertEq(_consensusHash(), HASH_A, "consensus with votes from before the change");
    }

    function test_setEpochsPerFrame_shorterStartsNextFrame() public {
        _warpToFrame(1);
        vm.warp(block.timestamp + 100 * SLOTS_PER_EPOCH * SECONDS_PER_SLOT);
        uint256 refSlot = _currentRefSlot();
        _vote(members[0], HASH_A);
        // 100 epochs into the frame, frames of 50 epochs: the frame 50 epochs after this one's start.
        vm.prank(admin);
        consensus.setEpochsPerFrame(50);
        uint256 newRefSlot = _currentRefSlot();
        assertEq(newRefSlot, refSlot + 100 * SLOTS_PER_EPOCH, "two short frames later");
        // member 0 may vote again: its old vote was for an earlier frame.
        _vote(members[0], HASH_B);
        (, bytes32[] memory hashes,) = consensus.getReportVariants();
        assertEq(hashes.length, 1, "old frame's variants dropped");
        assertEq(hashes[0], HASH_B, "new variant");
    }

    function test_setEpochsPerFrame_beforeStartKeepsInitialEpoch() public {
        vm.warp(GENESIS_TIME + 1);
        vm.prank(admin);
        consensus.setEpochsPerFrame(10);
        (uint256 initialEpoch, uint256 epochsPerFrame) = consensus.getFrameConfig();
        assertEq(initialEpoch, INITIAL_EPOCH, "initial epoch kept");
        assertEq(epochsPerFrame, 10, "epochs per frame");
    }

    function test_revert_setEpochsPerFrame_zero() public {
        uint256 currentFrameStartEpoch = INITIAL_EPOCH;
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidFrameConfig.selector, currentFrameStartEpoch, 0)
        );
        vm.prank(admin);
        consensus.setEpochsPerFrame(0);
    }

    function test_revert_setEpochsPerFrame_tooLong() public {
        uint256 tooLong = uint256(type(uint16).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidFrameConfig.selector, INITIAL_EPOCH, tooLong)
        );
        vm.prank(admin);
        consensus.setEpochsPerFrame(tooLong);
    }

    function testFuzz_revert_setEpochsPerFrame_unauthorized(address caller) public {
        vm.assume(caller != admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, consensus.MANAGE_FRAME_CONFIG_ROLE()
            )
        );
        vm.prank(caller);
        consensus.setEpochsPerFrame(10);
    }

    function test_updateInitialEpoch_beforeStart() public {
        vm.warp(GENESIS_TIME + 1);
        vm.expectEmit(address(consensus));
        emit IHashConsensus.FrameConfigSet(20, EPOCHS_PER_FRAME);
        vm.prank(admin);
        consensus.updateInitialEpoch(20);
        (uint256 initialEpoch,) = consensus.getFrameConfig();
        assertEq(initialEpoch, 20, "moved");
    }

    function test_revert_updateInitialEpoch_afterStart() public {
        uint256 epoch = (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT / SLOTS_PER_EPOCH;
        vm.expectRevert(
            abi.encodeWithSelector(
                IHashConsensus.HashConsensusInitialEpochAlreadyReached.selector, epoch, INITIAL_EPOCH
            )
        );
        vm.prank(admin);
        consensus.updateInitialEpoch(epoch + 10);
    }

    function test_revert_updateInitialEpoch_toPast() public {
        vm.warp(GENESIS_TIME + 5 * SLOTS_PER_EPOCH * SECONDS_PER_SLOT);
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInitialEpochAlreadyReached.selector, 5, 3));
        vm.prank(admin);
        consensus.updateInitialEpoch(3);
    }

    function test_setConsensusVersion() public {
        vm.expectEmit(address(consensus));
        emit IHashConsensus.ConsensusVersionSet(2, VERSION);
        vm.prank(admin);
        consensus.setConsensusVersion(2);
        assertEq(consensus.getConsensusVersion(), 2, "version");
        uint256 refSlot = _currentRefSlot();
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusUnexpectedConsensusVersion.selector, VERSION, 2)
        );
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_A, VERSION);
        vm.prank(members[0]);
        consensus.submitReport(refSlot, HASH_A, 2);
        (uint256 lastVoted,) = consensus.getMemberState(members[0]);
        assertEq(lastVoted, refSlot, "voted with the new version");
    }

    function test_revert_setConsensusVersion_tooWide() public {
        uint256 version = uint256(type(uint16).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidConsensusVersion.selector, version));
        vm.prank(admin);
        consensus.setConsensusVersion(version);
    }

    /*//////////////////////////////////////////////////////////////
                             CONSTRUCTION
    //////////////////////////////////////////////////////////////*/

    function test_revert_constructor_invalidChainConfig() public {
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidChainConfig.selector, 1, 12, GENESIS_TIME)
        );
        new HashConsensus(1, 12, GENESIS_TIME, EPOCHS_PER_FRAME, INITIAL_EPOCH, VERSION, admin);
        vm.expectRevert(
            abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidChainConfig.selector, 32, 0, GENESIS_TIME)
        );
        new HashConsensus(32, 0, GENESIS_TIME, EPOCHS_PER_FRAME, INITIAL_EPOCH, VERSION, admin);
    }

    function test_revert_constructor_invalidFrameConfig() public {
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidFrameConfig.selector, 0, 225));
        new HashConsensus(32, 12, GENESIS_TIME, 225, 0, VERSION, admin);
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusInvalidFrameConfig.selector, 1, 0));
        new HashConsensus(32, 12, GENESIS_TIME, 0, 1, VERSION, admin);
    }

    function test_revert_constructor_zeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusZeroAddress.selector));
        new HashConsensus(32, 12, GENESIS_TIME, 225, 1, VERSION, address(0));
    }

    function test_constructor_rolesAndDefaults() public {
        HashConsensus hc = _deploy(admin);
        assertTrue(hc.hasRole(hc.DEFAULT_ADMIN_ROLE(), admin), "admin role");
        assertFalse(hc.hasRole(hc.MANAGE_MEMBERS_ROLE(), admin), "manage role granted separately");
        assertEq(hc.getQuorum(), 1, "initial quorum");
        assertEq(hc.getMembers().length, 0, "no members");
        (uint256 refSlot, bytes32 reportHash, uint256 support, uint256 memberCount,) = hc.getConsensusReport();
        assertEq(refSlot, _currentRefSlot(), "current frame");
        assertEq(reportHash, bytes32(0), "no report");
        assertEq(support, 0, "no support");
        assertEq(memberCount, 0, "no members");
    }
}
