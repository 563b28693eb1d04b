// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../../src/interfaces/IWithdrawalQueue.sol";

/// @notice The protocol with a test accounting module that reports rates and finalizes (one
/// `report` call per report, as the accounting module makes).
abstract contract WithdrawalsBase is ProtocolFixture {
    uint256 internal constant RATE_PRECISION = 1e27;

    address internal accounting;
    address internal alice;
    address internal bob;
    address internal carol;

    function setUp() public virtual override {
        super.setUp();
        accounting = makeAddr("accounting");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        vm.deal(alice, 1_000_000 ether);
        vm.deal(bob, 1_000_000 ether);
        vm.deal(carol, 1_000_000 ether);
        vm.deal(accounting, 1_000_000 ether);
        ITrETH.Modules memory m = token.modules();
        m.accounting = accounting;
        vm.prank(governance);
        token.setModules(m);
    }

    function _stake(address who, uint256 amount) internal returns (uint256 shares) {
        vm.prank(who);
        shares = token.stake{value: amount}(who);
    }

    function _request(address who, uint256 shares) internal returns (uint256 id) {
        vm.prank(who);
        id = token.requestRedeem(shares, who, who);
    }

    /// @dev Wei per share scaled by 1e27, as the accounting module would pass it.
    function _rate() internal view returns (uint256) {
        return token.convertToAssets(RATE_PRECISION);
    }

    /// @dev A rate as the queue stores it (rounded down to 1e18 scale), back at 1e27 scale: what
    /// payouts use.
    function _stored(uint256 rate) internal pure returns (uint256) {
        return rate / 1e9 * 1e9;
    }

    /// @dev A rebase that moves the beacon assets by `delta` wei (a reward or a loss); the new rate.
    function _rebase(int256 delta) internal returns (uint256 rate) {
        uint256 beacon = token.beaconAssets();
        uint256 next = delta >= 0 ? beacon + uint256(delta) : beacon - uint256(-delta);
        vm.prank(accounting);
        token.rebase(next, 0, address(0), 0, 0);
        rate = _rate();
    }

    /// @dev A report that moves the beacon assets by `delta` wei and records the new rate for new
    /// requests, finalizing nothing.
    function _report(int256 delta) internal returns (uint256 rate) {
        rate = _rebase(delta);
        vm.prank(accounting);
        withdrawalQueue.report(rate, 0);
    }

    /// @dev A report that also finalizes every request up to `last` at the report's rate.
    function _reportAndFinalize(int256 delta, uint256 last) internal returns (uint256 eth, uint256 shares) {
        (eth, shares,) = _reportAndFinalizeAt(delta, last);
    }

    /// @dev `_reportAndFinalize`, also returning the report's rate (1e27 scale, as passed).
    function _reportAndFinalizeAt(int256 delta, uint256 last)
        internal
        returns (uint256 eth, uint256 shares, uint256 rate)
    {
        rate = _rebase(delta);
        vm.prank(accounting);
        (eth, shares) = withdrawalQueue.report(rate, last);
    }

    /// @dev The latest record.
    function _lastRecord() internal view returns (IWithdrawalQueue.Record memory) {
        return withdrawalQueue.getRecord(withdrawalQueue.recordCount() - 1);
    }
}
