// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "./Test.sol";
import {DepositSecurity} from "../../src/deposit/DepositSecurity.sol";
import {WETH9} from "../../src/external/WETH9.sol";
import {IDepositContract} from "../../src/interfaces/IDepositContract.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWETH} from "../../src/interfaces/IWETH.sol";
import {OperatorRegistry} from "../../src/operators/OperatorRegistry.sol";
import {TributaryProxy} from "../../src/proxy/TributaryProxy.sol";
import {TrETH} from "../../src/token/TrETH.sol";
import {EtherVault} from "../../src/vaults/EtherVault.sol";
import {WithdrawalVault} from "../../src/vaults/WithdrawalVault.sol";
import {WithdrawalQueue} from "../../src/withdrawals/WithdrawalQueue.sol";

/// @notice Deploys the staking core as the deploy script does, with test roles and guardian keys.
abstract contract ProtocolFixture is Test {
    uint256 internal constant SEED = 0.001 ether;
    uint256 internal constant DAILY_CAP = 150_000 ether;
    uint256 internal constant GUARDIAN_QUORUM = 2;

    address internal governance;
    address internal committee;
    uint256[3] internal guardianKeys = [uint256(0xA11CE), uint256(0xB0B), uint256(0xCA7)];
    address[] internal guardians;

    IDepositContract internal depositContract;
    WETH9 internal weth;
    TrETH internal token;
    OperatorRegistry internal registry;
    DepositSecurity internal depositSecurity;
    WithdrawalVault internal withdrawalVault;
    WithdrawalQueue internal withdrawalQueue;

    function setUp() public virtual {
        governance = makeAddr("governance");
        committee = makeAddr("emergency committee");
        for (uint256 i; i < guardianKeys.length; ++i) {
            guardians.push(vm.addr(guardianKeys[i]));
        }
        bytes memory code = vm.getCode("DepositContract.sol:DepositContract");
        address dc;
        assembly {
            dc := create(0, add(code, 0x20), mload(code))
        }
        depositContract = IDepositContract(dc);
        weth = new WETH9();

        // The vault pays into the token, deployed right after it (two contracts: implementation, proxy).
        address predictedToken = _predict(vm.getNonce(address(this)) + 2);
        withdrawalVault = WithdrawalVault(
            payable(_proxy(address(new WithdrawalVault(ITrETH(predictedToken))), abi.encodeCall(EtherVault.initialize, (governance))))
        );

        vm.deal(address(this), address(this).balance + SEED);
        // The token is immutable and wired at construction: predict the deposit module's address.
        uint256 nonce = vm.getNonce(address(this));
        address predictedDepositSecurity = _predict(nonce + 4);
        address predictedWithdrawalQueue = _predict(nonce + 5);
        token = new TrETH{value: SEED}(
            IWETH(address(weth)),
            governance,
            committee,
            ITrETH.Modules({
                depositor: predictedDepositSecurity,
                accounting: address(0),
                withdrawalQueue: predictedWithdrawalQueue
            }),
            DAILY_CAP
        );
        assertEq(address(token), predictedToken, "predicted token");
        OperatorRegistry registryImpl = new OperatorRegistry(token);
        registry = OperatorRegistry(
            _proxy(
                address(registryImpl),
                abi.encodeCall(OperatorRegistry.initialize, (governance, address(withdrawalVault), predictedDepositSecurity))
            )
        );
        DepositSecurity dsImpl = new DepositSecurity(token, registry, depositContract);
        depositSecurity = DepositSecurity(
            payable(
                _proxy(
                    address(dsImpl),
                    abi.encodeCall(DepositSecurity.initialize, (governance, guardians, GUARDIAN_QUORUM, 10_000))
                )
            )
        );
        assertEq(address(depositSecurity), predictedDepositSecurity, "predicted deposit module");
        withdrawalQueue = new WithdrawalQueue(token, IWETH(address(weth)));
        assertEq(address(withdrawalQueue), predictedWithdrawalQueue, "predicted withdrawal queue");
    }

    function _proxy(address implementation, bytes memory data) internal returns (address) {
        return address(new TributaryProxy(implementation, data));
    }

    /// @dev CREATE address of this contract at `nonce` (nonce < 0x80 is not assumed).
    function _predict(uint256 nonce) internal view returns (address) {
        bytes memory rlp;
        if (nonce == 0) rlp = abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(this), bytes1(0x80));
        else if (nonce < 0x80) rlp = abi.encodePacked(bytes1(0xd6), bytes1(0x94), address(this), uint8(nonce));
        else if (nonce <= 0xff) rlp = abi.encodePacked(bytes1(0xd7), bytes1(0x94), address(this), bytes1(0x81), uint8(nonce));
        else rlp = abi.encodePacked(bytes1(0xd8), bytes1(0x94), address(this), bytes1(0x82), uint16(nonce));
        return address(uint160(uint256(keccak256(rlp))));
    }

    // ---------------------------------------------------------------- keys and signatures

    /// @dev Deterministic fake validator key material (the deposit contract does not check BLS).
    function _keys(uint256 salt, uint256 count) internal pure returns (bytes memory pubkeys, bytes memory sigs) {
        for (uint256 i; i < count; ++i) {
            bytes32 h = keccak256(abi.encode("key", salt, i));
            pubkeys = bytes.concat(pubkeys, h, bytes16(keccak256(abi.encode(h))));
            sigs = bytes.concat(sigs, keccak256(abi.encode("sig", h, 0)), keccak256(abi.encode("sig", h, 1)), keccak256(abi.encode("sig", h, 2)));
        }
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signatures of the first `n` guardians over `digest`, sorted by signer address.
    function _quorumSigs(bytes32 digest, uint256 n) internal view returns (bytes[] memory sigs) {
        uint256[] memory keys = new uint256[](guardianKeys.length);
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = guardianKeys[i];
        }
        // Insertion sort by address: three keys.
        for (uint256 i = 1; i < keys.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); --j) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
            }
        }
        sigs = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            sigs[i] = _sign(keys[i], digest);
        }
    }

    function _vet(uint256 operatorId) internal {
        IOperatorRegistry.Operator memory op = registry.getOperator(operatorId);
        bytes32 digest = depositSecurity.vetDigest(operatorId, op.totalKeys, op.keysNonce);
        depositSecurity.vetKeys(operatorId, op.totalKeys, op.keysNonce, _quorumSigs(digest, GUARDIAN_QUORUM));
    }

    function _batch(uint256 operatorId, uint256 count, bytes memory pubkeys, bytes memory sigs)
        internal
        view
        returns (IDepositSecurity.DepositBatch memory batch)
    {
        uint256[] memory ids = new uint256[](1);
        ids[0] = operatorId;
        uint256[] memory counts = new uint256[](1);
        counts[0] = count;
        batch = IDepositSecurity.DepositBatch({
            depositRoot: depositContract.get_deposit_root(),
            nonce: depositSecurity.depositNonce(),
            operatorIds: ids,
            counts: counts,
            pubkeys: pubkeys,
            keySignatures: sigs
        });
    }

    function _batchDigest(IDepositSecurity.DepositBatch memory batch) internal view returns (bytes32) {
        return depositSecurity.depositDigest(batch.depositRoot, batch.nonce, keccak256(abi.encode(batch.operatorIds, batch.counts)));
    }

    /// @dev Registers a bonded operator with `count` vetted keys; returns its id and key material.
    function _operatorWithKeys(address manager, uint256 salt, uint256 count)
        internal
        returns (uint256 id, bytes memory pubkeys, bytes memory sigs)
    {
        (pubkeys, sigs) = _keys(salt, count);
        uint256 bond = registry.bondPerValidator() * count + 1 ether;
        vm.deal(manager, manager.balance + bond);
        vm.startPrank(manager);
        id = registry.registerOperator(manager, 5_00);
        registry.addKeys{value: bond}(id, pubkeys, sigs);
        vm.stopPrank();
        _vet(id);
    }
}
