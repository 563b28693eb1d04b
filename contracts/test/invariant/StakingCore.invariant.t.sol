// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {IDepositSecurity} from "../../src/interfaces/IDepositSecurity.sol";
import {IOperatorRegistry} from "../../src/interfaces/IOperatorRegistry.sol";

/// @notice Drives random sequences of stakes, WETH deposits, transfers, operator actions and
/// guardian-signed deposits, keeping ghost totals for the invariants.
contract StakingCoreHandler is ProtocolFixture {
    uint256 internal constant ACTORS = 4;
    address[] public holders;
    uint256[] public operatorIds;
    mapping(uint256 => bytes) internal opPubkeys;
    mapping(uint256 => bytes) internal opSigs;

    /// @dev ETH that entered the protocol: seed + stakes + WETH deposits + bonds posted.
    uint256 public ghostEthIn;
    /// @dev Deposits made with a fresh guardian quorum signature.
    uint256 public ghostSignedDeposits;
    uint256 public ghostValidators;
    /// @dev Set if a deposit ever went through with a replayed, stale or short signature set.
    bool public ghostUnsignedDepositSucceeded;
    uint256 internal operatorSalt;
    bool internal initialized;

    constructor() {
        setUp();
    }

    function setUp() public override {
        if (initialized) return;
        initialized = true;
        super.setUp();
        ghostEthIn = SEED;
        holders.push(DEAD);
        holders.push(address(registry));
        for (uint256 i; i < ACTORS; ++i) {
            holders.push(makeAddr(string(abi.encodePacked("actor", i))));
        }
    }

    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;

    function tokenAddress() external view returns (address) {
        return address(token);
    }

    function depositContractAddress() external view returns (address) {
        return address(depositContract);
    }

    function depositNonceNow() external view returns (uint256) {
        return depositSecurity.depositNonce();
    }

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return holders[2 + seed % ACTORS];
    }

    // ---------------------------------------------------------------- actions

    function stake(uint256 actorSeed, uint256 amount) external {
        address actor = _actor(actorSeed);
        amount = bound(amount, 1 gwei, 200 ether);
        vm.deal(actor, actor.balance + amount);
        vm.prank(actor);
        try token.stake{value: amount}(actor) {
            ghostEthIn += amount;
        } catch {}
    }

    function depositWeth(uint256 actorSeed, uint256 amount) external {
        address actor = _actor(actorSeed);
        amount = bound(amount, 1 gwei, 200 ether);
        vm.deal(actor, actor.balance + amount);
        vm.startPrank(actor);
        weth.deposit{value: amount}();
        weth.approve(address(token), amount);
        try token.deposit(amount, actor) {
            ghostEthIn += amount;
        } catch {
            weth.withdraw(amount);
        }
        vm.stopPrank();
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        vm.prank(from);
        token.transfer(to, amount);
    }

    function addOperator(uint256 actorSeed, uint256 count) external {
        if (operatorIds.length >= 6) return;
        address manager = _actor(actorSeed);
        count = bound(count, 1, 4);
        uint256 before = address(token).balance + address(depositContract).balance;
        (uint256 id, bytes memory pubkeys, bytes memory sigs) = _operatorWithKeys(manager, ++operatorSalt, count);
        ghostEthIn += address(token).balance + address(depositContract).balance - before;
        operatorIds.push(id);
        opPubkeys[id] = pubkeys;
        opSigs[id] = sigs;
    }

    function removeKey(uint256 opSeed) external {
        if (operatorIds.length == 0) return;
        uint256 id = operatorIds[opSeed % operatorIds.length];
        IOperatorRegistry.Operator memory o = registry.getOperator(id);
        if (o.totalKeys == o.depositedKeys) return;
        vm.prank(o.manager);
        registry.removeKeys(id, 1);
    }

    function withdrawBond(uint256 opSeed, uint256 shares) external {
        if (operatorIds.length == 0) return;
        uint256 id = operatorIds[opSeed % operatorIds.length];
        IOperatorRegistry.Operator memory o = registry.getOperator(id);
        shares = bound(shares, 1, o.bondShares);
        vm.prank(o.manager);
        try registry.withdrawBond(id, shares, o.manager) {} catch {}
    }

    function depositValidators(uint256 opSeed, uint256 count, uint256 attack) external {
        if (operatorIds.length == 0) return;
        uint256 id = operatorIds[opSeed % operatorIds.length];
        IOperatorRegistry.Operator memory o = registry.getOperator(id);
        uint256 available = o.vettedKeys - o.depositedKeys;
        if (available == 0) return;
        count = bound(count, 1, available);
        if (token.bufferedEther() < count * 32 ether) return;
        (bytes memory pk, bytes memory sg) = _slice(id, o.depositedKeys, count);
        IDepositSecurity.DepositBatch memory batch = _batch(id, count, pk, sg);
        bytes[] memory good = _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM);

        // Attempts that must fail: a short signature set, and a stale nonce.
        attack = attack % 3;
        if (attack == 1) {
            try depositSecurity.deposit(batch, _quorumSigs(_batchDigest(batch), GUARDIAN_QUORUM - 1)) {
                ghostUnsignedDepositSucceeded = true;
            } catch {}
        }
        depositSecurity.deposit(batch, good);
        ghostSignedDeposits += 1;
        ghostValidators += count;
        if (attack == 2) {
            try depositSecurity.deposit(batch, good) {
                ghostUnsignedDepositSucceeded = true;
            } catch {}
        }
    }

    function _slice(uint256 id, uint256 from, uint256 count) internal view returns (bytes memory pk, bytes memory sg) {
        bytes storage pks = opPubkeys[id];
        bytes storage sgs = opSigs[id];
        pk = new bytes(48 * count);
        sg = new bytes(96 * count);
        for (uint256 i; i < pk.length; ++i) {
            pk[i] = pks[from * 48 + i];
        }
        for (uint256 i; i < sg.length; ++i) {
            sg[i] = sgs[from * 96 + i];
        }
    }
}

