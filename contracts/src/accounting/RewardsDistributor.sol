// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IAccounting} from "../interfaces/IAccounting.sol";
import {IRewardsDistributor} from "../interfaces/IRewardsDistributor.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title RewardsDistributor
/// @notice See {IRewardsDistributor}. Upgradeable by the timelock (it holds trETH).
contract RewardsDistributor is IRewardsDistributor, Initializable, AccessControlUpgradeable, UUPSUpgradeable {
    // ================================================================ constants / immutables

    ITrETH public immutable token;

    // ================================================================ storage

    /// @custom:storage-location erc7201:tributary.storage.RewardsDistributor
    struct DistributorStorage {
        // operatorId => trETH shares claimed so far.
        mapping(uint256 => uint256) claimed;
        // Treasury fee shares paid so far.
        uint256 treasuryFeeClaimed;
    }

    // keccak256(abi.encode(uint256(keccak256("tributary.storage.RewardsDistributor")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT = 0xf5007002fa710cc9761b4232b1ba009dd82120564c136b02ba1efe75b7cd7100;

    function _s() private pure returns (DistributorStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    // ================================================================ constructor

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_) {
        if (address(token_) == address(0)) revert RewardsDistributorZeroAddress();
        token = token_;
        _disableInitializers();
    }

    /// @param admin The timelock.
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert RewardsDistributorZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    // ================================================================ claims

    /// @inheritdoc IRewardsDistributor
    function claim(uint256 operatorId, address account, uint256 cumulativeShares, bytes32[] calldata proof)
        external
        returns (uint256 shares)
    {
        if (account == address(0)) revert RewardsDistributorZeroAddress();
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(operatorId, account, cumulativeShares))));
        // The accounting module keeps the root's first 152 bits (the rest reads as zero): the
        // proof's root must match them.
        bytes32 root = MerkleProof.processProofCalldata(proof, leaf);
        if (bytes19(root) != bytes19(accounting().rewardsRoot())) {
            revert RewardsDistributorInvalidProof(operatorId, account, cumulativeShares);
        }
        DistributorStorage storage $ = _s();
        uint256 done = $.claimed[operatorId];
        if (cumulativeShares <= done) revert RewardsDistributorNothingToClaim(operatorId, cumulativeShares, done);
        $.claimed[operatorId] = cumulativeShares;
        // Unchecked: cumulativeShares > done, checked above.
        unchecked {
            shares = cumulativeShares - done;
        }
        emit Claimed(operatorId, account, shares, cumulativeShares);
        // Effects first; trETH is the protocol's own token (no callbacks).
        token.transfer(account, shares);
    }

    /// @inheritdoc IRewardsDistributor
    function claimTreasuryFee() external returns (uint256 shares) {
        DistributorStorage storage $ = _s();
        IAccounting module = accounting();
        uint256 accrued = module.treasuryFeeShares();
        uint256 done = $.treasuryFeeClaimed;
        // Cannot underflow: the accounting module's counter only grows, and a successor takes it
        // over at activation, so it never falls below what was paid.
        shares = accrued - done;
        $.treasuryFeeClaimed = accrued;
        address to = module.treasury();
        emit TreasuryFeeClaimed(to, shares, accrued);
        // Effects first; trETH is the protocol's own token (no callbacks).
        if (shares != 0) token.transfer(to, shares);
    }

    // ================================================================ views

    /// @inheritdoc IRewardsDistributor
    function treasuryFeeClaimed() external view returns (uint256) {
        return _s().treasuryFeeClaimed;
    }


    /// @inheritdoc IRewardsDistributor
    function claimed(uint256 operatorId) external view returns (uint256) {
        return _s().claimed[operatorId];
    }

    /// @inheritdoc IRewardsDistributor
    function rewardsRoot() external view returns (bytes32) {
        return accounting().rewardsRoot();
    }

    /// @inheritdoc IRewardsDistributor
    function accounting() public view returns (IAccounting) {
        return IAccounting(token.accountingModule());
    }
}
