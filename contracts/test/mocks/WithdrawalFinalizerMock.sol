// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

/// @notice Records what the accounting module asks a withdrawal queue to finalize.
contract WithdrawalFinalizerMock {
    uint256 public lastRequestId;
    uint256 public lastFinalizedRequestId;
    uint256 public lastShareRate;
    uint256 public calls;

    function setLastRequestId(uint256 id) external {
        lastRequestId = id;
    }

    function finalize(uint256 id, uint256 shareRate) external returns (uint256, uint256) {
        lastFinalizedRequestId = id;
        lastShareRate = shareRate;
        calls += 1;
        return (0, 0);
    }
}
