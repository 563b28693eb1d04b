// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {EtherVault} from "./EtherVault.sol";

/// @title WithdrawalVault
/// @notice The address in every protocol validator's withdrawal credentials: partial withdrawals
/// (skimmed rewards) and full withdrawals of exited validators arrive here.
contract WithdrawalVault is EtherVault {}
