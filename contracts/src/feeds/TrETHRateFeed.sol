// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {IAccounting} from "../interfaces/IAccounting.sol";
import {IHashConsensus} from "../interfaces/IHashConsensus.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";

/// @title trETH/ETH exchange-rate feed
/// @notice The ETH one trETH is worth, as the token itself values it, behind the two interfaces
/// integrators read: Chainlink's `AggregatorV3Interface` (18 decimals) and a Balancer-style rate
/// provider (`getRate()`). It keeps no state and needs no keeper: every read is the token's own
/// `convertToAssets(1e18)`, so the feed never reports a rate the token would not pay (rounded down,
/// as a redemption requested now is at most paid), and it moves only when the token's rate moves.
///
/// @dev What integrators must know about staleness:
/// - The rate changes only when the oracle committee's report is applied, once per frame (1 day on
///   mainnet). Between reports it stays where the last report put it (staking and redemptions
///   leave it unchanged but for rounding in the pool's favour).
/// - `updatedAt` is the time of the last applied report's reference slot (the moment its beacon
///   data describes), never later than the block that applied it. Before the first report it is
///   the deployment's slot, and the rate is the initial 1:1.
/// - If the committee stops reporting, the answer keeps the last report's rate while `updatedAt`
///   stays put: `block.timestamp - updatedAt` grows past one frame. Rewards earned meanwhile are
///   not in it (the rate is then low, the safe side for a lender), but neither is a loss on the
///   beacon chain since: a consumer that cares must bound `updatedAt`'s age (e.g. 2 frames).
/// - How far one report moves the rate: up by at most the accounting module's
///   `maxRateIncreasePerReport` (0.075% by default); down by the losses beyond the operators'
///   bonds, where a fall of more than `maxLossBps` (0.5% of the beacon assets by default) needs
///   every committee member, not a quorum.
/// - `roundId` is the last report's reference slot: it grows with every report. The feed keeps no
///   history: `getRoundData` answers for the latest round only and reverts for any other.
contract TrETHRateFeed is AggregatorV3Interface {
    /// @notice The feed keeps no past rounds: only `latestRoundData`'s round can be read.
    error TrETHRateFeedNoDataForRound(uint80 roundId, uint80 latestRoundId);

    error TrETHRateFeedZeroAddress();

    ITrETH public immutable token;
    /// @dev The beacon chain's genesis time and slot length (constants of the chain), read from the
    /// committee at deployment, to date reference slots.
    uint256 internal immutable GENESIS_TIME;
    uint256 internal immutable SECONDS_PER_SLOT;

    constructor(ITrETH token_, IHashConsensus consensus) {
        if (address(token_) == address(0) || address(consensus) == address(0)) revert TrETHRateFeedZeroAddress();
        token = token_;
        (, SECONDS_PER_SLOT, GENESIS_TIME) = consensus.getChainConfig();
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "trETH / ETH exchange rate";
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint256 refSlot = IAccounting(token.accountingModule()).lastProcessedRefSlot();
        roundId = uint80(refSlot);
        answer = int256(token.convertToAssets(1e18));
        updatedAt = GENESIS_TIME + refSlot * SECONDS_PER_SLOT;
        startedAt = updatedAt;
        answeredInRound = roundId;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint80 latest;
        (latest, answer, startedAt, updatedAt, answeredInRound) = latestRoundData();
        if (roundId != latest) revert TrETHRateFeedNoDataForRound(roundId, latest);
        return (roundId, answer, startedAt, updatedAt, answeredInRound);
    }

    /// @notice ETH (wei) per trETH (1e18 shares), as Balancer's rate providers answer: 18 decimals.
    function getRate() external view returns (uint256) {
        return token.convertToAssets(1e18);
    }

    /// @notice Unix time of the last applied report's reference slot: `latestRoundData().updatedAt`.
    function lastUpdated() external view returns (uint256) {
        return GENESIS_TIME + IAccounting(token.accountingModule()).lastProcessedRefSlot() * SECONDS_PER_SLOT;
    }
}
