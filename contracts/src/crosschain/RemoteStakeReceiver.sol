// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";

/// @title Stakes the batches of the remote deposit pools (Ethereum)
/// @notice Receives a batch of ETH from a {RemoteDepositPool} with the shares the pool minted for
/// it, stakes the ETH, and locks exactly those shares for the token bridge (in the bridge's
/// account, where the shares backing trETH on other chains are held). The shares the stake buys
/// beyond them (the pool's fee) stay here as a reserve that covers a batch staked at a higher
/// rate than the pool priced it at; if the reserve cannot cover one, the batch fails and stays in
/// the message bridge until it can (the owner tops the reserve up), so no ETH is lost and no
/// bridged share is ever unbacked.
contract RemoteStakeReceiver is BridgeApp {
    ITrETH public immutable token;

    /// @notice ETH staked and shares locked for all batches (the conservation check's two sides).
    uint256 public stakedAssets;
    uint256 public lockedShares;

    event BatchStaked(uint256 indexed sourceChainId, uint256 assets, uint256 sharesBought, uint256 sharesLocked);
    event ReserveWithdrawn(address indexed to, uint256 shares);

    error RemoteStakeReceiverValueMismatch(uint256 value, uint256 assets);
    error RemoteStakeReceiverShortfall(uint256 needed, uint256 available);
    error RemoteStakeReceiverNoBridge();

    constructor(MessageBridge messenger_, ITrETH token_, address owner_) BridgeApp(messenger_, owner_) {
        if (address(token_) == address(0)) revert BridgeAppZeroAddress();
        token = token_;
    }

    /// @notice A batch from a remote deposit pool (the message bridge only).
    function stakeBatch(uint256 assets, uint256 shares) external payable {
        uint256 source = _fromPeer();
        if (msg.value != assets) revert RemoteStakeReceiverValueMismatch(msg.value, assets);
        address escrow = token.crosschainBridge();
        if (escrow == address(0)) revert RemoteStakeReceiverNoBridge();
        uint256 bought = token.stake{value: assets}(address(this));
        uint256 held = token.balanceOf(address(this));
        if (held < shares) revert RemoteStakeReceiverShortfall(shares, held);
        token.transfer(escrow, shares);
        stakedAssets += assets;
        lockedShares += shares;
        emit BatchStaked(source, assets, bought, shares);
    }

    /// @notice The fee reserve (shares held here beyond what batches need).
    function reserve() external view returns (uint256) {
        return token.balanceOf(address(this));
    }

    /// @notice Withdraws reserve shares (owner only: the treasury's part of the fees).
    function withdrawReserve(address to, uint256 shares) external onlyOwner {
        token.transfer(to, shares);
        emit ReserveWithdrawn(to, shares);
    }
}
