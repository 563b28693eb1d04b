// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title TributaryTimelock
/// @notice The timelock that owns every parameter, role and upgrade of the protocol. Proposals
/// come from the Governor (and, until it is wired, from the deployment's proposers); each waits
/// `getMinDelay()` seconds before anyone listed as executor can run it.
contract TributaryTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
