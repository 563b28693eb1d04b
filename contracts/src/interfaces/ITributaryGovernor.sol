// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title ITributaryGovernor
/// @notice The protocol's Governor: trETH holders (through their delegates) propose and vote;
/// passed proposals are queued in and executed by the timelock, which owns every parameter and
/// upgrade. Voting delay and voting period are in SECONDS, because trETH's ERC-6372 clock runs
/// in timestamp mode.
///
/// The quorum is `max(minimumQuorum, quorumNumerator% of trETH's TOTAL supply)`, not a fraction of
/// the delegated supply (trETH's `getPastTotalSupply`, the votes delegated at the snapshot): with
/// little delegated, whoever delegated first would clear a delegated-supply quorum alone. trETH
/// keeps no history of its total supply (a checkpoint per stake or per report would cost each a
/// fresh storage slot), so the governor records the total supply itself, once per proposal: the
/// quorum of a proposal is a fraction of the total supply recorded at the latest proposal made at
/// or before its snapshot, i.e. at a moment between its creation and its snapshot. The absolute
/// floor keeps the quorum out of an early holder's reach while the supply is still small (at
/// launch).
/// @dev The rest of the surface is OpenZeppelin's IGovernor with the settings, simple counting,
/// votes, quorum-fraction and timelock-control extensions.
/// Warning: `propose` appends a supply record (a fresh slot, ~20k gas) unless another proposal
/// wrote one in the same second, when it rewrites it; a gas estimate run on a block of that same
/// second falls short, so estimate `propose` with a margin.
interface ITributaryGovernor {
    /// @notice The quorum's absolute floor changed from `oldMinimumQuorum` to `newMinimumQuorum`
    /// (votes: trETH shares, 18 decimals), for proposals whose snapshot is from now on.
    event MinimumQuorumSet(uint256 oldMinimumQuorum, uint256 newMinimumQuorum);

    /// @notice trETH's total supply was `totalSupply` at `timepoint` (recorded by a proposal).
    event QuorumSupplyRecorded(uint256 timepoint, uint256 totalSupply);

    /// @notice The voting token's ERC-6372 clock is `clockMode`; the governor needs
    /// "mode=timestamp" so that its delays, in seconds, mean what they say.
    error TributaryGovernorClockNotTimestamp(string clockMode);

    /// @notice A minimum quorum of `minimumQuorum` votes does not fit the checkpoints' 208 bits.
    error TributaryGovernorMinimumQuorumTooLarge(uint256 minimumQuorum, uint256 max);

    /// @notice The quorum's absolute floor at `timepoint`, in votes (trETH shares, 18 decimals).
    function minimumQuorum(uint256 timepoint) external view returns (uint256);

    /// @notice The trETH total supply the quorum fraction applies to at `timepoint`: the total
    /// supply recorded by the latest proposal (or the deployment) at or before `timepoint`.
    /// @dev Warning: it is the supply at that record, not at `timepoint` itself; for a proposal's
    /// snapshot the record is never older than the proposal.
    function quorumSupply(uint256 timepoint) external view returns (uint256);

    /// @notice Sets the quorum's absolute floor, in votes (trETH shares, 18 decimals). Only
    /// through a proposal (the timelock executes it); proposals whose snapshot is already past
    /// keep the floor they had.
    function setMinimumQuorum(uint256 newMinimumQuorum) external;
}
