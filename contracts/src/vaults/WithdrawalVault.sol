// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {IWithdrawalVault} from "../interfaces/IWithdrawalVault.sol";
import {EtherVault} from "./EtherVault.sol";

/// @title WithdrawalVault
/// @notice The address in every protocol validator's withdrawal credentials and its fee recipient:
/// partial withdrawals (skimmed rewards), full withdrawals of exited validators, priority fees and
/// MEV payments all arrive here, and a report moves what it accounts for to the token in one
/// transfer. See {IWithdrawalVault}.
contract WithdrawalVault is IWithdrawalVault, EtherVault {
    /// @inheritdoc IWithdrawalVault
    address public constant WITHDRAWAL_REQUEST_CONTRACT = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    uint256 internal constant PUBKEY_LENGTH = 48;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_) EtherVault(token_) {}

    /// @inheritdoc IWithdrawalVault
    function requestExit(bytes calldata pubkey, uint256 maxFee) external onlyRole(ACCOUNTING_ROLE) returns (uint256 fee) {
        if (pubkey.length != PUBKEY_LENGTH) revert WithdrawalVaultInvalidPubkey(pubkey.length);
        // EIP-7002: a call with empty calldata returns the current fee as one 32-byte word.
        (bool ok, bytes memory data) = WITHDRAWAL_REQUEST_CONTRACT.staticcall("");
        if (!ok || data.length != 32) revert WithdrawalVaultFeeUnavailable(WITHDRAWAL_REQUEST_CONTRACT);
        fee = abi.decode(data, (uint256));
        if (fee > maxFee) revert WithdrawalVaultFeeTooHigh(fee, maxFee);
        uint256 balance = address(this).balance;
        if (fee > balance) revert WithdrawalVaultFeeUnaffordable(fee, balance);
        emit ExitRequested(pubkey, fee);
        // Request: pubkey (48 bytes) ++ amount (8 bytes, big-endian gwei; 0 = full exit). The
        // system contract is a fixed protocol address; the event above is final before the call.
        (ok,) = WITHDRAWAL_REQUEST_CONTRACT.call{value: fee}(abi.encodePacked(pubkey, uint64(0)));
        if (!ok) revert WithdrawalVaultExitRequestFailed(pubkey, fee);
    }
}
