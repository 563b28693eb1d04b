// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {IAccounting} from "./IAccounting.sol";

/// @title IRewardsDistributor
/// @notice Holds the protocol fee, minted as trETH by the accounting module each report: it pays
/// the treasury its part and the operators their commission against the accounting module's
/// current Merkle root. The root commits to each
/// operator's CUMULATIVE commission in trETH shares, so only the latest root is needed and a
/// claim pays the difference to what was already claimed.
/// Leaf: `keccak256(bytes.concat(keccak256(abi.encode(operatorId, account, cumulativeShares))))`.
interface IRewardsDistributor {
    /// @notice `shares` trETH paid to `account` for `operatorId` (cumulative claimed: `cumulativeClaimed`).
    event Claimed(uint256 indexed operatorId, address indexed account, uint256 shares, uint256 cumulativeClaimed);

    /// @notice `shares` of treasury fee paid to `treasury`.
    event TreasuryFeeClaimed(address indexed treasury, uint256 shares, uint256 cumulativeClaimed);

    /// @notice The proof does not lead to the current root.
    error RewardsDistributorInvalidProof(uint256 operatorId, address account, uint256 cumulativeShares);
    /// @notice Everything up to `cumulativeShares` was already claimed (`claimed`).
    error RewardsDistributorNothingToClaim(uint256 operatorId, uint256 cumulativeShares, uint256 claimed);
    error RewardsDistributorZeroAddress();

    /// @notice Pays `account` the commission of `operatorId` not yet claimed. Anyone may call; the
    /// shares always go to the `account` in the leaf.
    /// @return shares The trETH shares paid.
    function claim(uint256 operatorId, address account, uint256 cumulativeShares, bytes32[] calldata proof)
        external
        returns (uint256 shares);

    /// @notice Pays the treasury (the accounting module's `treasury()`) the treasury fee shares
    /// not yet paid. Anyone may call.
    /// @return shares The trETH shares paid.
    function claimTreasuryFee() external returns (uint256 shares);

    /// @notice Treasury fee shares paid so far.
    function treasuryFeeClaimed() external view returns (uint256);

    /// @notice Shares claimed so far for `operatorId`.
    function claimed(uint256 operatorId) external view returns (uint256);
    /// @notice The current root (read from the accounting module).
    function rewardsRoot() external view returns (bytes32);
    /// @notice The accounting module whose root and treasury fee counter claims follow: always
    /// trETH's current one, so claims go on across a replacement of the module.
    function accounting() external view returns (IAccounting);
}
