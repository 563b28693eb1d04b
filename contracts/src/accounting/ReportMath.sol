// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ReportMath
/// @notice The arithmetic of applying a report: sanity bounds, the held-back excess and the fee
/// shares. Pure functions, so that each limit can be tested on its own.
library ReportMath {
    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @dev Precision of the per-report rate limit: 1e9 = 100%.
    uint256 internal constant RATE_LIMIT_PRECISION = 1e9;
    /// @dev Seconds in a year for the annual growth limit (365 days, no leap years).
    uint256 internal constant YEAR = 365 days;
    /// @dev Scale of the share rate handed to the withdrawal queue: ETH per share times 1e27.
    uint256 internal constant SHARE_RATE_SCALE = 1e27;

    /// @notice Largest growth of the beacon balance (plus withdrawals) in `elapsed` seconds at
    /// `annualBps` per year on `base` wei, rounded down.
    function clGrowthLimit(uint256 base, uint256 annualBps, uint256 elapsed) internal pure returns (uint256) {
        return Math.mulDiv(base * annualBps, elapsed, BPS * YEAR);
    }

    /// @notice Largest fall a quorum alone may report: `bps` of `base`, rounded down.
    function lossBound(uint256 base, uint256 bps) internal pure returns (uint256) {
        return base * bps / BPS;
    }

    /// @notice Largest net rewards `d` (wei added to the pool's assets) such that the holder rate
    /// rises by at most `limit` / 1e9 over `assets / sharesBefore`, once the fees (`feeBps` of
    /// `d` plus `commission`) are minted as shares worth exactly their amount.
    /// @dev After the report, the holder rate is (assets + d - fees) / sharesNow (the fee shares
    /// are worth exactly the fees), where sharesNow is the supply after bond burns. Solving
    /// assets + d (1 - feeBps) - commission <= cap for d, with cap = assets * sharesNow * (1 + limit)
    /// / sharesBefore, gives d <= (cap + commission - assets) / (1 - feeBps). Rounded down.
    function maxRewards(
        uint256 assets,
        uint256 sharesBefore,
        uint256 sharesNow,
        uint256 limit,
        uint256 commission,
        uint256 feeBps
    ) internal pure returns (uint256) {
        uint256 cap = Math.mulDiv(assets * (RATE_LIMIT_PRECISION + limit), sharesNow, sharesBefore * RATE_LIMIT_PRECISION);
        if (cap + commission <= assets) return 0;
        return Math.mulDiv(cap + commission - assets, BPS, BPS - feeBps);
    }

    /// @notice Most shares that may be burned on top of a report so that the holder rate,
    /// `assetsAfter / (sharesNow - burn)`, rises by at most `limit` / 1e9 over `assets /
    /// sharesBefore`. Rounded down (fewer shares burned).
    function maxBurn(uint256 assetsAfter, uint256 assets, uint256 sharesBefore, uint256 sharesNow, uint256 limit)
        internal
        pure
        returns (uint256)
    {
        // sharesNow - burn >= assetsAfter * sharesBefore / (assets * (1 + limit)), rounded up.
        uint256 floor = Math.mulDiv(
            assetsAfter * RATE_LIMIT_PRECISION, sharesBefore, assets * (RATE_LIMIT_PRECISION + limit), Math.Rounding.Ceil
        );
        return sharesNow > floor ? sharesNow - floor : 0;
    }

    /// @notice Shares to mint so that they are worth `fee` wei out of `assets` (which include the
    /// fee) once minted on top of `shares`: fee * shares / (assets - fee), rounded down.
    function feeShares(uint256 fee, uint256 assets, uint256 shares) internal pure returns (uint256) {
        if (fee == 0) return 0;
        return Math.mulDiv(fee, shares, assets - fee);
    }

    /// @notice ETH per share scaled by 1e27, rounded down.
    function shareRate(uint256 assets, uint256 shares) internal pure returns (uint256) {
        return Math.mulDiv(assets, SHARE_RATE_SCALE, shares);
    }
}
