// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {EtherVault} from "./EtherVault.sol";

/// @title ELRewardsVault
/// @notice The fee recipient of every protocol validator: priority fees and MEV payments.
contract ELRewardsVault is EtherVault {
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_) EtherVault(token_) {}
}
