// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IOracle} from "@morpho-org/morpho-blue/src/interfaces/IOracle.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";

/// @title trETH priced in WETH for Morpho Blue
/// @notice Morpho Blue's oracle for a market with trETH as collateral and WETH as the loan: the
/// ETH one trETH is worth as the token values it (`convertToAssets(1e18)`, rounded down), scaled as
/// Morpho reads prices (1e36 for two 18-decimal tokens). It moves only when the oracle committee's
/// report is applied: up by at most the accounting module's per-report limit, down only by losses
/// beyond the operators' bonds (beyond 0.5% of the beacon assets with every member's vote).
/// @dev It values trETH at what the protocol pays for it, not at a DEX price: a depeg on a pool
/// does not liquidate positions, and a fall of the rate does, at once. See the trETH/ETH feed
/// (`TrETHRateFeed`) for the staleness of the rate.
contract TrETHMorphoOracle is IOracle {
    ITrETH public immutable token;

    error TrETHMorphoOracleZeroAddress();

    constructor(ITrETH token_) {
        if (address(token_) == address(0)) revert TrETHMorphoOracleZeroAddress();
        token = token_;
    }

    /// @inheritdoc IOracle
    function price() external view returns (uint256) {
        return token.convertToAssets(1e18) * 1e18;
    }
}
