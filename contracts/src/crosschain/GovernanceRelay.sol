// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";

/// @title Governance across the bridge
/// @notice The same contract on every chain. On Ethereum its owner is the protocol's timelock,
/// and `relay` sends a batch of calls to its peer on another chain. On a remote chain it owns the
/// contracts there (bridged trETH and its limits, the message bridge and its relayer set, the
/// rate bounds, the deposit pool's fee, every peer) and runs a batch only when it comes from its
/// peer on Ethereum: a remote setting changes only through a passed proposal, its vote and its
/// delay, like a setting on Ethereum. Once handed over it owns itself, so its own peer changes
/// only that way too.
///
/// Batches run in the order they were sent: each carries a sequence number, and one that arrives
/// before its predecessor is refused (the message bridge keeps it, and it runs once the earlier
/// one has). A batch runs whole or not at all: when one of its calls fails, none of its effects
/// remain, `BatchFailed` says which call and why, and the batch is spent. It is never run later
/// (an old batch replayed after a newer one could undo it); governance sends a new one.
contract GovernanceRelay is BridgeApp {
    struct Call {
        address target;
        bytes data;
    }

    /// @notice Sequence number of the next batch sent to each chain (from 1).
    mapping(uint256 chainId => uint64) public sentBatches;
    /// @notice Sequence number of the last batch run from each source chain.
    mapping(uint256 chainId => uint64) public ranBatches;

    event BatchRelayed(bytes32 indexed messageId, uint256 indexed destinationChainId, uint64 indexed sequence, uint256 calls);
    event BatchExecuted(uint256 indexed sourceChainId, uint64 indexed sequence, uint256 calls);
    event BatchFailed(uint256 indexed sourceChainId, uint64 indexed sequence, bytes reason);

    error GovernanceRelayNoCalls();
    error GovernanceRelayOutOfOrder(uint64 sequence, uint64 expected);
    error GovernanceRelayCallFailed(uint256 index, address target, bytes reason);
    error GovernanceRelayOnlySelf(address caller);

    constructor(MessageBridge messenger_, address owner_) BridgeApp(messenger_, owner_) {}

    /// @notice Sends `calls` to be run by this contract's peer on `destinationChainId` (the owner
    /// only: on Ethereum, the timelock).
    function relay(uint256 destinationChainId, Call[] calldata calls) external onlyOwner returns (bytes32 id) {
        if (calls.length == 0) revert GovernanceRelayNoCalls();
        uint64 sequence = ++sentBatches[destinationChainId];
        id = _send(destinationChainId, abi.encodeCall(this.execute, (sequence, calls)), 0);
        emit BatchRelayed(id, destinationChainId, sequence, calls.length);
    }

    /// @notice A batch from the peer on the source chain (the message bridge only), run in order.
    function execute(uint64 sequence, Call[] calldata calls) external {
        uint256 source = _fromPeer();
        uint64 expected = ranBatches[source] + 1;
        if (sequence != expected) revert GovernanceRelayOutOfOrder(sequence, expected);
        ranBatches[source] = sequence;
        try this.runBatch(calls) {
            emit BatchExecuted(source, sequence, calls.length);
        } catch (bytes memory reason) {
            emit BatchFailed(source, sequence, reason);
        }
    }

    /// @notice Runs the calls in order, reverting all of them if one fails (this contract only).
    function runBatch(Call[] calldata calls) external {
        if (msg.sender != address(this)) revert GovernanceRelayOnlySelf(msg.sender);
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory reason) = calls[i].target.call(calls[i].data);
            if (!ok) revert GovernanceRelayCallFailed(i, calls[i].target, reason);
        }
    }
}
