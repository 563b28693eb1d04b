// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IHashConsensus} from "../interfaces/IHashConsensus.sol";

/// @title HashConsensus
/// @notice The oracle committee: each frame, members vote on the hash of the report for the
/// frame's reference slot. See {IHashConsensus}.
/// @dev Not upgradeable: it holds no value, and a consumer can be repointed to a new deployment
/// by governance. Storage is laid out for a cheap vote: the configuration and the whole state of
/// the current frame (reference slot, variant count, consensus, every variant's support) share
/// ONE word, so a vote reads three slots that stay non-zero from frame to frame (that word, the
/// voter's record, the matching variant hash) and rewrites two of them (plus the variant hash
/// when it is the frame's first vote for that hash).
contract HashConsensus is IHashConsensus, AccessControl {
    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IHashConsensus
    bytes32 public constant MANAGE_MEMBERS_ROLE = keccak256("MANAGE_MEMBERS_ROLE");

    /// @inheritdoc IHashConsensus
    bytes32 public constant MANAGE_FRAME_CONFIG_ROLE = keccak256("MANAGE_FRAME_CONFIG_ROLE");

    /// @inheritdoc IHashConsensus
    /// @dev 25 support counters of 5 bits (a support never exceeds the member count, 25 < 2^5)
    /// fit beside the frame and configuration fields in one word (see the state word layout).
    uint256 public constant MAX_MEMBERS = 25;

    /// @dev A frame never has more distinct hashes than support counters in the state word.
    uint256 private constant MAX_VARIANTS = MAX_MEMBERS;

    /// @dev Written into an unused variant slot when a member is added, so that the first vote
    /// for that variant rewrites a non-zero slot (2,900 gas) instead of filling a zero one
    /// (20,000 gas). Never read as a hash: only variants below the frame's count are compared.
    bytes32 private constant VARIANT_PLACEHOLDER = bytes32(uint256(1));

    // State word layout (one slot, read and rewritten by every vote):
    //   bits   0..39   refSlot the frame fields describe (uint40: 2^40 slots of 12 s is ~418,000
    //                  years); 0 before the first vote, and 0 is never a reference slot
    //   bits  40..44   number of distinct hashes voted in that frame (<= MAX_VARIANTS < 2^5)
    //   bits  45..49   consensus variant index + 1, 0 when there is no consensus (<= 25 < 2^5)
    //   bits  50..174  support of variant i in bits 50 + 5i .. 54 + 5i (<= MAX_MEMBERS < 2^5)
    //   bits 175..182  quorum (<= MAX_MEMBERS < 2^8)
    //   bits 183..198  report format version votes must carry (uint16: one per format change)
    //   bits 199..214  frame length in epochs (uint16: up to ~291 days; mainnet uses 225 = 1 day)
    //   bits 215..246  first epoch of frame 0 (uint32: 2^32 epochs of 384 s is ~52,000 years)
    // Bits 0..174 are the frame fields, reset by the first vote of each frame; the rest is the
    // configuration, set by governance.
    uint256 private constant VARIANT_COUNT_SHIFT = 40;
    uint256 private constant CONSENSUS_SHIFT = 45;
    uint256 private constant SUPPORTS_SHIFT = 50;
    uint256 private constant SUPPORT_BITS = 5;
    uint256 private constant QUORUM_SHIFT = 175;
    uint256 private constant VERSION_SHIFT = 183;
    uint256 private constant EPOCHS_PER_FRAME_SHIFT = 199;
    uint256 private constant INITIAL_EPOCH_SHIFT = 215;
    uint256 private constant REF_SLOT_MASK = (1 << 40) - 1;
    uint256 private constant COUNTER_MASK = (1 << 5) - 1;
    uint256 private constant QUORUM_MASK = (1 << 8) - 1;
    uint256 private constant VERSION_MASK = (1 << 16) - 1;
    uint256 private constant EPOCHS_PER_FRAME_MASK = (1 << 16) - 1;
    uint256 private constant INITIAL_EPOCH_MASK = (1 << 32) - 1;
    uint256 private constant CONFIG_MASK = ~((1 << QUORUM_SHIFT) - 1);

    // Member word layout (one slot per account, non-zero exactly while it is a member):
    //   bits  0..39  refSlot of the member's latest vote (uint40, as above), 0 if none
    //   bits 40..47  variant index of that vote (< MAX_VARIANTS)
    //   bits 48..55  position in `_memberList` + 1 (<= MAX_MEMBERS)
    uint256 private constant MEMBER_VARIANT_SHIFT = 40;
    uint256 private constant MEMBER_POSITION_SHIFT = 48;
    uint256 private constant BYTE_MASK = 0xff;

    /// @dev `SLOTS_PER_EPOCH` of the beacon chain (32 on mainnet).
    uint256 private immutable SLOTS_PER_EPOCH;

    /// @dev `SECONDS_PER_SLOT` of the beacon chain (12 on mainnet), in seconds.
    uint256 private immutable SECONDS_PER_SLOT;

    /// @dev Unix time of slot 0, in seconds.
    uint256 private immutable GENESIS_TIME;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev See the state word layout above.
    uint256 private _state;

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
        _state |= 1 << QUORUM_SHIFT;
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
        uint256 previousQuorum = _quorumOf(_state);
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
        uint256 state = _state;
        if (started && (state & REF_SLOT_MASK) == currentRefSlot && (word & REF_SLOT_MASK) == currentRefSlot) {
            uint256 variant = (word >> MEMBER_VARIANT_SHIFT) & BYTE_MASK;
            // The member's vote is counted in this counter, so it is at least 1: no borrow.
            _state = state - (1 << (SUPPORTS_SHIFT + SUPPORT_BITS * variant));
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

        uint256 previousQuorum = _quorumOf(_state);
        _checkAndSetQuorum(last, quorum);
        emit MemberRemoved(member, last, quorum);
        if (quorum != previousQuorum) emit QuorumSet(quorum, previousQuorum);
        _reevaluateConsensus();
    }

    /// @inheritdoc IHashConsensus
    function setQuorum(uint256 quorum) external onlyRole(MANAGE_MEMBERS_ROLE) {
        uint256 previousQuorum = _quorumOf(_state);
        _checkAndSetQuorum(_memberList.length, quorum);
        emit QuorumSet(quorum, previousQuorum);
        _reevaluateConsensus();
    }

    /// @inheritdoc IHashConsensus
    function setEpochsPerFrame(uint256 epochsPerFrame) external onlyRole(MANAGE_FRAME_CONFIG_ROLE) {
        uint256 state = _state;
        uint256 initialEpoch = _initialEpochOf(state);
        uint256 currentEpochsPerFrame = _epochsPerFrameOf(state);
        uint256 epoch = _currentEpoch();
        if (epoch >= initialEpoch) {
            // Re-anchor at the start of the current frame, so its reference slot does not move.
            initialEpoch += ((epoch - initialEpoch) / currentEpochsPerFrame) * currentEpochsPerFrame;
        }
        _setFrameConfig(initialEpoch, epochsPerFrame);
    }

    /// @inheritdoc IHashConsensus
    function updateInitialEpoch(uint256 initialEpoch) external onlyRole(MANAGE_FRAME_CONFIG_ROLE) {
        uint256 state = _state;
        uint256 epoch = _currentEpoch();
        uint256 currentInitialEpoch = _initialEpochOf(state);
        if (epoch >= currentInitialEpoch) {
            revert HashConsensusInitialEpochAlreadyReached(epoch, currentInitialEpoch);
        }
        if (initialEpoch <= epoch) revert HashConsensusInitialEpochAlreadyReached(epoch, initialEpoch);
        _setFrameConfig(initialEpoch, _epochsPerFrameOf(state));
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

        uint256 state = _state;
        (uint256 currentRefSlot, uint256 currentSlot, uint256 frameSlots) = _frameAt(state);
        if (refSlot != currentRefSlot) _revertWrongRefSlot(refSlot, currentRefSlot, currentSlot, frameSlots);
        if (reportHash == bytes32(0)) revert HashConsensusZeroReportHash(refSlot);
        uint256 expectedVersion = (state >> VERSION_SHIFT) & VERSION_MASK;
        if (consensusVersion != expectedVersion) {
            revert HashConsensusUnexpectedConsensusVersion(consensusVersion, expectedVersion);
        }
        // A member that voted in this frame changes its vote (rare: see _changeVote).
        if ((memberWord & REF_SLOT_MASK) == refSlot) {
            _changeVote(memberWord, state, refSlot, reportHash);
            return;
        }

        // First vote of the frame: keep the configuration, clear the frame fields (votes of older
        // frames are dropped). refSlot fits 40 bits (see the layout).
        if ((state & REF_SLOT_MASK) != refSlot) state = (state & CONFIG_MASK) | refSlot;

        uint256 variant;
        (state, variant) = _variantOf(state, refSlot, reportHash);
        uint256 supportShift = SUPPORTS_SHIFT + SUPPORT_BITS * variant;
        // Cannot carry into the next field: a support never exceeds MAX_MEMBERS < 2^5.
        state += 1 << supportShift;
        uint256 support = (state >> supportShift) & COUNTER_MASK;

        // Keep the position bits, replace the vote.
        _memberWords[msg.sender] =
            (memberWord & (BYTE_MASK << MEMBER_POSITION_SHIFT)) | (variant << MEMBER_VARIANT_SHIFT) | refSlot;
        bool reached = support >= _quorumOf(state) && ((state >> CONSENSUS_SHIFT) & COUNTER_MASK) == 0;
        if (reached) state |= (variant + 1) << CONSENSUS_SHIFT;
        _state = state;

        emit ReportReceived(refSlot, msg.sender, reportHash);
        if (reached) emit ConsensusReached(refSlot, reportHash, support);
    }

    /// @dev The variant slot of `reportHash` in the frame of `refSlot`, and `state` with the variant
    /// count updated: its slot if it has one, else a new slot, or once all are taken a slot no vote
    /// backs any more (the old hash's, if a changing member was its last voter), so that changes of
    /// mind cannot exhaust the slots.
    function _variantOf(uint256 state, uint256 refSlot, bytes32 reportHash) private returns (uint256, uint256 variant) {
        uint256 variantCount = (state >> VARIANT_COUNT_SHIFT) & COUNTER_MASK;
        while (variant < variantCount && _variantHashes[variant] != reportHash) {
            ++variant;
        }
        if (variant == variantCount) {
            if (variantCount == MAX_VARIANTS) variant = _unbackedVariant(state, refSlot);
            else state += 1 << VARIANT_COUNT_SHIFT;
            _variantHashes[variant] = reportHash;
        }
        return (state, variant);
    }

    /// @dev A member that voted in the frame moves its vote to `reportHash`: the old hash loses
    /// the consensus if its support falls below the quorum, the new one gains it on reaching the
    /// quorum. At most one hash has the quorum at a time (quorum > half the members), so the
    /// new hash is the only one that can reach it here.
    function _changeVote(uint256 memberWord, uint256 state, uint256 refSlot, bytes32 reportHash) private {
        uint256 previous = (memberWord >> MEMBER_VARIANT_SHIFT) & BYTE_MASK;
        if (_variantHashes[previous] == reportHash) revert HashConsensusAlreadyVoted(msg.sender, refSlot);
        // The member's vote is counted in this counter, so it is at least 1: no borrow.
        state -= 1 << (SUPPORTS_SHIFT + SUPPORT_BITS * previous);
        uint256 quorum = _quorumOf(state);
        bool lost = ((state >> CONSENSUS_SHIFT) & COUNTER_MASK) == previous + 1 && _supportOf(state, previous) < quorum;
        if (lost) state &= ~(COUNTER_MASK << CONSENSUS_SHIFT);

        uint256 variant;
        (state, variant) = _variantOf(state, refSlot, reportHash);
        uint256 supportShift = SUPPORTS_SHIFT + SUPPORT_BITS * variant;
        // Cannot carry into the next field: a support never exceeds MAX_MEMBERS < 2^5.
        state += 1 << supportShift;
        uint256 support = (state >> supportShift) & COUNTER_MASK;
        bool reached = support >= quorum && ((state >> CONSENSUS_SHIFT) & COUNTER_MASK) == 0;
        if (reached) state |= (variant + 1) << CONSENSUS_SHIFT;

        _memberWords[msg.sender] =
            (memberWord & ~(BYTE_MASK << MEMBER_VARIANT_SHIFT)) | (variant << MEMBER_VARIANT_SHIFT);
        _state = state;

        emit ReportReceived(refSlot, msg.sender, reportHash);
        if (lost) emit ConsensusLost(refSlot);
        if (reached) emit ConsensusReached(refSlot, reportHash, support);
    }

    /// @dev A variant slot of the frame that no current vote backs (support 0); reverts when
    /// every slot is backed. Such a slot is never the consensus (quorum >= 1) and no member's
    /// current vote points to it.
    function _unbackedVariant(uint256 state, uint256 refSlot) private pure returns (uint256) {
        for (uint256 i; i < MAX_VARIANTS; ++i) {
            if (_supportOf(state, i) == 0) return i;
        }
        revert HashConsensusTooManyVariants(refSlot);
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
        (refSlot, reportHash, support, processingDeadlineSlot) = _consensusReport();
    }

    /// @inheritdoc IHashConsensus
    function agreedReport() external view returns (uint256 refSlot, bytes32 reportHash, uint256 support) {
        (refSlot, reportHash, support,) = _consensusReport();
    }

    /// @inheritdoc IHashConsensus
    function getReportVariants()
        external
        view
        returns (uint256 refSlot, bytes32[] memory reportHashes, uint256[] memory reportSupports)
    {
        bool started;
        (started, refSlot,) = _tryCurrentFrame();
        uint256 state = _state;
        uint256 count =
            started && (state & REF_SLOT_MASK) == refSlot ? (state >> VARIANT_COUNT_SHIFT) & COUNTER_MASK : 0;
        reportHashes = new bytes32[](count);
        reportSupports = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            reportHashes[i] = _variantHashes[i];
            reportSupports[i] = _supportOf(state, i);
        }
    }

    /// @inheritdoc IHashConsensus
    function getCurrentFrame() external view returns (uint256 refSlot, uint256 reportProcessingDeadlineSlot) {
        (uint256 currentRefSlot,, uint256 frameSlots) = _frameAt(_state);
        return (currentRefSlot, currentRefSlot + frameSlots);
    }

    /// @inheritdoc IHashConsensus
    function getFrameConfig() external view returns (uint256 initialEpoch, uint256 epochsPerFrame) {
        uint256 state = _state;
        return (_initialEpochOf(state), _epochsPerFrameOf(state));
    }

    /// @inheritdoc IHashConsensus
    function getChainConfig() external view returns (uint256 slotsPerEpoch, uint256 secondsPerSlot, uint256 genesisTime) {
        return (SLOTS_PER_EPOCH, SECONDS_PER_SLOT, GENESIS_TIME);
    }

    /// @inheritdoc IHashConsensus
    function getQuorum() external view returns (uint256) {
        return _quorumOf(_state);
    }

    /// @inheritdoc IHashConsensus
    function getConsensusVersion() external view returns (uint256) {
        return (_state >> VERSION_SHIFT) & VERSION_MASK;
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
        if (started && lastVotedRefSlot == refSlot && (_state & REF_SLOT_MASK) == refSlot) {
            currentFrameReportHash = _variantHashes[(word >> MEMBER_VARIANT_SHIFT) & BYTE_MASK];
        }
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The current frame's reference slot, the current slot and the frame length in slots,
    /// from the frame configuration in `state`. Reverts before the first frame.
    function _frameAt(uint256 state)
        private
        view
        returns (uint256 refSlot, uint256 currentSlot, uint256 frameSlots)
    {
        uint256 initialEpoch = _initialEpochOf(state);
        uint256 epochsPerFrame = _epochsPerFrameOf(state);
        // Before genesis the chain is at slot 0, epoch 0 (below every initial epoch).
        currentSlot = block.timestamp > GENESIS_TIME ? (block.timestamp - GENESIS_TIME) / SECONDS_PER_SLOT : 0;
        uint256 epoch = currentSlot / SLOTS_PER_EPOCH;
        if (epoch < initialEpoch) revert HashConsensusInitialEpochNotReached(epoch, initialEpoch);
        uint256 frameStartEpoch = initialEpoch + ((epoch - initialEpoch) / epochsPerFrame) * epochsPerFrame;
        // frameStartEpoch >= initialEpoch >= 1 and SLOTS_PER_EPOCH >= 2, so refSlot >= 1.
        refSlot = frameStartEpoch * SLOTS_PER_EPOCH - 1;
        frameSlots = epochsPerFrame * SLOTS_PER_EPOCH;
    }

    /// @dev The current frame's reference slot, its agreed hash with the hash's support (zero
    /// without consensus) and its processing deadline; all zero before the first frame.
    function _consensusReport()
        private
        view
        returns (uint256 refSlot, bytes32 reportHash, uint256 support, uint256 processingDeadlineSlot)
    {
        bool started;
        (started, refSlot, processingDeadlineSlot) = _tryCurrentFrame();
        if (!started) return (0, bytes32(0), 0, 0);
        uint256 state = _state;
        if ((state & REF_SLOT_MASK) != refSlot) return (refSlot, bytes32(0), 0, processingDeadlineSlot);
        uint256 consensus = (state >> CONSENSUS_SHIFT) & COUNTER_MASK;
        if (consensus != 0) {
            reportHash = _variantHashes[consensus - 1];
            support = _supportOf(state, consensus - 1);
        }
    }

    /// @dev As `_frameAt`, but reports "not started" instead of reverting.
    function _tryCurrentFrame() private view returns (bool started, uint256 refSlot, uint256 deadlineSlot) {
        uint256 state = _state;
        if (_currentEpoch() < _initialEpochOf(state)) return (false, 0, 0);
        uint256 frameSlots;
        (refSlot,, frameSlots) = _frameAt(state);
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
        // The upper bound is checked first so that doubling cannot overflow.
        if (quorum == 0 || quorum > MAX_MEMBERS || quorum * 2 <= memberCount) {
            revert HashConsensusInvalidQuorum(quorum, memberCount);
        }
        _state = (_state & ~(QUORUM_MASK << QUORUM_SHIFT)) | (quorum << QUORUM_SHIFT);
    }

    /// @dev After a membership or quorum change: the current frame's consensus is lost when its
    /// support fell below the quorum, and reached when a variant now meets the quorum.
    function _reevaluateConsensus() private {
        (bool started, uint256 refSlot,) = _tryCurrentFrame();
        uint256 state = _state;
        if (!started || (state & REF_SLOT_MASK) != refSlot) return;
        uint256 quorum = _quorumOf(state);
        uint256 consensus = (state >> CONSENSUS_SHIFT) & COUNTER_MASK;
        if (consensus != 0) {
            if (_supportOf(state, consensus - 1) >= quorum) return;
            state &= ~(COUNTER_MASK << CONSENSUS_SHIFT);
            _state = state;
            emit ConsensusLost(refSlot);
        }
        uint256 count = (state >> VARIANT_COUNT_SHIFT) & COUNTER_MASK;
        for (uint256 i; i < count; ++i) {
            uint256 support = _supportOf(state, i);
            if (support >= quorum) {
                _state = state | ((i + 1) << CONSENSUS_SHIFT);
                emit ConsensusReached(refSlot, _variantHashes[i], support);
                return;
            }
        }
    }

    function _setFrameConfig(uint256 initialEpoch, uint256 epochsPerFrame) private {
        if (
            initialEpoch == 0 || initialEpoch > INITIAL_EPOCH_MASK || epochsPerFrame == 0
                || epochsPerFrame > EPOCHS_PER_FRAME_MASK
        ) revert HashConsensusInvalidFrameConfig(initialEpoch, epochsPerFrame);
        uint256 mask = (INITIAL_EPOCH_MASK << INITIAL_EPOCH_SHIFT) | (EPOCHS_PER_FRAME_MASK << EPOCHS_PER_FRAME_SHIFT);
        _state = (_state & ~mask) | (initialEpoch << INITIAL_EPOCH_SHIFT) | (epochsPerFrame << EPOCHS_PER_FRAME_SHIFT);
        emit FrameConfigSet(initialEpoch, epochsPerFrame);
    }

    function _setConsensusVersion(uint256 version) private {
        if (version > VERSION_MASK) revert HashConsensusInvalidConsensusVersion(version);
        uint256 state = _state;
        uint256 previousVersion = (state >> VERSION_SHIFT) & VERSION_MASK;
        _state = (state & ~(VERSION_MASK << VERSION_SHIFT)) | (version << VERSION_SHIFT);
        emit ConsensusVersionSet(version, previousVersion);
    }

    function _supportOf(uint256 state, uint256 variant) private pure returns (uint256) {
        return (state >> (SUPPORTS_SHIFT + SUPPORT_BITS * variant)) & COUNTER_MASK;
    }

    function _quorumOf(uint256 state) private pure returns (uint256) {
        return (state >> QUORUM_SHIFT) & QUORUM_MASK;
    }

    function _epochsPerFrameOf(uint256 state) private pure returns (uint256) {
        return (state >> EPOCHS_PER_FRAME_SHIFT) & EPOCHS_PER_FRAME_MASK;
    }

    function _initialEpochOf(uint256 state) private pure returns (uint256) {
        return (state >> INITIAL_EPOCH_SHIFT) & INITIAL_EPOCH_MASK;
    }
}
