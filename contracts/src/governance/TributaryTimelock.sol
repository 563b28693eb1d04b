// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title TributaryTimelock
/// @notice The timelock that owns every parameter, role and upgrade of the protocol. Proposals
/// come from the Governor only (a development deployment adds its deployer); each waits
/// `getMinDelay()` seconds before an executor (the Governor, or anyone if the zero address holds
/// EXECUTOR_ROLE) can run it. It has no admin but itself: its roles change by its own operations.
contract TributaryTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
