// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";

/// @title trETH rate on another chain
/// @notice Keeps the rate the {RateSender} relays from Ethereum with the time of the report it
/// comes from, behind the same interfaces as the feed on Ethereum: Chainlink's
/// `AggregatorV3Interface` (18 decimals; `updatedAt` is the report's time, not the relay's) and
/// `getRate()`. Its staleness is visible: `age()` and `isStale()` (older than `maxAge`).
///
/// It refuses a rate from a report older than (or as old as) the one it holds, and a rate that
/// moves more than `maxChangeBps` per report period since the one it holds (the token's own limit
/// on a report's rise, with margin): a relayer committee that signs a false rate cannot move it
/// further than reports could. A refused rate leaves the last one in place, and the rate ages
/// until a valid one arrives (the deposit pool stops minting on a stale rate).
contract RateReceiver is BridgeApp, AggregatorV3Interface {
    uint256 public constant BPS = 10_000;

    /// @notice Seconds between reports on Ethereum (one oracle frame).
    uint64 public reportPeriod;
    /// @notice Largest move of the rate per report period, basis points.
    uint32 public maxChangeBps;
    /// @notice Age beyond which the rate is stale, seconds.
    uint64 public maxAge;

    uint128 private _rate;
    uint64 private _reportTime;
    uint64 private _round;

    event RateUpdated(uint256 indexed round, uint256 rate, uint256 reportTime, uint256 sourceChainId);
    event BoundsSet(uint256 reportPeriod, uint256 maxChangeBps, uint256 maxAge);

    error RateReceiverOlderReport(uint256 reportTime, uint256 current);
    error RateReceiverJumpTooLarge(uint256 current, uint256 rate, uint256 maxChange);
    error RateReceiverNoRate();
    error RateReceiverNoDataForRound(uint80 roundId, uint80 latestRoundId);
    error RateReceiverInvalidBounds();

    constructor(MessageBridge messenger_, address owner_, uint64 reportPeriod_, uint32 maxChangeBps_, uint64 maxAge_)
        BridgeApp(messenger_, owner_)
    {
        _setBounds(reportPeriod_, maxChangeBps_, maxAge_);
    }

    function setBounds(uint64 reportPeriod_, uint32 maxChangeBps_, uint64 maxAge_) external onlyOwner {
        _setBounds(reportPeriod_, maxChangeBps_, maxAge_);
    }

    /// @notice A report's rate from the {RateSender} (the message bridge only).
    function updateRate(uint256 newRate, uint256 reportTime) external {
        uint256 source = _fromPeer();
        uint256 current = _reportTime;
        if (reportTime <= current) revert RateReceiverOlderReport(reportTime, current);
        uint256 old = _rate;
        if (old != 0) {
            // Periods since the report held, rounded up: a missed relay allows the reports between.
            uint256 periods = (reportTime - current + reportPeriod - 1) / reportPeriod;
            uint256 maxChange = old * maxChangeBps * periods / BPS;
            uint256 change = newRate > old ? newRate - old : old - newRate;
            if (change > maxChange) revert RateReceiverJumpTooLarge(old, newRate, maxChange);
        }
        if (newRate == 0 || newRate > type(uint128).max) revert RateReceiverJumpTooLarge(old, newRate, 0);
        uint64 round = _round + 1;
        (_rate, _reportTime, _round) = (uint128(newRate), uint64(reportTime), round);
        emit RateUpdated(round, newRate, reportTime, source);
    }

    /// @notice The rate (ETH per trETH, 18 decimals) and the time of the report it comes from.
    function rate() public view returns (uint256 rate_, uint256 reportTime) {
        return (_rate, _reportTime);
    }

    /// @notice Balancer-style rate provider: ETH per trETH, 18 decimals.
    function getRate() external view returns (uint256) {
        uint256 r = _rate;
        if (r == 0) revert RateReceiverNoRate();
        return r;
    }

    /// @notice Seconds since the report the rate comes from (0 if this chain's clock is behind
    /// Ethereum's: the two chains' clocks are not tied together).
    function age() public view returns (uint256) {
        if (_rate == 0) revert RateReceiverNoRate();
        return block.timestamp > _reportTime ? block.timestamp - _reportTime : 0;
    }

    /// @notice Whether the rate is missing or older than `maxAge`.
    function isStale() public view returns (bool) {
        return _rate == 0 || age() > maxAge;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external pure returns (string memory) {
        return "trETH / ETH exchange rate (relayed from Ethereum)";
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
        roundId = _round;
        answer = int256(uint256(_rate));
        updatedAt = _reportTime;
        startedAt = updatedAt;
        answeredInRound = roundId;
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId != _round) revert RateReceiverNoDataForRound(roundId, _round);
        return latestRoundData();
    }

    function _setBounds(uint64 reportPeriod_, uint32 maxChangeBps_, uint64 maxAge_) private {
        if (reportPeriod_ == 0 || maxChangeBps_ == 0 || maxChangeBps_ > BPS || maxAge_ < reportPeriod_) {
            revert RateReceiverInvalidBounds();
        }
        (reportPeriod, maxChangeBps, maxAge) = (reportPeriod_, maxChangeBps_, maxAge_);
        emit BoundsSet(reportPeriod_, maxChangeBps_, maxAge_);
    }
}
