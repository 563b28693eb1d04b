// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingHandler, AccountingInvariantTest} from "./Accounting.invariant.t.sol";
import {WithdrawalRequestMock} from "../mocks/WithdrawalRequestMock.sol";
import {Accounting} from "../../src/accounting/Accounting.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";

/// @notice The accounting handler's flows (stakes, transfers, requests, honest reports with
/// rewards, skims, EL rewards and losses, finalizations, claims, missed frames) plus what a long
/// life of the protocol brings: successors of the accounting module built days before they go live
/// while the old one goes on reporting, exit lists named again and again, forced exits and their
/// retries, treasury fee claims across replacements.
/// @dev Etches a stand-in for the EIP-7002 system contract (the test chain has none).
contract LifecycleHandler is AccountingHandler {
    address internal constant EIP7002 = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    uint256 internal constant EXIT_KEYS = 3;

    uint256 internal constant DEPOSIT_KEYS = 12;

    uint256 public exitOperator;
    /// @dev An operator whose vetted keys guardian-signed deposits use, one at a time.
    uint256 public depositOperator;
    bytes internal depositPubkeys;
    bytes internal depositSigs;
    uint256 public depositedKeys;
    bytes internal exitPubkeys;
    bytes internal exitSigs;
    /// @dev Exit lists a report may name: list i asks the exit operator to exit key i.
    bytes[] internal exitLists;

    /// @dev A successor built but not yet installed, and every module that was live.
    Accounting public pendingSuccessor;
    Accounting[] public retired;

    /// @dev The consensus-layer balance the last applied report stated (the honest oracle's model).
    uint256 public ghostLastClBalance;
    uint256 public ghostLastRefSlot;
    /// @dev The deadline each list got when a report first named it (0: never named).
    mapping(bytes32 => uint256) public ghostFirstDeadline;
    /// @dev Bond shares the exit operator lost to forced exits of each key, and forced exits sent.
    mapping(uint256 => uint256) public ghostPenaltiesOf;
    uint256 public ghostForcedExits;
    uint256 public ghostHandovers;
    uint256 public ghostTreasuryClaimed;
    /// @dev Violations: each records the first one seen.
    bool public ghostRetiredModuleReported;
    bool public ghostTreasuryClaimReverted;
    bool public ghostSecondPenalty;
    bool public ghostHandoverLostState;
    bool public ghostDepositBrokeReport;
    bool public ghostFrameLost;
    uint256 public ghostRacingDeposits;
    bool internal lifecycleInitialized;

    function setUp() public override {
        if (lifecycleInitialized) return;
        lifecycleInitialized = true;
        super.setUp();
        vm.etch(EIP7002, address(new WithdrawalRequestMock()).code);
        uint256 assetsBefore = token.totalAssets();
        (exitOperator, exitPubkeys, exitSigs) = _operatorWithKeys(makeAddr("exit operator"), 77, EXIT_KEYS);
        _stake(makeAddr("filler"), EXIT_KEYS * 32 ether);
        depositSecurity.deposit(
            _batch(exitOperator, EXIT_KEYS, exitPubkeys, exitSigs),
            _quorumSigs(_batchDigest(_batch(exitOperator, EXIT_KEYS, exitPubkeys, exitSigs)), GUARDIAN_QUORUM)
        );
        (depositOperator, depositPubkeys, depositSigs) = _operatorWithKeys(makeAddr("deposit operator"), 78, DEPOSIT_KEYS);
        // The bonds and the stake: ETH from users.
        ghostEthIn += token.totalAssets() - assetsBefore;
        for (uint256 i; i < EXIT_KEYS; ++i) {
            exitLists.push(abi.encodePacked(uint24(exitOperator), uint40(i), uint32(i + 1), _slice(exitPubkeys, i * 48, 48)));
        }
        ghostLastClBalance = accounting.lastClBalance();
    }

    function _slice(bytes memory data, uint256 start, uint256 length) internal pure returns (bytes memory out) {
        out = new bytes(length);
        for (uint256 i; i < length; ++i) {
            out[i] = data[start + i];
        }
    }

    // ---------------------------------------------------------------- module replacement

    /// @dev Governance deploys a successor; the vote and the timelock take days, during which the
    /// old module goes on applying reports (the other handler functions).
    function buildSuccessor() external {
        if (address(pendingSuccessor) != address(0)) return;
        pendingSuccessor = _successor(address(withdrawalQueue));
    }

    /// @dev The timelock batch: setModules, roles, activate.
    function installSuccessor() external {
        Accounting next = pendingSuccessor;
        if (address(next) == address(0)) return;
        Accounting old = accounting;
        _install(next);
        pendingSuccessor = Accounting(address(0));
        retired.push(old);
        ++ghostHandovers;
        if (
            next.lastClBalance() != old.lastClBalance() || next.lastProcessedRefSlot() != old.lastProcessedRefSlot()
                || next.lastExitedValidators() != old.lastExitedValidators()
                || next.treasuryFeeShares() != old.treasuryFeeShares()
        ) ghostHandoverLostState = true;
    }

    /// @dev A retired module tries to apply a report the committee agreed: it must fail.
    function retiredModuleReports(uint256 seed) external {
        if (retired.length == 0) return;
        Accounting old = retired[seed % retired.length];
        IAccounting.Report memory r = _baseReport();
        _vote(r, MEMBERS);
        try old.submitReportData(r) {
            ghostRetiredModuleReported = true;
        } catch {}
        // The live module applies the agreed report, and the frame moves on.
        try accounting.submitReportData(r) {
            ++ghostReports;
        } catch {}
        _nextFrame();
    }

    function claimTreasuryFee() external {
        try distributor.claimTreasuryFee() returns (uint256 shares) {
            ghostTreasuryClaimed += shares;
        } catch {
            ghostTreasuryClaimReverted = true;
        }
    }

    // ---------------------------------------------------------------- deposits racing reports

    /// @dev The committee agrees on an honest report that finalizes requests; before anyone
    /// submits it, a guardian-signed deposit (anyone may submit one) tries to take buffered ETH.
    /// The deposit goes through only if it leaves what the requests need, so the agreed report
    /// still applies. Were it not to, the members would agree again on a corrected report of the
    /// same frame: no frame may be lost.
    function reportRacedByDeposit(uint256 rewardSeed, uint256 finalizeSeed, uint256 stakeSeed) external {
        // Someone stakes enough for a validator now and then, so deposits have ETH to race for.
        if (stakeSeed % 2 == 0) {
            uint256 amount = bound(stakeSeed, 1 ether, 40 ether);
            _stake(_actor(stakeSeed), amount);
            ghostEthIn += amount;
        }
        IAccounting.Report memory r = _baseReport();
        uint256 reward = _gwei(bound(rewardSeed, 0, 0.018 ether));
        r.clBalance += reward;
        r.withdrawalVaultAmount = address(withdrawalVault).balance - vaultElRewards;
        r.elRewardsVaultAmount = vaultElRewards;
        r.lastRequestIdToFinalize = _finalizable(finalizeSeed);
        _vote(r, MEMBERS);

        bool deposited;
        if (depositedKeys < DEPOSIT_KEYS && token.bufferedEther() >= 32 ether) {
            IDepositSecurity.DepositBatch memory batch = _batch(
                depositOperator, 1, _slice(depositPubkeys, depositedKeys * 48, 48), _slice(depositSigs, depositedKeys * 96, 96)
            );
            try depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM)) {
                ++depositedKeys;
                ++ghostRacingDeposits;
                deposited = true;
            } catch {}
        }
        uint256 queueBefore = address(withdrawalQueue).balance;
        try accounting.submitReportData(r) {
            _racedReportApplied(reward, queueBefore);
        } catch {
            if (deposited) ghostDepositBrokeReport = true;
            // The committee agrees again, on the same report without finalization.
            r.lastRequestIdToFinalize = 0;
            _vote(r, MEMBERS);
            try accounting.submitReportData(r) {
                _racedReportApplied(reward, queueBefore);
            } catch {
                ghostFrameLost = true;
            }
        }
        _nextFrame();
    }

    function _racedReportApplied(uint256 reward, uint256 queueBefore) internal {
        ++ghostReports;
        ghostRewards += reward;
        ghostLocked += address(withdrawalQueue).balance - queueBefore;
        vaultElRewards = address(withdrawalVault).balance;
    }

    // ---------------------------------------------------------------- exits

    /// @dev An honest report that names exit list `seed` (often the same one again).
    function reportNamingExits(uint256 seed, uint256 rewardSeed) external {
        bytes memory list = exitLists[seed % EXIT_KEYS];
        bytes32 listHash = keccak256(list);
        IAccounting.Report memory r = _baseReport();
        uint256 reward = _gwei(bound(rewardSeed, 0, 0.018 ether));
        r.clBalance += reward;
        r.exitRequestsHash = listHash;
        r.exitRequestsCount = 1;
        r.withdrawalVaultAmount = address(withdrawalVault).balance - vaultElRewards;
        r.elRewardsVaultAmount = vaultElRewards;
        _vote(r, MEMBERS);
        try accounting.submitReportData(r) {
            ++ghostReports;
            ghostRewards += reward;
            if (ghostFirstDeadline[listHash] == 0) ghostFirstDeadline[listHash] = accounting.exitListDeadline(listHash);
            vaultElRewards = address(withdrawalVault).balance;
        } catch {}
        _nextFrame();
    }

    /// @dev Anyone forces the exit of the list's key once its deadline passed (often too early,
    /// or again: both must be refused or charge nothing twice).
    function forceExit(uint256 seed, uint256 waitSeed) external {
        uint256 i = seed % EXIT_KEYS;
        bytes memory list = exitLists[i];
        vm.warp(block.timestamp + bound(waitSeed, 0, 5 days));
        if (address(withdrawalVault).balance == 0) {
            // EL rewards arrive: the vault pays the EIP-7002 fee from them.
            vm.deal(address(withdrawalVault), 0.1 ether);
            vaultElRewards += 0.1 ether;
            ghostEthIn += 0.1 ether;
        }
        uint256 bondBefore = registry.getOperator(exitOperator).bondShares;
        uint256 vaultBefore = address(withdrawalVault).balance;
        try accounting.forceExit(list, 0, _slice(exitSigs, i * 96, 96)) {
            ++ghostForcedExits;
            uint256 taken = bondBefore - registry.getOperator(exitOperator).bondShares;
            if (taken != 0 && ghostPenaltiesOf[i] != 0) ghostSecondPenalty = true;
            ghostPenaltiesOf[i] += taken;
            // The fee left the vault for the EIP-7002 contract: out of the model's held ETH.
            uint256 fee = vaultBefore - address(withdrawalVault).balance;
            vaultElRewards -= fee;
            ghostLosses += fee;
        } catch {}
    }

    // ---------------------------------------------------------------- bookkeeping

    /// @dev The supply includes the shares set aside to burn (held by the token itself).
    function sumOfBalances() public view override returns (uint256) {
        return super.sumOfBalances() + token.balanceOf(address(token));
    }

    function exitListCount() external pure returns (uint256) {
        return EXIT_KEYS;
    }

    function exitListHash(uint256 i) external view returns (bytes32) {
        return keccak256(exitLists[i]);
    }

    function tokenAccountingModule() external view returns (address) {
        return token.accountingModule();
    }

    function liveModule() external view returns (Accounting) {
        return accounting;
    }

    function retiredCount() external view returns (uint256) {
        return retired.length;
    }
}

