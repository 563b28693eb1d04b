// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharesMath
/// @notice Conversions between trETH shares and ETH. The rounding direction is in the name; every
/// conversion used to pay out or mint rounds in favour of the protocol (mint down, pay out down,
/// charge up).
library SharesMath {
    /// @dev shares * totalAssets / totalShares, rounded down. Callers guarantee totalShares > 0.
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets, totalShares);
    }

    /// @dev shares * totalAssets / totalShares, rounded up.
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets, totalShares, Math.Rounding.Ceil);
    }

    /// @dev assets * totalShares / totalAssets, rounded down.
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares, totalAssets);
    }

    /// @dev assets * totalShares / totalAssets, rounded up.
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares, totalAssets, Math.Rounding.Ceil);
    }
}
