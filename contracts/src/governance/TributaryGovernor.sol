// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {ITributaryGovernor} from "../interfaces/ITributaryGovernor.sol";

/// @title TributaryGovernor
/// @notice See {ITributaryGovernor}. Deployment: the timelock grants this contract its
/// PROPOSER_ROLE, CANCELLER_ROLE and EXECUTOR_ROLE, and no one else holds the proposer role.
/// @dev Not upgradeable: it holds no value, and the timelock can move its roles to a new governor.
/// Warning: the governor's own settings (voting delay, period, threshold, quorum) change only
/// through a proposal, because OpenZeppelin's `onlyGovernance` resolves to the timelock here.
contract TributaryGovernor is
    ITributaryGovernor,
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @dev The ERC-6372 clock mode the voting token must report.
    bytes32 private constant TIMESTAMP_CLOCK_MODE_HASH = keccak256("mode=timestamp");

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param token The voting token (trETH), an ERC-5805 token with a timestamp clock.
    /// @param timelock The timelock that executes passed proposals and owns the protocol.
    /// @param initialVotingDelay Seconds between a proposal and the start of voting
    /// (e.g. 2 days = 172,800 s, time to delegate before the snapshot).
    /// @param initialVotingPeriod Seconds voting stays open (e.g. 7 days = 604,800 s).
    /// @param initialProposalThreshold Votes (trETH, 18 decimals) needed to propose.
    /// @param quorumNumerator Quorum in percent of the total voting supply at the snapshot
    /// (e.g. 4 = 4%).
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod,
        uint256 initialProposalThreshold,
        uint256 quorumNumerator
    )
        Governor("TributaryGovernor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, initialProposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumNumerator)
        GovernorTimelockControl(timelock)
    {
        string memory mode = IERC5805(address(token)).CLOCK_MODE();
        if (keccak256(bytes(mode)) != TIMESTAMP_CLOCK_MODE_HASH) revert TributaryGovernorClockNotTimestamp(mode);
    }

    /*//////////////////////////////////////////////////////////////
                     VIEWS (RESOLVING BASE CONTRACTS)
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc GovernorSettings
    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    /// @inheritdoc GovernorSettings
    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    /// @inheritdoc GovernorSettings
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc GovernorVotesQuorumFraction
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    /// @inheritdoc GovernorTimelockControl
    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    /// @inheritdoc GovernorTimelockControl
    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    /*//////////////////////////////////////////////////////////////
                   INTERNAL (RESOLVING BASE CONTRACTS)
    //////////////////////////////////////////////////////////////*/

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
