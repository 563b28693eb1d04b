// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SharesMath} from "../libraries/SharesMath.sol";

/// @title OperatorRegistry
/// @notice See {IOperatorRegistry}.
contract OperatorRegistry is IOperatorRegistry, Initializable, AccessControlUpgradeable, UUPSUpgradeable {
    using SafeCast for uint256;

    // ================================================================ constants / immutables

    /// @notice May vet keys (with a guardian quorum) and mark keys deposited.
    bytes32 public constant DEPOSITOR_ROLE = keccak256("DEPOSITOR_ROLE");
    /// @notice May record exits and charge losses and penalties to bonds (the accounting module).
    bytes32 public constant ACCOUNTING_ROLE = keccak256("ACCOUNTING_ROLE");
    uint256 internal constant PUBKEY_LENGTH = 48;
    uint256 internal constant SIGNATURE_LENGTH = 96;
    /// @dev Every protocol validator is deposited with 32 ETH: the most it can lose.
    uint256 internal constant DEPOSIT_SIZE = 32 ether;
    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @dev Defaults (governance parameters): 4 ETH bond per validator, 10% commission cap, and a
    /// commission increase waits 7 days so that stakers can react.
    uint256 internal constant DEFAULT_BOND_PER_VALIDATOR = 4 ether;
    uint16 internal constant DEFAULT_MAX_COMMISSION_BPS = 10_00;
    uint40 internal constant DEFAULT_COMMISSION_INCREASE_DELAY = 7 days;
    /// @dev 0x01 credentials: execution address withdrawals to the withdrawal vault.
    bytes32 internal constant WITHDRAWAL_PREFIX = bytes32(uint256(0x01) << 248);

    ITrETH public immutable token;

    // ================================================================ storage

    /// @custom:storage-location erc7201:tributary.storage.OperatorRegistry
    struct RegistryStorage {
        // 0x01 ++ 11 zero bytes ++ withdrawal vault.
        bytes32 withdrawalCredentials;
        // Wei of bond per key not exited.
        uint256 bondPerValidator;
        uint16 maxCommissionBps;
        uint40 commissionIncreaseDelay;
        // Totals over all operators, for the share cap. 64 bits: far more keys than could exist.
        uint64 totalDepositedKeys;
        uint64 totalExitedKeys;
        Operator[] operators;
        // operatorId => key index => keccak256(pubkey ++ signature).
        mapping(uint256 => mapping(uint256 => bytes32)) keys;
        // keccak256(pubkey) => true once used by any operator: a pubkey is never accepted twice.
        mapping(bytes32 => bool) pubkeyUsed;
    }

    // keccak256(abi.encode(uint256(keccak256("tributary.storage.OperatorRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT = 0x856375d2e42414fe982910415fec95cf6c0327a121425b56604a3376d1364f00;

    function _s() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    // ================================================================ constructor

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_) {
        token = token_;
        _disableInitializers();
    }

    /// @param admin The timelock.
    /// @param withdrawalVault Where every protocol validator withdraws to.
    /// @param depositor The deposit security module, which vets and uses keys.
    function initialize(address admin, address withdrawalVault, address depositor) external initializer {
        _initialize(admin, withdrawalVault, depositor);
    }

    /// @param accounting The accounting module, granted ACCOUNTING_ROLE at once (its address is
    /// known before deployment).
    function initializeWithAccounting(address admin, address withdrawalVault, address depositor, address accounting)
        external
        initializer
    {
        if (accounting == address(0)) revert OperatorRegistryZeroAddress();
        _initialize(admin, withdrawalVault, depositor);
        _grantRole(ACCOUNTING_ROLE, accounting);
    }

    function _initialize(address admin, address withdrawalVault, address depositor) private {
        if (admin == address(0) || withdrawalVault == address(0) || depositor == address(0)) {
            revert OperatorRegistryZeroAddress();
        }
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(DEPOSITOR_ROLE, depositor);
        RegistryStorage storage $ = _s();
        $.withdrawalCredentials = WITHDRAWAL_PREFIX | bytes32(uint256(uint160(withdrawalVault)));
        $.bondPerValidator = DEFAULT_BOND_PER_VALIDATOR;
        $.maxCommissionBps = DEFAULT_MAX_COMMISSION_BPS;
        $.commissionIncreaseDelay = DEFAULT_COMMISSION_INCREASE_DELAY;
        emit BondPerValidatorSet(DEFAULT_BOND_PER_VALIDATOR);
        emit MaxCommissionSet(DEFAULT_MAX_COMMISSION_BPS);
        emit CommissionIncreaseDelaySet(DEFAULT_COMMISSION_INCREASE_DELAY);
    }

    // ================================================================ modifiers

    modifier onlyManager(uint256 operatorId) {
        Operator storage op = _operator(operatorId);
        if (msg.sender != op.manager) revert OperatorRegistryNotManager(operatorId, msg.sender);
        _;
    }

    // ================================================================ governance

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    /// @inheritdoc IOperatorRegistry
    function addCuratedOperator(address manager, address rewardAddress, uint16 commissionBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256)
    {
        return _register(manager, rewardAddress, commissionBps, true);
    }

    /// @inheritdoc IOperatorRegistry
    function setBondPerValidator(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().bondPerValidator = amount;
        emit BondPerValidatorSet(amount);
    }

    /// @inheritdoc IOperatorRegistry
    function setMaxCommission(uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > BPS) revert OperatorRegistryCommissionTooHigh(bps, BPS);
        _s().maxCommissionBps = bps;
        emit MaxCommissionSet(bps);
    }

    /// @inheritdoc IOperatorRegistry
    function setCommissionIncreaseDelay(uint40 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _s().commissionIncreaseDelay = delay;
        emit CommissionIncreaseDelaySet(delay);
    }

    // ================================================================ operator flows

    /// @inheritdoc IOperatorRegistry
    function registerOperator(address rewardAddress, uint16 commissionBps) external payable returns (uint256 operatorId) {
        operatorId = _register(msg.sender, rewardAddress, commissionBps, false);
        if (msg.value != 0) _stakeBond(operatorId, msg.value);
    }

    /// @inheritdoc IOperatorRegistry
    function addKeys(uint256 operatorId, bytes calldata pubkeys, bytes calldata signatures)
        external
        payable
        onlyManager(operatorId)
    {
        uint256 count = pubkeys.length / PUBKEY_LENGTH;
        if (pubkeys.length == 0) revert OperatorRegistryNoKeys();
        if (pubkeys.length % PUBKEY_LENGTH != 0) revert OperatorRegistryInvalidPubkeysLength(pubkeys.length);
        if (signatures.length != count * SIGNATURE_LENGTH) {
            revert OperatorRegistryInvalidSignaturesLength(signatures.length, count * SIGNATURE_LENGTH);
        }
        if (msg.value != 0) _stakeBond(operatorId, msg.value);

        RegistryStorage storage $ = _s();
        Operator storage op = $.operators[operatorId];
        uint256 first = op.totalKeys;
        for (uint256 i; i < count; ++i) {
            _storeKey(
                $,
                operatorId,
                first + i,
                pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH],
                signatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH]
            );
        }
        op.totalKeys = (first + count).toUint32();
        op.keysNonce += 1;
        _checkBond(operatorId, op);
    }

    /// @inheritdoc IOperatorRegistry
    function removeKeys(uint256 operatorId, uint256 count) external onlyManager(operatorId) {
        Operator storage op = _s().operators[operatorId];
        uint256 removable = op.totalKeys - op.depositedKeys;
        if (count == 0 || count > removable) revert OperatorRegistryKeysInUse(operatorId, count, removable);
        uint256 total = op.totalKeys - count;
        op.totalKeys = uint32(total);
        // Keys above the new total lose their vetting: a key added later at the same index is new.
        if (op.vettedKeys > total) op.vettedKeys = uint32(total);
        op.keysNonce += 1;
        // The pubkeys stay marked used: a removed key can never be deposited by this protocol, so
        // a key that was shared with guardians once cannot be swapped back in unvetted.
        emit KeysRemoved(operatorId, total, op.vettedKeys, op.keysNonce);
    }

    /// @inheritdoc IOperatorRegistry
    function depositBond(uint256 operatorId) external payable {
        _operator(operatorId);
        if (msg.value == 0) revert OperatorRegistryZeroAmount();
        _stakeBond(operatorId, msg.value);
    }

    /// @inheritdoc IOperatorRegistry
    function depositBondShares(uint256 operatorId, uint256 shares) external {
        Operator storage op = _operator(operatorId);
        if (shares == 0) revert OperatorRegistryZeroAmount();
        _addBondShares(op, operatorId, shares);
        // Effects are recorded first; trETH is the protocol's own token (no callbacks).
        token.transferFrom(msg.sender, address(this), shares);
    }

    /// @inheritdoc IOperatorRegistry
    function withdrawBond(uint256 operatorId, uint256 shares, address to) external onlyManager(operatorId) {
        if (shares == 0) revert OperatorRegistryZeroAmount();
        if (to == address(0)) revert OperatorRegistryZeroAddress();
        Operator storage op = _s().operators[operatorId];
        // Debt is paid from the bond (settleDebt) before any of it is released, curated or not.
        uint256 debt = op.debt;
        if (debt != 0) revert OperatorRegistryDebtOutstanding(operatorId, debt);
        uint256 bond = op.bondShares;
        if (shares > bond) revert OperatorRegistryInsufficientBond(operatorId, bond, shares);
        op.bondShares = uint96(bond - shares);
        _checkBond(operatorId, op);
        emit BondWithdrawn(operatorId, to, shares, op.bondShares);
        token.transfer(to, shares);
    }

    /// @inheritdoc IOperatorRegistry
    function setCommission(uint256 operatorId, uint16 commissionBps) external onlyManager(operatorId) {
        RegistryStorage storage $ = _s();
        if (commissionBps > $.maxCommissionBps) revert OperatorRegistryCommissionTooHigh(commissionBps, $.maxCommissionBps);
        Operator storage op = $.operators[operatorId];
        uint16 current = _commissionNow(op);
        // A decrease is good for stakers and applies at once; an increase waits for the delay.
        uint40 effectiveAt = uint40(block.timestamp);
        if (commissionBps > current) effectiveAt += $.commissionIncreaseDelay;
        op.commissionBps = commissionBps > current ? current : commissionBps;
        op.pendingCommissionBps = commissionBps;
        op.commissionEffectiveAt = effectiveAt;
        emit CommissionChangeScheduled(operatorId, commissionBps, effectiveAt);
    }

    /// @inheritdoc IOperatorRegistry
    function setRewardAddress(uint256 operatorId, address rewardAddress) external onlyManager(operatorId) {
        if (rewardAddress == address(0)) revert OperatorRegistryZeroAddress();
        _s().operators[operatorId].rewardAddress = rewardAddress;
        emit RewardAddressSet(operatorId, rewardAddress);
    }

    // ================================================================ depositor flows

    /// @inheritdoc IOperatorRegistry
    function setVettedKeys(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce) external onlyRole(DEPOSITOR_ROLE) {
        Operator storage op = _operator(operatorId);
        if (keysNonce != op.keysNonce) revert OperatorRegistryStaleKeysNonce(operatorId, keysNonce, op.keysNonce);
        if (vettedKeys < op.depositedKeys || vettedKeys > op.totalKeys) {
            revert OperatorRegistryInvalidVettedCount(operatorId, vettedKeys, op.depositedKeys, op.totalKeys);
        }
        op.vettedKeys = uint32(vettedKeys);
        // A vetting uses its nonce up: no signature for it (this one, or an older one the
        // guardians replaced) can set the count again, e.g. restore keys they unvetted since.
        op.keysNonce += 1;
        emit KeysVetted(operatorId, vettedKeys, keysNonce);
    }

    /// @inheritdoc IOperatorRegistry
    function useKeys(uint256 operatorId, uint256 count, bytes calldata pubkeys, bytes calldata signatures)
        external
        onlyRole(DEPOSITOR_ROLE)
    {
        RegistryStorage storage $ = _s();
        Operator storage op = _operator(operatorId);
        uint256 first = op.depositedKeys;
        uint256 available = op.vettedKeys - first;
        if (count == 0 || count > available) revert OperatorRegistryNotEnoughVettedKeys(operatorId, count, available);
        if (pubkeys.length != count * PUBKEY_LENGTH) revert OperatorRegistryInvalidPubkeysLength(pubkeys.length);
        if (signatures.length != count * SIGNATURE_LENGTH) {
            revert OperatorRegistryInvalidSignaturesLength(signatures.length, count * SIGNATURE_LENGTH);
        }
        for (uint256 i; i < count; ++i) {
            bytes32 commitment = keccak256(
                abi.encodePacked(
                    pubkeys[i * PUBKEY_LENGTH:(i + 1) * PUBKEY_LENGTH],
                    signatures[i * SIGNATURE_LENGTH:(i + 1) * SIGNATURE_LENGTH]
                )
            );
            if (commitment != $.keys[operatorId][first + i]) revert OperatorRegistryKeyMismatch(operatorId, first + i);
        }
        op.depositedKeys = uint32(first + count);
        $.totalDepositedKeys += uint64(count);
        emit KeysDeposited(operatorId, first + count);
    }

    // ================================================================ accounting flows

    /// @inheritdoc IOperatorRegistry
    function applyReport(
        uint256 operatorId,
        uint256 exitedValidators,
        uint256 withdrawnValidators,
        uint256 loss,
        uint256 totalAssets,
        uint256 totalShares
    ) external onlyRole(ACCOUNTING_ROLE) returns (uint256 covered) {
        RegistryStorage storage $ = _s();
        Operator storage op = _operator(operatorId);
        uint256 withdrawnBefore = op.withdrawnKeys;
        if (loss != 0) {
            // A validator loses at most its balance: 32 ETH for each one whose ETH is not back.
            uint256 maxLoss = (uint256(op.depositedKeys) - withdrawnBefore) * DEPOSIT_SIZE;
            if (loss > maxLoss) revert OperatorRegistryLossTooHigh(operatorId, loss, maxLoss);
        }
        uint256 current = op.exitedKeys;
        if (exitedValidators != current || withdrawnValidators != withdrawnBefore) {
            uint256 deposited = op.depositedKeys;
            if (exitedValidators < current || exitedValidators > deposited) {
                revert OperatorRegistryInvalidExitedCount(operatorId, exitedValidators, current, deposited);
            }
            if (withdrawnValidators < withdrawnBefore || withdrawnValidators > exitedValidators) {
                revert OperatorRegistryInvalidWithdrawnCount(operatorId, withdrawnValidators, withdrawnBefore, exitedValidators);
            }
            // Fit: withdrawn <= exited <= depositedKeys, a uint32.
            op.exitedKeys = uint32(exitedValidators);
            op.withdrawnKeys = uint32(withdrawnValidators);
            $.totalExitedKeys += uint64(exitedValidators - current);
            emit ExitedValidatorsReported(operatorId, exitedValidators, withdrawnValidators);
        }
        if (loss != 0) covered = _charge(op, operatorId, loss, totalAssets, totalShares, false);
    }

    /// @inheritdoc IOperatorRegistry
    function chargeLoss(uint256 operatorId, uint256 amount) external onlyRole(ACCOUNTING_ROLE) returns (uint256) {
        if (amount == 0) return 0;
        return _charge(_operator(operatorId), operatorId, amount, token.totalAssets(), token.totalSupply(), true);
    }

    /// @inheritdoc IOperatorRegistry
    function settleDebt(uint256 operatorId) external {
        Operator storage op = _operator(operatorId);
        uint256 debt = op.debt;
        uint256 bond = op.bondShares;
        if (debt == 0 || bond == 0) revert OperatorRegistryNothingToSettle(operatorId);
        (uint256 burned, uint256 repaid) = _bondCover(bond, debt, token.totalAssets(), token.totalSupply());
        if (burned == 0) revert OperatorRegistryNothingToSettle(operatorId);
        // Fits: burned <= bond (uint96) and repaid <= debt (uint128).
        op.bondShares = uint96(bond - burned);
        op.debt = uint128(debt - repaid);
        emit DebtSettled(operatorId, repaid, burned, debt - repaid);
        // Effects first; trETH is the protocol's own token (no callbacks). Set aside, not burned:
        // the repayment reaches the rate through the next report, within its limit.
        token.deferBurn(burned);
    }

    // ================================================================ views

    /// @inheritdoc IOperatorRegistry
    function withdrawalCredentials() external view returns (bytes32) {
        return _s().withdrawalCredentials;
    }

    /// @inheritdoc IOperatorRegistry
    function operatorCount() external view returns (uint256) {
        return _s().operators.length;
    }

    /// @inheritdoc IOperatorRegistry
    function getOperator(uint256 operatorId) external view returns (Operator memory op) {
        Operator storage stored = _operator(operatorId);
        op = stored;
        op.commissionBps = _commissionNow(stored);
    }

    /// @inheritdoc IOperatorRegistry
    function commissionOf(uint256 operatorId) external view returns (uint16) {
        return _commissionNow(_operator(operatorId));
    }

    /// @inheritdoc IOperatorRegistry
    function requiredBond(uint256 operatorId) public view returns (uint256) {
        return _requiredBond(_operator(operatorId), 0);
    }

    /// @inheritdoc IOperatorRegistry
    function bondValue(uint256 operatorId) external view returns (uint256) {
        return token.convertToAssets(_operator(operatorId).bondShares);
    }

    /// @inheritdoc IOperatorRegistry
    function bondTopUp(uint256 operatorId, uint256 newKeys) external view returns (uint256 eth, uint256 shares) {
        Operator storage op = _operator(operatorId);
        uint256 needed = _requiredBondShares(op, newKeys);
        uint256 bond = op.bondShares;
        if (needed <= bond) return (0, 0);
        shares = needed - bond;
        // A stake of `eth` mints floor(eth * totalShares / totalAssets) >= shares; the stake
        // itself can only lower the shares required (it rounds in the pool's favour).
        eth = token.previewMint(shares);
    }

    /// @inheritdoc IOperatorRegistry
    function keyCommitment(uint256 operatorId, uint256 index) external view returns (bytes32) {
        return _s().keys[operatorId][index];
    }

    /// @inheritdoc IOperatorRegistry
    function bondPerValidator() external view returns (uint256) {
        return _s().bondPerValidator;
    }

    /// @inheritdoc IOperatorRegistry
    function maxCommissionBps() external view returns (uint16) {
        return _s().maxCommissionBps;
    }

    /// @inheritdoc IOperatorRegistry
    function commissionIncreaseDelay() external view returns (uint40) {
        return _s().commissionIncreaseDelay;
    }

    /// @inheritdoc IOperatorRegistry
    function totalDepositedValidators() external view returns (uint256) {
        return _s().totalDepositedKeys;
    }

    /// @inheritdoc IOperatorRegistry
    function totalExitedValidators() external view returns (uint256) {
        return _s().totalExitedKeys;
    }

    /// @inheritdoc IOperatorRegistry
    function totalActiveValidators() external view returns (uint256) {
        RegistryStorage storage $ = _s();
        return $.totalDepositedKeys - $.totalExitedKeys;
    }

    /// @inheritdoc IOperatorRegistry
    function activeValidators(uint256 operatorId) external view returns (uint256) {
        Operator storage op = _operator(operatorId);
        return op.depositedKeys - op.exitedKeys;
    }

    // ================================================================ internal

    function _register(address manager, address rewardAddress, uint16 commissionBps, bool curated)
        private
        returns (uint256 operatorId)
    {
        if (manager == address(0) || rewardAddress == address(0)) revert OperatorRegistryZeroAddress();
        RegistryStorage storage $ = _s();
        if (commissionBps > $.maxCommissionBps) revert OperatorRegistryCommissionTooHigh(commissionBps, $.maxCommissionBps);
        operatorId = $.operators.length;
        Operator storage op = $.operators.push();
        op.manager = manager;
        op.rewardAddress = rewardAddress;
        op.commissionBps = commissionBps;
        op.pendingCommissionBps = commissionBps;
        op.commissionEffectiveAt = uint40(block.timestamp);
        op.curated = curated;
        emit OperatorRegistered(operatorId, manager, rewardAddress, commissionBps, curated);
    }

    function _storeKey(
        RegistryStorage storage $,
        uint256 operatorId,
        uint256 index,
        bytes calldata pubkey,
        bytes calldata signature
    ) private {
        bytes32 pubkeyHash = keccak256(pubkey);
        if ($.pubkeyUsed[pubkeyHash]) revert OperatorRegistryDuplicatePubkey(pubkey);
        $.pubkeyUsed[pubkeyHash] = true;
        $.keys[operatorId][index] = keccak256(abi.encodePacked(pubkey, signature));
        emit KeyAdded(operatorId, index, pubkey, signature);
    }

    function _operator(uint256 operatorId) private view returns (Operator storage) {
        Operator[] storage ops = _s().operators;
        if (operatorId >= ops.length) revert OperatorRegistryUnknownOperator(operatorId);
        return ops[operatorId];
    }

    function _commissionNow(Operator storage op) private view returns (uint16) {
        return block.timestamp >= op.commissionEffectiveAt ? op.pendingCommissionBps : op.commissionBps;
    }

    /// @dev Wei of bond needed with `newKeys` more keys: the keys whose ETH is not back, and the
    /// debt. None for a curated operator.
    function _requiredBond(Operator storage op, uint256 newKeys) private view returns (uint256) {
        if (op.curated) return 0;
        return (uint256(op.totalKeys) - op.withdrawnKeys + newKeys) * _s().bondPerValidator + op.debt;
    }

    /// @dev Bond shares needed with `newKeys` more keys: the required wei in shares, rounded down,
    /// less one share per key, the most that staking each key's bond can lose to rounding. With it
    /// `bondPerValidator` per key, however staked, is enough (see `bondTopUp`).
    function _requiredBondShares(Operator storage op, uint256 newKeys) private view returns (uint256) {
        uint256 required = _requiredBond(op, newKeys);
        if (required == 0) return 0;
        uint256 shares = token.convertToShares(required);
        uint256 roundingSlack = uint256(op.totalKeys) - op.withdrawnKeys + newKeys;
        return shares > roundingSlack ? shares - roundingSlack : 0;
    }

    /// @dev Compared in shares, with the allowance of `_requiredBondShares` in the operator's
    /// favour: a bond of exactly `bondPerValidator` per key is worth a few wei less once staked.
    function _checkBond(uint256 operatorId, Operator storage op) private view {
        uint256 bond = op.bondShares;
        if (bond < _requiredBondShares(op, 0)) {
            revert OperatorRegistryInsufficientBond(operatorId, token.convertToAssets(bond), _requiredBond(op, 0));
        }
    }

    /// @dev Burns bond shares worth `amount` (rounded up, at most the whole bond); the rest becomes
    /// debt. `deferred`: set the shares aside for the next report to burn (a penalty outside a
    /// report must not move the rate at once) instead of burning them (a loss in a report, which
    /// the burn offsets).
    function _charge(
        Operator storage op,
        uint256 operatorId,
        uint256 amount,
        uint256 totalAssets,
        uint256 totalShares,
        bool deferred
    ) private returns (uint256 covered) {
        uint256 bond = op.bondShares;
        uint256 burned;
        if (bond != 0) (burned, covered) = _bondCover(bond, amount, totalAssets, totalShares);
        uint256 debt = uint256(op.debt) + (amount - covered);
        // Fits: burned <= bond, a uint96.
        op.bondShares = uint96(bond - burned);
        op.debt = debt.toUint128();
        emit LossCharged(operatorId, amount, burned, covered, debt);
        // Effects first; trETH is the protocol's own token (no callbacks).
        if (burned != 0) {
            if (deferred) token.deferBurn(burned);
            else token.burn(burned);
        }
    }

    /// @dev Shares of a bond of `bond` shares that cover `amount` wei at the rate totalAssets /
    /// totalShares, rounded up (in favour of the other holders), and the wei they cover (all of
    /// `amount` unless the whole bond is too small, then the bond's value rounded down).
    function _bondCover(uint256 bond, uint256 amount, uint256 totalAssets, uint256 totalShares)
        private
        pure
        returns (uint256 burned, uint256 covered)
    {
        burned = SharesMath.toSharesUp(amount, totalAssets, totalShares);
        if (burned <= bond) return (burned, amount);
        return (bond, SharesMath.toAssetsDown(bond, totalAssets, totalShares));
    }

    /// @dev Stakes ETH into trETH for the registry and credits the shares to the operator's bond.
    function _stakeBond(uint256 operatorId, uint256 amount) private {
        Operator storage op = _s().operators[operatorId];
        // Shares are credited after the stake returns them; trETH is the protocol's own token and
        // calls nothing back.
        uint256 shares = token.stake{value: amount}(address(this));
        _addBondShares(op, operatorId, shares);
    }

    function _addBondShares(Operator storage op, uint256 operatorId, uint256 shares) private {
        uint256 bond = uint256(op.bondShares) + shares;
        if (bond > type(uint96).max) revert OperatorRegistryBondTooLarge(bond);
        op.bondShares = uint96(bond);
        emit BondDeposited(operatorId, msg.sender, shares, bond);
    }
}
