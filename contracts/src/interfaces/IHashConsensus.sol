// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IHashConsensus
/// @notice The oracle committee. Once per frame, members vote on the hash of the report for the
/// frame's reference slot; a hash backed by a quorum of members becomes the consensus report.
///
/// Time is divided into frames of `epochsPerFrame` epochs, counted from `initialEpoch`. The
/// reference slot of a frame is the last slot of the previous frame; the processing deadline of a
/// frame is its own last slot. Members vote for the current frame's reference slot only.
///
/// How a consumer (the accounting contract) uses it:
/// ```
/// (uint256 refSlot, bytes32 reportHash, uint256 support, uint256 members, uint256 deadline)
///     = hashConsensus.getConsensusReport();
/// require(reportHash != 0);                                   // a quorum has agreed
/// require(keccak256(abi.encode(report)) == reportHash);       // the data is what they agreed on
/// require(report.refSlot == refSlot && refSlot > lastProcessedRefSlot);
/// // a large negative rebase may additionally require support == members (unanimity)
/// ```
/// The committee never calls the consumer: a vote only records the vote, so it stays cheap.
///
/// @dev Warning: the consensus report is that of the CURRENT frame only. When a frame ends
/// (after its processing deadline) `getConsensusReport` moves on to the next frame and returns a
/// zero hash until that frame reaches consensus; an unprocessed report is then superseded by the
/// next one, which must catch up with everything since the last processed report.
/// Changing a vote: a member may vote again in the same frame for a different hash. Its vote moves:
/// the old hash loses the consensus once its support falls below the quorum, and the new hash
/// gains it on reaching the quorum. This is how the committee agrees again when the agreed report
/// cannot be applied (the chain moved between the vote and the submission, e.g. the vault paid
/// out, so the submission reverts): the members vote for a corrected report of the same
/// reference slot, and the frame is not lost. A quorum is needed to agree on any hash, and
/// since the quorum is more than half of the members, at most one hash has it at a time. The
/// consumer applies at most one report per reference slot, so a consensus reached after the
/// frame's report was applied is never applied.
///
/// @dev Warning: governance may change members or the quorum mid-frame. Removing a member
/// withdraws its vote from the current frame, so a consensus may be lost (and regained) within a
/// frame; a consumer must read `getConsensusReport` in the same transaction in which it acts.
interface IHashConsensus {
    /*//////////////////////////////////////////////////////////////
                                EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A member was added to the committee.
    event MemberAdded(address indexed member, uint256 memberCount, uint256 quorum);

    /// @notice A member was removed from the committee; its vote in the current frame, if any,
    /// no longer counts.
    event MemberRemoved(address indexed member, uint256 memberCount, uint256 quorum);

    /// @notice The number of matching votes needed for consensus changed.
    event QuorumSet(uint256 quorum, uint256 previousQuorum);

    /// @notice The frame layout changed. `initialEpoch` is the first epoch of frame 0 under the
    /// new layout (the start of the frame that was current when the change was made, if any).
    event FrameConfigSet(uint256 initialEpoch, uint256 epochsPerFrame);

    /// @notice The report format version that votes must carry changed.
    event ConsensusVersionSet(uint256 version, uint256 previousVersion);

    /// @notice A member voted for `reportHash` as the report for `refSlot` (a second event from the
    /// same member for the same `refSlot` is a changed vote, which replaces the first).
    event ReportReceived(uint256 indexed refSlot, address indexed member, bytes32 reportHash);

    /// @notice `reportHash` is backed by a quorum of members for `refSlot`.
    /// @param support The number of members that voted for `reportHash` when quorum was reached.
    event ConsensusReached(uint256 indexed refSlot, bytes32 reportHash, uint256 support);

    /// @notice The consensus for `refSlot` was lost: members changed their votes, or governance
    /// removed a member or raised the quorum, so that the agreed hash lost its quorum.
    event ConsensusLost(uint256 indexed refSlot);

    /*//////////////////////////////////////////////////////////////
                                ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `account` is not a committee member.
    error HashConsensusNotMember(address account);

    /// @notice `account` is already a committee member.
    error HashConsensusAlreadyMember(address account);

    /// @notice The zero address cannot be a member or the admin.
    error HashConsensusZeroAddress();

    /// @notice The committee already has the maximum number of members.
    error HashConsensusTooManyMembers(uint256 maxMembers);

