// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

/// @notice Records what the accounting module asks a withdrawal queue to do (rates and ids).
contract WithdrawalFinalizerMock {
    error WithdrawalFinalizerMockBeyondLast(uint256 requested, uint256 last);

    uint256 public lastRequestId;
    uint256 public lastFinalizedRequestId;
    uint256 public lastShareRate;
    uint256 public lastReportRate;
    uint256 public reports;

    function setLastRequestId(uint256 id) external {
        lastRequestId = id;
    }

    function onReport(uint256 shareRate) public {
        lastReportRate = shareRate;
        reports += 1;
    }

    function finalize(uint256 id, uint256 shareRate) public returns (uint256, uint256) {
        if (id > lastRequestId) revert WithdrawalFinalizerMockBeyondLast(id, lastRequestId);
        lastFinalizedRequestId = id;
        lastShareRate = shareRate;
        return (0, 0);
    }

    function report(uint256 shareRate, uint256 id) external returns (uint256, uint256) {
        onReport(shareRate);
        if (id != 0) finalize(id, shareRate);
        return (0, 0);
    }
}
