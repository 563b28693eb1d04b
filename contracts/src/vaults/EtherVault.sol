// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title EtherVault
/// @notice A vault that receives ETH from anyone and releases it only into trETH's buffer, for the
/// report being applied (`pullToToken`); the withdrawal vault also pays EIP-7002 exit fees.
/// @dev Base of the withdrawal vault (which is also every validator's fee recipient). Upgradeable
/// by the timelock.
abstract contract EtherVault is Initializable, AccessControlUpgradeable, UUPSUpgradeable {
    /// @notice The accounting module (the withdrawal vault lets it request validator exits).
    bytes32 public constant ACCOUNTING_ROLE = keccak256("ACCOUNTING_ROLE");

    event EtherReceived(address indexed from, uint256 amount);

    error EtherVaultZeroAddress();
    error EtherVaultInsufficientBalance(uint256 requested, uint256 balance);

    /// @notice The token the vault pays reports into (fixed per implementation: trETH is not
    /// upgradeable, and an immutable costs a report nothing to read).
    ITrETH public immutable token;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(ITrETH token_) {
        if (address(token_) == address(0)) revert EtherVaultZeroAddress();
        token = token_;
        _disableInitializers();
    }

    /// @param admin The timelock.
    function initialize(address admin) external initializer {
        _initialize(admin);
    }

    /// @param admin The timelock.
    /// @param accounting The accounting module, granted ACCOUNTING_ROLE at once (its address is
    /// known before deployment).
    function initializeWithAccounting(address admin, address accounting) external initializer {
        if (accounting == address(0)) revert EtherVaultZeroAddress();
        _initialize(admin);
        _grantRole(ACCOUNTING_ROLE, accounting);
    }

    function _initialize(address admin) private {
        if (admin == address(0)) revert EtherVaultZeroAddress();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @dev Consensus-layer withdrawals and block rewards credit the balance without a call; this
    /// takes ETH sent by transaction (MEV payments, top-ups).
    receive() external payable {
        emit EtherReceived(msg.sender, msg.value);
    }

    /// @notice Sends `amount` straight into trETH's buffer through `token.receiveVaultEther` (one
    /// value transfer, no hop through the accounting module).
    /// @dev Anyone may call it, and it moves nothing unless a report is being applied: the token
    /// takes vault ETH only up to what its accounting module announced in `rebase` in the same
    /// transaction (a transient allowance), and reverts otherwise. So the only effective caller is
    /// the accounting module, right after its rebase, and no caller check is needed here.
    function pullToToken(uint256 amount) external {
        uint256 balance = address(this).balance;
        if (amount > balance) revert EtherVaultInsufficientBalance(amount, balance);
        // No event of its own: the accounting module's ReportApplied states the amounts pulled,
        // and the token records the ETH in the same transaction. trETH is immutable and trusted.
        token.receiveVaultEther{value: amount}();
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
