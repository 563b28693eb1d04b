// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IERC7802} from "../interfaces/IERC7802.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title trETH on another chain
/// @notice ERC-20, ERC-2612 and ERC-7802. A unit is one trETH share, as on Ethereum: bridging
/// moves shares, so a bridged balance is worth what the same balance is worth on Ethereum (at the
/// rate the {RateReceiver} relays). Only bridges the owner authorises mint and burn, each within
/// limits that refill linearly over a day, as xERC20 (ERC-7281) does: a compromised bridge can
/// mint at most its limit before the owner removes it.
/// @dev The constructor takes nothing chain-specific, so that the CREATE2 deployer gives the
/// token the same address on every chain (ERC-7802 integrations expect it).
contract BridgedTrETH is ERC20, ERC20Permit, Ownable2Step, IERC7802 {
    /// @notice Time over which a spent limit refills in full.
    uint256 public constant REFILL_DURATION = 1 days;

    /// @dev A refilling limit: `max` per REFILL_DURATION, `available` as of `updatedAt`.
    struct Limit {
        uint128 max;
        uint128 available;
        uint64 updatedAt;
    }

    struct BridgeLimits {
        Limit mint;
        Limit burn;
    }

    mapping(address bridge => BridgeLimits) private _limits;

    event BridgeLimitsSet(address indexed bridge, uint256 mintingLimit, uint256 burningLimit);

    error BridgedTrETHUnauthorized(address caller);
    error BridgedTrETHMintLimitExceeded(address bridge, uint256 amount, uint256 available);
    error BridgedTrETHBurnLimitExceeded(address bridge, uint256 amount, uint256 available);
    error BridgedTrETHLimitTooLarge(uint256 limit);

    constructor(address owner_) ERC20("Tributary Staked Ether", "trETH") ERC20Permit("Tributary Staked Ether") Ownable(owner_) {}

    /// @notice Authorises `bridge` with these limits per day (both 0: no longer authorised).
    /// A new limit starts full.
    function setLimits(address bridge, uint256 mintingLimit, uint256 burningLimit) external onlyOwner {
        if (mintingLimit > type(uint128).max) revert BridgedTrETHLimitTooLarge(mintingLimit);
        if (burningLimit > type(uint128).max) revert BridgedTrETHLimitTooLarge(burningLimit);
        uint64 now_ = uint64(block.timestamp);
        _limits[bridge] = BridgeLimits(
            Limit(uint128(mintingLimit), uint128(mintingLimit), now_), Limit(uint128(burningLimit), uint128(burningLimit), now_)
        );
        emit BridgeLimitsSet(bridge, mintingLimit, burningLimit);
    }

    /// @inheritdoc IERC7802
    function crosschainMint(address to, uint256 amount) external {
        Limit storage limit = _limits[msg.sender].mint;
        if (limit.max == 0) revert BridgedTrETHUnauthorized(msg.sender);
        uint256 available = _available(limit);
        if (amount > available) revert BridgedTrETHMintLimitExceeded(msg.sender, amount, available);
        _spend(limit, available, amount);
        _mint(to, amount);
        emit CrosschainMint(to, amount, msg.sender);
    }

    /// @inheritdoc IERC7802
    function crosschainBurn(address from, uint256 amount) external {
        Limit storage limit = _limits[msg.sender].burn;
        if (limit.max == 0) revert BridgedTrETHUnauthorized(msg.sender);
        uint256 available = _available(limit);
        if (amount > available) revert BridgedTrETHBurnLimitExceeded(msg.sender, amount, available);
        _spend(limit, available, amount);
        _burn(from, amount);
        emit CrosschainBurn(from, amount, msg.sender);
    }

    /// @notice What `bridge` may mint now, and its daily limit.
    function mintingCurrentLimitOf(address bridge) external view returns (uint256) {
        return _available(_limits[bridge].mint);
    }

    /// @notice What `bridge` may burn now.
    function burningCurrentLimitOf(address bridge) external view returns (uint256) {
        return _available(_limits[bridge].burn);
    }

    function mintingMaxLimitOf(address bridge) external view returns (uint256) {
        return _limits[bridge].mint.max;
    }

    function burningMaxLimitOf(address bridge) external view returns (uint256) {
        return _limits[bridge].burn.max;
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC7802).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _available(Limit storage limit) private view returns (uint256) {
        uint256 max = limit.max;
        uint256 refilled = limit.available + (block.timestamp - limit.updatedAt) * max / REFILL_DURATION;
        return refilled < max ? refilled : max;
    }

    function _spend(Limit storage limit, uint256 available, uint256 amount) private {
        // Fits: amount <= available <= max, a uint128.
        limit.available = uint128(available - amount);
        limit.updatedAt = uint64(block.timestamp);
    }
}
