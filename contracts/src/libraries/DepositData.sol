// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title DepositData
/// @notice The SSZ hash tree root of a beacon chain `DepositData`, as the deposit contract checks it.
library DepositData {
    /// @dev 32 ETH in gwei (32e9 = 0x0773594000) as an 8-byte little-endian integer.
    bytes8 internal constant AMOUNT_32_ETH_LE = 0x0040597307000000;

    /// @notice hash_tree_root(DepositData(pubkey, withdrawal_credentials, 32 ETH, signature)).
    function root32Eth(bytes calldata pubkey, bytes32 withdrawalCredentials, bytes calldata signature)
        internal
        pure
        returns (bytes32)
    {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(sha256(abi.encodePacked(signature[:64])), sha256(abi.encodePacked(signature[64:], bytes32(0))))
        );
        return sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(pubkeyRoot, withdrawalCredentials)),
                sha256(abi.encodePacked(AMOUNT_32_ETH_LE, bytes24(0), signatureRoot))
            )
        );
    }
}
