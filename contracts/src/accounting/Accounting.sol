// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {IAccounting} from "../interfaces/IAccounting.sol";
import {IHashConsensus} from "../interfaces/IHashConsensus.sol";
import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IWithdrawalVault} from "../interfaces/IWithdrawalVault.sol";
import {EtherVault} from "../vaults/EtherVault.sol";
import {ReportMath} from "./ReportMath.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Accounting
/// @notice See {IAccounting}.
/// @dev Not behind a proxy, on purpose: a proxy adds ~4,700 gas to every report (a cold
/// implementation slot and a delegatecall to a cold account), and the report must fit 150,000.
/// The module holds no ETH, and governance replaces it the way it replaces any trETH module: a new
/// Accounting, constructed with the old one as `previous`, then one timelock batch with
/// `setModules` on trETH, the accounting roles on the registry and the vault, and `activate` on the
/// new module, which imports the old one's report state, limits and treasury as they are then.
contract Accounting is IAccounting, AccessControl {
    using SafeCast for uint256;

    // ================================================================ constants / immutables

    /// @inheritdoc IAccounting
    uint256 public constant CONSENSUS_VERSION = 1;
    /// @dev Every protocol deposit is one 32 ETH validator.
    uint256 internal constant DEPOSIT_SIZE = 32 ether;
    /// @dev Exit list entry: operatorId (3 bytes) ++ keyIndex (5) ++ targetExited (4) ++ pubkey (48).
    uint256 internal constant EXIT_ENTRY_LENGTH = 60;
    uint256 internal constant PUBKEY_LENGTH = 48;
    uint256 internal constant SIGNATURE_LENGTH = 96;
    /// @dev The rewards root is kept as its first 152 bits (see `rewardsRoot()`).
    uint256 internal constant ROOT_SHIFT = 104;

    /// @dev Mainnet defaults of {Limits}: 5% treasury fee; 10%/year beacon growth; a fall above
    /// 0.5% of the beacon assets needs every member; holder rate +0.075% per report at most (about
    /// three days of rewards at 10%/year); 4 days to exit a named validator; 1 ETH penalty.
    uint16 internal constant DEFAULT_TREASURY_FEE_BPS = 5_00;
    uint24 internal constant DEFAULT_MAX_ANNUAL_CL_GROWTH_BPS = 10_00;
    uint16 internal constant DEFAULT_MAX_LOSS_BPS = 50;
    uint32 internal constant DEFAULT_MAX_RATE_INCREASE = 750_000;
    uint16 internal constant DEFAULT_MAX_COMMISSION_BPS = 10_00;
    uint32 internal constant DEFAULT_EXIT_DEADLINE = 4 days;
    uint64 internal constant DEFAULT_MISSED_EXIT_PENALTY = 1 ether;

    ITrETH public immutable token;
    IHashConsensus public immutable consensus;
    IOperatorRegistry public immutable registry;
    /// @notice The protocol's one vault: the address in every validator's withdrawal credentials
    /// and every validator's fee recipient, so withdrawals and EL rewards arrive in one place and a
    /// report moves them to the token in one transfer.
    EtherVault public immutable withdrawalVault;
    /// @notice Receives the operators' commission as trETH.
    address public immutable rewardsDistributor;
    /// @notice The withdrawal queue requests are finalized in (zero: none). Fixed: a new queue
    /// comes with a new accounting module (which imports this one's state).
    address public immutable withdrawalQueue;
    /// @dev From the committee's chain config, for the time elapsed between reference slots.
    uint256 internal immutable SECONDS_PER_SLOT;
    /// @inheritdoc IAccounting
    IAccounting public immutable previous;

    // ================================================================ storage

    /// @dev Written by every report: one slot (248 bits).
    struct State {
        // Reference slot of the last applied report. 40 bits: slots of 12 s for 400,000 years.
        uint40 lastRefSlot;
        // Validators seen on the consensus layer / exited, cumulative. 24 bits: 16.7 million,
        // more validators than all ETH in existence can fund (537 million ETH at 32 ETH each).
        uint24 clValidators;
        uint24 exitedValidators;
        // Their balance as last reported, gwei (the consensus layer's unit, so exact): with the
        // validator count it gives the ETH in transit to the beacon chain from the token's beacon
        // assets, with no call to the registry. 64 bits hold 18 billion ETH.
        uint64 clBalanceGwei;
        // trETH shares of treasury fee minted to the distributor so far; 96 bits hold 7.9e28,
        // more than all ETH in existence at any rate above 1e-6.
        uint96 treasuryFeeShares;
        // A successor before `activate`: it reports nothing until it imported the state.
        bool awaitingImport;
    }

    /// @dev Read and written by every report: one slot (256 bits), the operators' rewards root with
    /// the limits the report is checked against, so that the root costs no slot of its own.
    struct ReportConfig {
        // The first 152 bits of the last rewards root (see `rewardsRoot()`): 8 bits went to the
        // growth limit, so that it can describe a small local chain.
        uint152 rewardsRoot;
        uint16 treasuryFeeBps;
        uint24 maxAnnualClGrowthBps;
        uint16 maxLossBps;
        uint32 maxRateIncreasePerReport;
        uint16 maxCommissionBps;
    }

    /// @dev One slot, read only by views, exit lists and forced exits: the treasury and the exit terms.
    struct ExitConfig {
        // Receives the treasury fee (paid by the rewards distributor).
        address treasury;
        uint32 exitDeadline;
        uint64 missedExitPenalty;
    }

    /// @custom:storage-location erc7201:tributary.storage.Accounting
    struct AccountingStorage {
        State state;
        // Read and written by every report; see {IAccounting.Limits} for units.
        ReportConfig config;
        ExitConfig exits;
        // The latest exit list a report named (for `exitRequests()`).
        bytes32 exitRequestsHash;
        // Exit list hash => unix seconds by which it must be met, set when a report first names
        // it and never moved: an entry named again keeps its first deadline. Written only by
        // reports that name a new list.
        mapping(bytes32 => uint256) exitListDeadline;
        // keccak256(operatorId, keyIndex) => unix seconds of the validator's last forced exit.
        mapping(bytes32 => uint256) forcedAt;
    }

    // keccak256(abi.encode(uint256(keccak256("tributary.storage.Accounting")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT = 0x52aff9660b51e1ba110dd10c865326431e9c84c5e880628aa6010ccd62d66000;

    function _s() private pure returns (AccountingStorage storage $) {
        assembly {
            $.slot := STORAGE_SLOT
        }
    }

    /// @dev Values of one report in memory (keeps the stack shallow).
    struct Outcome {
        uint256 preBeacon;
        uint256 postBeacon;
        uint256 assetsBefore;
        uint256 sharesBefore;
        uint256 sharesNow;
        uint256 lossTotal;
        uint256 wvPull;
        // EL rewards the report may pull (as reported, or less if the vault holds less now), then
        // those it pulls (_computeOutcome).
        uint256 elPull;
        // Shares set aside to burn (trETH's deferBurn), then those this report burns (_deferredBurn).
        uint256 burnShares;
        uint256 rewards;
        uint256 loss;
        uint256 treasuryFee;
        uint256 treasuryShares;
        uint256 commissionShares;
        uint256 shareRate;
    }

    // ================================================================ constructor

    /// @param wiring The contracts this one works with, its admin (the timelock), the treasury and
    /// the withdrawal queue (zero: no finalization; a new queue comes with a new module).
    /// @param previous_ The module this one replaces (zero for the first): its report state,
    /// rewards root, limits and treasury carry over at `activate`, so reports go on where it
    /// stopped; its exit lists and forced exits stay enforceable through it.
    constructor(Wiring memory wiring, IAccounting previous_) {
        if (
            address(wiring.token) == address(0) || address(wiring.consensus) == address(0)
                || address(wiring.registry) == address(0) || address(wiring.withdrawalVault) == address(0)
                || wiring.rewardsDistributor == address(0) || wiring.admin == address(0)
        ) revert AccountingZeroAddress();
        token = wiring.token;
        consensus = wiring.consensus;
        registry = wiring.registry;
        withdrawalVault = EtherVault(wiring.withdrawalVault);
        rewardsDistributor = wiring.rewardsDistributor;
        uint256 genesisTime;
        (, SECONDS_PER_SLOT, genesisTime) = wiring.consensus.getChainConfig();
        _grantRole(DEFAULT_ADMIN_ROLE, wiring.admin);
        withdrawalQueue = wiring.withdrawalQueue;
        previous = previous_;
        if (address(previous_) != address(0)) {
            // The state is taken at `activate`, not now: the old module reports until the switch.
            _s().state.awaitingImport = true;
            return;
        }
        // The first report's growth is measured from the deployment's slot, not from genesis (a
        // report for a frame that began before the deployment is refused as already processed).
        if (block.timestamp > genesisTime) {
            _s().state.lastRefSlot = ((block.timestamp - genesisTime) / SECONDS_PER_SLOT).toUint40();
        }
        _setTreasury(wiring.treasury);
        _setLimits(
            Limits({
                treasuryFeeBps: DEFAULT_TREASURY_FEE_BPS,
                maxAnnualClGrowthBps: DEFAULT_MAX_ANNUAL_CL_GROWTH_BPS,
                maxLossBps: DEFAULT_MAX_LOSS_BPS,
                maxRateIncreasePerReport: DEFAULT_MAX_RATE_INCREASE,
                maxCommissionBps: DEFAULT_MAX_COMMISSION_BPS,
                exitDeadline: DEFAULT_EXIT_DEADLINE,
                missedExitPenalty: DEFAULT_MISSED_EXIT_PENALTY
            })
        );
    }

    // ================================================================ governance

    /// @inheritdoc IAccounting
    function activate() external onlyRole(DEFAULT_ADMIN_ROLE) {
        AccountingStorage storage $ = _s();
        address current = token.accountingModule();
        // After setModules in the same batch: the old module can no longer apply a report (trETH's
        // rebase accepts only the module it names), so the state read here is final.
        if (!$.state.awaitingImport || current != address(this)) {
            revert AccountingCannotActivate(current, $.state.awaitingImport);
        }
        IAccounting old = previous;
        $.state = State({
            lastRefSlot: old.lastProcessedRefSlot().toUint40(),
            clValidators: old.lastClValidators().toUint24(),
            exitedValidators: old.lastExitedValidators().toUint24(),
            clBalanceGwei: (old.lastClBalance() / 1 gwei).toUint64(),
            treasuryFeeShares: old.treasuryFeeShares().toUint96(),
            awaitingImport: false
        });
        _setTreasury(old.treasury());
        _setLimits(old.limits());
        // After _setLimits, which keeps the root: the slot is shared.
        $.config.rewardsRoot = uint152(uint256(old.rewardsRoot()) >> ROOT_SHIFT);
        (bytes32 listHash,) = old.exitRequests();
        $.exitRequestsHash = listHash;
        emit StateImported(address(old), $.state.lastRefSlot);
    }

    /// @inheritdoc IAccounting
    function setLimits(Limits calldata limits_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setLimits(limits_);
    }

    /// @inheritdoc IAccounting
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    function _setLimits(Limits memory l) private {
        if (l.treasuryFeeBps >= ReportMath.BPS || l.maxLossBps > ReportMath.BPS || l.maxCommissionBps > ReportMath.BPS) {
            revert AccountingInvalidLimits(l);
        }
        AccountingStorage storage $ = _s();
        $.config.treasuryFeeBps = l.treasuryFeeBps;
        $.config.maxAnnualClGrowthBps = l.maxAnnualClGrowthBps;
        $.config.maxLossBps = l.maxLossBps;
        $.config.maxRateIncreasePerReport = l.maxRateIncreasePerReport;
        $.config.maxCommissionBps = l.maxCommissionBps;
        $.exits.exitDeadline = l.exitDeadline;
        $.exits.missedExitPenalty = l.missedExitPenalty;
        emit LimitsSet(l);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert AccountingZeroAddress();
        _s().exits.treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ================================================================ reports

    /// @inheritdoc IAccounting
    function submitReportData(Report calldata report) external {
        AccountingStorage storage $ = _s();
        State memory st = $.state;
        if (st.awaitingImport) revert AccountingNotActive();
        uint256 support;
        {
            // The member count is read only for a fall that needs every member (_checkBalances).
            (uint256 refSlot, bytes32 agreed, uint256 support_) = consensus.agreedReport();
            if (report.refSlot < refSlot) revert AccountingRefSlotInPast(report.refSlot, refSlot);
            if (report.refSlot > refSlot) revert AccountingRefSlotInFuture(report.refSlot, refSlot);
            if (agreed == bytes32(0)) revert AccountingNoConsensus(refSlot);
            if (refSlot <= st.lastRefSlot) revert AccountingAlreadyProcessed(refSlot, st.lastRefSlot);
            if (report.consensusVersion != CONSENSUS_VERSION) {
                revert AccountingUnexpectedConsensusVersion(report.consensusVersion, CONSENSUS_VERSION);
            }
            // The calldata after the selector is exactly abi.encode(report) when canonically
            // encoded; any other encoding hashes differently and is rejected, so hashing the raw
            // bytes is as strict as re-encoding, and cheaper.
            bytes32 actual = keccak256(msg.data[4:]);
            if (actual != agreed) revert AccountingReportHashMismatch(agreed, actual);
            support = support_;
        }
        // The configuration slot in one read, decoded here: a function returning the struct would
        // allocate it twice. The word itself takes a new root with one write and no second read
        // (the compiler's field update reads the slot again).
        uint256 configWord = _configWord();
        // The fields of ReportConfig from the lowest bits up; each cast keeps the field's bits.
        ReportConfig memory lim = ReportConfig({
            rewardsRoot: uint152(configWord),
            treasuryFeeBps: uint16(configWord >> 152),
            maxAnnualClGrowthBps: uint24(configWord >> 168),
            maxLossBps: uint16(configWord >> 192),
            maxRateIncreasePerReport: uint32(configWord >> 208),
            maxCommissionBps: uint16(configWord >> 240)
        });
        if (report.rewardsRoot != bytes32(0)) {
            _storeRoot(configWord, uint256(report.rewardsRoot) >> ROOT_SHIFT);
        }
        Outcome memory o;
        (o.preBeacon, o.assetsBefore, o.sharesBefore, o.burnShares) = token.reportState();
        // The consensus layer's view plus ETH deposited but not yet seen there.
        o.postBeacon = report.clBalance + _inTransit(report, st, o.preBeacon);
        _checkBalances(report, st, lim, o, support);

        // The state slot is written before any external call that changes state (once, below the
        // outcome, in a report without operator changes; before the registry's calls otherwise).
        st.lastRefSlot = report.refSlot.toUint40();
        st.clValidators = report.clValidators.toUint24();
        st.exitedValidators = report.exitedValidators.toUint24();
        // Exact: _inTransit checked that clBalance is whole gwei.
        st.clBalanceGwei = (report.clBalance / 1 gwei).toUint64();
        if (report.exitRequestsHash != bytes32(0)) {
            // A list named again keeps its first deadline: daily reports naming the same exits do
            // not push it back.
            uint256 deadline = _exitListDeadline(report.exitRequestsHash);
            if (deadline == 0) {
                deadline = block.timestamp + $.exits.exitDeadline;
                $.exitListDeadline[report.exitRequestsHash] = deadline;
            }
            $.exitRequestsHash = report.exitRequestsHash;
            emit ExitRequestsSet(report.refSlot, report.exitRequestsHash, report.exitRequestsCount, deadline);
        }

        // Losses burn bond shares at the rate from before the report (see chargeLoss). Without
        // operator changes the registry is not called and the supply is not read again.
        if (report.operatorChanges.length != 0) {
            _storeReportState(st);
            _applyOperatorChanges(report.operatorChanges, o.assetsBefore, o.sharesBefore);
        }
        o.sharesNow = o.lossTotal == 0 ? o.sharesBefore : token.totalSupply();
        // Shares set aside by penalties and debt repayments are burned here, within the rate limit.
        if (o.burnShares != 0) _deferredBurn(report, lim, o);

        _computeOutcome(report, lim, o);
        st.treasuryFeeShares = (uint256(st.treasuryFeeShares) + o.treasuryShares).toUint96();
        _storeReportState(st);
        int256 change;
        // Signed: every amount here is below 2^128 (the token stores assets in 88 bits). Unchecked:
        // one of the two is zero.
        unchecked {
            change = int256(o.rewards) - int256(o.loss);
        }
        emit ReportApplied(
            report.refSlot,
            change,
            o.elPull,
            o.treasuryShares,
            o.commissionShares,
            o.shareRate
        );

        // The rebase announces the vault ETH; the vault then sends withdrawals and EL rewards
        // straight to the token in one value transfer (none through this contract). A zero pull
        // makes no call. One mint for both fees, in the rebase: the distributor pays the treasury
        // its part on request.
        uint256 pull;
        uint256 feeShares;
        // Unchecked: the pulls add up to at most the vault's balance (_vaultAmounts); the fee shares
        // add up to those minted (_computeOutcome).
        unchecked {
            pull = o.wvPull + o.elPull;
            feeShares = o.treasuryShares + o.commissionShares;
        }
        token.rebase(o.postBeacon, pull, rewardsDistributor, feeShares, o.burnShares);
        if (pull != 0) withdrawalVault.pullToToken(pull);
        address queue = withdrawalQueue;
        if (queue != address(0)) {
            // One call: requests up to lastRequestIdToFinalize (0 = none) are finalized at this
            // report's rate, and requests from now on are priced at most at it.
            IWithdrawalQueue(queue).report(o.shareRate, report.lastRequestIdToFinalize);
        } else if (report.lastRequestIdToFinalize != 0) {
            revert AccountingInvalidRequestId(report.lastRequestIdToFinalize, 0);
        }
    }

    /// @inheritdoc IAccounting
    function publishExitRequests(bytes calldata data) external {
        bytes32 listHash = keccak256(data);
        if (_exitListDeadline(listHash) == 0) revert AccountingUnknownExitList(listHash);
        if (data.length % EXIT_ENTRY_LENGTH != 0) revert AccountingExitRequestsMismatch(listHash, listHash);
        emit ExitRequestsPublished(listHash, data);
    }

    /// @inheritdoc IAccounting
    function forceExit(bytes calldata data, uint256 index, bytes calldata keySignature) external {
        AccountingStorage storage $ = _s();
        {
            // A replaced module's roles may linger until governance revokes them: it acts no more.
            address current = token.accountingModule();
            if (current != address(this)) revert AccountingNotCurrentModule(current);
        }
        bytes32 listHash = keccak256(data);
        uint256 deadline = _exitListDeadline(listHash);
        if (deadline == 0) revert AccountingUnknownExitList(listHash);
        uint256 count = data.length / EXIT_ENTRY_LENGTH;
        if (index >= count) revert AccountingExitIndexOutOfRange(index, count);
        if (block.timestamp <= deadline) revert AccountingExitDeadlineNotPassed(deadline, block.timestamp);

        bytes calldata entry = data[index * EXIT_ENTRY_LENGTH:(index + 1) * EXIT_ENTRY_LENGTH];
        uint256 operatorId = uint24(bytes3(entry[0:3]));
        uint256 keyIndex = uint40(bytes5(entry[3:8]));
        uint256 target = uint32(bytes4(entry[8:12]));
        bytes calldata pubkey = entry[12:12 + PUBKEY_LENGTH];
        if (
            keySignature.length != SIGNATURE_LENGTH
                || registry.keyCommitment(operatorId, keyIndex) != keccak256(abi.encodePacked(pubkey, keySignature))
        ) revert AccountingExitKeyMismatch(operatorId, keyIndex);
        uint256 exited = registry.getOperator(operatorId).exitedKeys;
        if (exited >= target) revert AccountingExitAlreadyDone(operatorId, exited, target);

        ExitConfig memory terms = $.exits;
        uint256 last = _forcedAt(operatorId, keyIndex);
        // A request the beacon chain dropped (sent before the validator may exit) can be sent
        // again once the exit deadline has passed since the last one; the penalty is charged once.
        if (last != 0 && block.timestamp <= last + terms.exitDeadline) {
            revert AccountingExitAlreadyForced(operatorId, keyIndex, last, last + terms.exitDeadline);
        }
        $.forcedAt[keccak256(abi.encode(operatorId, keyIndex))] = block.timestamp;
        uint256 penalty = last == 0 ? terms.missedExitPenalty : 0;
        emit ValidatorForcedExit(operatorId, keyIndex, pubkey, penalty, msg.sender);
        // Trusted protocol contracts; the validator's attempt is recorded above, so it cannot
        // repeat within the deadline. The penalty is set aside for the next report to burn.
        if (penalty != 0) registry.chargeLoss(operatorId, penalty);
        // The vault pays the EIP-7002 fee, at most the penalty (the fee only grows when the
        // request queue is congested).
        IWithdrawalVault(address(withdrawalVault)).requestExit(pubkey, terms.missedExitPenalty);
    }

    // ================================================================ views

    /// @inheritdoc IAccounting
    function limits() external view returns (Limits memory) {
        AccountingStorage storage $ = _s();
        return Limits({
            treasuryFeeBps: $.config.treasuryFeeBps,
            maxAnnualClGrowthBps: $.config.maxAnnualClGrowthBps,
            maxLossBps: $.config.maxLossBps,
            maxRateIncreasePerReport: $.config.maxRateIncreasePerReport,
            maxCommissionBps: $.config.maxCommissionBps,
            exitDeadline: $.exits.exitDeadline,
            missedExitPenalty: $.exits.missedExitPenalty
        });
    }

    /// @inheritdoc IAccounting
    function treasury() external view returns (address) {
        return _s().exits.treasury;
    }

    /// @inheritdoc IAccounting
    function lastProcessedRefSlot() external view returns (uint256) {
        return _s().state.lastRefSlot;
    }

    /// @inheritdoc IAccounting
    function lastClValidators() external view returns (uint256) {
        return _s().state.clValidators;
    }

    /// @inheritdoc IAccounting
    function lastExitedValidators() external view returns (uint256) {
        return _s().state.exitedValidators;
    }

    /// @inheritdoc IAccounting
    function lastClBalance() external view returns (uint256) {
        return uint256(_s().state.clBalanceGwei) * 1 gwei;
    }

    /// @inheritdoc IAccounting
    function treasuryFeeShares() external view returns (uint256) {
        return _s().state.treasuryFeeShares;
    }

    /// @inheritdoc IAccounting
    function rewardsRoot() external view returns (bytes32) {
        return bytes32(uint256(_s().config.rewardsRoot) << ROOT_SHIFT);
    }

    /// @inheritdoc IAccounting
    function exitRequests() external view returns (bytes32 exitRequestsHash, uint256 deadline) {
        exitRequestsHash = _s().exitRequestsHash;
        deadline = _exitListDeadline(exitRequestsHash);
    }

    /// @inheritdoc IAccounting
    function exitListDeadline(bytes32 exitRequestsHash) external view returns (uint256) {
        return _exitListDeadline(exitRequestsHash);
    }

    /// @inheritdoc IAccounting
    function forcedAt(uint256 operatorId, uint256 keyIndex) external view returns (uint256) {
        return _forcedAt(operatorId, keyIndex);
    }

    /// @inheritdoc IAccounting
    function awaitingActivation() external view returns (bool) {
        return _s().state.awaitingImport;
    }

    /// @inheritdoc IAccounting
    function shareRate() external view returns (uint256) {
        return ReportMath.shareRate(token.totalAssets(), token.totalSupply());
    }

    // ================================================================ internal

    /// @dev The configuration slot as one word (decoded by the report; see submitReportData).
    function _configWord() private view returns (uint256 word) {
        ReportConfig storage config = _s().config;
        assembly ("memory-safe") {
            word := sload(config.slot)
        }
    }

    /// @dev Writes `root` (152 bits) into the configuration slot, read as `word` in this call,
    /// keeping the limits above it.
    function _storeRoot(uint256 word, uint256 root) private {
        ReportConfig storage config = _s().config;
        assembly ("memory-safe") {
            sstore(config.slot, or(and(word, not(sub(shl(152, 1), 1))), root))
        }
    }

    /// @dev The state slot in one store, with no read first: a report sets every field, and
    /// `awaitingImport` is false (a report before `activate` reverts).
    function _storeReportState(State memory st) private {
        State storage state = _s().state;
        // The fields of State from the lowest bits up (awaitingImport, bit 248, stays 0).
        uint256 word = uint256(st.lastRefSlot) | uint256(st.clValidators) << 40 | uint256(st.exitedValidators) << 64
            | uint256(st.clBalanceGwei) << 88 | uint256(st.treasuryFeeShares) << 152;
        assembly ("memory-safe") {
            sstore(state.slot, word)
        }
    }

    /// @dev This module's deadline for the list, else its predecessors' (their lists stay
    /// enforceable after a replacement); 0 if no report named it.
    function _exitListDeadline(bytes32 listHash) private view returns (uint256 deadline) {
        if (listHash == bytes32(0)) return 0;
        deadline = _s().exitListDeadline[listHash];
        if (deadline == 0 && address(previous) != address(0)) deadline = previous.exitListDeadline(listHash);
    }

    /// @dev This module's last forced exit of the validator, else its predecessors'.
    function _forcedAt(uint256 operatorId, uint256 keyIndex) private view returns (uint256 at) {
        at = _s().forcedAt[keccak256(abi.encode(operatorId, keyIndex))];
        if (at == 0 && address(previous) != address(0)) at = previous.forcedAt(operatorId, keyIndex);
    }

    /// @dev Validator counts only grow, never exceed deposits, and exits never exceed validators;
    /// the balance is whole gwei. Returns the wei deposited but not yet seen on the consensus layer.
    /// @dev The token's beacon assets are the last report's (balance + ETH in transit) plus 32 ETH
    /// per deposit since, so they exceed the last reported balance by 32 ETH per validator
    /// deposited and not seen at the last report; the validators seen since then leave the rest
    /// in transit. No registry call: the deposit count is implied by the token's figure.
    function _inTransit(Report calldata report, State memory st, uint256 preBeacon) private pure returns (uint256) {
        if (report.clBalance % 1 gwei != 0) revert AccountingClBalanceNotGwei(report.clBalance);
        if (report.clValidators < st.clValidators) {
            revert AccountingClValidatorsDecreased(report.clValidators, st.clValidators);
        }
        if (report.exitedValidators < st.exitedValidators || report.exitedValidators > report.clValidators) {
            revert AccountingInvalidExitedValidators(report.exitedValidators, st.exitedValidators, report.clValidators);
        }
        uint256 lastBalance;
        uint256 newValidators;
        // Unchecked: 64 bits of gwei times 1e9 fit 94 bits; clValidators >= st.clValidators, checked above.
        unchecked {
            lastBalance = uint256(st.clBalanceGwei) * 1 gwei;
            newValidators = report.clValidators - st.clValidators;
        }
        // Cannot underflow: the beacon assets include the last reported balance (rebase sets them
        // to it plus the ETH in transit, and deposits only add).
        uint256 pending = preBeacon - lastBalance;
        uint256 seen = newValidators * DEPOSIT_SIZE;
        if (seen > pending) {
            revert AccountingClValidatorsExceedDeposits(report.clValidators, st.clValidators + pending / DEPOSIT_SIZE);
        }
        // Unchecked: seen <= pending, checked above.
        unchecked {
            return pending - seen;
        }
    }

    /// @dev Vault amounts within balances; beacon growth, counting the operators' losses, within
    /// the annual rate; a large fall or large losses only with every member; commission within the
    /// cap on net rewards. Sets the EL rewards available and the losses' sum.
    function _checkBalances(
        Report calldata report,
        State memory st,
        ReportConfig memory lim,
        Outcome memory o,
        uint256 support
    ) private view {
        _vaultAmounts(report, o);
        uint256 clAfter = o.postBeacon + report.withdrawalVaultAmount;
        // The operators' losses happened on the beacon chain too: with them added back, the
        // balance may grow no faster than the annual limit. A loss that no fall (or rewards
        // elsewhere) accounts for is refused.
        uint256 clGross = clAfter + o.lossTotal;
        if (clGross > o.preBeacon) {
            uint256 growth;
            uint256 slots;
            // Unchecked: clGross > preBeacon, checked above; the report's slot is past the last one
            // (submitReportData refuses any other).
            unchecked {
                growth = clGross - o.preBeacon;
                slots = report.refSlot - st.lastRefSlot;
            }
            uint256 limit = ReportMath.clGrowthLimit(o.preBeacon, lim.maxAnnualClGrowthBps, slots * SECONDS_PER_SLOT);
            if (growth > limit) revert AccountingClGrowthTooHigh(growth, limit);
        }
        uint256 total = clAfter + o.elPull;
        if (total < o.preBeacon || o.lossTotal != 0) {
            uint256 fall;
            // Unchecked: only when total < preBeacon.
            unchecked {
                fall = total < o.preBeacon ? o.preBeacon - total : 0;
            }
            if (o.lossTotal > fall) fall = o.lossTotal;
            uint256 bound = ReportMath.lossBound(o.preBeacon, lim.maxLossBps);
            if (fall > bound) {
                (,,, uint256 members,) = consensus.getConsensusReport();
                if (support != members) revert AccountingLossNeedsUnanimity(fall, bound, support, members);
            }
        }
        if (report.operatorCommission != 0) {
            uint256 net;
            // Net rewards: a reported loss never raises the cap. Unchecked: only when total > preBeacon.
            unchecked {
                net = total > o.preBeacon ? total - o.preBeacon : 0;
            }
            uint256 maxCommission = net * lim.maxCommissionBps / ReportMath.BPS;
            if (report.operatorCommission > maxCommission) {
                revert AccountingCommissionTooHigh(report.operatorCommission, maxCommission);
            }
        }
    }

    /// @dev Withdrawals and EL rewards share the vault. Withdrawals must be there in full; EL rewards
    /// are cut to what is left (a forced exit may have paid its fee from the vault since the
    /// reference slot): the rest counts in a later report, like held-back EL rewards. Also sums
    /// the operators' losses.
    function _vaultAmounts(Report calldata report, Outcome memory o) private view {
        uint256 vaultBalance = address(withdrawalVault).balance;
        uint256 withdrawals = report.withdrawalVaultAmount;
        if (withdrawals > vaultBalance) {
            revert AccountingVaultAmountTooHigh(address(withdrawalVault), withdrawals, vaultBalance);
        }
        // Unchecked: withdrawals <= vaultBalance, checked above.
        unchecked {
            uint256 left = vaultBalance - withdrawals;
            o.elPull = report.elRewardsVaultAmount < left ? report.elRewardsVaultAmount : left;
        }
        OperatorChange[] calldata changes = report.operatorChanges;
        for (uint256 i; i < changes.length; ++i) {
            o.lossTotal += changes[i].loss;
        }
    }

    /// @dev Exits and losses of the operators listed (only those with changes).
    function _applyOperatorChanges(OperatorChange[] calldata changes, uint256 assets, uint256 shares) private {
        uint256 previousId;
        for (uint256 i; i < changes.length; ++i) {
            OperatorChange calldata c = changes[i];
            if (i != 0 && c.operatorId <= previousId) revert AccountingOperatorChangesUnsorted(c.operatorId, previousId);
            previousId = c.operatorId;
            registry.applyReport(c.operatorId, c.exitedValidators, c.withdrawnValidators, c.loss, assets, shares);
        }
    }

    /// @dev Shares set aside to burn that this report burns: as many as keep the holder rate's rise
    /// within the per-report limit after the beacon-chain part of the report (which cannot be held
    /// back); EL rewards then get what room is left. The rest waits for later reports.
    function _deferredBurn(Report calldata report, ReportConfig memory lim, Outcome memory o) private pure {
        // Signed: every amount here is below 2^128 (the token stores assets in 88 bits).
        int256 clDelta = int256(o.postBeacon + report.withdrawalVaultAmount) - int256(o.preBeacon);
        uint256 assets = clDelta >= 0
            ? o.assetsBefore + uint256(clDelta) - uint256(clDelta) * lim.treasuryFeeBps / ReportMath.BPS
            : o.assetsBefore - uint256(-clDelta);
        uint256 burn;
        // A fall of the beacon side with a commission to pay: the EL rewards must then cover the
        // fees, and a burn filling the rate room would leave them none (the report would revert as
        // a commission above its rewards). The shares wait for a later report.
        if (clDelta >= 0 || report.operatorCommission == 0) {
            burn = ReportMath.maxBurn(assets, o.assetsBefore, o.sharesBefore, o.sharesNow, lim.maxRateIncreasePerReport);
            if (burn > o.burnShares) burn = o.burnShares;
        }
        o.burnShares = burn;
        o.sharesNow -= burn;
    }

    /// @dev Held-back vault ETH, rewards or loss, fees and the resulting share rate.
    function _computeOutcome(Report calldata report, ReportConfig memory lim, Outcome memory o) private pure {
        uint256 commission = report.operatorCommission;
        // EL rewards that keep the holder rate rise within the limit; the rest waits in the vault.
        // The withdrawal vault is always emptied: it holds principal and skimmed CL rewards, whose
        // growth the annual limit already bounds (and counting them later would count them twice).
        uint256 maxD = ReportMath.maxRewards(
            o.assetsBefore, o.sharesBefore, o.sharesNow, lim.maxRateIncreasePerReport, commission, lim.treasuryFeeBps
        );
        o.wvPull = report.withdrawalVaultAmount;
        uint256 clAfter;
        // Unchecked: _checkBalances computed the same sum (its clAfter) without overflow.
        unchecked {
            clAfter = o.postBeacon + o.wvPull;
        }
        // Signed: the beacon part cannot be held back. The int256 casts are safe: every amount here
        // is a wei amount below 2^128 (the token stores assets in 88 bits), far inside int256.
        int256 clDelta = int256(clAfter) - int256(o.preBeacon);
        uint256 room = clDelta >= int256(maxD) ? 0 : uint256(int256(maxD) - clDelta);
        if (o.elPull > room) o.elPull = room;
        int256 beaconDelta = int256(o.postBeacon) - int256(o.preBeacon);

        uint256 pulled;
        uint256 assetsAfter;
        // Unchecked: both pulls come out of the vault's balance (_vaultAmounts), so their sum is at
        // most it; the token's assets are its buffer plus its beacon assets (preBeacon), and the
        // buffer plus vault ether is an ether balance, far below 2^256.
        unchecked {
            pulled = o.wvPull + o.elPull;
            assetsAfter = o.assetsBefore - o.preBeacon + pulled;
        }
        int256 delta = beaconDelta + int256(pulled);
        assetsAfter += o.postBeacon;
        uint256 sharesAfter = o.sharesNow;
        if (delta > 0) {
            o.rewards = uint256(delta);
            o.treasuryFee = o.rewards * lim.treasuryFeeBps / ReportMath.BPS;
            uint256 fees = o.treasuryFee + commission;
            if (fees > o.rewards) revert AccountingCommissionTooHigh(commission, o.rewards - o.treasuryFee);
            uint256 feeShares = ReportMath.feeShares(fees, assetsAfter, sharesAfter);
            o.treasuryShares = fees == 0 ? 0 : feeShares * o.treasuryFee / fees;
            // Unchecked: treasuryShares <= feeShares, as treasuryFee <= fees.
            unchecked {
                o.commissionShares = feeShares - o.treasuryShares;
            }
            sharesAfter += feeShares;
        } else {
            if (commission != 0) revert AccountingCommissionTooHigh(commission, 0);
            o.loss = uint256(-delta);
        }
        o.shareRate = ReportMath.shareRate(assetsAfter, sharesAfter);
    }
}
