// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @notice Minimal test base: cheatcodes, labelled assertions and bounded fuzz inputs.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string label, uint256 left, uint256 right);
    error AssertionFailedAddress(string label, address left, address right);
    error AssertionFailedBytes32(string label, bytes32 left, bytes32 right);
    error AssertionFailedBool(string label);

    function assertTrue(bool condition, string memory label) internal pure {
        if (!condition) revert AssertionFailedBool(label);
    }

    function assertFalse(bool condition, string memory label) internal pure {
        if (condition) revert AssertionFailedBool(label);
    }

    function assertEq(uint256 left, uint256 right, string memory label) internal pure {
        if (left != right) revert AssertionFailed(label, left, right);
    }

    function assertEq(address left, address right, string memory label) internal pure {
        if (left != right) revert AssertionFailedAddress(label, left, right);
    }

    function assertEq(bytes32 left, bytes32 right, string memory label) internal pure {
        if (left != right) revert AssertionFailedBytes32(label, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory label) internal pure {
        if (left > right) revert AssertionFailed(label, left, right);
    }

    function assertGe(uint256 left, uint256 right, string memory label) internal pure {
        if (left < right) revert AssertionFailed(label, left, right);
    }

    function assertLt(uint256 left, uint256 right, string memory label) internal pure {
        if (left >= right) revert AssertionFailed(label, left, right);
    }

    function assertGt(uint256 left, uint256 right, string memory label) internal pure {
        if (left <= right) revert AssertionFailed(label, left, right);
    }

    /// @dev |left - right| <= maxDelta.
    function assertApproxEq(uint256 left, uint256 right, uint256 maxDelta, string memory label) internal pure {
        uint256 delta = left > right ? left - right : right - left;
        if (delta > maxDelta) revert AssertionFailed(label, left, right);
    }

    /// @dev Maps any fuzzed value into [min, max] without discarding runs.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        return min + (x % size);
    }

    function makeAddr(string memory name) internal returns (address a) {
        a = address(uint160(uint256(keccak256(bytes(name)))));
        vm.label(a, name);
    }
}
