// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title IWithdrawalVault
/// @notice The address in every protocol validator's withdrawal credentials. Besides holding
/// withdrawn ETH for the accounting module, it can trigger a validator's full exit through the
/// EIP-7002 withdrawal request system contract, since only the credentials' address may do so.
interface IWithdrawalVault {
    /// @notice A full exit of `pubkey` was requested through EIP-7002 for `fee` wei.
    event ExitRequested(bytes pubkey, uint256 fee);

    /// @notice A validator pubkey must be 48 bytes.
    error WithdrawalVaultInvalidPubkey(uint256 length);
    /// @notice The EIP-7002 system contract did not return its fee (not installed?).
    error WithdrawalVaultFeeUnavailable(address systemContract);
    /// @notice The vault holds `balance` wei, less than the request fee `fee`.
    error WithdrawalVaultFeeUnaffordable(uint256 fee, uint256 balance);
    /// @notice The EIP-7002 system contract rejected the request.
    error WithdrawalVaultExitRequestFailed(bytes pubkey, uint256 fee);
    /// @notice The EIP-7002 fee `fee` is above the caller's cap `maxFee`.
    error WithdrawalVaultFeeTooHigh(uint256 fee, uint256 maxFee);

    /// @notice Requests the full exit of validator `pubkey` (48 bytes) through EIP-7002, paying the
    /// system contract's current fee from the vault. Only the accounting module.
    /// @return fee The fee paid, wei.
    /// @param maxFee The most the vault pays for the request: a request costs more only when the
    /// EIP-7002 queue is congested (its fee grows exponentially with the excess requests).
    function requestExit(bytes calldata pubkey, uint256 maxFee) external returns (uint256 fee);

    /// @notice The EIP-7002 withdrawal request system contract.
    function WITHDRAWAL_REQUEST_CONTRACT() external view returns (address);
}
