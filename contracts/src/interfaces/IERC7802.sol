// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title ERC-7802: crosschain mint and burn
/// @notice The interface a token exposes to the bridges it authorises (interface id 0x33331994).
interface IERC7802 is IERC165 {
    /// @notice `amount` minted to `to` by the bridge `sender` (a transfer arriving from another chain).
    event CrosschainMint(address indexed to, uint256 amount, address indexed sender);
    /// @notice `amount` burnt from `from` by the bridge `sender` (a transfer leaving for another chain).
    event CrosschainBurn(address indexed from, uint256 amount, address indexed sender);

    /// @notice Mints `amount` to `to`. Only an authorised bridge.
    function crosschainMint(address to, uint256 amount) external;

    /// @notice Burns `amount` from `from`. Only an authorised bridge.
    function crosschainBurn(address from, uint256 amount) external;
}
