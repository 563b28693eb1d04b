// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {IDepositSecurity} from "../interfaces/IDepositSecurity.sol";
import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";
import {DepositData} from "../libraries/DepositData.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title DepositSecurity
/// @notice See {IDepositSecurity}.
contract DepositSecurity is IDepositSecurity, Initializable, AccessControlUpgradeable, EIP712Upgradeable, UUPSUpgradeable {
    // ================================================================ constants / immutables

    bytes32 public constant DEPOSIT_TYPEHASH = keccak256("Deposit(bytes32 depositRoot,uint256 nonce,bytes32 allocationHash)");
    bytes32 public constant VET_TYPEHASH = keccak256("Vet(uint256 operatorId,uint256 vettedKeys,uint256 keysNonce)");
    uint256 internal constant DEPOSIT_SIZE = 32 ether;
    uint256 internal constant PUBKEY_LENGTH = 48;
    uint256 internal constant SIGNATURE_LENGTH = 96;
    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;

    ITrETH public immutable token;
    IOperatorRegistry public immutable registry;
    IDepositContract public immutable depositContract;

    // ================================================================ storage

    /// @custom:storage-location erc7201:tributary.storage.DepositSecurity
    struct DepositSecurityStorage {
        address[] guardians;
        // guardian => index in `guardians` + 1 (0 = not a guardian).
        mapping(address => uint256) guardianIndex;
        uint256 quorum;
        // Next deposit nonce; each signed deposit uses exactly one.
        uint256 depositNonce;
        uint256 maxOperatorShareBps;
        bool paused;
    }

    // keccak256(abi.encode(uint256(keccak256("tributary.storage.DepositSecurity")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT = 0x4cce80988a8d1e125ef2d3a4d65706a634cf82348c5aad5599af623997312b00;

    function _s() private pure returns (DepositSecurityStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    // ================================================================ constructor

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_, IOperatorRegistry registry_, IDepositContract depositContract_) {
        token = token_;
        registry = registry_;
        depositContract = depositContract_;
        _disableInitializers();
    }

    /// @param admin The timelock.
    /// @param guardians_ The initial guardian committee.
    /// @param quorum_ Signatures needed, more than half of the guardians.
    /// @param maxOperatorShareBps_ The largest share of validators one operator may reach, bps.
    function initialize(
        address admin,
        address[] calldata guardians_,
        uint256 quorum_,
        uint256 maxOperatorShareBps_
    ) external initializer {
        if (admin == address(0)) revert DepositSecurityZeroAddress();
        __AccessControl_init();
        __EIP712_init("Tributary DepositSecurity", "1");
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i; i < guardians_.length; ++i) {
            _addGuardian(guardians_[i]);
        }
        _setQuorum(quorum_);
        _setMaxOperatorShare(maxOperatorShareBps_);
    }

    // ================================================================ governance

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    /// @inheritdoc IDepositSecurity
    function addGuardian(address guardian) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _addGuardian(guardian);
        _checkQuorum(_s().quorum);
    }

    /// @inheritdoc IDepositSecurity
    function removeGuardian(address guardian) external onlyRole(DEFAULT_ADMIN_ROLE) {
        DepositSecurityStorage storage $ = _s();
        uint256 index = $.guardianIndex[guardian];
        if (index == 0) revert DepositSecurityNotGuardian(guardian);
        address last = $.guardians[$.guardians.length - 1];
        $.guardians[index - 1] = last;
        $.guardianIndex[last] = index;
        $.guardians.pop();
        delete $.guardianIndex[guardian];
        // Signatures made for the old committee stay valid only if the quorum still holds.
        _checkQuorum($.quorum);
        emit GuardianRemoved(guardian);
    }

    /// @inheritdoc IDepositSecurity
    function setQuorum(uint256 quorum_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setQuorum(quorum_);
    }

    /// @inheritdoc IDepositSecurity
    function setMaxOperatorShare(uint256 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxOperatorShare(bps);
    }

    /// @inheritdoc IDepositSecurity
    function pauseDeposits() external {
        // The emergency committee is trETH's, read at the call: one address, set by governance in
        // one place, pauses staking, deposits and withdrawals.
        if (
            _s().guardianIndex[msg.sender] == 0 && msg.sender != token.emergencyCommittee()
                && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)
        ) revert DepositSecurityNotPauser(msg.sender);
        _s().paused = true;
        emit DepositsPaused(msg.sender);
    }

    /// @inheritdoc IDepositSecurity
    function resumeDeposits() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().paused = false;
        emit DepositsResumed(msg.sender);
    }

    // ================================================================ flows

    /// @inheritdoc IDepositSecurity
    function vetKeys(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce, bytes[] calldata signatures) external {
        _verifyQuorum(
            _hashTypedDataV4(keccak256(abi.encode(VET_TYPEHASH, operatorId, vettedKeys, keysNonce))), signatures
        );
        // The registry rejects a stale keysNonce and advances it, so a vetting signature works once.
        registry.setVettedKeys(operatorId, vettedKeys, keysNonce);
    }

    /// @inheritdoc IDepositSecurity
    function deposit(DepositBatch calldata batch, bytes[] calldata signatures) external {
        DepositSecurityStorage storage $ = _s();
        if ($.paused) revert DepositSecurityDepositsPaused();
        if (batch.operatorIds.length != batch.counts.length) {
            revert DepositSecurityAllocationMismatch(batch.operatorIds.length, batch.counts.length);
        }
        uint256 nonce = batch.nonce;
        if (nonce != $.depositNonce) revert DepositSecurityStaleNonce(nonce, $.depositNonce);
        bytes32 allocationHash = keccak256(abi.encode(batch.operatorIds, batch.counts));
        _verifyQuorum(
            _hashTypedDataV4(keccak256(abi.encode(DEPOSIT_TYPEHASH, batch.depositRoot, nonce, allocationHash))), signatures
        );
        bytes32 currentRoot = depositContract.get_deposit_root();
        if (currentRoot != batch.depositRoot) revert DepositSecurityDepositRootChanged(batch.depositRoot, currentRoot);
        $.depositNonce = nonce + 1;

        uint256 total = _useKeys(batch);
        _checkShares(batch.operatorIds);
        emit Deposited(nonce, batch.depositRoot, total);

        // Checks and effects are done; the token sends the ETH here and it goes straight on to the
        // deposit contract. Both are trusted, fixed contracts.
        token.fundBeaconDeposit(total * DEPOSIT_SIZE);
        bytes32 credentials = registry.withdrawalCredentials();
        for (uint256 i; i < total; ++i) {
            _depositOne(batch, i, credentials);
        }
    }

    function _depositOne(DepositBatch calldata batch, uint256 i, bytes32 credentials) private {
        bytes calldata pubkey = batch.pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH];
        bytes calldata signature = batch.keySignatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH];
        depositContract.deposit{value: DEPOSIT_SIZE}(
            pubkey, abi.encodePacked(credentials), signature, DepositData.root32Eth(pubkey, credentials, signature)
        );
    }

    /// @dev Only the token sends ETH here, and only inside `deposit`.
    receive() external payable {
        if (msg.sender != address(token)) revert DepositSecurityUnexpectedEther(msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IDepositSecurity
    function getGuardians() external view returns (address[] memory) {
        return _s().guardians;
    }

    /// @inheritdoc IDepositSecurity
    function isGuardian(address account) external view returns (bool) {
        return _s().guardianIndex[account] != 0;
    }

    /// @inheritdoc IDepositSecurity
    function quorum() external view returns (uint256) {
        return _s().quorum;
    }

    /// @inheritdoc IDepositSecurity
    function depositNonce() external view returns (uint256) {
        return _s().depositNonce;
    }

    /// @inheritdoc IDepositSecurity
    function depositsPaused() external view returns (bool) {
        return _s().paused;
    }

    /// @inheritdoc IDepositSecurity
    function maxOperatorShareBps() external view returns (uint256) {
        return _s().maxOperatorShareBps;
    }

    /// @inheritdoc IDepositSecurity
    function depositDigest(bytes32 depositRoot, uint256 nonce, bytes32 allocationHash) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DEPOSIT_TYPEHASH, depositRoot, nonce, allocationHash)));
    }

    /// @inheritdoc IDepositSecurity
    function vetDigest(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VET_TYPEHASH, operatorId, vettedKeys, keysNonce)));
    }

    // ================================================================ internal

    function _useKeys(DepositBatch calldata batch) private returns (uint256 total) {
        uint256[] calldata counts = batch.counts;
        for (uint256 i; i < counts.length; ++i) {
            total += counts[i];
        }
        if (total == 0) revert DepositSecurityEmptyDeposit();
        if (batch.pubkeys.length != total * PUBKEY_LENGTH || batch.keySignatures.length != total * SIGNATURE_LENGTH) {
            revert DepositSecurityKeysLengthMismatch(batch.pubkeys.length, batch.keySignatures.length, total);
        }
        uint256 offset;
        for (uint256 i; i < counts.length; ++i) {
            uint256 end = offset + counts[i];
            registry.useKeys(
                batch.operatorIds[i],
                counts[i],
                batch.pubkeys[offset * PUBKEY_LENGTH:end * PUBKEY_LENGTH],
                batch.keySignatures[offset * SIGNATURE_LENGTH:end * SIGNATURE_LENGTH]
            );
            offset = end;
        }
    }

    /// @dev No operator in the allocation may end above the share cap of all active validators.
    function _checkShares(uint256[] calldata operatorIds) private view {
        uint256 maxBps = _s().maxOperatorShareBps;
        if (maxBps == BPS) return;
        uint256 totalActive = registry.totalActiveValidators();
        for (uint256 i; i < operatorIds.length; ++i) {
            uint256 active = registry.activeValidators(operatorIds[i]);
            if (active * BPS > maxBps * totalActive) {
                revert DepositSecurityOperatorShareExceeded(operatorIds[i], active, totalActive, maxBps);
            }
        }
    }

    function _verifyQuorum(bytes32 digest, bytes[] calldata signatures) private view {
        DepositSecurityStorage storage $ = _s();
        uint256 needed = $.quorum;
        if (signatures.length < needed) revert DepositSecurityNoQuorum(signatures.length, needed);
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (signer <= previous) revert DepositSecurityUnsortedSigners(previous, signer);
            if ($.guardianIndex[signer] == 0) revert DepositSecurityNotGuardian(signer);
            previous = signer;
        }
    }

    function _addGuardian(address guardian) private {
        DepositSecurityStorage storage $ = _s();
        if (guardian == address(0)) revert DepositSecurityZeroAddress();
        if ($.guardianIndex[guardian] != 0) revert DepositSecurityGuardianExists(guardian);
        $.guardians.push(guardian);
        $.guardianIndex[guardian] = $.guardians.length;
        emit GuardianAdded(guardian);
    }

    function _setQuorum(uint256 quorum_) private {
        _checkQuorum(quorum_);
        _s().quorum = quorum_;
        emit QuorumSet(quorum_);
    }

    /// @dev A quorum must be a majority of the guardians and reachable.
    function _checkQuorum(uint256 quorum_) private view {
        uint256 guardians = _s().guardians.length;
        if (quorum_ == 0 || quorum_ > guardians || quorum_ * 2 <= guardians) {
            revert DepositSecurityInvalidQuorum(quorum_, guardians);
        }
    }

    function _setMaxOperatorShare(uint256 bps) private {
        if (bps == 0 || bps > BPS) revert DepositSecurityInvalidShare(bps);
        _s().maxOperatorShareBps = bps;
        emit MaxOperatorShareSet(bps);
    }
}
