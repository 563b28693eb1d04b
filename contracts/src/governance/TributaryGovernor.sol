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
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {ITributaryGovernor} from "../interfaces/ITributaryGovernor.sol";

/// @title TributaryGovernor
/// @notice See {ITributaryGovernor}. Deployment: the timelock grants this contract its
/// PROPOSER_ROLE, CANCELLER_ROLE and EXECUTOR_ROLE (or EXECUTOR_ROLE to everyone), and no one else
/// holds the proposer role.
/// @dev Not upgradeable: it holds no value, and the timelock can move its roles to a new governor.
/// Warning: the governor's own settings (voting delay, period, threshold, quorum and its floor) change only
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
    using Checkpoints for Checkpoints.Trace208;

    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @dev The ERC-6372 clock mode the voting token must report.
    bytes32 private constant TIMESTAMP_CLOCK_MODE_HASH = keccak256("mode=timestamp");

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev trETH's total supply (shares), keyed by the clock (seconds) of the proposal that
    /// recorded it (OpenZeppelin's 208-bit checkpoints; trETH's supply fits 88 bits).
    Checkpoints.Trace208 private _supplyHistory;

    /// @dev The quorum's absolute floor (votes), keyed by the clock (seconds) it was set at.
    Checkpoints.Trace208 private _minimumQuorumHistory;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param token The voting token (trETH), an ERC-5805 token with a timestamp clock.
    /// @param timelock The timelock that executes passed proposals and owns the protocol.
    /// @param initialVotingDelay Seconds between a proposal and the start of voting
    /// (e.g. 2 days = 172,800 s, time to delegate before the snapshot).
    /// @param initialVotingPeriod Seconds voting stays open (e.g. 7 days = 604,800 s).
    /// @param initialProposalThreshold Votes (trETH, 18 decimals) needed to propose.
    /// @param quorumNumerator Quorum in percent of trETH's total supply (e.g. 4 = 4%).
    /// @param initialMinimumQuorum The quorum's absolute floor, in votes (trETH, 18 decimals).
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 initialVotingDelay,
        uint32 initialVotingPeriod,
        uint256 initialProposalThreshold,
        uint256 quorumNumerator,
        uint256 initialMinimumQuorum
    )
        Governor("TributaryGovernor")
        GovernorSettings(initialVotingDelay, initialVotingPeriod, initialProposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumNumerator)
        GovernorTimelockControl(timelock)
    {
        string memory mode = IERC5805(address(token)).CLOCK_MODE();
        if (keccak256(bytes(mode)) != TIMESTAMP_CLOCK_MODE_HASH) revert TributaryGovernorClockNotTimestamp(mode);
        _setMinimumQuorum(initialMinimumQuorum);
        _recordSupply();
    }

    /*//////////////////////////////////////////////////////////////
                              GOVERNANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITributaryGovernor
    function setMinimumQuorum(uint256 newMinimumQuorum) external onlyGovernance {
        _setMinimumQuorum(newMinimumQuorum);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITributaryGovernor
    function minimumQuorum(uint256 timepoint) public view returns (uint256) {
        return _minimumQuorumHistory.upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @inheritdoc ITributaryGovernor
    function quorumSupply(uint256 timepoint) public view returns (uint256) {
        return _supplyHistory.upperLookupRecent(SafeCast.toUint48(timepoint));
    }

    /// @notice max(minimum quorum, quorum numerator % of the recorded total supply) at `timepoint`.
    /// See {ITributaryGovernor}.
    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        uint256 fraction = quorumSupply(timepoint) * quorumNumerator(timepoint) / quorumDenominator();
        uint256 floor = minimumQuorum(timepoint);
        return fraction > floor ? fraction : floor;
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
                               INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Records trETH's total supply now, for the quorum of this and later proposals.
    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256) {
        _recordSupply();
        return super._propose(targets, values, calldatas, description, proposer);
    }

    function _recordSupply() private {
        uint256 supply = IERC20(address(token())).totalSupply();
        uint48 now_ = clock();
        _supplyHistory.push(now_, SafeCast.toUint208(supply));
        emit QuorumSupplyRecorded(now_, supply);
    }

    function _setMinimumQuorum(uint256 newMinimumQuorum) private {
        if (newMinimumQuorum > type(uint208).max) {
            revert TributaryGovernorMinimumQuorumTooLarge(newMinimumQuorum, type(uint208).max);
        }
        // Fits: checked above.
        (uint256 old,) = _minimumQuorumHistory.push(clock(), uint208(newMinimumQuorum));
        emit MinimumQuorumSet(old, newMinimumQuorum);
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
