// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title Message bridge signed by a relayer committee
/// @notice Carries messages (a call and, optionally, ETH) between chains where no canonical
/// bridge exists, such as two local chains. `send` records a message with the next nonce of
/// this chain; on the destination, `execute` runs it once at least `threshold` distinct members
/// of the relayer committee have signed it (EIP-712, this contract's domain on the destination),
/// so no relayer alone can forge, alter or replay one. A message whose call fails (a mint over its
/// limit, a rate refused) stays recorded and anyone may `retry` it: it runs at most once.
///
/// The contracts behind it (token bridge, rate and stake messages) see only `messageSender()` and
/// `messageSourceChain()` during a call, the shape of the OP Stack's cross-domain messengers, so
/// the same contracts plug into a canonical messenger on a public network instead.
///
/// @dev ETH sent with a message stays in this contract on the source chain; on the destination it
/// is paid from this contract's balance (a canonical bridge moves it; on a local network the
/// destination's balance is funded up front and the two sides are reconciled by the scenario).
contract MessageBridge is Ownable2Step, EIP712 {
    struct Message {
        uint256 sourceChainId;
        uint256 destinationChainId;
        uint256 nonce;
        address sender;
        address target;
        uint256 value;
        bytes data;
    }

    enum Status {
        None,
        Executed,
        Failed
    }

    bytes32 private constant MESSAGE_TYPEHASH = keccak256(
        "Message(uint256 sourceChainId,uint256 destinationChainId,uint256 nonce,address sender,address target,uint256 value,bytes data)"
    );

    /// @notice Nonce of the next message sent from this chain.
    uint256 public nextNonce;
    /// @notice Signatures an execution needs.
    uint256 public threshold;
    address[] private _relayers;
    mapping(address relayer => bool) public isRelayer;
    /// @notice State of each message received, by id (the message's EIP-712 struct hash).
    mapping(bytes32 id => Status) public status;

    address private transient _sender;
    uint256 private transient _sourceChain;

    event MessageSent(bytes32 indexed id, uint256 indexed destinationChainId, uint256 indexed nonce, Message message);
    event MessageExecuted(bytes32 indexed id, uint256 indexed sourceChainId, uint256 indexed nonce);
    event MessageFailed(bytes32 indexed id, uint256 indexed sourceChainId, uint256 indexed nonce, bytes reason);
    event RelayersSet(address[] relayers, uint256 threshold);

    error MessageBridgeWrongChain(uint256 destinationChainId, uint256 chainId);
    error MessageBridgeAlreadyExecuted(bytes32 id);
    error MessageBridgeNotFailed(bytes32 id);
    error MessageBridgeTooFewSignatures(uint256 valid, uint256 threshold);
    error MessageBridgeSignersNotSorted(address signer, address previous);
    error MessageBridgeNotRelayer(address signer);
    error MessageBridgeInvalidCommittee(uint256 relayers, uint256 threshold);
    error MessageBridgeRetryFailed(bytes32 id, bytes reason);
    error MessageBridgeNoMessage();

    constructor(address owner_, address[] memory relayers, uint256 threshold_)
        Ownable(owner_)
        EIP712("Tributary message bridge", "1")
    {
        _setRelayers(relayers, threshold_);
    }

    // ---------------------------------------------------------------- sending

    /// @notice Sends a call of `target` with `data` on `destinationChainId`, with `msg.value`.
    function send(uint256 destinationChainId, address target, bytes calldata data)
        external
        payable
        returns (bytes32 id)
    {
        Message memory m = Message(block.chainid, destinationChainId, nextNonce++, msg.sender, target, msg.value, data);
        id = messageId(m);
        emit MessageSent(id, destinationChainId, m.nonce, m);
    }

    // ---------------------------------------------------------------- receiving

    /// @notice Runs `m` if `signatures` (65 bytes each, signers in ascending address order) hold
    /// at least `threshold` committee members' signatures of its digest. A failing call is
    /// recorded, not reverted: the message is then retried with `retry`.
    function execute(Message calldata m, bytes[] calldata signatures) external returns (bool ok) {
        if (m.destinationChainId != block.chainid) revert MessageBridgeWrongChain(m.destinationChainId, block.chainid);
        bytes32 id = messageId(m);
        if (status[id] != Status.None) revert MessageBridgeAlreadyExecuted(id);
        _checkSignatures(_hashTypedDataV4(id), signatures);
        return _run(id, m, false);
    }

    /// @notice Runs again a message whose call failed (anyone may: the signatures were checked).
    /// Reverts if the call fails again, so a retry that cannot go through costs nothing but gas.
    function retry(Message calldata m) external returns (bool) {
        bytes32 id = messageId(m);
        if (status[id] != Status.Failed) revert MessageBridgeNotFailed(id);
        return _run(id, m, true);
    }

    /// @notice During a message's call: the address that sent it on its source chain.
    function messageSender() external view returns (address) {
        if (_sourceChain == 0) revert MessageBridgeNoMessage();
        return _sender;
    }

    /// @notice During a message's call: its source chain.
    function messageSourceChain() external view returns (uint256) {
        if (_sourceChain == 0) revert MessageBridgeNoMessage();
        return _sourceChain;
    }

    /// @notice The id of `m`: its EIP-712 struct hash. Relayers sign `digest(m)`.
    function messageId(Message memory m) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                MESSAGE_TYPEHASH,
                m.sourceChainId,
                m.destinationChainId,
                m.nonce,
                m.sender,
                m.target,
                m.value,
                keccak256(m.data)
            )
        );
    }

    /// @notice What a relayer signs for `m` on this chain.
    function digest(Message calldata m) external view returns (bytes32) {
        return _hashTypedDataV4(messageId(m));
    }

    // ---------------------------------------------------------------- committee

    function relayers() external view returns (address[] memory) {
        return _relayers;
    }

    /// @notice Replaces the committee (owner only). At least 2 signatures are always required.
    function setRelayers(address[] calldata relayers_, uint256 threshold_) external onlyOwner {
        _setRelayers(relayers_, threshold_);
    }

    // ---------------------------------------------------------------- internal

    function _setRelayers(address[] memory relayers_, uint256 threshold_) private {
        if (threshold_ < 2 || threshold_ > relayers_.length) {
            revert MessageBridgeInvalidCommittee(relayers_.length, threshold_);
        }
        for (uint256 i; i < _relayers.length; ++i) {
            isRelayer[_relayers[i]] = false;
        }
        for (uint256 i; i < relayers_.length; ++i) {
            if (relayers_[i] == address(0) || isRelayer[relayers_[i]]) {
                revert MessageBridgeInvalidCommittee(relayers_.length, threshold_);
            }
            isRelayer[relayers_[i]] = true;
        }
        _relayers = relayers_;
        threshold = threshold_;
        emit RelayersSet(relayers_, threshold_);
    }

    function _checkSignatures(bytes32 hash, bytes[] calldata signatures) private view {
        uint256 valid;
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = ECDSA.recover(hash, signatures[i]);
            if (signer <= previous) revert MessageBridgeSignersNotSorted(signer, previous);
            if (!isRelayer[signer]) revert MessageBridgeNotRelayer(signer);
            previous = signer;
            ++valid;
        }
        if (valid < threshold) revert MessageBridgeTooFewSignatures(valid, threshold);
    }

    function _run(bytes32 id, Message calldata m, bool retrying) private returns (bool ok) {
        // Marked first: the call cannot run the message again (reentrancy included).
        status[id] = Status.Executed;
        (address outerSender, uint256 outerChain) = (_sender, _sourceChain);
        (_sender, _sourceChain) = (m.sender, m.sourceChainId);
        bytes memory reason;
        (ok, reason) = m.target.call{value: m.value}(m.data);
        (_sender, _sourceChain) = (outerSender, outerChain);
        if (ok) {
            emit MessageExecuted(id, m.sourceChainId, m.nonce);
        } else {
            if (retrying) revert MessageBridgeRetryFailed(id, reason);
            status[id] = Status.Failed;
            emit MessageFailed(id, m.sourceChainId, m.nonce, reason);
        }
    }
}
