// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IOperatorRegistry
/// @notice Node operators, their validator keys and their bonds.
/// @dev Anyone can join: an operator posts a bond per validator key (held as trETH, so it earns
/// rewards too) and submits keys with deposit signatures whose withdrawal credentials are the
/// protocol's withdrawal vault. A key can be deposited only after the guardian committee vetted it.
/// Keys are stored as a 32-byte commitment `keccak256(pubkey ++ signature)`; the full key is in the
/// `KeyAdded` event and is supplied again (and checked against the commitment) at deposit time.
interface IOperatorRegistry {
    struct Operator {
        /// @dev Manages keys, bond and commission.
        address manager;
        /// @dev Receives the operator's commission.
        address rewardAddress;
        /// @dev Commission on the operator's validators' rewards, basis points.
        uint16 commissionBps;
        /// @dev Commission that takes effect at `commissionEffectiveAt` (an increase waits).
        uint16 pendingCommissionBps;
        uint40 commissionEffectiveAt;
        /// @dev Added by governance; needs no bond.
        bool curated;
        uint32 totalKeys;
        uint32 vettedKeys;
        uint32 depositedKeys;
        uint32 exitedKeys;
        /// @dev Bumped on every key change and every vetting, so that a vetting signature works once.
        uint32 keysNonce;
        /// @dev trETH shares held as bond.
        uint96 bondShares;
        /// @dev Losses not covered by the bond, wei.
        uint128 debt;
        /// @dev Exited keys whose ETH is back (withdrawable and withdrawn), as reported; only these
        /// free their bond. At most `exitedKeys`.
        uint32 withdrawnKeys;
    }

    event OperatorRegistered(uint256 indexed operatorId, address indexed manager, address rewardAddress, uint16 commissionBps, bool curated);
    event KeyAdded(uint256 indexed operatorId, uint256 indexed index, bytes pubkey, bytes signature);
    event KeysRemoved(uint256 indexed operatorId, uint256 totalKeys, uint256 vettedKeys, uint256 keysNonce);
    event KeysVetted(uint256 indexed operatorId, uint256 vettedKeys, uint256 keysNonce);
    event KeysDeposited(uint256 indexed operatorId, uint256 depositedKeys);
    event BondDeposited(uint256 indexed operatorId, address indexed from, uint256 shares, uint256 bondShares);
    event BondWithdrawn(uint256 indexed operatorId, address indexed to, uint256 shares, uint256 bondShares);
    event CommissionChangeScheduled(uint256 indexed operatorId, uint16 commissionBps, uint40 effectiveAt);
    event RewardAddressSet(uint256 indexed operatorId, address rewardAddress);
    event BondPerValidatorSet(uint256 amount);
    event MaxCommissionSet(uint16 bps);
    event CommissionIncreaseDelaySet(uint40 delay);
    /// @notice A report set the operator's cumulative exited validators and, of those, the
    /// validators whose ETH is back.
    event ExitedValidatorsReported(uint256 indexed operatorId, uint256 exitedValidators, uint256 withdrawnValidators);
    /// @notice A loss (or penalty) of `amount` wei was charged: `sharesBurned` bond shares covered
    /// `covered` wei; the rest was added to the operator's debt, now `debt`. A loss in a report is
    /// burned at once (it offsets the loss); a penalty outside a report is set aside to be burned by
    /// the next report ({ITrETH-deferBurn}).
    event LossCharged(uint256 indexed operatorId, uint256 amount, uint256 sharesBurned, uint256 covered, uint256 debt);
    /// @notice Debt of `repaid` wei was paid from the bond with `sharesBurned` shares, set aside to
    /// be burned by the next report ({ITrETH-deferBurn}).
    event DebtSettled(uint256 indexed operatorId, uint256 repaid, uint256 sharesBurned, uint256 debt);