/// @dev Every invariant of the accounting suite holds over the longer life too (same ghosts).
contract LifecycleInvariantTest is AccountingInvariantTest {
    LifecycleHandler internal lifecycle;

    function _newHandler() internal override returns (AccountingHandler) {
        lifecycle = new LifecycleHandler();
        return lifecycle;
    }

    /// @dev Whatever the reports in the gap, the live module carries on from the last report.
    function invariant_handoverKeepsTheReportState() public view {
        assertFalse(lifecycle.ghostHandoverLostState(), "a successor went live with state other than its predecessor's");
        assertFalse(lifecycle.ghostRetiredModuleReported(), "a retired module applied a report");
        assertEq(
            lifecycle.tokenAccountingModule(), address(lifecycle.liveModule()), "the token names the live module"
        );
    }

    function invariant_treasuryFeeClaimsNeverRevert() public view {
        assertFalse(lifecycle.ghostTreasuryClaimReverted(), "a treasury fee claim reverted");
        assertLe(lifecycle.ghostTreasuryClaimed(), lifecycle.liveModule().treasuryFeeShares(), "claimed <= accrued");
    }

    /// @dev An exit list named again keeps its first deadline, through every successor.
    function invariant_exitDeadlinesNeverMove() public view {
        for (uint256 i; i < lifecycle.exitListCount(); ++i) {
            bytes32 listHash = lifecycle.exitListHash(i);
            assertEq(
                lifecycle.liveModule().exitListDeadline(listHash), lifecycle.ghostFirstDeadline(listHash), "deadline as first set"
            );
        }
    }

    /// @dev A deposit never makes an agreed report unappliable, and no frame is lost.
    function invariant_depositsNeverBreakAReport() public view {
        assertFalse(lifecycle.ghostDepositBrokeReport(), "a deposit between vote and submission broke the report");
        assertFalse(lifecycle.ghostFrameLost(), "a frame ended with no report applied");
    }

    function invariant_forcedExitPenalisedOnce() public view {
        assertFalse(lifecycle.ghostSecondPenalty(), "a validator's forced exit was penalised twice");
    }

    /// @dev The handler reaches every path the invariants speak about (not vacuous).
    function test_handlerReachesHandoversExitsAndForcedExits() public {
        lifecycle.stake(0, 10 ether);
        lifecycle.request(0, 2 ether);
        lifecycle.buildSuccessor();
        lifecycle.reportNamingExits(0, 0.01 ether);
        lifecycle.report(0.01 ether, 1 ether, 0.1 ether, 0, 0, 1);
        lifecycle.reportNamingExits(0, 0.005 ether);
        lifecycle.installSuccessor();
        assertEq(lifecycle.ghostHandovers(), 1, "one handover");
        lifecycle.retiredModuleReports(0);
        lifecycle.report(0.01 ether, 0, 0, 0, 0, 0);
        lifecycle.forceExit(0, 5 days);
        assertEq(lifecycle.ghostForcedExits(), 1, "forced after the handover, through the predecessor's list");
        lifecycle.forceExit(0, 0);
        assertEq(lifecycle.ghostForcedExits(), 1, "refused within the retry delay");
        lifecycle.forceExit(0, 5 days);
        assertEq(lifecycle.ghostForcedExits(), 2, "retried");
        lifecycle.report(0.01 ether, 0, 0, 0, 0, 0);
        lifecycle.request(1, 60 ether);
        lifecycle.reportRacedByDeposit(0.01 ether, 5, 40 ether);
        assertEq(lifecycle.ghostRacingDeposits(), 1, "a deposit landed between the vote and the submission");
        lifecycle.claimTreasuryFee();
        assertGt(lifecycle.ghostTreasuryClaimed(), 0, "treasury fee paid across the handover");
        assertGe(lifecycle.ghostReports(), 5, "reports applied");
        invariant_ethConservation();
        invariant_sharesAddUp();
        invariant_handoverKeepsTheReportState();
        invariant_treasuryFeeClaimsNeverRevert();
        invariant_exitDeadlinesNeverMove();
        invariant_forcedExitPenalisedOnce();
        invariant_depositsNeverBreakAReport();
    }
}
