// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Test-only contract with one parameter that only its owner (the timelock) can set.
contract OwnedParameterMock is Ownable {
    uint256 public parameter;

    event ParameterSet(uint256 value);

    constructor(address owner) Ownable(owner) {}

    function setParameter(uint256 value) external onlyOwner {
        parameter = value;
        emit ParameterSet(value);
    }
}