    error OperatorRegistryZeroAddress();
    error OperatorRegistryUnknownOperator(uint256 operatorId);
    error OperatorRegistryNotManager(uint256 operatorId, address caller);
    error OperatorRegistryCommissionTooHigh(uint256 commissionBps, uint256 maxBps);
    error OperatorRegistryNoKeys();
    error OperatorRegistryInvalidPubkeysLength(uint256 length);
    error OperatorRegistryInvalidSignaturesLength(uint256 length, uint256 expected);
    error OperatorRegistryDuplicatePubkey(bytes pubkey);
    error OperatorRegistryInsufficientBond(uint256 operatorId, uint256 bond, uint256 required);
    error OperatorRegistryKeysInUse(uint256 operatorId, uint256 requestedRemoval, uint256 removable);
    error OperatorRegistryStaleKeysNonce(uint256 operatorId, uint256 nonce, uint256 current);
    error OperatorRegistryInvalidVettedCount(uint256 operatorId, uint256 vetted, uint256 depositedKeys, uint256 totalKeys);
    error OperatorRegistryNotEnoughVettedKeys(uint256 operatorId, uint256 requested, uint256 available);
    error OperatorRegistryKeyMismatch(uint256 operatorId, uint256 index);
    error OperatorRegistryZeroAmount();
    error OperatorRegistryBondTooLarge(uint256 shares);
    /// @notice A report set an exited count below the current one or above the deposited keys.
    error OperatorRegistryInvalidExitedCount(uint256 operatorId, uint256 exited, uint256 current, uint256 deposited);
    /// @notice A report set a withdrawn count below the current one or above the exited count.
    error OperatorRegistryInvalidWithdrawnCount(uint256 operatorId, uint256 withdrawn, uint256 current, uint256 exited);
    /// @notice A report charged `loss` wei to an operator whose validators not yet withdrawn
    /// could lose at most `maxLoss` (32 ETH each).
    error OperatorRegistryLossTooHigh(uint256 operatorId, uint256 loss, uint256 maxLoss);
    /// @notice The operator has no debt, or no bond to pay it with.
    error OperatorRegistryNothingToSettle(uint256 operatorId);
    /// @notice No bond can be withdrawn while the operator owes `debt` wei (curated or not): it is
    /// paid from the bond first, by {settleDebt}.
    error OperatorRegistryDebtOutstanding(uint256 operatorId, uint256 debt);

    // ---------------------------------------------------------------- operators

    /// @notice Joins as an operator managed by the caller. `msg.value` (optional) is posted as bond.
    function registerOperator(address rewardAddress, uint16 commissionBps) external payable returns (uint256 operatorId);

    /// @notice Adds validator keys (`pubkeys` 48 bytes each, `signatures` 96 bytes each, deposit
    /// signatures for 32 ETH with `withdrawalCredentials()`). `msg.value` (optional) is posted as
    /// bond first; the bond must then cover every key not exited.
    function addKeys(uint256 operatorId, bytes calldata pubkeys, bytes calldata signatures) external payable;

    /// @notice Removes the last `count` keys, which must not have been deposited.
    function removeKeys(uint256 operatorId, uint256 count) external;

    /// @notice Posts `msg.value` ETH as bond (staked into trETH).
    function depositBond(uint256 operatorId) external payable;

    /// @notice Posts `shares` trETH from the caller as bond.
    function depositBondShares(uint256 operatorId, uint256 shares) external;

    /// @notice Withdraws bond shares not backing a key. Refused while the operator has debt, curated
    /// or not: {settleDebt} pays it from the bond first.
    function withdrawBond(uint256 operatorId, uint256 shares, address to) external;

    /// @notice Sets the commission: a decrease applies at once, an increase after the delay.
    function setCommission(uint256 operatorId, uint16 commissionBps) external;

    function setRewardAddress(uint256 operatorId, address rewardAddress) external;

    // ---------------------------------------------------------------- modules

    /// @notice Sets the number of vetted keys, as a guardian quorum attested for `keysNonce`, and
    /// advances `keysNonce`: each vetting signature works once, and a later one (e.g. lowering the
    /// count) cannot be undone by replaying an earlier one.
    function setVettedKeys(uint256 operatorId, uint256 vettedKeys, uint256 keysNonce) external;

    /// @notice Marks the next `count` vetted keys of an operator deposited after checking the
    /// supplied keys against their commitments. Only the depositor.
    function useKeys(uint256 operatorId, uint256 count, bytes calldata pubkeys, bytes calldata signatures) external;