    /// @notice `quorum` is zero, not more than half of `memberCount`, or above the maximum.
    error HashConsensusInvalidQuorum(uint256 quorum, uint256 memberCount);

    /// @notice A vote named `refSlot` but the current frame's reference slot is `currentRefSlot`.
    error HashConsensusRefSlotNotCurrent(uint256 refSlot, uint256 currentRefSlot);

    /// @notice A vote for the frame of `refSlot` arrived at `currentSlot`, after that frame's
    /// processing deadline `deadlineSlot`.
    error HashConsensusDeadlinePassed(uint256 refSlot, uint256 deadlineSlot, uint256 currentSlot);

    /// @notice `member` already voted the same hash in the frame of `refSlot` (a member may change
    /// its vote to another hash, not repeat it).
    error HashConsensusAlreadyVoted(address member, uint256 refSlot);

    /// @notice A vote for `refSlot` carried the zero hash.
    error HashConsensusZeroReportHash(uint256 refSlot);

    /// @notice A vote carried report format `version`; the committee expects `expectedVersion`.
    error HashConsensusUnexpectedConsensusVersion(uint256 version, uint256 expectedVersion);

    /// @notice The first frame starts at `initialEpoch`; the chain is at `currentEpoch`.
    error HashConsensusInitialEpochNotReached(uint256 currentEpoch, uint256 initialEpoch);

    /// @notice The initial epoch can be moved only before it arrives; the chain is at
    /// `currentEpoch`.
    error HashConsensusInitialEpochAlreadyReached(uint256 currentEpoch, uint256 initialEpoch);

    /// @notice Invalid chain parameters (zero or absurd slot duration or epoch length).
    error HashConsensusInvalidChainConfig(uint256 slotsPerEpoch, uint256 secondsPerSlot, uint256 genesisTime);

    /// @notice Invalid frame layout: an epoch count of 0 or above 65,535 (~291 days), or an
    /// initial epoch of 0 or above 2^32 - 1.
    error HashConsensusInvalidFrameConfig(uint256 initialEpoch, uint256 epochsPerFrame);

    /// @notice The report format version is above 65,535 (it is stored in 16 bits).
    error HashConsensusInvalidConsensusVersion(uint256 version);

    /// @notice More distinct hashes are backed by votes in the frame of `refSlot` than there are
    /// variant slots (only possible when governance churns members within one frame; a slot no
    /// vote backs any more is reused).
    error HashConsensusTooManyVariants(uint256 refSlot);

    /*//////////////////////////////////////////////////////////////
                              GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds `member` and sets the quorum in one step.
    /// @dev Only MANAGE_MEMBERS_ROLE. `quorum` must be more than half of the new member count.
    function addMember(address member, uint256 quorum) external;

    /// @notice Removes `member` and sets the quorum in one step. A vote the member cast in the
    /// current frame is withdrawn, which may lose the frame's consensus.
    /// @dev Only MANAGE_MEMBERS_ROLE. `quorum` must be more than half of the new member count.
    function removeMember(address member, uint256 quorum) external;

    /// @notice Sets the number of matching votes needed for consensus. A quorum above the member
    /// count makes consensus impossible (a way to halt reporting).
    /// @dev Only MANAGE_MEMBERS_ROLE. Re-evaluates the current frame: consensus may be reached
    /// or lost by this call.
    function setQuorum(uint256 quorum) external;

    /// @notice Sets the frame length. Once frames have started, the frame that is current now
    /// keeps its start (and so its reference slot) and becomes frame 0 of the new layout.
    /// @dev Only MANAGE_FRAME_CONFIG_ROLE. Shortening a frame so that the current epoch falls
    /// past the end of the current frame starts the next frame at once; votes in the old frame
    /// are then discarded.
    function setEpochsPerFrame(uint256 epochsPerFrame) external;

    /// @notice Moves the first epoch of frame 0; allowed only before that epoch arrives.
    /// @dev Only MANAGE_FRAME_CONFIG_ROLE.
    function updateInitialEpoch(uint256 initialEpoch) external;

    /// @notice Sets the report format version votes must carry.
    /// @dev Only MANAGE_FRAME_CONFIG_ROLE.
    function setConsensusVersion(uint256 version) external;

    /*//////////////////////////////////////////////////////////////
                               MEMBERS
    //////////////////////////////////////////////////////////////*/

