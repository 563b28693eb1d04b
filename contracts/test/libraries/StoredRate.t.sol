// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {StoredRate} from "../../src/libraries/StoredRate.sol";

contract StoredRateTest is Test {
    /// @dev Encodings order as the rates: the lower encoding is the lower rate.
    function testFuzz_encodingsOrderAsRates(uint256 a, uint256 b) public pure {
        uint72 ea = StoredRate.encodeDown(a);
        uint72 eb = StoredRate.encodeDown(b);
        if (a <= b) assertLe(ea, eb, "monotone encoding");
        if (ea < eb) assertLt(StoredRate.decode(ea), StoredRate.decode(eb), "lower encoding, lower rate");
        assertLt(ea, StoredRate.UNSET, "no rate encodes to UNSET");
    }

    /// @dev Decoding gives the rate at 1e18 scale rounded down: exact below 2^64, 64 significant
    /// bits above, saturated at 2^160 - 1.
    function testFuzz_decodeRoundsDown(uint256 rate) public pure {
        uint256 x = rate / 1e9;
        uint256 d = StoredRate.decode(StoredRate.encodeDown(rate));
        if (x < 2 ** 64) {
            assertEq(d, x, "exact below 2^64");
        } else if (x <= StoredRate.MAX) {
            assertLe(d, x, "rounded down");
            assertGe(d + x / 2 ** 63, x, "64 significant bits");
        } else {
            assertEq(d, (2 ** 64 - 1) << 96, "saturated");
        }
        assertLt(d, 2 ** 160, "below 2^160: shares (< 2^88) times it fits 256 bits");
    }

    function test_knownValues() public pure {
        assertEq(StoredRate.encodeDown(1e27), 1e18, "1 ETH per share as is");
        assertEq(StoredRate.encodeDown(1e9 - 1), 0, "below 1e-18 rounds to 0");
        assertEq(StoredRate.toShareRate(StoredRate.UNSET), type(uint256).max, "unset reads as the maximum");
        uint256 big = 5_001 * 1e27;
        assertEq(StoredRate.toShareRate(StoredRate.encodeDown(big)), big, "5,001 ETH per share fits 64 bits exactly");
    }
}
