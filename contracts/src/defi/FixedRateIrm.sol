// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IIrm} from "@morpho-org/morpho-blue/src/interfaces/IIrm.sol";
import {Market, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";

/// @title Fixed-rate interest model for Morpho Blue
/// @notice One borrow rate per second for every market that uses it, set at deployment and never
/// changed (Morpho Blue's owner enables an IRM once; a market keeps its IRM for ever). Lenders and
/// borrowers of a trETH/WETH market read their cost off it in advance; a market that wants rates
/// that follow utilization uses Morpho's adaptive curve IRM instead.
contract FixedRateIrm is IIrm {
    /// @notice Borrow rate per second, 1e18 scale (WAD), as Morpho Blue reads it.
    uint256 public immutable RATE_PER_SECOND;

    error FixedRateIrmRateTooHigh(uint256 ratePerSecond);

    /// @param ratePerSecond e.g. 3% a year: 0.03e18 / 365 days (rounded down).
    constructor(uint256 ratePerSecond) {
        // Above ~100% a year a fixed rate is a mistake, not a market.
        if (ratePerSecond > 1e18 / uint256(365 days)) revert FixedRateIrmRateTooHigh(ratePerSecond);
        RATE_PER_SECOND = ratePerSecond;
    }

    /// @inheritdoc IIrm
    function borrowRate(MarketParams memory, Market memory) external view returns (uint256) {
        return RATE_PER_SECOND;
    }

    /// @inheritdoc IIrm
    function borrowRateView(MarketParams memory, Market memory) external view returns (uint256) {
        return RATE_PER_SECOND;
    }
}