contract StakingCoreInvariantTest is Test {
    StakingCoreHandler internal handler;

    function setUp() public {
        handler = new StakingCoreHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function invariant_sumOfBalancesEqualsTotalSupply() public view {
        uint256 sum;
        for (uint256 i; i < handler.holderCount(); ++i) {
            sum += _token().balanceOf(handler.holders(i));
        }
        assertEq(sum, _token().totalSupply(), "sum of balances == total supply");
    }

    function invariant_ethHeldPlusDepositedEqualsEthIn() public view {
        uint256 held = address(_token()).balance + address(_depositContract()).balance;
        assertEq(held, handler.ghostEthIn(), "ETH held + deposited == ETH staked + bonds posted");
        assertEq(address(_depositContract()).balance, handler.ghostValidators() * 32 ether, "32 ETH per validator");
        assertEq(_token().beaconAssets(), handler.ghostValidators() * 32 ether, "beacon assets track deposits");
    }

    function invariant_noDepositWithoutFreshQuorum() public view {
        assertFalse(handler.ghostUnsignedDepositSucceeded(), "no deposit with a short or replayed signature set");
        assertEq(handler.depositNonceNow(), handler.ghostSignedDeposits(), "one fresh nonce per signed deposit");
    }

    function invariant_rateNeverBelowOneWithoutLosses() public view {
        assertGe(_token().totalAssets(), _token().totalSupply(), "rounding only ever favours the pool");
    }

    function _token() internal view returns (TokenView) {
        return TokenView(handler.tokenAddress());
    }

    function _depositContract() internal view returns (address) {
        return handler.depositContractAddress();
    }
}

interface TokenView {
    function balanceOf(address) external view returns (uint256);
    function totalSupply() external view returns (uint256);
    function totalAssets() external view returns (uint256);
    function beaconAssets() external view returns (uint256);
}
