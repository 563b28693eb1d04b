// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";
import {RateReceiver} from "./RateReceiver.sol";

/// @title trETH rate sender (Ethereum)
/// @notice Sends the rate of the last applied report, with the time of its reference slot, to
/// the {RateReceiver} on another chain. Anyone may push (the relayers do after each report): the
/// rate is read here from the token's own feed, so relayers carry it but never choose it. A rate
/// is sent once per report and chain.
contract RateSender is BridgeApp {
    AggregatorV3Interface public immutable feed;
    /// @notice Report time last sent to each chain.
    mapping(uint256 chainId => uint256) public lastSent;

    event RateSent(bytes32 indexed messageId, uint256 indexed destinationChainId, uint256 rate, uint256 reportTime);

    error RateSenderNothingNew(uint256 reportTime, uint256 lastSent);

    constructor(MessageBridge messenger_, AggregatorV3Interface feed_, address owner_) BridgeApp(messenger_, owner_) {
        if (address(feed_) == address(0)) revert BridgeAppZeroAddress();
        feed = feed_;
    }

    function push(uint256 destinationChainId) external returns (bytes32 id) {
        (, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        uint256 last = lastSent[destinationChainId];
        if (updatedAt <= last) revert RateSenderNothingNew(updatedAt, last);
        lastSent[destinationChainId] = updatedAt;
        // The feed's answer is the token's positive rate.
        uint256 rate = uint256(answer);
        id = _send(destinationChainId, abi.encodeCall(RateReceiver.updateRate, (rate, updatedAt)), 0);
        emit RateSent(id, destinationChainId, rate, updatedAt);
    }
}
