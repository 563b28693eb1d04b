// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice ERC-7540 operators: an operator may request and claim on behalf of a controller.
interface IERC7540Operator {
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// @notice Lets `operator` manage the caller's requests (and request with the caller's shares).
    function setOperator(address operator, bool approved) external returns (bool);
    function isOperator(address controller, address operator) external view returns (bool);
}

/// @notice ERC-7540 asynchronous redemption (the request side).
interface IERC7540Redeem {
    event RedeemRequest(
        address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares
    );

    /// @notice Escrows `shares` of `owner` and opens a request controlled by `controller`.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId);
    /// @notice Shares of `requestId` that are not yet claimable, if `controller` controls it (else 0).
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 pendingShares);
    /// @notice Shares of `requestId` that can be claimed now, if `controller` controls it (else 0).
    function claimableRedeemRequest(uint256 requestId, address controller)
        external
        view
        returns (uint256 claimableShares);
}

/// @notice ERC-7575: the share token of the vault (here the vault is its own share).
interface IERC7575Share {
    function share() external view returns (address);
}