    /// @notice Votes for `reportHash` as the hash of the report for `refSlot`.
    /// @dev Reverts unless the caller is a member, `refSlot` is the current frame's reference
    /// slot, `reportHash` is not zero and `consensusVersion` is the expected one. A member that
    /// already voted in this frame changes its vote (see "Changing a vote" above); voting the same
    /// hash again reverts with HashConsensusAlreadyVoted. A vote for a hash that already has
    /// consensus still increases its support.
    /// @param refSlot The current frame's reference slot, from `getCurrentFrame`.
    /// @param reportHash `keccak256(abi.encode(report))` of the consumer's report struct.
    /// @param consensusVersion The report format version, from `getConsensusVersion`.
    function submitReport(uint256 refSlot, bytes32 reportHash, uint256 consensusVersion) external;

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The role that adds and removes members and sets the quorum.
    function MANAGE_MEMBERS_ROLE() external view returns (bytes32);

    /// @notice The role that sets the frame layout and the report format version.
    function MANAGE_FRAME_CONFIG_ROLE() external view returns (bytes32);

    /// @notice The maximum number of members (25).
    function MAX_MEMBERS() external view returns (uint256);

    /// @notice What a report processor needs to accept the current frame's report, without the
    /// member count (one storage read less): see {getConsensusReport} for the fields.
    function agreedReport() external view returns (uint256 refSlot, bytes32 reportHash, uint256 support);

    /// @notice The consensus for the current frame.
    /// @return refSlot The current frame's reference slot.
    /// @return reportHash The hash backed by a quorum, or zero if there is no consensus yet.
    /// @return support How many current members voted for exactly `reportHash` (zero without
    /// consensus). Votes arriving after quorum still count, so `support == memberCount` means
    /// unanimity.
    /// @return memberCount The current number of members.
    /// @return processingDeadlineSlot The last slot in which the report may be processed.
    function getConsensusReport()
        external
        view
        returns (
            uint256 refSlot,
            bytes32 reportHash,
            uint256 support,
            uint256 memberCount,
            uint256 processingDeadlineSlot
        );

    /// @notice Every distinct hash voted in the current frame with its support, for monitoring.
    /// @return refSlot The current frame's reference slot.
    /// @return reportHashes The voted hashes, by variant slot (in the order first voted, except
    /// that a slot no vote backs any more may be reused by a later hash once all are taken).
    /// @return reportSupports The number of current members behind each hash.
    function getReportVariants()
        external
        view
        returns (uint256 refSlot, bytes32[] memory reportHashes, uint256[] memory reportSupports);

    /// @notice The current frame.
    /// @dev Reverts with `HashConsensusInitialEpochNotReached` before the first frame.
    /// @return refSlot The last slot of the previous frame: the slot the report describes.
    /// @return reportProcessingDeadlineSlot The last slot of the current frame.
    function getCurrentFrame() external view returns (uint256 refSlot, uint256 reportProcessingDeadlineSlot);

    /// @notice The frame layout.
    /// @return initialEpoch The first epoch of frame 0.
    /// @return epochsPerFrame The frame length in epochs.
    function getFrameConfig() external view returns (uint256 initialEpoch, uint256 epochsPerFrame);

    /// @notice The beacon chain parameters, as a beacon node's Beacon API reports them.
    /// @return slotsPerEpoch Slots in an epoch (`SLOTS_PER_EPOCH`, 32 on mainnet).
    /// @return secondsPerSlot Seconds in a slot (`SECONDS_PER_SLOT`, 12 on mainnet).
    /// @return genesisTime The unix time of slot 0 (`genesis_time`).
    function getChainConfig() external view returns (uint256 slotsPerEpoch, uint256 secondsPerSlot, uint256 genesisTime);

    /// @notice The number of matching votes needed for consensus.
    function getQuorum() external view returns (uint256);

    /// @notice The report format version votes must carry.
    function getConsensusVersion() external view returns (uint256);

    /// @notice The current members, in no particular order.
    function getMembers() external view returns (address[] memory);

    /// @notice Whether `account` is a member.
    function isMember(address account) external view returns (bool);

    /// @notice A member's voting state.
    /// @dev Reverts with `HashConsensusNotMember` for an account that is not a member.
    /// @return lastVotedRefSlot The reference slot of the member's latest vote (0 if none).
    /// @return currentFrameReportHash The hash the member voted in the current frame (0 if none).
    function getMemberState(address member)
        external
        view
        returns (uint256 lastVotedRefSlot, bytes32 currentFrameReportHash);
}
