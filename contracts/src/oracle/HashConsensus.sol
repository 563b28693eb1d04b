// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IHashConsensus} from "../interfaces/IHashConsensus.sol";

/// @title HashConsensus
/// @notice The oracle committee: members vote once per frame on the hash of the report for the
/// frame's reference slot. See {IHashConsensus}.
/// @dev Not upgradeable: it holds no value, and a consumer can be repointed to a new deployment
/// by governance. Storage is laid out so that a vote touches four slots that stay non-zero from
/// frame to frame (config, frame state, the voter's record, one variant hash) and writes two of
/// them (frame state, voter's record), plus the variant hash when it is the frame's first vote
/// for that hash: three non-zero to non-zero writes at most.
contract HashConsensus is IHashConsensus, AccessControl {
    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHashConsensus
    bytes32 public constant MANAGE_MEMBERS_ROLE = keccak256("MANAGE_MEMBERS_ROLE");

    /// @inheritdoc IHashConsensus
    bytes32 public constant MANAGE_FRAME_CONFIG_ROLE = keccak256("MANAGE_FRAME_CONFIG_ROLE");

    /// @inheritdoc IHashConsensus
    /// @dev 25 = (256 - 40 refSlot bits - 8 variant-count bits - 8 consensus bits) / 8 bits per
    /// support counter: the supports of every variant a full committee can vote fit in one word.
    uint256 public constant MAX_MEMBERS = 25;

    /// @dev A frame never has more distinct hashes than support counters in the frame word.
    uint256 private constant MAX_VARIANTS = MAX_MEMBERS;

    /// @dev Written into an unused variant slot when a member is added, so that the first vote
    /// for that variant rewrites a non-zero slot (2,900 gas) instead of filling a zero one
    /// (20,000 gas). Never read as a hash: only variants below the frame's count are compared.
    bytes32 private constant VARIANT_PLACEHOLDER = bytes32(uint256(1));

    // Frame word layout (one slot, rewritten by every vote):
    //   bits   0..39  refSlot the word describes (uint40: 2^40 slots of 12 s is ~418,000 years)
    //   bits  40..47  number of distinct hashes voted in that frame (<= MAX_VARIANTS)
    //   bits  48..55  consensus variant index + 1, 0 when there is no consensus
    //   bits 56..255  support of variant i in bits 56 + 8i .. 63 + 8i (<= MAX_MEMBERS < 2^8)
    uint256 private constant FRAME_VARIANT_COUNT_SHIFT = 40;
    uint256 private constant FRAME_CONSENSUS_SHIFT = 48;
    uint256 private constant FRAME_SUPPORTS_SHIFT = 56;
    uint256 private constant REF_SLOT_MASK = (1 << 40) - 1;
    uint256 private constant BYTE_MASK = 0xff;
    /// @dev Describes refSlot 0, which is never a reference slot (see the constructor).
    uint256 private constant FRAME_PLACEHOLDER = 1 << FRAME_VARIANT_COUNT_SHIFT;

    // Member word layout (one slot per account, non-zero exactly while it is a member):
    //   bits  0..39  refSlot of the member's latest vote (uint40, as above), 0 if none
    //   bits 40..47  variant index of that vote (< MAX_VARIANTS)
    //   bits 48..55  position in `_memberList` + 1 (<= MAX_MEMBERS)
    uint256 private constant MEMBER_VARIANT_SHIFT = 40;
    uint256 private constant MEMBER_POSITION_SHIFT = 48;

    /// @dev `SLOTS_PER_EPOCH` of the beacon chain (32 on mainnet).
    uint256 private immutable SLOTS_PER_EPOCH;

    /// @dev `SECONDS_PER_SLOT` of the beacon chain (12 on mainnet), in seconds.
    uint256 private immutable SECONDS_PER_SLOT;

    /// @dev Unix time of slot 0, in seconds.
    uint256 private immutable GENESIS_TIME;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Everything a vote reads besides its own record, in one slot.
    struct Config {
        // First epoch of frame 0 (uint32: 2^32 epochs of 384 s is ~52,000 years).
        uint32 initialEpoch;
        // Frame length in epochs, > 0 (225 = 1 day on mainnet; uint32 as above).
        uint32 epochsPerFrame;
        // Report format version votes must carry (uint32: one per format change).
        uint32 consensusVersion;
        // Matching votes needed for consensus (uint8: <= MAX_MEMBERS).
        uint8 quorum;
    }

    Config private _config;

    /// @dev See the frame word layout above. Reset lazily by the first vote of a frame.
    uint256 private _frame;

    /// @dev Hashes of the frame's report variants, reused from frame to frame.
    bytes32[MAX_VARIANTS] private _variantHashes;

    /// @dev See the member word layout above.
    mapping(address account => uint256 word) private _memberWords;

    /// @dev The members, for enumeration; order changes on removal.
    address[] private _memberList;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param slotsPerEpoch `SLOTS_PER_EPOCH` from the Beacon API spec endpoint (32 on mainnet).
    /// @param secondsPerSlot `SECONDS_PER_SLOT` from the Beacon API spec endpoint (12 on mainnet).
    /// @param genesisTime `genesis_time` from the Beacon API genesis endpoint.
    /// @param epochsPerFrame Frame length in epochs (225 = 1 day on mainnet).
    /// @param initialEpoch First epoch of frame 0; at least 1, so that frame 0 has a reference slot.
    /// @param consensusVersion Report format version votes must carry.
    /// @param admin Holder of DEFAULT_ADMIN_ROLE (the timelock), which grants the other roles.
    constructor(
        uint256 slotsPerEpoch,
        uint256 secondsPerSlot,
        uint256 genesisTime,
        uint256 epochsPerFrame,
        uint256 initialEpoch,
        uint256 consensusVersion,
        address admin
    ) {
        // At least 2 slots per epoch and an initial epoch of at least 1 keep every reference slot
        // above 0, which the member word uses for "never voted". The upper bounds keep slot and
        // epoch arithmetic far from overflow.
        if (
            slotsPerEpoch < 2 || slotsPerEpoch > type(uint16).max || secondsPerSlot == 0
                || secondsPerSlot > type(uint16).max || genesisTime > type(uint40).max
        ) revert HashConsensusInvalidChainConfig(slotsPerEpoch, secondsPerSlot, genesisTime);
        if (admin == address(0)) revert HashConsensusZeroAddress();

        SLOTS_PER_EPOCH = slotsPerEpoch;
        SECONDS_PER_SLOT = secondsPerSlot;
        GENESIS_TIME = genesisTime;

        _setFrameConfig(initialEpoch, epochsPerFrame);
        _setConsensusVersion(consensusVersion);
        // A non-zero word for "no frame yet" (refSlot 0 is never a reference slot, so the first
        // vote resets it), so that the first frame's first vote also rewrites a non-zero slot.
        _frame = FRAME_PLACEHOLDER;
        _config.quorum = 1;
        emit QuorumSet(1, 0);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /*//////////////////////////////////////////////////////////////
                              GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHashConsensus
    function addMember(address member, uint256 quorum) external onlyRole(MANAGE_MEMBERS_ROLE) {
        if (member == address(0)) revert HashConsensusZeroAddress();
        if (_memberWords[member] != 0) revert HashConsensusAlreadyMember(member);
        uint256 count = _memberList.length;
        if (count == MAX_MEMBERS) revert HashConsensusTooManyMembers(MAX_MEMBERS);

        _memberList.push(member);
        // A fresh member has never voted: refSlot 0, variant 0.
        _memberWords[member] = (count + 1) << MEMBER_POSITION_SHIFT;
        // One more member may bring one more variant: make its slot non-zero now (see
        // VARIANT_PLACEHOLDER) so that votes never pay for filling a zero slot.
        if (_variantHashes[count] == bytes32(0)) _variantHashes[count] = VARIANT_PLACEHOLDER;
        uint256 previousQuorum = _config.quorum;
        _checkAndSetQuorum(count + 1, quorum);
        emit MemberAdded(member, count + 1, quorum);
        if (quorum != previousQuorum) emit QuorumSet(quorum, previousQuorum);
        _reevaluateConsensus();
    }

    /// @inheritdoc IHashConsensus
    function removeMember(address member, uint256 quorum) external onlyRole(MANAGE_MEMBERS_ROLE) {
        uint256 word = _memberWords[member];
        if (word == 0) revert HashConsensusNotMember(member);

        // Withdraw the member's vote from the current frame, if it voted in it.
        (bool started, uint256 currentRefSlot,) = _tryCurrentFrame();
        uint256 frame = _frame;
        if (started && (frame & REF_SLOT_MASK) == currentRefSlot && (word & REF_SLOT_MASK) == currentRefSlot) {
            uint256 shift = FRAME_SUPPORTS_SHIFT + 8 * ((word >> MEMBER_VARIANT_SHIFT) & BYTE_MASK);
            // The member's vote is counted in this counter, so it is at least 1.
            _frame = frame - (1 << shift);
        }

        // Swap-and-pop the member out of the list.
        uint256 position = (word >> MEMBER_POSITION_SHIFT) - 1;
        uint256 last = _memberList.length - 1;
        if (position != last) {
            address moved = _memberList[last];
            _memberList[position] = moved;
            uint256 movedWord = _memberWords[moved];
            uint256 positionMask = BYTE_MASK << MEMBER_POSITION_SHIFT;
            _memberWords[moved] = (movedWord & ~positionMask) | ((position + 1) << MEMBER_POSITION_SHIFT);
        }
        _memberList.pop();
        delete _memberWords[member];

        uint256 previousQuorum = _config.quorum;
        _checkAndSetQuorum(last, quorum);
        emit MemberRemoved(member, last, quorum);
        if (quorum != previousQuorum) emit QuorumSet(quorum, previousQuorum);
        _reevaluateConsensus();
    }

    /// @inheritdoc IHashConsensus
    function setQuorum(uint256 quorum) external onlyRole(MANAGE_MEMBERS_ROLE) {
        uint256 previousQuorum = _config.quorum;
        _checkAndSetQuorum(_memberList.length, quorum);
        emit QuorumSet(quorum, previousQuorum);
        _reevaluateConsensus();
    }

    /// @inheritdoc IHashConsensus
    function setEpochsPerFrame(uint256 epochsPerFrame) external onlyRole(MANAGE_FRAME_CONFIG_ROLE) {
        Config memory config = _config;
        uint256 initialEpoch = config.initialEpoch;
        uint256 epoch = _currentEpoch();
        if (epoch >= initialEpoch) {
            // Re-anchor at the start of the current frame, so its reference slot does not move.
            initialEpoch += ((epoch - initialEpoch) / config.epochsPerFrame) * config.epochsPerFrame;
        }
        _setFrameConfig(initialEpoch, epochsPerFrame);
    }

    /// @inheritdoc IHashConsensus
    function updateInitialEpoch(uint256 initialEpoch) external onlyRole(MANAGE_FRAME_CONFIG_ROLE) {
        uint256 epoch = _currentEpoch();
        uint256 currentInitialEpoch = _config.initialEpoch;
        if (epoch >= currentInitialEpoch) {
            revert HashConsensusInitialEpochAlreadyReached(epoch, currentInitialEpoch);
        }
        if (initialEpoch <= epoch) revert HashConsensusInitialEpochAlreadyReached(epoch, initialEpoch);
        _setFrameConfig(initialEpoch, _config.epochsPerFrame);
    }

    /// @inheritdoc IHashConsensus
    function setConsensusVersion(uint256 version) external onlyRole(MANAGE_FRAME_CONFIG_ROLE) {
        _setConsensusVersion(version);
    }

    /*//////////////////////////////////////////////////////////////
                               MEMBERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHashConsensus
    function submitReport(uint256 refSlot, bytes32 reportHash, uint256 consensusVersion) external {
        uint256 memberWord = _memberWords[msg.sender];
        if (memberWord == 0) revert HashConsensusNotMember(msg.sender);

        Config memory config = _config;
        (uint256 currentRefSlot, uint256 currentSlot, uint256 frameSlots) = _frameAt(config);
        if (refSlot != currentRefSlot) _revertWrongRefSlot(refSlot, currentRefSlot, currentSlot, frameSlots);
        if (reportHash == bytes32(0)) revert HashConsensusZeroReportHash(refSlot);
        if (consensusVersion != config.consensusVersion) {
            revert HashConsensusUnexpectedConsensusVersion(consensusVersion, config.consensusVersion);
        }
        if ((memberWord & REF_SLOT_MASK) == refSlot) revert HashConsensusAlreadyVoted(msg.sender, refSlot);

        uint256 frame = _frame;
        // First vote of the frame: start from an empty word (votes of older frames are dropped).
        if ((frame & REF_SLOT_MASK) != refSlot) frame = refSlot;

        uint256 variantCount = (frame >> FRAME_VARIANT_COUNT_SHIFT) & BYTE_MASK;
        uint256 variant;
        while (variant < variantCount && _variantHashes[variant] != reportHash) {
            ++variant;
        }
        if (variant == variantCount) {
            if (variantCount == MAX_VARIANTS) revert HashConsensusTooManyVariants(refSlot);
            _variantHashes[variant] = reportHash;
            frame += 1 << FRAME_VARIANT_COUNT_SHIFT;
        }
        uint256 supportShift = FRAME_SUPPORTS_SHIFT + 8 * variant;
        // Cannot carry into the next counter: a support never exceeds MAX_MEMBERS < 255.
        frame += 1 << supportShift;
        uint256 support = (frame >> supportShift) & BYTE_MASK;

        // Keep the position bits, replace the vote: refSlot fits 40 bits (see the layout).
        _memberWords[msg.sender] =
            (memberWord & (BYTE_MASK << MEMBER_POSITION_SHIFT)) | (variant << MEMBER_VARIANT_SHIFT) | refSlot;
        bool reached = support >= config.quorum && ((frame >> FRAME_CONSENSUS_SHIFT) & BYTE_MASK) == 0;
        if (reached) frame |= (variant + 1) << FRAME_CONSENSUS_SHIFT;
        _frame = frame;

        emit ReportReceived(refSlot, msg.sender, reportHash);
        if (reached) emit ConsensusReached(refSlot, reportHash, support);
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHashConsensus
    function getConsensusReport()
        external
        view
        returns (
            uint256 refSlot,
            bytes32 reportHash,
            uint256 support,
            uint256 memberCount,
            uint256 processingDeadlineSlot
        )
    {
        memberCount = _memberList.length;
        bool started;
        (started, refSlot, processingDeadlineSlot) = _tryCurrentFrame();
        if (!started) return (0, bytes32(0), 0, memberCount, 0);
        uint256 frame = _frame;
        if ((frame & REF_SLOT_MASK) != refSlot) return (refSlot, bytes32(0), 0, memberCount, processingDeadlineSlot);
        uint256 consensus = (frame >> FRAME_CONSENSUS_SHIFT) & BYTE_MASK;
        if (consensus != 0) {
            reportHash = _variantHashes[consensus - 1];
            support = (frame >> (FRAME_SUPPORTS_SHIFT + 8 * (consensus - 1))) & BYTE_MASK;
        }
    }

    /// @inheritdoc IHashConsensus
    function getReportVariants()
        external
        view
        returns (uint256 refSlot, bytes32[] memory reportHashes, uint256[] memory reportSupports)
    {
        bool started;
        (started, refSlot,) = _tryCurrentFrame();
        uint256 frame = _frame;
        uint256 count = started && (frame & REF_SLOT_MASK) == refSlot
            ? (frame >> FRAME_VARIANT_COUNT_SHIFT) & BYTE_MASK
            : 0;
        reportHashes = new bytes32[](count);
        reportSupports = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            reportHashes[i] = _variantHashes[i];
            reportSupports[i] = (frame >> (FRAME_SUPPORTS_SHIFT + 8 * i)) & BYTE_MASK;
        }
    }

    /// @inheritdoc IHashConsensus
    function getCurrentFrame() external view returns (uint256 refSlot, uint256 reportProcessingDeadlineSlot) {
        (uint256 currentRefSlot,, uint256 frameSlots) = _frameAt(_config);
        return (currentRefSlot, currentRefSlot + frameSlots);
    }

    /// @inheritdoc IHashConsensus
    function getFrameConfig() external view returns (uint256 initialEpoch, uint256 epochsPerFrame) {
        Config memory config = _config;
        return (config.initialEpoch, config.epochsPerFrame);
    }

    /// @inheritdoc IHashConsensus
    function getChainConfig() external view returns (uint256 slotsPerEpoch, uint256 secondsPerSlot, uint256 genesisTime) {
        return (SLOTS_PER_EPOCH, SECONDS_PER_SLOT, GENESIS_TIME);
    }

    /// @inheritdoc IHashConsensus
    function getQuorum() external view returns (uint256) {
        return _config.quorum;
    }

    /// @inheritdoc IHashConsensus
    function getConsensusVersion() external view returns (uint256) {
        return _config.consensusVersion;
    }

    /// @inheritdoc IHashConsensus
    function getMembers() external view returns (address[] memory) {
        return _memberList;
    }

    /// @inheritdoc IHashConsensus
    function isMember(address account) external view returns (bool) {
        return _memberWords[account] != 0;
    }

    /// @inheritdoc IHashConsensus
    function getMemberState(address member)
        external
        view
        returns (uint256 lastVotedRefSlot, bytes32 currentFrameReportHash)
    {
        uint256 word = _memberWords[member];
        if (word == 0) revert HashConsensusNotMember(member);
        lastVotedRefSlot = word & REF_SLOT_MASK;
        (bool started, uint256 refSlot,) = _tryCurrentFrame();
        if (started && lastVotedRefSlot == refSlot && (_frame & REF_SLOT_MASK) == refSlot) {
            currentFrameReportHash = _variantHashes[(word >> MEMBER_VARIANT_SHIFT) & BYTE_MASK];
        }
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The current frame's reference slot, the current slot and the frame length in slots.
    /// Reverts before the first frame.
    function _frameAt(Config memory config)
        private
        view
        returns (uint256 refSlot, uint256 currentSlot, uint256 frameSlots)
    {
        uint256 initialEpoch = config.initialEpoch;
        uint256 epochsPerFrame = config.epochsPerFrame;
        // Before genesis the chain is at slot 0, epoch 0 (below every initial epoch).
        currentSlot = block.timestamp > GENESIS_TIME ? (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT : 0;
        uint256 epoch = currentSlot / SLOTS_PER_EPOCH;
        if (epoch < initialEpoch) revert HashConsensusInitialEpochNotReached(epoch, initialEpoch);
        uint256 frameStartEpoch = initialEpoch + ((epoch - initialEpoch) / epochsPerFrame) * epochsPerFrame;
        // frameStartEpoch >= initialEpoch >= 1 and SLOTS_PER_EPOCH >= 2, so refSlot >= 1.
        refSlot = frameStartEpoch * SLOTS_PER_EPOCH - 1;
        frameSlots = epochsPerFrame * SLOTS_PER_EPOCH;
    }

    /// @dev As `_frameAt` on the stored config, but reports "not started" instead of reverting.
    function _tryCurrentFrame() private view returns (bool started, uint256 refSlot, uint256 deadlineSlot) {
        Config memory config = _config;
        if (_currentEpoch() < config.initialEpoch) return (false, 0, 0);
        uint256 frameSlots;
        (refSlot,, frameSlots) = _frameAt(config);
        return (true, refSlot, refSlot + frameSlots);
    }

    function _currentEpoch() private view returns (uint256) {
        if (block.timestamp <= GENESIS_TIME) return 0;
        return (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT / SLOTS_PER_EPOCH;
    }

    /// @dev Reverts for a vote whose refSlot is not the current one: an earlier frame's reference
    /// slot is past its deadline; anything else is simply not the current reference slot.
    function _revertWrongRefSlot(uint256 refSlot, uint256 currentRefSlot, uint256 currentSlot, uint256 frameSlots)
        private
        pure
    {
        if (refSlot < currentRefSlot && (currentRefSlot - refSlot) % frameSlots == 0) {
            revert HashConsensusDeadlinePassed(refSlot, refSlot + frameSlots, currentSlot);
        }
        revert HashConsensusRefSlotNotCurrent(refSlot, currentRefSlot);
    }

    function _checkAndSetQuorum(uint256 memberCount, uint256 quorum) private {
        // More than half of the members, so two hashes can never both reach quorum in a frame.
        if (quorum == 0 || quorum > MAX_MEMBERS || quorum * 2 <= memberCount) {
            revert HashConsensusInvalidQuorum(quorum, memberCount);
        }
        // Fits uint8: quorum <= MAX_MEMBERS (checked above).
        _config.quorum = uint8(quorum);
    }

    /// @dev After a membership or quorum change: the current frame's consensus is lost when its
    /// support fell below the quorum, and reached when a variant now meets the quorum.
    function _reevaluateConsensus() private {
        (bool started, uint256 refSlot,) = _tryCurrentFrame();
        uint256 frame = _frame;
        if (!started || (frame & REF_SLOT_MASK) != refSlot) return;
        uint256 quorum = _config.quorum;
        uint256 consensus = (frame >> FRAME_CONSENSUS_SHIFT) & BYTE_MASK;
        if (consensus != 0) {
            if (((frame >> (FRAME_SUPPORTS_SHIFT + 8 * (consensus - 1))) & BYTE_MASK) >= quorum) return;
            frame &= ~(BYTE_MASK << FRAME_CONSENSUS_SHIFT);
            _frame = frame;
            emit ConsensusLost(refSlot);
        }
        uint256 count = (frame >> FRAME_VARIANT_COUNT_SHIFT) & BYTE_MASK;
        for (uint256 i; i < count; ++i) {
            uint256 support = (frame >> (FRAME_SUPPORTS_SHIFT + 8 * i)) & BYTE_MASK;
            if (support >= quorum) {
                _frame = frame | ((i + 1) << FRAME_CONSENSUS_SHIFT);
                emit ConsensusReached(refSlot, _variantHashes[i], support);
                return;
            }
        }
    }

    function _setFrameConfig(uint256 initialEpoch, uint256 epochsPerFrame) private {
        if (initialEpoch == 0 || initialEpoch > type(uint32).max || epochsPerFrame == 0 || epochsPerFrame > type(uint32).max)
        {
            revert HashConsensusInvalidFrameConfig(initialEpoch, epochsPerFrame);
        }
        // Both fit uint32 (checked above).
        _config.initialEpoch = uint32(initialEpoch);
        _config.epochsPerFrame = uint32(epochsPerFrame);
        emit FrameConfigSet(initialEpoch, epochsPerFrame);
    }

    function _setConsensusVersion(uint256 version) private {
        if (version > type(uint32).max) revert HashConsensusInvalidConsensusVersion(version);
        uint256 previousVersion = _config.consensusVersion;
        // Fits uint32 (checked above).
        _config.consensusVersion = uint32(version);
        emit ConsensusVersionSet(version, previousVersion);
    }
}
