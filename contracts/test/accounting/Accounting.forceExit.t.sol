// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {WithdrawalRequestMock} from "../mocks/WithdrawalRequestMock.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IWithdrawalVault} from "../../src/interfaces/IWithdrawalVault.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";

/// @notice Exit requests named by a report, and forced exits through EIP-7002 after the deadline.
/// @dev This unit test etches a stand-in for the EIP-7002 system contract at its address (the
/// local chain may not have it installed).
contract AccountingForceExitTest is AccountingFixture {
    address internal constant EIP7002 = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    uint256 internal opA;
    bytes internal pubkeysA;
    bytes internal sigsA;
    bytes internal exitList;

    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 100 ether);
        (opA, pubkeysA, sigsA) = _operatorWithKeys(makeAddr("operator A"), 1, 2);
        _depositKeys(opA, 2, pubkeysA, sigsA);
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        vm.deal(address(withdrawalVault), 1 ether); // pays the request fee
        // The report asks operator A to exit key 1 (its exited count must reach 1).
        exitList = abi.encodePacked(uint24(opA), uint40(1), uint32(1), _slice(pubkeysA, 48, 48));
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.exitRequestsHash = keccak256(exitList);
        r.exitRequestsCount = 1;
        r.withdrawalVaultAmount = 0;
        _report(r);
    }

    function _depositKeys(uint256 id, uint256 count, bytes memory pubkeys, bytes memory sigs) internal {
        _stake(makeAddr("filler"), 64 ether);
        depositSecurity.deposit(_batch(id, count, pubkeys, sigs), _quorumSigs(_batchDigest(_batch(id, count, pubkeys, sigs)), GUARDIAN_QUORUM));
    }

    function _slice(bytes memory data, uint256 start, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            out[i] = data[start + i];
        }
    }

    function test_publishEmitsTheListWhoseHashTheReportNamed() public {
        (bytes32 listHash, uint256 deadline) = accounting.exitRequests();
        assertEq(listHash, keccak256(exitList), "hash stored");
        assertEq(deadline, block.timestamp + 4 days, "deadline: 4 days");
        vm.expectEmit(address(accounting));
        emit IAccounting.ExitRequestsPublished(listHash, exitList);
        accounting.publishExitRequests(exitList);
        bytes memory other = bytes.concat(exitList, hex"00");
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingUnknownExitList.selector, keccak256(other)));
        accounting.publishExitRequests(other);
    }

    function test_revert_beforeDeadline() public {
        (, uint256 deadline) = accounting.exitRequests();
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingExitDeadlineNotPassed.selector, deadline, block.timestamp));
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
    }

    function test_missedDeadlineExitsThroughEip7002AndPenalisesTheBond() public {
        vm.warp(block.timestamp + 4 days + 1);
        uint256 bondSharesBefore = registry.getOperator(opA).bondShares;
        uint256 penaltyShares = token.convertToShares(1 ether);
        uint256 rateBefore = _rate();
        address keeper = makeAddr("keeper");
        vm.prank(keeper);
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        WithdrawalRequestMock system = WithdrawalRequestMock(payable(EIP7002));
        assertEq(system.requests(), 1, "one EIP-7002 request");
        assertEq(keccak256(system.lastRequest()), keccak256(abi.encodePacked(_slice(pubkeysA, 48, 48), uint64(0))), "pubkey ++ amount 0 (full exit)");
        assertEq(address(withdrawalVault).balance, 1 ether - 1, "fee paid from the vault");
        assertApproxEq(registry.getOperator(opA).bondShares, bondSharesBefore - penaltyShares, 1, "bond shares worth 1 ETH taken");
        assertEq(_rate(), rateBefore, "the rate does not move outside a report");
        assertApproxEq(token.pendingBurnShares(), penaltyShares, 1, "the penalty waits for the next report");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccounting.AccountingExitAlreadyForced.selector, opA, 1, block.timestamp, block.timestamp + 4 days
            )
        );
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
    }

    function test_revert_operatorAlreadyExited() public {
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.exitedValidators = 1;
        r.operatorChanges = _changes1(opA, 1, 0);
        r.clBalance -= 32 ether;
        vm.deal(address(withdrawalVault), 33 ether);
        r.withdrawalVaultAmount = 32 ether;
        _report(r);
        vm.warp(block.timestamp + 4 days + 1);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingExitAlreadyDone.selector, opA, 1, 1));
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
    }

    function test_revert_wrongKeyOrIndex() public {
        vm.warp(block.timestamp + 4 days + 1);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingExitKeyMismatch.selector, opA, 1));
        accounting.forceExit(exitList, 0, _slice(sigsA, 0, 96));
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingExitIndexOutOfRange.selector, 1, 1));
        accounting.forceExit(exitList, 1, _slice(sigsA, 96, 96));
    }

    function test_onlyAccountingRequestsExits() public {
        vm.expectRevert();
        IWithdrawalVault(address(withdrawalVault)).requestExit(_slice(pubkeysA, 0, 48), 1 ether);
    }

    /// @dev Daily reports that name the same exits again do not push the deadline back.
    function test_exitNamedAgainKeepsItsFirstDeadline() public {
        (, uint256 first) = accounting.exitRequests();
        for (uint256 day; day < 5; ++day) {
            _nextFrame();
            IAccounting.Report memory r = _baseReport();
            r.exitRequestsHash = keccak256(exitList);
            r.exitRequestsCount = 1;
            _report(r);
        }
        (, uint256 deadline) = accounting.exitRequests();
        assertEq(deadline, first, "the list keeps the deadline it was first given");
        assertGt(block.timestamp, first, "past it");
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        assertEq(WithdrawalRequestMock(payable(EIP7002)).requests(), 1, "forced despite the daily reports");
    }

    /// @dev A later list does not replace an earlier one: its entries stay enforceable.
    function test_earlierListStaysEnforceableAfterANewOne() public {
        bytes memory other = abi.encodePacked(uint24(opA), uint40(0), uint32(2), _slice(pubkeysA, 0, 48));
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.exitRequestsHash = keccak256(other);
        r.exitRequestsCount = 1;
        _report(r);
        vm.warp(accounting.exitListDeadline(keccak256(exitList)) + 1);
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        assertEq(accounting.forcedAt(opA, 1), block.timestamp, "the first list's entry was forced");
    }

    /// @dev The beacon chain drops a request it cannot take yet; the exit can be sent again after
    /// another deadline, without a second penalty.
    function test_forcedExitCanBeRetriedWithoutASecondPenalty() public {
        vm.warp(block.timestamp + 4 days + 1);
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        uint256 bond = registry.getOperator(opA).bondShares;
        uint256 at = block.timestamp;
        vm.warp(at + 4 days);
        vm.expectRevert(abi.encodeWithSelector(IAccounting.AccountingExitAlreadyForced.selector, opA, 1, at, at + 4 days));
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        vm.warp(at + 4 days + 1);
        vm.expectEmit(address(accounting));
        emit IAccounting.ValidatorForcedExit(opA, 1, _slice(pubkeysA, 48, 48), 0, address(this));
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        assertEq(WithdrawalRequestMock(payable(EIP7002)).requests(), 2, "sent again");
        assertEq(registry.getOperator(opA).bondShares, bond, "no second penalty");
    }

    function test_revert_feeAboveThePenalty() public {
        IAccounting.Limits memory l = accounting.limits();
        l.missedExitPenalty = 0;
        vm.prank(governance);
        accounting.setLimits(l);
        vm.warp(block.timestamp + 4 days + 1);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalVault.WithdrawalVaultFeeTooHigh.selector, 1, 0));
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
    }

    /// @dev The penalty reaches the rate through the next report, not at the forced exit.
    function test_penaltyReachesTheRateInTheNextReport() public {
        vm.warp(block.timestamp + 4 days + 1);
        uint256 rateBefore = _rate();
        // Someone stakes just before the forced exit: it gains nothing from it at once.
        _stake(makeAddr("front-runner"), 50 ether);
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        assertEq(_rate(), rateBefore, "no jump at the forced exit");
        uint256 pending = token.pendingBurnShares();
        assertGt(pending, 0, "set aside");
        _nextFrame();
        _report(_baseReport());
        uint256 limit = rateBefore * 750_000 / 1e9;
        assertGt(_rate(), rateBefore, "the report burns it");
        assertLe(_rate(), rateBefore + limit + 1, "within the per-report limit");
        // What the limit held back is burned by the following reports.
        for (uint256 i; i < 20 && token.pendingBurnShares() != 0; ++i) {
            _nextFrame();
            _report(_baseReport());
        }
        assertEq(token.pendingBurnShares(), 0, "all burned in the end");
    }

    /// @dev Penalty shares wait to be burned; the next day the beacon balance dips a little while EL
    /// rewards make the day positive, and the report pays a commission: it still applies (the
    /// burn may not take the room the commission needs).
    function test_pendingBurnLeavesRoomForTheCommission() public {
        _pendingBurnThenCommissionReport(-0.001 ether);
    }

    /// @dev The same with a small rise of the beacon balance.
    function test_pendingBurnLeavesRoomForTheCommissionOnARise() public {
        _pendingBurnThenCommissionReport(0.001 ether);
    }

    function _pendingBurnThenCommissionReport(int256 clChange) internal {
        vm.warp(block.timestamp + 4 days + 1);
        accounting.forceExit(exitList, 0, _slice(sigsA, 96, 96));
        uint256 pending = token.pendingBurnShares();
        assertGt(pending, 0, "penalty set aside");
        _nextFrame();
        IAccounting.Report memory r = _baseReport();
        r.clBalance = uint256(int256(r.clBalance) + clChange);
        r.elRewardsVaultAmount = address(withdrawalVault).balance;
        r.operatorCommission = 0.001 ether;
        uint256 rateBefore = _rate();
        _report(r);
        assertEq(accounting.lastProcessedRefSlot(), r.refSlot, "applied");
        // Within the per-report limit, but for the fee shares' rounding down (dust).
        assertLe(_rate(), rateBefore + rateBefore * 750_000 / 1e9 + rateBefore / 1e15, "within the per-report limit");
        // The burn resumes with the next reports.
        for (uint256 i; i < 20 && token.pendingBurnShares() != 0; ++i) {
            _nextFrame();
            _report(_baseReport());
        }
        assertEq(token.pendingBurnShares(), 0, "all burned in the end");
    }
}
