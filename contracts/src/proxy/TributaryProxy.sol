// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title TributaryProxy
/// @notice The ERC-1967 proxy in front of every upgradeable module. Upgrades go through the
/// implementation's UUPS `upgradeToAndCall`, which only the timelock may call.
contract TributaryProxy is ERC1967Proxy {
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
