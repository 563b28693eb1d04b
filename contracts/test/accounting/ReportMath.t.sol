// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {ReportMath} from "../../src/accounting/ReportMath.sol";

/// @notice The arithmetic of a report, checked against its defining equations.
contract ReportMathTest is Test {
    function testFuzz_feeSharesAreWorthTheFee(uint256 fee, uint256 assets, uint256 shares) public pure {
        assets = bound(assets, 1 ether, 1e27);
        shares = bound(shares, 1e9, 1e27);
        fee = bound(fee, 0, assets / 2);
        uint256 minted = ReportMath.feeShares(fee, assets, shares);
        // Value of the minted shares after minting, rounded down: at most the fee, within a share's worth.
        uint256 value = minted * assets / (shares + minted);
        assertLe(value, fee, "never worth more than the fee");
        assertApproxEq(value, fee, assets / shares + 1, "worth the fee up to one share's rounding");
    }

    function testFuzz_maxRewardsKeepsTheRateRiseWithinTheLimit(
        uint256 assets,
        uint256 shares,
        uint256 limit,
        uint256 commission,
        uint256 feeBps
    ) public pure {
        assets = bound(assets, 1 ether, 1e26);
        shares = bound(shares, 1 ether, 1e26);
        limit = bound(limit, 0, 1e7); // up to 1% per report
        feeBps = bound(feeBps, 0, 20_00);
        commission = bound(commission, 0, assets / 1000);
        uint256 d = ReportMath.maxRewards(assets, shares, shares, limit, commission, feeBps);
        uint256 fees = d * feeBps / 10_000 + commission;
        if (fees > d) return; // the accounting module rejects commission above the rewards
        // Holder rate after: (assets + d - fees) / shares; before: assets / shares.
        assertLe(
            (assets + d - fees) * 1e9,
            assets * (1e9 + limit) + 1e9 * 2,
            "holder rate rise within the limit (2 wei of rounding)"
        );
    }

    function test_clGrowthLimitIsProRata() public pure {
        // 10%/year on 365 ETH over one day: 0.1 ETH.
        assertEq(ReportMath.clGrowthLimit(365 ether, 10_00, 1 days), 0.1 ether, "a day at 10%/year");
        assertEq(ReportMath.clGrowthLimit(365 ether, 10_00, 0), 0, "no time, no growth");
    }

    function test_lossBound() public pure {
        assertEq(ReportMath.lossBound(128 ether, 50), 0.64 ether, "0.5% of 128 ETH");
    }

    function test_shareRateScale() public pure {
        assertEq(ReportMath.shareRate(2 ether, 1 ether), 2e27, "2 ETH per share");
    }
}
