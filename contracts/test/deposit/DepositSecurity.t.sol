// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

contract DepositSecurityTest is ProtocolFixture {
    address internal op;
    address internal staker;
    uint256 internal opId;
    bytes internal pubkeys;
    bytes internal sigs;

    function setUp() public override {
        super.setUp();
        op = makeAddr("operator");
        staker = makeAddr("staker");
        vm.deal(staker, 10_000 ether);
        (opId, pubkeys, sigs) = _operatorWithKeys(op, 11, 4);
    }

    function _stake(uint256 amount) internal {
        vm.prank(staker);
        token.stake{value: amount}(staker);
    }

    function _firstKeys(uint256 n) internal view returns (bytes memory pk, bytes memory sg) {
        pk = new bytes(48 * n);
        sg = new bytes(96 * n);
        for (uint256 i; i < pk.length; ++i) {
            pk[i] = pubkeys[i];
        }
        for (uint256 i; i < sg.length; ++i) {
            sg[i] = sigs[i];
        }
    }

    function test_depositMovesBufferIntoDepositContract() public {
        _stake(64 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(2);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 2, pk, sg);
        uint256 assetsBefore = token.totalAssets();
        uint256 bufferBefore = token.bufferedEther();
        depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM));
        assertEq(address(depositContract).balance, 64 ether, "64 ETH in the deposit contract");
        assertEq(token.bufferedEther(), bufferBefore - 64 ether, "buffer drained by 64");
        assertEq(token.beaconAssets(), 64 ether, "beacon assets up by 64");
        assertEq(token.totalAssets(), assetsBefore, "total assets unchanged by a deposit");
        assertEq(registry.getOperator(opId).depositedKeys, 2, "two keys used");
        assertEq(depositSecurity.depositNonce(), 1, "nonce consumed");
        assertEq(keccak256(depositContract.get_deposit_count()), keccak256(hex"0200000000000000"), "two deposits");
    }

    /// @dev A deposit for the same pubkey made by someone else after the guardians signed (a
    /// front-run with other withdrawal credentials) changes the root: the protocol deposit reverts.
    function test_frontRunDepositMakesProtocolDepositRevert() public {
        _stake(32 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);

        // The operator front-runs with 1 ETH for its own pubkey and credentials it controls.
        bytes32 evilCredentials = bytes32(uint256(0x01) << 248 | uint256(uint160(op)));
        bytes32 evilRoot = _depositDataRoot(pk, evilCredentials, sg, 1 ether);
        vm.deal(op, 1 ether);
        vm.prank(op);
        depositContract.deposit{value: 1 ether}(pk, abi.encodePacked(evilCredentials), sg, evilRoot);

        bytes32 currentRoot = depositContract.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(
                IDepositSecurity.DepositSecurityDepositRootChanged.selector, batch.depositRoot, currentRoot
            )
        );
        depositSecurity.deposit(batch, guardianSigs);
        assertEq(token.bufferedEther(), SEED + 32 ether + _bonds(), "the stakers' ETH stays in the buffer");
    }

    function _depositDataRoot(bytes memory pk, bytes32 wc, bytes memory sg, uint256 amount) internal pure returns (bytes32) {
        bytes memory sigA = new bytes(64);
        bytes memory sigB = new bytes(32);
        for (uint256 i; i < 64; ++i) {
            sigA[i] = sg[i];
        }
        for (uint256 i; i < 32; ++i) {
            sigB[i] = sg[64 + i];
        }
        uint64 gwei_ = uint64(amount / 1 gwei);
        bytes8 le;
        for (uint256 i; i < 8; ++i) {
            le |= bytes8(bytes1(uint8(gwei_ >> (8 * i)))) >> (8 * i);
        }
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pk, bytes16(0)));
        bytes32 signatureRoot = sha256(abi.encodePacked(sha256(sigA), sha256(abi.encodePacked(sigB, bytes32(0)))));
        return sha256(
            abi.encodePacked(sha256(abi.encodePacked(pubkeyRoot, wc)), sha256(abi.encodePacked(le, bytes24(0), signatureRoot)))
        );
    }

    function test_replayedSignatureReverts() public {
        _stake(64 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        depositSecurity.deposit(batch, guardianSigs);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityStaleNonce.selector, 0, 1));
        depositSecurity.deposit(batch, guardianSigs);
    }

    function test_staleRootSignatureReverts() public {
        _stake(64 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        batch.depositRoot = bytes32(uint256(1));
        bytes[] memory signed1 = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        bytes32 currentRoot = depositContract.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.DepositSecurityDepositRootChanged.selector, bytes32(uint256(1)), currentRoot)
        );
        depositSecurity.deposit(batch, signed1);
    }

    function test_signaturesForOtherAllocationRejected() public {
        _stake(64 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(2);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        batch.counts[0] = 2; // the caller tries to deposit more than the guardians approved
        vm.expectRevert(); // recovers a different signer, which is not a guardian
        depositSecurity.deposit(batch, guardianSigs);
    }

    function test_quorumAndSignerChecks() public {
        _stake(32 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes32 digest = _batchDigest(batch);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityNoQuorum.selector, 1, 2));
        depositSecurity.deposit(batch, _quorumSigs(digest, 1));
        bytes[] memory sigsTwice = new bytes[](2);
        sigsTwice[0] = _sign(guardianKeys[0], digest);
        sigsTwice[1] = sigsTwice[0];
        vm.expectRevert(
            abi.encodeWithSelector(IDepositSecurity.DepositSecurityUnsortedSigners.selector, guardians[0], guardians[0])
        );
        depositSecurity.deposit(batch, sigsTwice);
        bytes[] memory outsider = _quorumSigs(digest, 2);
        outsider[1] = _sign(0xBAD, digest);
        if (vm.addr(0xBAD) > vm.addr(guardianKeys[0])) {
            vm.expectRevert();
            depositSecurity.deposit(batch, outsider);
        }
    }

    function test_depositBeyondBufferReverts() public {
        _stake(10 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory signed1 = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHBufferExceeded.selector, 32 ether, SEED + 10 ether + _bonds()));
        depositSecurity.deposit(batch, signed1);
    }

    function _bonds() internal view returns (uint256) {
        return registry.bondPerValidator() * 4 + 1 ether;
    }

    function test_unvettedOrMismatchedKeysRevert() public {
        _stake(96 ether);
        // Keys beyond the vetted count.
        uint256 id2;
        address op2 = makeAddr("operator2");
        (bytes memory pk2, bytes memory sg2) = _keys(99, 1);
        vm.deal(op2, 10 ether);
        vm.startPrank(op2);
        id2 = registry.registerOperator(op2, 0);
        registry.addKeys{value: 5 ether}(id2, pk2, sg2);
        vm.stopPrank();
        IDepositSecurity.DepositBatch memory batch = _batch(id2, 1, pk2, sg2);
        bytes[] memory signed1 = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryNotEnoughVettedKeys.selector, id2, 1, 0));
        depositSecurity.deposit(batch, signed1);
        // A vetted operator's keys, but not the ones it committed to.
        (bytes memory wrongPk, bytes memory wrongSg) = _keys(1234, 1);
        batch = _batch(opId, 1, wrongPk, wrongSg);
        bytes[] memory signed2 = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryKeyMismatch.selector, opId, 0));
        depositSecurity.deposit(batch, signed2);
    }

    function test_vettingSignatureCannotBeReplayedAfterKeyChange() public {
        IOperatorRegistry.Operator memory o = registry.getOperator(opId);
        bytes32 digest = depositSecurity.vetDigest(opId, 2, o.keysNonce);
        bytes[] memory vetSigs = _quorumSigs(digest, GUARDIAN_QUORUM);
        vm.prank(op);
        registry.removeKeys(opId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryStaleKeysNonce.selector, opId, o.keysNonce, o.keysNonce + 1)
        );
        depositSecurity.vetKeys(opId, 2, o.keysNonce, vetSigs);
    }

    /// @dev Guardians vet keys, then lower the vetted count (a key found bad). Their first
    /// signature, public since it was submitted, must not restore the keys they unvetted.
    function test_vettingSignatureCannotRestoreUnvettedKeys() public {
        uint256 n = registry.getOperator(opId).keysNonce;
        bytes[] memory vetAll = _quorumSigs(depositSecurity.vetDigest(opId, 4, n), GUARDIAN_QUORUM);
        depositSecurity.vetKeys(opId, 4, n, vetAll);
        assertEq(registry.getOperator(opId).vettedKeys, 4, "all keys vetted");

        uint256 afterVet = registry.getOperator(opId).keysNonce;
        depositSecurity.vetKeys(opId, 2, afterVet, _quorumSigs(depositSecurity.vetDigest(opId, 2, afterVet), GUARDIAN_QUORUM));
        assertEq(registry.getOperator(opId).vettedKeys, 2, "two keys unvetted");

        uint256 current = registry.getOperator(opId).keysNonce;
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryStaleKeysNonce.selector, opId, n, current));
        depositSecurity.vetKeys(opId, 4, n, vetAll);
        assertEq(registry.getOperator(opId).vettedKeys, 2, "the replay restored nothing");
    }

    /// @dev Each vetting uses its nonce up: any other signature made for the same nonce (here,
    /// one the guardians made first and then replaced) is dead once one is submitted.
    function testFuzz_aVettingSignatureWorksOnce(uint256 first, uint256 second) public {
        first = bound(first, 0, 4);
        second = bound(second, 0, 4);
        uint256 n = registry.getOperator(opId).keysNonce;
        bytes[] memory sigFirst = _quorumSigs(depositSecurity.vetDigest(opId, first, n), GUARDIAN_QUORUM);
        bytes[] memory sigSecond = _quorumSigs(depositSecurity.vetDigest(opId, second, n), GUARDIAN_QUORUM);
        depositSecurity.vetKeys(opId, second, n, sigSecond);
        assertEq(registry.getOperator(opId).keysNonce, n + 1, "the vetting advanced the nonce");
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryStaleKeysNonce.selector, opId, n, n + 1));
        depositSecurity.vetKeys(opId, first, n, sigFirst);
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.OperatorRegistryStaleKeysNonce.selector, opId, n, n + 1));
        depositSecurity.vetKeys(opId, second, n, sigSecond);
        assertEq(registry.getOperator(opId).vettedKeys, second, "the submitted vetting holds");
    }

    function test_operatorShareCap() public {
        vm.prank(governance);
        depositSecurity.setMaxOperatorShare(5_000);
        address op2 = makeAddr("operator2");
        (uint256 id2, bytes memory pk2, bytes memory sg2) = _operatorWithKeys(op2, 22, 2);
        _stake(96 ether);
        // One validator for operator 1 alone would be 100% of the set: above 50%.
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory signed1 = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityOperatorShareExceeded.selector, opId, 1, 1, 5_000));
        depositSecurity.deposit(batch, signed1);
        // One each: 50% each, allowed.
        uint256[] memory ids = new uint256[](2);
        ids[0] = opId;
        ids[1] = id2;
        uint256[] memory counts = new uint256[](2);
        counts[0] = 1;
        counts[1] = 1;
        bytes memory pk2first = new bytes(48);
        bytes memory sg2first = new bytes(96);
        for (uint256 i; i < 48; ++i) {
            pk2first[i] = pk2[i];
        }
        for (uint256 i; i < 96; ++i) {
            sg2first[i] = sg2[i];
        }
        batch = IDepositSecurity.DepositBatch({
            depositRoot: depositContract.get_deposit_root(),
            nonce: depositSecurity.depositNonce(),
            operatorIds: ids,
            counts: counts,
            pubkeys: bytes.concat(pk, pk2first),
            keySignatures: bytes.concat(sg, sg2first)
        });
        depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM));
        assertEq(registry.totalActiveValidators(), 2, "two validators, one per operator");
    }

    function test_pauseByCommitteeResumeByGovernanceOnly() public {
        vm.prank(committee);
        depositSecurity.pauseDeposits();
        _stake(32 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(IDepositSecurity.DepositSecurityDepositsPaused.selector);
        depositSecurity.deposit(batch, guardianSigs);
        bytes32 admin = depositSecurity.DEFAULT_ADMIN_ROLE();
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, committee, admin));
        depositSecurity.resumeDeposits();
        vm.prank(governance);
        depositSecurity.resumeDeposits();
        depositSecurity.deposit(batch, guardianSigs);
        assertEq(depositSecurity.depositNonce(), 1, "deposit after resume");
    }

    /// @dev Governance replaces trETH's emergency committee: the new committee pauses deposits
    /// too, and the old one no longer can, with no second call to the deposit module.
    function test_pauserFollowsTheTokensEmergencyCommittee() public {
        address newCommittee = makeAddr("new emergency committee");
        vm.prank(governance);
        token.setEmergencyCommittee(newCommittee);
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityNotPauser.selector, committee));
        depositSecurity.pauseDeposits();
        assertFalse(depositSecurity.depositsPaused(), "the old committee paused nothing");
        vm.prank(newCommittee);
        depositSecurity.pauseDeposits();
        assertTrue(depositSecurity.depositsPaused(), "paused by the new committee");
        _assertDepositsPaused();
    }

    /// @dev Any single guardian pauses deposits (one that sees an attack need not wait for a
    /// quorum); only governance resumes them.
    function test_anyGuardianPausesOnlyGovernanceResumes() public {
        vm.prank(guardians[2]);
        depositSecurity.pauseDeposits();
        assertTrue(depositSecurity.depositsPaused(), "paused by one guardian");
        _assertDepositsPaused();
        bytes32 admin = depositSecurity.DEFAULT_ADMIN_ROLE();
        vm.prank(guardians[2]);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, guardians[2], admin));
        depositSecurity.resumeDeposits();
        vm.prank(committee);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, committee, admin));
        depositSecurity.resumeDeposits();
        vm.prank(governance);
        depositSecurity.resumeDeposits();
        assertFalse(depositSecurity.depositsPaused(), "resumed by governance");
        _stake(32 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM));
        assertEq(depositSecurity.depositNonce(), 1, "deposits resumed");
    }

    function _assertDepositsPaused() internal {
        _stake(32 ether);
        (bytes memory pk, bytes memory sg) = _firstKeys(1);
        IDepositSecurity.DepositBatch memory batch = _batch(opId, 1, pk, sg);
        bytes[] memory guardianSigs = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);
        vm.expectRevert(IDepositSecurity.DepositSecurityDepositsPaused.selector);
        depositSecurity.deposit(batch, guardianSigs);
    }

    function test_governanceFunctionsRejectOthers() public {
        address stranger = makeAddr("stranger");
        bytes32 admin = depositSecurity.DEFAULT_ADMIN_ROLE();
        bytes memory err = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, admin);
        vm.startPrank(stranger);
        vm.expectRevert(err);
        depositSecurity.addGuardian(stranger);
        vm.expectRevert(err);
        depositSecurity.removeGuardian(guardians[0]);
        vm.expectRevert(err);
        depositSecurity.setQuorum(3);
        vm.expectRevert(err);
        depositSecurity.setMaxOperatorShare(1);
        vm.expectRevert(err);
        depositSecurity.upgradeToAndCall(address(1), "");
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityNotPauser.selector, stranger));
        depositSecurity.pauseDeposits();
        vm.stopPrank();
    }

    function test_quorumMustBeMajority() public {
        vm.startPrank(governance);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityInvalidQuorum.selector, 1, 3));
        depositSecurity.setQuorum(1);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityInvalidQuorum.selector, 4, 3));
        depositSecurity.setQuorum(4);
        vm.expectRevert(abi.encodeWithSelector(IDepositSecurity.DepositSecurityGuardianExists.selector, guardians[0]));
        depositSecurity.addGuardian(guardians[0]);
        vm.stopPrank();
    }

    function test_onlyTokenMaySendEther() public {
        vm.deal(staker, 1 ether);
        vm.prank(staker);
        (bool ok,) = address(depositSecurity).call{value: 1 ether}("");
        assertFalse(ok, "stray ETH refused");
    }
}
