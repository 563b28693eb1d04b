// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title ITributaryGovernor
/// @notice The protocol's Governor: trETH holders (through their delegates) propose and vote;
/// passed proposals are queued in and executed by the timelock, which owns every parameter and
/// upgrade. Voting delay and voting period are in SECONDS, because trETH's ERC-6372 clock runs
/// in timestamp mode.
/// @dev The rest of the surface is OpenZeppelin's IGovernor with the settings, simple counting,
/// votes, quorum-fraction and timelock-control extensions.
interface ITributaryGovernor {
    /// @notice The voting token's ERC-6372 clock is `clockMode`; the governor needs
    /// "mode=timestamp" so that its delays, in seconds, mean what they say.
    error TributaryGovernorClockNotTimestamp(string clockMode);
}
