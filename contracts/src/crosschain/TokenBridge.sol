// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IERC7802} from "../interfaces/IERC7802.sol";
import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";

/// @title trETH token bridge
/// @notice The same contract on every chain, in front of the token's ERC-7802 surface: on
/// Ethereum trETH itself (a crosschain burn locks the shares here), elsewhere {BridgedTrETH}.
/// `bridge` burns (locks) the caller's shares and sends a message; the peer mints (releases) the
/// same number of shares to the recipient: no amount is rounded, 1 wei arrives as 1 wei. A mint
/// over the destination's limit fails and stays in the message bridge until the limit refills;
/// the relayers retry it then, and nobody has to resend anything.
contract TokenBridge is BridgeApp {
    IERC7802 public immutable token;

    event SentToChain(
        bytes32 indexed messageId, uint256 indexed destinationChainId, address indexed from, address to, uint256 amount
    );
    event ReceivedFromChain(uint256 indexed sourceChainId, address indexed to, uint256 amount);

    error TokenBridgeZeroAmount();

    constructor(MessageBridge messenger_, IERC7802 token_, address owner_) BridgeApp(messenger_, owner_) {
        if (address(token_) == address(0)) revert BridgeAppZeroAddress();
        token = token_;
    }

    /// @notice Sends `amount` shares of the caller to `to` on `destinationChainId`.
    function bridge(uint256 destinationChainId, address to, uint256 amount) external returns (bytes32 id) {
        if (amount == 0) revert TokenBridgeZeroAmount();
        if (to == address(0)) revert BridgeAppZeroAddress();
        token.crosschainBurn(msg.sender, amount);
        id = _send(destinationChainId, abi.encodeCall(this.receiveTokens, (to, amount)), 0);
        emit SentToChain(id, destinationChainId, msg.sender, to, amount);
    }

    /// @notice A transfer arriving from the peer on another chain (the message bridge only).
    function receiveTokens(address to, uint256 amount) external {
        uint256 source = _fromPeer();
        token.crosschainMint(to, amount);
        emit ReceivedFromChain(source, to, amount);
    }
}
