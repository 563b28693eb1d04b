// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice The protocol with a test accounting module that reports rates and finalizes.
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

    /// @dev A report that moves the beacon assets by `delta` wei (a reward or a loss) and records
    /// the new rate for new requests.
    function _report(int256 delta) internal returns (uint256 rate) {
        uint256 beacon = token.beaconAssets();
        uint256 next = delta >= 0 ? beacon + uint256(delta) : beacon - uint256(-delta);
        vm.startPrank(accounting);
        token.rebase(next, 0, address(0), 0);
        rate = _rate();
        withdrawalQueue.onReport(rate);
        vm.stopPrank();
    }

    /// @dev A report that also finalizes every request up to `last` at the report's rate.
    function _reportAndFinalize(int256 delta, uint256 last) internal returns (uint256 eth, uint256 shares) {
        uint256 rate = _report(delta);
        vm.prank(accounting);
        (eth, shares) = withdrawalQueue.finalize(last, rate);
    }
}
