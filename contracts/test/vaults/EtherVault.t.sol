// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract EtherVaultTest is ProtocolFixture {
    function test_receivesFromAnyoneAndHasNoPull() public {
        address payer = makeAddr("builder");
        vm.deal(payer, 3 ether);
        vm.prank(payer);
        (bool ok,) = address(withdrawalVault).call{value: 3 ether}("");
        assertTrue(ok, "MEV payment accepted");
        assertEq(address(withdrawalVault).balance, 3 ether, "held by the vault");

        // The only way out is `pullToToken` during a report: not even the accounting role can
        // take ETH out to itself (`pull` is gone).
        address accounting = makeAddr("accounting");
        bytes32 role = withdrawalVault.ACCOUNTING_ROLE();
        vm.prank(governance);
        withdrawalVault.grantRole(role, accounting);
        vm.prank(accounting);
        (ok,) = address(withdrawalVault).call(abi.encodeWithSignature("pull(uint256)", 1 ether));
        assertFalse(ok, "no pull");
        assertEq(accounting.balance, 0, "nothing pulled");
        assertEq(address(withdrawalVault).balance, 3 ether, "all stays");
    }

    function test_pullToTokenMovesOnlyWhatARebaseAnnounced() public {
        vm.deal(address(withdrawalVault), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(EtherVault.EtherVaultInsufficientBalance.selector, 2 ether, 1 ether));
        withdrawalVault.pullToToken(2 ether);
        // Outside a report nothing was announced: a stranger's pull reverts in the token.
        vm.prank(makeAddr("stranger"));
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnexpectedEther.selector, address(withdrawalVault), 1 ether));
        withdrawalVault.pullToToken(1 ether);
        assertEq(address(withdrawalVault).balance, 1 ether, "nothing left the vault");

        // Within the transaction of a rebase announcing 0.4 ETH: 0.4 moves, not a wei more.
        address accounting = makeAddr("accounting");
        vm.prank(governance);
        token.setModules(
            ITrETH.Modules({depositor: address(depositSecurity), accounting: accounting, withdrawalQueue: address(withdrawalQueue)})
        );
        uint256 beacon = token.beaconAssets();
        vm.prank(accounting);
        token.rebase(beacon, 0.4 ether, address(0), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnexpectedEther.selector, address(withdrawalVault), 0.5 ether));
        withdrawalVault.pullToToken(0.5 ether);
        uint256 buffer = token.bufferedEther();
        withdrawalVault.pullToToken(0.4 ether);
        assertEq(token.bufferedEther(), buffer + 0.4 ether, "the announced amount reached the buffer");
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnexpectedEther.selector, address(withdrawalVault), 1));
        withdrawalVault.pullToToken(1);
    }

    function test_upgradeOnlyByGovernance() public {
        address stranger = makeAddr("stranger");
        bytes32 admin = withdrawalVault.DEFAULT_ADMIN_ROLE();
        address next = address(new EtherVaultV2(token));
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin));
        withdrawalVault.upgradeToAndCall(next, "");
        vm.prank(governance);
        withdrawalVault.upgradeToAndCall(next, "");
        assertEq(EtherVaultV2(payable(address(withdrawalVault))).version(), 2, "upgraded by the timelock");
    }

    function test_initializeOnlyOnce() public {
        vm.expectRevert();
        withdrawalVault.initialize(address(this));
    }
}

contract EtherVaultV2 is EtherVault {
    constructor(ITrETH token_) EtherVault(token_) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}
