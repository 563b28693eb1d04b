// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IDepositSecurity
/// @notice The guardian committee and the depositor. Guardians (a quorum of EIP-712 signatures)
/// vet operators' keys and sign the deposit contract's root; a deposit of buffered ETH into
/// validators goes through only with a quorum signature over the current root and a fresh nonce,
/// so that any deposit made in between (a front-run of a key with other withdrawal credentials)
/// makes it revert.
/// @dev Anyone may submit a signed deposit or vetting: the signatures fix what it does.
interface IDepositSecurity {
    event GuardianAdded(address indexed guardian);
    event GuardianRemoved(address indexed guardian);
    event QuorumSet(uint256 quorum);
    event MaxOperatorShareSet(uint256 bps);
    event DepositsPaused(address indexed by);
    event DepositsResumed(address indexed by);
    /// @notice `count` validators of 32 ETH each were deposited under guardian nonce `nonce`.
    event Deposited(uint256 indexed nonce, bytes32 depositRoot, uint256 count);

    error DepositSecurityZeroAddress();
    error DepositSecurityInvalidQuorum(uint256 quorum, uint256 guardians);
    error DepositSecurityGuardianExists(address guardian);
    error DepositSecurityNotGuardian(address account);
    /// @notice Signers must be guardians, listed in strictly ascending address order (no repeats).
    error DepositSecurityUnsortedSigners(address previous, address signer);
    error DepositSecurityNoQuorum(uint256 signatures, uint256 quorum);
    /// @notice The nonce was already used (a replay) or is not yet reached.
    error DepositSecurityStaleNonce(uint256 nonce, uint256 current);
    /// @notice The deposit contract's root moved since the guardians signed: a deposit happened in between.
    error DepositSecurityDepositRootChanged(bytes32 signed, bytes32 current);
    error DepositSecurityDepositsPaused();
    error DepositSecurityEmptyDeposit();
    error DepositSecurityAllocationMismatch(uint256 operatorIds, uint256 counts);
    error DepositSecurityKeysLengthMismatch(uint256 pubkeysLength, uint256 signaturesLength, uint256 keys);
    error DepositSecurityOperatorShareExceeded(uint256 operatorId, uint256 active, uint256 totalActive, uint256 maxShareBps);
    error DepositSecurityInvalidShare(uint256 bps);
    error DepositSecurityUnexpectedEther(address sender);
    /// @notice `account` may not pause deposits: it is neither a guardian, trETH's emergency
    /// committee nor governance.
    error DepositSecurityNotPauser(address account);

    /// @notice One signed deposit: `counts[i]` next vetted keys of `operatorIds[i]`, whose pubkeys
    /// (48 bytes each) and deposit signatures (96 bytes each) are concatenated in that order.
    struct DepositBatch {
        /// @dev The deposit contract root the guardians signed; must still be current.
        bytes32 depositRoot;
        /// @dev The next deposit nonce.
        uint256 nonce;
        uint256[] operatorIds;
        uint256[] counts;
        bytes pubkeys;
        bytes keySignatures;
    }

    /// @notice Deposits 32 ETH from the buffer for each key of `batch`.
    /// @param signatures Guardian signatures (65 bytes each) over
    /// `Deposit(bytes32 depositRoot,uint256 nonce,bytes32 allocationHash)` with
    /// `allocationHash = keccak256(abi.encode(operatorIds, counts))`, signers in ascending order.
    function deposit(DepositBatch calldata batch, bytes[] calldata signatures) external;

    /// @notice Sets an operator's vetted key count, signed by a guardian quorum over
    /// `Vet(uint256 operatorId,uint256 vettedKeys,uint256 keysNonce)` with the operator's current
    /// `keysNonce`. The registry advances the nonce, so a vetting signature works once: the next
    /// one (to raise or lower the count) is signed over the new nonce.
    function vetKeys(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce, bytes[] calldata signatures) external;

    function addGuardian(address guardian) external;
    function removeGuardian(address guardian) external;
    function setQuorum(uint256 quorum) external;
    /// @notice The largest share of protocol validators one operator may reach by a deposit, bps.
    function setMaxOperatorShare(uint256 bps) external;
    /// @notice Pauses deposits: any single guardian (one that sees an attack need not wait for a
    /// quorum), the emergency committee or governance. Only governance resumes.
    /// @dev The emergency committee is trETH's `emergencyCommittee()`, read at the call, so that
    /// governance replaces it for staking and deposits in one call.
    function pauseDeposits() external;
    function resumeDeposits() external;

    function getGuardians() external view returns (address[] memory);
    function isGuardian(address account) external view returns (bool);
    function quorum() external view returns (uint256);
    function depositNonce() external view returns (uint256);
    function depositsPaused() external view returns (bool);
    function maxOperatorShareBps() external view returns (uint256);
    function depositDigest(bytes32 depositRoot, uint256 nonce, bytes32 allocationHash) external view returns (bytes32);
    function vetDigest(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce) external view returns (bytes32);
}
