// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract EtherVaultTest is ProtocolFixture {
    function test_receivesFromAnyoneReleasesOnlyToAccounting() public {
        address payer = makeAddr("builder");
        vm.deal(payer, 3 ether);
        vm.prank(payer);
        (bool ok,) = address(withdrawalVault).call{value: 3 ether}("");
        assertTrue(ok, "MEV payment accepted");

        address stranger = makeAddr("stranger");
        bytes32 role = withdrawalVault.ACCOUNTING_ROLE();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, role));
        withdrawalVault.pull(1 ether);

        address accounting = makeAddr("accounting");
        vm.prank(governance);
        withdrawalVault.grantRole(role, accounting);
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(EtherVault.EtherVaultInsufficientBalance.selector, 4 ether, 3 ether));
        withdrawalVault.pull(4 ether);
        vm.prank(accounting);
        withdrawalVault.pull(2 ether);
        assertEq(accounting.balance, 2 ether, "pulled to the accounting module");
        assertEq(address(withdrawalVault).balance, 1 ether, "rest stays");
    }

    function test_pullToTokenMovesOnlyWhatARebaseAnnounced() public {
        vm.deal(address(withdrawalVault), 1 ether);
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
