// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {WithdrawalRequestMock} from "../mocks/WithdrawalRequestMock.sol";
import {IWithdrawalVault} from "../../src/interfaces/IWithdrawalVault.sol";
import {TributaryProxy} from "../../src/proxy/TributaryProxy.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {WithdrawalVault} from "../../src/vaults/WithdrawalVault.sol";

/// @notice EIP-7002 exit requests from the withdrawal vault.
/// @dev Tests that need the system contract etch a stand-in at its address.
contract WithdrawalVaultRequestExitTest is Test {
    address internal constant EIP7002 = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    WithdrawalVault internal vault;
    address internal admin;
    address internal accounting;
    bytes internal pubkey = abi.encodePacked(bytes32(uint256(1)), bytes16(uint128(2)));

    function setUp() public {
        admin = makeAddr("timelock");
        accounting = makeAddr("accounting");
        vault = WithdrawalVault(
            payable(
                address(
                    new TributaryProxy(
                        address(new WithdrawalVault(ITrETH(makeAddr("token")))), abi.encodeCall(EtherVault.initializeWithAccounting, (admin, accounting))
                    )
                )
            )
        );
        vm.deal(address(vault), 1 ether);
    }

    function test_initializeWithAccountingGrantsTheRole() public view {
        assertTrue(vault.hasRole(vault.ACCOUNTING_ROLE(), accounting), "accounting role at initialization");
        assertTrue(vault.hasRole(vault.DEFAULT_ADMIN_ROLE(), admin), "admin");
    }

    function test_requestPaysTheFeeAndSendsPubkeyAndZeroAmount() public {
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        vm.prank(accounting);
        uint256 fee = vault.requestExit(pubkey, 1 ether);
        assertEq(fee, 1, "the system contract's fee");
        assertEq(address(vault).balance, 1 ether - 1, "paid from the vault");
        WithdrawalRequestMock system = WithdrawalRequestMock(payable(EIP7002));
        assertEq(keccak256(system.lastRequest()), keccak256(abi.encodePacked(pubkey, uint64(0))), "56 bytes: pubkey ++ 0");
    }

    function test_revert_systemContractMissing() public {
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalVault.WithdrawalVaultFeeUnavailable.selector, EIP7002));
        vault.requestExit(pubkey, 1 ether);
    }

    function test_revert_badPubkeyAndUnaffordableFee() public {
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalVault.WithdrawalVaultInvalidPubkey.selector, 47));
        vault.requestExit(new bytes(47), 1 ether);
        vm.deal(address(vault), 0);
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalVault.WithdrawalVaultFeeUnaffordable.selector, 1, 0));
        vault.requestExit(pubkey, 1 ether);
    }

    function test_revert_feeAboveTheCap() public {
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        vm.prank(accounting);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalVault.WithdrawalVaultFeeTooHigh.selector, 1, 0));
        vault.requestExit(pubkey, 0);
        assertEq(address(vault).balance, 1 ether, "nothing paid");
    }

    function test_revert_onlyAccounting() public {
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        vm.expectRevert();
        vault.requestExit(pubkey, 1 ether);
    }
}
