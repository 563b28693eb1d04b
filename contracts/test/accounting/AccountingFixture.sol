// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Accounting} from "../../src/accounting/Accounting.sol";
import {RewardsDistributor} from "../../src/accounting/RewardsDistributor.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {IHashConsensus} from "../../src/interfaces/IHashConsensus.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {HashConsensus} from "../../src/oracle/HashConsensus.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";

/// @notice The staking core plus the oracle committee (3 members, quorum 2), the accounting
/// module and the rewards distributor, wired as the deploy script wires them.
abstract contract AccountingFixture is ProtocolFixture {
    /// @dev Mainnet chain shape: genesis 2020-12-01, 32 slots of 12 s, frames of 225 epochs (1 day).
    uint256 internal constant GENESIS_TIME = 1_606_824_023;
    uint256 internal constant SLOTS_PER_EPOCH = 32;
    uint256 internal constant SECONDS_PER_SLOT = 12;
    uint256 internal constant EPOCHS_PER_FRAME = 225;
    uint256 internal constant FRAME_SECONDS = EPOCHS_PER_FRAME * SLOTS_PER_EPOCH * SECONDS_PER_SLOT;
    /// @dev Frames start 1,000 epochs after genesis (~4.4 days).
    uint256 internal constant INITIAL_EPOCH = 1_000;
    uint256 internal constant MEMBERS = 3;

    HashConsensus internal consensus;
    Accounting internal accounting;
    RewardsDistributor internal distributor;
    address internal treasury;
    address[] internal members;

    function setUp() public virtual override {
        // Deployed a minute after genesis, days before the first frame; the first report's growth
        // limit is measured from here.
        vm.warp(GENESIS_TIME + 60);
        super.setUp();
        treasury = makeAddr("treasury");
        consensus = new HashConsensus(
            SLOTS_PER_EPOCH, SECONDS_PER_SLOT, GENESIS_TIME, EPOCHS_PER_FRAME, INITIAL_EPOCH, 1, governance
        );
        vm.startPrank(governance);
        consensus.grantRole(consensus.MANAGE_MEMBERS_ROLE(), governance);
        for (uint256 i; i < MEMBERS; ++i) {
            members.push(makeAddr(string(abi.encodePacked("member", bytes1(uint8(48 + i))))));
            consensus.addMember(members[i], (i + 1) / 2 + 1);
        }
        vm.stopPrank();

        uint256 nonce = vm.getNonce(address(this));
        address predictedAccounting = _predict(nonce);
        address predictedDistributor = _predict(nonce + 2);
        accounting = new Accounting(
            IAccounting.Wiring({
                token: token,
                consensus: consensus,
                registry: registry,
                withdrawalVault: payable(address(withdrawalVault)),
                rewardsDistributor: predictedDistributor,
                admin: governance,
                treasury: treasury,
                withdrawalQueue: address(withdrawalQueue)
            }),
            IAccounting(address(0))
        );
        RewardsDistributor distImpl = new RewardsDistributor(token);
        distributor = RewardsDistributor(_proxy(address(distImpl), abi.encodeCall(RewardsDistributor.initialize, (governance))));
        assertEq(address(accounting), predictedAccounting, "predicted accounting");
        assertEq(address(distributor), predictedDistributor, "predicted distributor");

        _install(accounting);
        vm.warp(GENESIS_TIME + INITIAL_EPOCH * SLOTS_PER_EPOCH * SECONDS_PER_SLOT + 60);
    }

    /// @dev Governance makes `module` the token's accounting module, gives it the registry's and
    /// the vault's accounting roles and activates a successor, as one timelock batch does.
    function _install(Accounting module) internal {
        vm.startPrank(governance);
        token.setModules(
            ITrETH.Modules({depositor: address(depositSecurity), accounting: address(module), withdrawalQueue: token.modules().withdrawalQueue})
        );
        withdrawalVault.grantRole(withdrawalVault.ACCOUNTING_ROLE(), address(module));
        registry.grantRole(registry.ACCOUNTING_ROLE(), address(module));
        if (module.awaitingActivation()) module.activate();
        vm.stopPrank();
        accounting = module;
    }

    /// @dev A successor of the current accounting module (it imports its state when activated)
    /// that finalizes in `queue`; not yet installed.
    function _successor(address queue) internal returns (Accounting) {
        return new Accounting(
            IAccounting.Wiring({
                token: token,
                consensus: consensus,
                registry: registry,
                withdrawalVault: payable(address(withdrawalVault)),
                rewardsDistributor: address(distributor),
                admin: governance,
                treasury: address(0), // imported
                withdrawalQueue: queue
            }),
            accounting
        );
    }

    // ---------------------------------------------------------------- staking and validators

    function _stake(address user, uint256 amount) internal returns (uint256 shares) {
        vm.deal(user, user.balance + amount);
        vm.prank(user);
        shares = token.stake{value: amount}(user);
    }

    /// @dev A bonded operator with `count` keys, all deposited (the buffer must hold 32 ETH each).
    function _operatorWithValidators(string memory name, uint256 salt, uint256 count) internal returns (uint256 id) {
        bytes memory pubkeys;
        bytes memory sigs;
        (id, pubkeys, sigs) = _operatorWithKeys(makeAddr(name), salt, count);
        if (token.bufferedEther() < count * 32 ether) _stake(makeAddr("filler"), count * 32 ether - token.bufferedEther());
        IDepositSecurity.DepositBatch memory batch = _batch(id, count, pubkeys, sigs);
        depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM));
    }

    // ---------------------------------------------------------------- frames and reports

    /// @dev Governance replaces the accounting module with one that finalizes in `queue` (the queue
    /// is fixed per module).
    function _useQueue(address queue) internal {
        _install(_successor(queue));
    }

    /// @dev Moves to a minute into the next frame and returns its reference slot.
    function _nextFrame() internal returns (uint256 refSlot) {
        (uint256 current,) = consensus.getCurrentFrame();
        // The frame after `current`'s frame starts one frame after the slot following `current`.
        uint256 nextStart = GENESIS_TIME + (current + 1) * SECONDS_PER_SLOT + FRAME_SECONDS;
        vm.warp(nextStart + 60);
        (refSlot,) = consensus.getCurrentFrame();
    }

    /// @dev A report for the current frame that changes nothing: same validators, balance as
    /// the token's beacon assets (no deposits in flight assumed), no vault pulls.
    function _baseReport() internal view returns (IAccounting.Report memory r) {
        (uint256 refSlot,) = consensus.getCurrentFrame();
        uint256 validators = registry.totalDepositedValidators();
        r.consensusVersion = 1;
        r.refSlot = refSlot;
        r.clValidators = validators;
        r.clBalance = token.beaconAssets();
        r.exitedValidators = accounting.lastExitedValidators();
    }

    function _vote(IAccounting.Report memory r, uint256 voters) internal returns (bytes32 h) {
        h = keccak256(abi.encode(r));
        for (uint256 i; i < voters; ++i) {
            vm.prank(members[i]);
            consensus.submitReport(r.refSlot, h, 1);
        }
    }

    /// @dev Quorum votes for the report, then anyone submits it.
    function _report(IAccounting.Report memory r) internal {
        _vote(r, 2);
        accounting.submitReportData(r);
    }

    function _changes1(uint256 id, uint256 exited, uint256 loss)
        internal
        pure
        returns (IAccounting.OperatorChange[] memory c)
    {
        return _changes1(id, exited, exited, loss);
    }

    function _changes1(uint256 id, uint256 exited, uint256 withdrawn, uint256 loss)
        internal
        pure
        returns (IAccounting.OperatorChange[] memory c)
    {
        c = new IAccounting.OperatorChange[](1);
        c[0] = IAccounting.OperatorChange({operatorId: id, exitedValidators: exited, withdrawnValidators: withdrawn, loss: loss});
    }

    /// @dev ETH per share, scaled 1e27.
    function _rate() internal view returns (uint256) {
        return accounting.shareRate();
    }
}