    /// @notice Applies one operator's line of an oracle report: sets its cumulative exited
    /// validators and, of those, the validators whose ETH is back (which free their bond), and
    /// charges `loss` wei to its bond, valued at the pool's `totalAssets` and `totalShares` from
    /// before the report and burned at once. The loss may be at most 32 ETH per validator of the
    /// operator not withdrawn before this report. Only the accounting module.
    /// @dev Every line of a report is valued at the same pre-report rate: the shares burned then
    /// add up to exactly the losses' worth, so holders end at the rate they started from.
    /// @return covered Wei of the loss the bond covered.
    function applyReport(
        uint256 operatorId,
        uint256 exitedValidators,
        uint256 withdrawnValidators,
        uint256 loss,
        uint256 totalAssets,
        uint256 totalShares
    ) external returns (uint256 covered);

    /// @notice Charges a penalty of `amount` wei to the operator outside a report: bond shares worth
    /// it at the current rate (rounded up) are set aside to be burned by the next report, within
    /// its rate limit ({ITrETH-deferBurn}), which gives their value to the holders then; what the
    /// bond cannot cover is added to the operator's debt. Only the accounting module (missed-exit
    /// penalties).
    /// @return covered Wei the bond covered.
    function chargeLoss(uint256 operatorId, uint256 amount) external returns (uint256 covered);

    /// @notice Pays the operator's debt from its bond, as far as the bond goes: the shares are set
    /// aside to be burned by the next report ({ITrETH-deferBurn}). Anyone may call.
    function settleDebt(uint256 operatorId) external;

    // ---------------------------------------------------------------- governance

    function addCuratedOperator(address manager, address rewardAddress, uint16 commissionBps) external returns (uint256 operatorId);
    function setBondPerValidator(uint256 amount) external;
    function setMaxCommission(uint16 bps) external;
    function setCommissionIncreaseDelay(uint40 delay) external;

    // ---------------------------------------------------------------- views

    function withdrawalCredentials() external view returns (bytes32);
    function operatorCount() external view returns (uint256);
    function getOperator(uint256 operatorId) external view returns (Operator memory);
    /// @notice The commission in force now (a scheduled increase counts once its time has come).
    function commissionOf(uint256 operatorId) external view returns (uint16);
    /// @notice Bond needed for the operator's keys whose ETH is not back, wei.
    function requiredBond(uint256 operatorId) external view returns (uint256);
    /// @notice The operator's bond valued in ETH at the current rate, wei.
    function bondValue(uint256 operatorId) external view returns (uint256);
    /// @notice What the operator must add to its bond, at the current rate, before it can add
    /// `newKeys` more keys (0: what its present keys and debt lack): `eth` wei to send with
    /// `addKeys` (or `depositBond`), or `shares` of trETH for `depositBondShares`. Both are zero when
    /// the bond suffices, and always for a curated operator.
    /// @dev The bond check compares shares: the bond must hold the required ETH in shares, rounded
    /// down, less one share per key (each stake of a key's bond loses less than one share to
    /// rounding). So `bondPerValidator` per key, staked with the keys, always suffices, and `eth`
    /// is at most the shortfall in ETH. Warning: the figures hold at the current rate; a stake
    /// limit or a pause of staking can still refuse the ETH.
    function bondTopUp(uint256 operatorId, uint256 newKeys) external view returns (uint256 eth, uint256 shares);
    function keyCommitment(uint256 operatorId, uint256 index) external view returns (bytes32);
    function bondPerValidator() external view returns (uint256);
    function maxCommissionBps() external view returns (uint16);
    function commissionIncreaseDelay() external view returns (uint40);
    /// @notice Keys ever deposited over all operators.
    function totalDepositedValidators() external view returns (uint256);
    /// @notice Keys exited over all operators, as reported.
    function totalExitedValidators() external view returns (uint256);
    /// @notice Deposited minus exited keys over all operators.
    function totalActiveValidators() external view returns (uint256);
    /// @notice Deposited minus exited keys of one operator.
    function activeValidators(uint256 operatorId) external view returns (uint256);
}
