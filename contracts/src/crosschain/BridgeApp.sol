// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {MessageBridge} from "./MessageBridge.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @notice A contract that sends and receives messages through a {MessageBridge}: it accepts a
/// message only from the bridge, and only if its sender is this contract's peer on the source
/// chain (set by the owner per chain).
abstract contract BridgeApp is Ownable2Step {
    MessageBridge public immutable messenger;
    /// @notice This contract's counterpart on each other chain.
    mapping(uint256 chainId => address) public peer;

    event PeerSet(uint256 indexed chainId, address peer);

    error BridgeAppUnauthorized(address caller, uint256 sourceChain, address sender);
    error BridgeAppNoPeer(uint256 chainId);
    error BridgeAppZeroAddress();

    constructor(MessageBridge messenger_, address owner_) Ownable(owner_) {
        if (address(messenger_) == address(0)) revert BridgeAppZeroAddress();
        messenger = messenger_;
    }

    function setPeer(uint256 chainId, address peer_) external onlyOwner {
        peer[chainId] = peer_;
        emit PeerSet(chainId, peer_);
    }

    /// @dev The source chain of the message being run, once its sender is checked to be the peer.
    function _fromPeer() internal view returns (uint256 sourceChain) {
        if (msg.sender != address(messenger)) revert BridgeAppUnauthorized(msg.sender, 0, address(0));
        sourceChain = messenger.messageSourceChain();
        address sender = messenger.messageSender();
        if (sender != peer[sourceChain] || sender == address(0)) {
            revert BridgeAppUnauthorized(msg.sender, sourceChain, sender);
        }
    }

    function _send(uint256 chainId, bytes memory data, uint256 value) internal returns (bytes32) {
        address to = peer[chainId];
        if (to == address(0)) revert BridgeAppNoPeer(chainId);
        return messenger.send{value: value}(chainId, to, data);
    }
}
