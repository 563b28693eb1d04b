// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {HashConsensus} from "../../src/oracle/HashConsensus.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";

/// @notice Shared setup: a mainnet-shaped committee of 9 members with quorum 5.
abstract contract HashConsensusBase is Test {
    /// @dev Mainnet genesis time (2020-12-01 12:00:23 UTC), in seconds.
    uint256 internal constant GENESIS_TIME = 1_606_824_023;
    uint256 internal constant SLOTS_PER_EPOCH = 32;
    /// @dev In seconds.
    uint256 internal constant SECONDS_PER_SLOT = 12;
    /// @dev 225 epochs x 32 slots x 12 s = 86,400 s: one day.
    uint256 internal constant EPOCHS_PER_FRAME = 225;
    uint256 internal constant FRAME_SLOTS = EPOCHS_PER_FRAME * SLOTS_PER_EPOCH;
    uint256 internal constant INITIAL_EPOCH = 10;
    uint256 internal constant VERSION = 1;
    uint256 internal constant MEMBER_COUNT = 9;
    uint256 internal constant QUORUM = 5;

    HashConsensus internal consensus;
    address internal admin;
    address[] internal members;

    bytes32 internal constant HASH_A = keccak256("report A");
    bytes32 internal constant HASH_B = keccak256("report B");
    bytes32 internal constant HASH_C = keccak256("report C");

    function setUp() public virtual {
        admin = makeAddr("timelock");
        consensus = _deploy(admin);
        vm.startPrank(admin);
        consensus.grantRole(consensus.MANAGE_MEMBERS_ROLE(), admin);
        consensus.grantRole(consensus.MANAGE_FRAME_CONFIG_ROLE(), admin);
        for (uint256 i; i < MEMBER_COUNT; ++i) {
            address member = makeAddr(string.concat("member", _toString(i)));
            members.push(member);
            // Quorum stays above half of the members at every step; 9 / 2 + 1 = QUORUM at the end.
            consensus.addMember(member, _minQuorum(i + 1));
        }
        vm.stopPrank();
        _warpToFrame(0);
    }

    function _deploy(address owner) internal returns (HashConsensus) {
        return new HashConsensus(
            SLOTS_PER_EPOCH, SECONDS_PER_SLOT, GENESIS_TIME, EPOCHS_PER_FRAME, INITIAL_EPOCH, VERSION, owner
        );
    }

    /// @dev Moves to 5 slots into frame `index` (frame 0 starts at INITIAL_EPOCH).
    function _warpToFrame(uint256 index) internal {
        vm.warp(_frameStartTime(index) + 5 * SECONDS_PER_SLOT);
    }

    function _frameStartTime(uint256 index) internal pure returns (uint256) {
        return GENESIS_TIME + (INITIAL_EPOCH + index * EPOCHS_PER_FRAME) * SLOTS_PER_EPOCH * SECONDS_PER_SLOT;
    }

    /// @dev Reference slot of frame `index`: the last slot before it starts.
    function _refSlotOf(uint256 index) internal pure returns (uint256) {
        return (INITIAL_EPOCH + index * EPOCHS_PER_FRAME) * SLOTS_PER_EPOCH - 1;
    }

    function _currentRefSlot() internal view returns (uint256 refSlot) {
        (refSlot,) = consensus.getCurrentFrame();
    }

    function _vote(address member, bytes32 reportHash) internal {
        uint256 refSlot = _currentRefSlot();
        vm.prank(member);
        consensus.submitReport(refSlot, reportHash, VERSION);
    }

    function _consensusHash() internal view returns (bytes32 reportHash) {
        (, reportHash,,,) = consensus.getConsensusReport();
    }

    function _consensusSupport() internal view returns (uint256 support) {
        (,, support,,) = consensus.getConsensusReport();
    }

    function _minQuorum(uint256 memberCount) internal pure returns (uint256) {
        return memberCount / 2 + 1;
    }

    function _toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory digits;
        while (value != 0) {
            digits = abi.encodePacked(bytes1(uint8(48 + value % 10)), digits);
            value /= 10;
        }
        return string(digits);
    }

    function _expectNotMember(address account) internal {
        vm.expectRevert(abi.encodeWithSelector(IHashConsensus.HashConsensusNotMember.selector, account));
    }
}
