// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

/// @notice Stand-in for the EIP-7002 withdrawal request system contract, for unit tests that etch
/// its runtime code at 0x00000961Ef480Eb55e80D19ad83579A64c007002 (the local chain may lack it).
/// Empty calldata returns the fee (1 wei); 56 bytes with value >= fee queue a request.
contract WithdrawalRequestMock {

    uint256 public constant FEE = 1 wei;
    uint256 public requests;
    bytes public lastRequest;

    fallback(bytes calldata input) external payable returns (bytes memory) {
        if (input.length == 0) return abi.encode(FEE);
        require(input.length == 56 && msg.value >= FEE, "bad request");
        requests += 1;
        lastRequest = input;
        return "";
    }
}
