// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title StoredRate
/// @notice Share rates as the withdrawal queue stores them: 72-bit floating-point numbers, so that a
/// record keeps two rates in one slot and no rate can overflow it.
/// @dev A stored rate is wei per share scaled by 1e18 (a passed 1e27-scale rate divided by 1e9,
/// rounded down), written as `mantissa << exponent`: the exponent in bits 64-71, the mantissa in
/// bits 0-63. Below 2^64 (18.4 ETH per share) the exponent is 0 and the mantissa is the rate itself,
/// so rates near 1 keep 18 digits; above, the mantissa keeps the 64 leading bits, rounded down (a
/// relative error below 2^-63). Encodings order as the rates they hold (the exponent sits above the
/// mantissa, and a mantissa with a non-zero exponent has its top bit set), so the lower of two rates
/// is the lower encoding.
library StoredRate {
    /// @dev 1e27 / 1e18: a passed rate is divided by this (rounded down) to be stored.
    uint256 internal constant SCALE = 1e9;
    uint256 internal constant MANTISSA_BITS = 64;
    uint256 internal constant MANTISSA_MASK = (1 << MANTISSA_BITS) - 1;
    /// @dev Rates at 1e18 scale saturate here (1.46e30 ETH per share, rounded down as a stored rate):
    /// shares (below 2^88) times a stored rate then stays below 2^248, so no payout or finalization
    /// total can overflow. A uint88 pool reaches at most 2^88 * 1e18 < 2^148 (every wei of assets on
    /// one wei of shares), 2^12 below.
    uint256 internal constant MAX = (1 << 160) - 1;
    /// @dev No rate encodes to this (the largest exponent any rate takes is 96): a window whose rate
    /// is not known yet. It is above every rate, so taking the lower of it and a rate gives the rate.
    uint72 internal constant UNSET = type(uint72).max;

    /// @dev A rate in wei per share scaled by 1e27 (any value) as stored, rounded down.
    function encodeDown(uint256 shareRate) internal pure returns (uint72) {
        uint256 rate = shareRate / SCALE;
        if (rate > MAX) rate = MAX;
        // Fits: below 2^64 here.
        if (rate <= MANTISSA_MASK) return uint72(rate);
        // rate >= 2^64, so its log2 is at least 64 and the shift at least 1; at most 159 - 63 = 96.
        uint256 shift = Math.log2(rate) + 1 - MANTISSA_BITS;
        // Fits: the shift fits 8 bits and the mantissa 64.
        return uint72((shift << MANTISSA_BITS) | (rate >> shift));
    }

    /// @dev A stored rate (not UNSET) back at 1e18 scale: below 2^160.
    function decode(uint72 stored) internal pure returns (uint256) {
        return (uint256(stored) & MANTISSA_MASK) << (uint256(stored) >> MANTISSA_BITS);
    }

    /// @dev A stored rate at 1e27 scale, as the queue returns it: UNSET as type(uint256).max.
    function toShareRate(uint72 stored) internal pure returns (uint256) {
        return stored == UNSET ? type(uint256).max : decode(stored) * SCALE;
    }
}
