// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IERC7802} from "../interfaces/IERC7802.sol";
import {IWETH} from "../interfaces/IWETH.sol";
import {BridgeApp} from "./BridgeApp.sol";
import {MessageBridge} from "./MessageBridge.sol";
import {RateReceiver} from "./RateReceiver.sol";
import {RemoteStakeReceiver} from "./RemoteStakeReceiver.sol";

/// @title Staking from another chain
/// @notice Takes WETH on this chain and mints bridged trETH at once, at the rate relayed from
/// Ethereum, minus a fee. The WETH is sent to Ethereum in batches (`flush`, which anyone may
/// call) and staked there by the {RemoteStakeReceiver}, which locks the shares minted here for
/// the token bridge: the bridged supply stays backed share for share.
///
/// The fee (`feeBps`, at most 1%) pays for the batch's bridging and covers the rate moving
/// between the rate used here and the rate the batch is staked at on Ethereum (at most one
/// report's rise, 0.075% by default, when the rate is fresh); what it leaves over stays with the
/// receiver on Ethereum as a reserve. The pool refuses to mint when the relayed rate is older than
/// `maxRateAge`: shares priced on a stale rate could be worth less than they cost.
contract RemoteDepositPool is BridgeApp {
    uint256 public constant BPS = 10_000;
    uint256 public constant MAX_FEE_BPS = 100;

    IWETH public immutable weth;
    IERC7802 public immutable token;
    RateReceiver public immutable rates;
    /// @notice The chain the WETH is staked on (Ethereum).
    uint256 public immutable homeChainId;

    uint16 public feeBps;
    uint64 public maxRateAge;
    /// @notice WETH taken and shares minted since the last batch.
    uint128 public pendingAssets;
    uint128 public pendingShares;

    event RemoteDeposit(address indexed sender, address indexed receiver, uint256 assets, uint256 shares, uint256 fee);
    event BatchSent(bytes32 indexed messageId, uint256 assets, uint256 shares);
    event ParametersSet(uint256 feeBps, uint256 maxRateAge);

    error RemoteDepositPoolStaleRate(uint256 age, uint256 maxAge);
    error RemoteDepositPoolZeroShares(uint256 assets);
    error RemoteDepositPoolNothingToSend();
    error RemoteDepositPoolInvalidParameters();
    error RemoteDepositPoolUnexpectedEther(address sender);

    constructor(
        MessageBridge messenger_,
        IWETH weth_,
        IERC7802 token_,
        RateReceiver rates_,
        uint256 homeChainId_,
        address owner_,
        uint16 feeBps_,
        uint64 maxRateAge_
    ) BridgeApp(messenger_, owner_) {
        if (address(weth_) == address(0) || address(token_) == address(0) || address(rates_) == address(0)) {
            revert BridgeAppZeroAddress();
        }
        (weth, token, rates, homeChainId) = (weth_, token_, rates_, homeChainId_);
        _setParameters(feeBps_, maxRateAge_);
    }

    receive() external payable {
        if (msg.sender != address(weth)) revert RemoteDepositPoolUnexpectedEther(msg.sender);
    }

    function setParameters(uint16 feeBps_, uint64 maxRateAge_) external onlyOwner {
        _setParameters(feeBps_, maxRateAge_);
    }

    /// @notice Shares `assets` of WETH buy now (0 if the rate is stale or missing).
    function previewDeposit(uint256 assets) public view returns (uint256 shares, uint256 fee) {
        (uint256 rate, uint256 reportTime) = rates.rate();
        if (rate == 0 || _age(reportTime) > maxRateAge) return (0, 0);
        fee = (assets * feeBps + BPS - 1) / BPS;
        shares = (assets - fee) * 1e18 / rate;
    }

    /// @notice Takes `assets` WETH from the caller and mints bridged trETH to `receiver`.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        (uint256 rate, uint256 reportTime) = rates.rate();
        uint256 age = _age(reportTime);
        if (rate == 0 || age > maxRateAge) revert RemoteDepositPoolStaleRate(rate == 0 ? type(uint256).max : age, maxRateAge);
        uint256 fee = (assets * feeBps + BPS - 1) / BPS;
        // Rounded down: the pool never mints a share it is not paid for.
        shares = (assets - fee) * 1e18 / rate;
        if (shares == 0) revert RemoteDepositPoolZeroShares(assets);
        weth.transferFrom(msg.sender, address(this), assets);
        (pendingAssets, pendingShares) = (pendingAssets + uint128(assets), pendingShares + uint128(shares));
        token.crosschainMint(receiver, shares);
        emit RemoteDeposit(msg.sender, receiver, assets, shares, fee);
    }

    /// @notice Sends the WETH taken since the last batch to Ethereum, as ETH, with the shares it
    /// minted: the receiver there stakes it and locks those shares.
    function flush() external returns (bytes32 id) {
        (uint256 assets, uint256 shares) = (pendingAssets, pendingShares);
        if (assets == 0) revert RemoteDepositPoolNothingToSend();
        (pendingAssets, pendingShares) = (0, 0);
        weth.withdraw(assets);
        id = _send(homeChainId, abi.encodeCall(RemoteStakeReceiver.stakeBatch, (assets, shares)), assets);
        emit BatchSent(id, assets, shares);
    }

    function _age(uint256 reportTime) private view returns (uint256) {
        return block.timestamp > reportTime ? block.timestamp - reportTime : 0;
    }

    function _setParameters(uint16 feeBps_, uint64 maxRateAge_) private {
        if (feeBps_ > MAX_FEE_BPS || maxRateAge_ == 0) revert RemoteDepositPoolInvalidParameters();
        (feeBps, maxRateAge) = (feeBps_, maxRateAge_);
        emit ParametersSet(feeBps_, maxRateAge_);
    }
}
