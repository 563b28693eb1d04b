// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {WithdrawalFinalizerMock} from "../mocks/WithdrawalFinalizerMock.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";

/// @notice Applying a report: rewards and fees, vault pulls, held-back excess, catching up after
/// missed frames, finalization, and every rejection with its values.
contract AccountingSubmitReportDataTest is AccountingFixture {
    address internal alice;
    uint256 internal opA;
    uint256 internal opB;

    function setUp() public override {
        super.setUp();
        alice = makeAddr("alice");
        _stake(alice, 200 ether);
        opA = _operatorWithValidators("operator A", 1, 2);
        opB = _operatorWithValidators("operator B", 2, 2);
        _nextFrame();
    }

    // ---------------------------------------------------------------- rewards and fees

    function test_rewardsMintTreasuryFeeAndCommissionAtTheirValue() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        vm.deal(address(withdrawalVault), 0.01 ether);
        r.elRewardsVaultAmount = 0.01 ether;
        r.operatorCommission = 0.003 ether;
        r.rewardsRoot = keccak256("root");
        uint256 assetsBefore = token.totalAssets();
        uint256 sharesBefore = token.totalSupply();
        uint256 aliceBefore = token.convertToAssets(token.balanceOf(alice));
        _report(r);

        assertEq(token.totalAssets(), assetsBefore + 0.06 ether, "assets up by CL + EL rewards");
        assertEq(address(withdrawalVault).balance, 0, "vault emptied");
        // Fee shares are worth exactly the fees (down to rounding of a few wei).
        uint256 treasuryShares = accounting.treasuryFeeShares();
        assertApproxEq(token.convertToAssets(treasuryShares), 0.003 ether, 2, "treasury fee: 5% of 0.06 ETH");
        assertApproxEq(
            token.convertToAssets(token.balanceOf(address(distributor)) - treasuryShares), 0.003 ether, 2, "commission"
        );
        // The distributor pays the treasury its part.
        distributor.claimTreasuryFee();
        assertEq(token.balanceOf(treasury), treasuryShares, "treasury paid");
        assertEq(distributor.claimTreasuryFee(), 0, "nothing twice");
        uint256 holderGain = 0.06 ether - 0.006 ether;
        uint256 aliceExpected = aliceBefore + holderGain * token.balanceOf(alice) / sharesBefore;
        assertApproxEq(token.convertToAssets(token.balanceOf(alice)), aliceExpected, 1e6, "alice earns her share of 90%");
        assertEq(accounting.rewardsRoot(), bytes32(uint256(keccak256("root")) >> 104 << 104), "root's first 152 bits stored");
        assertEq(accounting.lastProcessedRefSlot(), r.refSlot, "ref slot recorded");
    }

    function test_withdrawalVaultPullCountsAsBeaconPrincipal() public {
        // One validator of 32 ETH exits: the beacon balance falls by 32, the vault receives 32.
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 32 ether;
        vm.deal(address(withdrawalVault), 32 ether);
        r.withdrawalVaultAmount = 32 ether;
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(opA, 1, 0);
        uint256 rateBefore = _rate();
        uint256 bufferBefore = token.bufferedEther();
        _report(r);
        assertEq(_rate(), rateBefore, "principal coming back is not a reward");
        assertEq(token.bufferedEther(), bufferBefore + 32 ether, "vault ETH reaches the buffer");
        assertEq(registry.getOperator(opA).exitedKeys, 1, "exit recorded");
        assertEq(registry.totalExitedValidators(), 1, "total exits");
    }

    function testFuzz_rewardsWithinLimitsNeverLowerTheRate(uint256 cl, uint256 el, uint256 commissionBps) public {
        cl = bound(cl, 0, 0.05 ether / 1 gwei) * 1 gwei; // consensus-layer amounts are whole gwei
        el = bound(el, 0, 0.05 ether);
        commissionBps = bound(commissionBps, 0, 10_00);
        IAccounting.Report memory r = _baseReport();
        r.clBalance += cl;
        vm.deal(address(withdrawalVault), el);
        r.elRewardsVaultAmount = el;
        r.operatorCommission = (cl + el) * commissionBps / 10_000;
        uint256 rateBefore = _rate();
        _report(r);
        assertGe(_rate(), rateBefore, "rate never falls on rewards");
        uint256 fees = (cl + el) * 5_00 / 10_000 + r.operatorCommission;
        assertApproxEq(token.convertToAssets(token.balanceOf(address(distributor))), fees, 4, "fees worth their amount");
    }

    // ---------------------------------------------------------------- limits

    function test_excessRewardsWaitInTheVaultForLaterReports() public {
        // 1 ETH of MEV on ~220 ETH: far above +0.075% per report.
        // Withdrawals (0.5 ETH) and EL rewards (1 ETH) share the vault; only EL rewards wait.
        vm.deal(address(withdrawalVault), 1.5 ether);
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 0.5 ether;
        r.withdrawalVaultAmount = 0.5 ether;
        r.elRewardsVaultAmount = 1 ether;
        uint256 rateBefore = _rate();
        _report(r);
        uint256 held = address(withdrawalVault).balance;
        assertLt(held, 1 ether, "withdrawals pulled in full, part of the EL rewards too");
        assertGt(held, 0, "part held back");
        // Within the limit up to the rounding of the rate itself (under one wei of assets).
        assertLe(_rate(), rateBefore + rateBefore * 750_000 / 1e9 + 1e9, "rate rise within the per-report limit");
        assertGe(_rate(), rateBefore + rateBefore * 749_000 / 1e9, "rate rises by about the limit");

        uint256 rounds;
        while (address(withdrawalVault).balance != 0 && rounds < 10) {
            _nextFrame();
            IAccounting.Report memory next = _baseReport();
            next.elRewardsVaultAmount = address(withdrawalVault).balance;
            _report(next);
            ++rounds;
        }
        assertEq(address(withdrawalVault).balance, 0, "later reports pull the rest");
        assertGt(rounds, 1, "over several reports");
    }

    function test_revert_clGrowthAboveAnnualRate() public {
        _report(_baseReport());
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        // One day at 10%/year on 128 ETH is ~0.035 ETH.
        uint256 limit = token.beaconAssets() * 10_00 * FRAME_SECONDS / (10_000 * 365 days);
        r.clBalance += 1 ether;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingClGrowthTooHigh.selector, 1 ether, limit));
        accounting.submitReportData(r);
    }

    function test_missedFramesCatchUpInOneReport() public {
        _report(_baseReport());
        uint256 rateBefore = _rate();
        // Five frames without a report; staking and transfers go on.
        for (uint256 i; i < 5; ++i) {
            _nextFrame();
        }
        _stake(makeAddr("bob"), 1 ether);
        vm.prank(alice);
        token.transfer(makeAddr("carol"), 1 ether);
        IAccounting.Report memory r = _baseReport();
        // Five days at ~6%/year on 128 ETH: above one day's limit, within five days'.
        r.clBalance += 0.1 ether;
        _report(r);
        assertGt(_rate(), rateBefore, "the catch-up report applies everything since the last one");
        assertEq(token.beaconAssets(), 128.1 ether, "beacon assets caught up");
    }

    function test_revert_lossAboveBoundNeedsEveryMember() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 1 ether; // above 0.5% of 128 ETH = 0.64 ETH
        r.operatorChanges = _changes1(opA, 0, 1 ether);
        _vote(r, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.AccountingLossNeedsUnanimity.selector, 1 ether, 0.64 ether, 2, 3)
        );
        accounting.submitReportData(r);
        vm.prank(members[2]);
        consensus.submitReport(r.refSlot, keccak256(abi.encode(r)), 1);
        accounting.submitReportData(r);
        assertEq(accounting.lastProcessedRefSlot(), r.refSlot, "applied with every member");
    }

    function test_revert_clValidatorsDecreaseOrExceedDeposits() public {
        IAccounting.Report memory r = _baseReport();
        r.clValidators = 5;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingClValidatorsExceedDeposits.selector, 5, 4));
        accounting.submitReportData(r);

        _nextFrame();
        _report(_baseReport());
        _nextFrame();
        r = _baseReport();
        r.clValidators = 3;
        r.clBalance -= 32 ether;
        _vote(r, 3);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingClValidatorsDecreased.selector, 3, 4));
        accounting.submitReportData(r);
    }

    function test_revert_exitedAboveValidators() public {
        IAccounting.Report memory r = _baseReport();
        r.exitedValidators = 5;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingInvalidExitedValidators.selector, 5, 0, 4));
        accounting.submitReportData(r);
    }

    function test_revert_commissionAboveCap() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.01 ether;
        r.operatorCommission = 0.002 ether; // cap: 10% of 0.01
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingCommissionTooHigh.selector, 0.002 ether, 0.001 ether));
        accounting.submitReportData(r);
    }

    function test_revert_vaultAmountAboveBalance() public {
        IAccounting.Report memory r = _baseReport();
        r.withdrawalVaultAmount = 1 ether;
        _vote(r, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.AccountingVaultAmountTooHigh.selector, address(withdrawalVault), 1 ether, 0)
        );
        accounting.submitReportData(r);
    }

    function test_revert_clBalanceNotWholeGwei() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 1;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingClBalanceNotGwei.selector, r.clBalance));
        accounting.submitReportData(r);
    }

    function test_elRewardsCutToWhatTheVaultHoldsBesideTheWithdrawals() public {
        // Each amount alone fits the vault, their sum does not (a forced exit paid its fee from the
        // vault since the reference slot): the withdrawals are pulled in full, the EL rewards cut
        // to what is left, the rest waits for a later report.
        vm.deal(address(withdrawalVault), 0.05 ether);
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 0.03 ether;
        r.withdrawalVaultAmount = 0.03 ether;
        r.elRewardsVaultAmount = 0.03 ether;
        uint256 buffer = token.bufferedEther();
        _report(r);
        assertEq(token.bufferedEther(), buffer + 0.05 ether, "0.03 ETH of withdrawals and 0.02 ETH of EL rewards");
        assertEq(address(withdrawalVault).balance, 0, "the vault is emptied");
    }

    function test_revert_withdrawalsAboveTheVaultBalance() public {
        vm.deal(address(withdrawalVault), 0.5 ether);
        IAccounting.Report memory r = _baseReport();
        r.clBalance -= 0.6 ether;
        r.withdrawalVaultAmount = 0.6 ether;
        _vote(r, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.AccountingVaultAmountTooHigh.selector, address(withdrawalVault), 0.6 ether, 0.5 ether)
        );
        accounting.submitReportData(r);
    }

    function test_revert_operatorChangesUnsorted() public {
        IAccounting.Report memory r = _baseReport();
        r.operatorChanges = new IAccounting.OperatorChange[](2);
        r.operatorChanges[0] = IAccounting.OperatorChange(opB, 0, 0, 0);
        r.operatorChanges[1] = IAccounting.OperatorChange(opA, 0, 0, 0);
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingOperatorChangesUnsorted.selector, opA, opB));
        accounting.submitReportData(r);
    }

    // ---------------------------------------------------------------- bad input

    function test_revert_reportForPastSlot() public {
        IAccounting.Report memory r = _baseReport();
        uint256 current = r.refSlot;
        r.refSlot = current - EPOCHS_PER_FRAME * SLOTS_PER_EPOCH;
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingRefSlotInPast.selector, r.refSlot, current));
        accounting.submitReportData(r);
    }

    function test_revert_reportForFutureSlot() public {
        IAccounting.Report memory r = _baseReport();
        uint256 current = r.refSlot;
        r.refSlot = current + EPOCHS_PER_FRAME * SLOTS_PER_EPOCH;
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingRefSlotInFuture.selector, r.refSlot, current));
        accounting.submitReportData(r);
    }

    function test_revert_secondReportInOneFrame() public {
        IAccounting.Report memory r = _baseReport();
        _report(r);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingAlreadyProcessed.selector, r.refSlot, r.refSlot));
        accounting.submitReportData(r);
    }

    function test_revert_dataNotMatchingAgreedHash() public {
        IAccounting.Report memory r = _baseReport();
        bytes32 agreed = _vote(r, 2);
        r.clBalance += 1 wei;
        vm.expectRevert(
            abi.encodeWithSelector(IAccounting.AccountingReportHashMismatch.selector, agreed, keccak256(abi.encode(r)))
        );
        accounting.submitReportData(r);
    }

    function test_revert_noConsensusYet() public {
        IAccounting.Report memory r = _baseReport();
        _vote(r, 1);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingNoConsensus.selector, r.refSlot));
        accounting.submitReportData(r);
    }

    function test_revert_unknownConsensusVersion() public {
        IAccounting.Report memory r = _baseReport();
        r.consensusVersion = 2;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingUnexpectedConsensusVersion.selector, 2, 1));
        accounting.submitReportData(r);
    }

    function test_revert_unexpectedEther() public {
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        (bool ok, bytes memory data) = address(accounting).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH rejected: the module has no receive function, it never holds ETH");
        assertEq(data.length, 0, "no error data");
        assertEq(address(accounting).balance, 0, "nothing held");
    }

    // ---------------------------------------------------------------- finalization

    function test_finalizesAtThePostReportShareRate() public {
        WithdrawalFinalizerMock queue = new WithdrawalFinalizerMock();
        queue.setLastRequestId(7);
        _useQueue(address(queue));
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.02 ether;
        r.lastRequestIdToFinalize = 5;
        _report(r);
        assertEq(queue.lastFinalizedRequestId(), 5, "finalized up to the report's id");
        assertEq(queue.lastShareRate(), _rate(), "at the rate after the rebase and fees");

        _nextFrame();
        r = _baseReport();
        r.lastRequestIdToFinalize = 8;
        _vote(r, 2);
        vm.expectRevert(abi.encodeWithSelector(WithdrawalFinalizerMock.WithdrawalFinalizerMockBeyondLast.selector, 8, 7));
        accounting.submitReportData(r);
        assertEq(queue.lastReportRate(), queue.lastShareRate(), "the queue hears the same rate each report");
    }

    // ---------------------------------------------------------------- storage

    /// @dev A report writes its state and the rewards root as whole slots (no read first): every
    /// limit beside the root, and every recorded figure, must come out as set, whichever write
    /// (before the registry's calls, or at the end) was the last.
    function testFuzz_reportKeepsTheLimitsAndRecordsItsState(
        IAccounting.Limits memory l,
        bytes32 root,
        bool withOperatorChange
    ) public {
        // A first report with rewards, so that the treasury's fee shares are not zero.
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.05 ether;
        r.rewardsRoot = keccak256("first root");
        _report(r);
        uint256 feeShares = accounting.treasuryFeeShares();
        assertGt(feeShares, 0, "treasury fee shares minted");

        l.treasuryFeeBps = uint16(bound(l.treasuryFeeBps, 0, 9_999));
        l.maxLossBps = uint16(bound(l.maxLossBps, 0, 10_000));
        l.maxCommissionBps = uint16(bound(l.maxCommissionBps, 0, 10_000));
        vm.prank(governance);
        accounting.setLimits(l);

        // No change on the beacon chain: passes any limits.
        _nextFrame();
        r = _baseReport();
        r.rewardsRoot = root;
        if (withOperatorChange) r.operatorChanges = _changes1(opA, 0, 0);
        _report(r);

        IAccounting.Limits memory after_ = accounting.limits();
        assertEq(after_.treasuryFeeBps, l.treasuryFeeBps, "treasury fee kept");
        assertEq(after_.maxAnnualClGrowthBps, l.maxAnnualClGrowthBps, "growth limit kept");
        assertEq(after_.maxLossBps, l.maxLossBps, "loss bound kept");
        assertEq(after_.maxRateIncreasePerReport, l.maxRateIncreasePerReport, "rate limit kept");
        assertEq(after_.maxCommissionBps, l.maxCommissionBps, "commission cap kept");
        assertEq(after_.exitDeadline, l.exitDeadline, "exit deadline kept");
        assertEq(after_.missedExitPenalty, l.missedExitPenalty, "penalty kept");
        bytes32 expectedRoot = root == bytes32(0) ? keccak256("first root") : root;
        assertEq(accounting.rewardsRoot(), bytes32(uint256(expectedRoot) >> 104 << 104), "root: new one, or kept");
        assertEq(accounting.lastProcessedRefSlot(), r.refSlot, "ref slot recorded");
        assertEq(accounting.lastClValidators(), r.clValidators, "validators recorded");
        assertEq(accounting.lastExitedValidators(), r.exitedValidators, "exits recorded");
        assertEq(accounting.lastClBalance(), r.clBalance, "balance recorded");
        assertEq(accounting.treasuryFeeShares(), feeShares, "fee shares kept (no rewards)");
        assertFalse(accounting.awaitingActivation(), "still active");
    }

    // ---------------------------------------------------------------- governance

    function test_onlyGovernanceSetsLimits() public {
        IAccounting.Limits memory l = accounting.limits();
        assertEq(l.treasuryFeeBps, 5_00, "mainnet default fee");
        l.treasuryFeeBps = 7_00;
        vm.expectRevert();
        accounting.setLimits(l);
        vm.prank(governance);
        accounting.setLimits(l);
        assertEq(accounting.limits().treasuryFeeBps, 7_00, "fee set by governance");
        l.treasuryFeeBps = 10_000;
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingInvalidLimits.selector, l));
        accounting.setLimits(l);
    }
}
