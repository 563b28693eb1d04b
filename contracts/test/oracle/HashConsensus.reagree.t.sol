// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "../accounting/AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";

/// @notice An agreed report that can no longer be applied (the chain moved between the vote and
/// the submission) does not cost the frame: the members vote again for a corrected report in the
/// same frame, and it applies.
contract HashConsensusReagreeTest is AccountingFixture {
    /// @dev Rewards skimmed from the validators into the withdrawal vault before the reference slot.
    uint256 internal constant SKIM = 0.01 ether;
    /// @dev Taken from the vault between the vote and the submission (a forced exit pays its
    /// EIP-7002 fee from the vault).
    uint256 internal constant TAKEN = 0.004 ether;

    address internal alice;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        _stake(alice, 100 ether);
        _operatorWithValidators("operator", 1, 2);
        _nextFrame();
        _report(_baseReport());
        _nextFrame();
    }

    /// @dev The report of the reference slot: the skim moved from the validators to the vault.
    function _skimReport(uint256 vaultAmount) internal view returns (IAccounting.Report memory r) {
        r = _baseReport();
        r.clBalance -= SKIM;
        r.withdrawalVaultAmount = vaultAmount;
    }

    function test_membersAgreeAgainWhenTheAgreedReportCannotBeApplied() public {
        vm.deal(address(withdrawalVault), SKIM);
        IAccounting.Report memory agreed = _skimReport(SKIM);
        bytes32 agreedHash = _vote(agreed, MEMBERS);
        assertEq(_agreedHash(), agreedHash, "consensus on the first report");

        // The vault pays out between the vote and the submission: the agreed report cannot apply.
        vm.deal(address(withdrawalVault), SKIM - TAKEN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccounting.AccountingVaultAmountTooHigh.selector, address(withdrawalVault), SKIM, SKIM - TAKEN
            )
        );
        accounting.submitReportData(agreed);

        // The members vote again, in the same frame, for the report of what the vault now holds.
        IAccounting.Report memory corrected = _skimReport(SKIM - TAKEN);
        assertEq(corrected.refSlot, agreed.refSlot, "same frame");
        bytes32 correctedHash = _vote(corrected, MEMBERS);
        assertEq(_agreedHash(), correctedHash, "consensus moved to the corrected report");

        accounting.submitReportData(corrected);
        assertEq(accounting.lastProcessedRefSlot(), corrected.refSlot, "the corrected report applied");
        assertEq(address(withdrawalVault).balance, 0, "the vault's ETH pulled");
        assertEq(token.beaconAssets(), agreed.clBalance, "beacon assets as reported");
    }

    /// @dev The first consensus is withdrawn as soon as too few members back it, so the stale
    /// report cannot be applied while the members move; once a report applied, a later
    /// consensus in the same frame is refused by the accounting module.
    function test_staleConsensusIsWithdrawnAndOnlyOneReportApplies() public {
        vm.deal(address(withdrawalVault), SKIM);
        IAccounting.Report memory agreed = _skimReport(SKIM);
        _vote(agreed, MEMBERS);
        vm.deal(address(withdrawalVault), SKIM - TAKEN);

        IAccounting.Report memory corrected = _skimReport(SKIM - TAKEN);
        bytes32 correctedHash = keccak256(abi.encode(corrected));
        // 3 members, quorum 2: the first member to move leaves the old report 2 votes.
        vm.prank(members[0]);
        consensus.submitReport(corrected.refSlot, correctedHash, 1);
        assertEq(_agreedHash(), keccak256(abi.encode(agreed)), "still backed by a quorum");
        // The second leaves it 1, and gives the corrected report its quorum in the same vote.
        vm.prank(members[1]);
        consensus.submitReport(corrected.refSlot, correctedHash, 1);
        assertEq(_agreedHash(), correctedHash, "consensus moved");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccounting.AccountingReportHashMismatch.selector, correctedHash, keccak256(abi.encode(agreed))
            )
        );
        accounting.submitReportData(agreed);

        accounting.submitReportData(corrected);
        // Members voting yet another report in the frame change nothing: the frame is processed.
        IAccounting.Report memory late = _skimReport(SKIM - TAKEN);
        late.elRewardsVaultAmount = 0;
        late.clBalance -= 1 gwei;
        _vote(late, MEMBERS);
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.AccountingAlreadyProcessed.selector, late.refSlot, late.refSlot)
        );
        accounting.submitReportData(late);
    }

    function _agreedHash() internal view returns (bytes32 h) {
        (, h,) = consensus.agreedReport();
    }
}
