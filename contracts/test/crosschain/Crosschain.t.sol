// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {BridgeApp} from "../../src/crosschain/BridgeApp.sol";
import {BridgedTrETH} from "../../src/crosschain/BridgedTrETH.sol";
import {GovernanceRelay} from "../../src/crosschain/GovernanceRelay.sol";
import {MessageBridge} from "../../src/crosschain/MessageBridge.sol";
import {RateReceiver} from "../../src/crosschain/RateReceiver.sol";
import {RateSender} from "../../src/crosschain/RateSender.sol";
import {RemoteDepositPool} from "../../src/crosschain/RemoteDepositPool.sol";
import {RemoteStakeReceiver} from "../../src/crosschain/RemoteStakeReceiver.sol";
import {TokenBridge} from "../../src/crosschain/TokenBridge.sol";
import {TrETHRateFeed} from "../../src/feeds/TrETHRateFeed.sol";
import {AggregatorV3Interface} from "../../src/interfaces/AggregatorV3Interface.sol";
import {IERC7802} from "../../src/interfaces/IERC7802.sol";
import {ITrETH} from "../../src/interfaces/ITrETH.sol";
import {IWETH} from "../../src/interfaces/IWETH.sol";
import {WETH9} from "../../src/external/WETH9.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @dev A feed standing in for the token's on Ethereum (the rate and report time are set here).
contract FeedStub is AggregatorV3Interface {
    int256 public answer = 1e18;
    uint256 public updatedAt;

    function set(int256 answer_, uint256 updatedAt_) external {
        (answer, updatedAt) = (answer_, updatedAt_);
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function description() external pure returns (string memory) {
        return "stub";
    }

    function version() external pure returns (uint256) {
        return 1;
    }

    function getRoundData(uint80) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (0, answer, updatedAt, updatedAt, 0);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (0, answer, updatedAt, updatedAt, 0);
    }
}

/// @notice trETH between Ethereum and a remote chain, both in one EVM: the chain id is switched
/// to run each side's transactions on its own chain. Messages are signed by the relayer
/// committee's keys as the relayer daemon signs them.
contract CrosschainTest is ProtocolFixture {
    uint256 internal constant L1 = 1;
    uint256 internal constant L2 = 10;
    uint64 internal constant PERIOD = 1 days;

    uint256[3] internal relayerKeys = [uint256(0xE1), uint256(0xE2), uint256(0xE3)];
    address internal owner;
    address internal alice;
    address internal bob;

    MessageBridge internal l1Bridge;
    MessageBridge internal l2Bridge;
    TokenBridge internal l1Tokens;
    TokenBridge internal l2Tokens;
    BridgedTrETH internal bridged;
    FeedStub internal feed;
    RateSender internal sender;
    RateReceiver internal receiver;
    WETH9 internal l2Weth;
    RemoteDepositPool internal pool;
    RemoteStakeReceiver internal stakeReceiver;
    GovernanceRelay internal l1Gov;
    GovernanceRelay internal l2Gov;

    function setUp() public override {
        super.setUp();
        vm.chainId(L1);
        owner = makeAddr("bridge owner");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        address[] memory relayers = new address[](3);
        for (uint256 i; i < 3; ++i) {
            relayers[i] = vm.addr(relayerKeys[i]);
        }
        l1Bridge = new MessageBridge(owner, relayers, 2);
        l2Bridge = new MessageBridge(owner, relayers, 2);
        l1Tokens = new TokenBridge(l1Bridge, IERC7802(address(token)), owner);
        bridged = new BridgedTrETH(owner);
        l2Tokens = new TokenBridge(l2Bridge, bridged, owner);
        feed = new FeedStub();
        sender = new RateSender(l1Bridge, feed, owner);
        receiver = new RateReceiver(l2Bridge, owner, PERIOD, 10, 2 * PERIOD);
        l2Weth = new WETH9();
        pool = new RemoteDepositPool(l2Bridge, IWETH(address(l2Weth)), bridged, receiver, L1, owner, 10, 2 * PERIOD);
        stakeReceiver = new RemoteStakeReceiver(l1Bridge, ITrETH(address(token)), owner);

        vm.startPrank(owner);
        l1Tokens.setPeer(L2, address(l2Tokens));
        l2Tokens.setPeer(L1, address(l1Tokens));
        sender.setPeer(L2, address(receiver));
        receiver.setPeer(L1, address(sender));
        pool.setPeer(L1, address(stakeReceiver));
        stakeReceiver.setPeer(L2, address(pool));
        bridged.setLimits(address(l2Tokens), 1_000 ether, 1_000 ether);
        bridged.setLimits(address(pool), 1_000 ether, 0);
        vm.stopPrank();
        vm.prank(governance);
        token.setCrosschainBridge(address(l1Tokens));
        // Governance across the bridge: Ethereum's relay is the timelock's; the remote one is set up
        // by the deployer, which hands the remote contracts over in the governance tests.
        l1Gov = new GovernanceRelay(l1Bridge, governance);
        l2Gov = new GovernanceRelay(l2Bridge, owner);
        vm.prank(governance);
        l1Gov.setPeer(L2, address(l2Gov));
        vm.prank(owner);
        l2Gov.setPeer(L1, address(l1Gov));

        vm.deal(alice, 100 ether);
        vm.prank(alice);
        token.stake{value: 10 ether}(alice);
        vm.warp(10 days);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The message `bridge` sent last, rebuilt from its fields.
    function _sent(MessageBridge bridge, uint256 from, uint256 to, address msgSender, address target, uint256 value, bytes memory data)
        internal
        view
        returns (MessageBridge.Message memory)
    {
        return MessageBridge.Message(from, to, bridge.nextNonce() - 1, msgSender, target, value, data);
    }

    /// @dev Signatures of the relayers `which` (bit i: relayer i), in ascending signer order.
    function _sign(MessageBridge bridge, MessageBridge.Message memory m, uint256 which) internal returns (bytes[] memory sigs) {
        vm.chainId(m.destinationChainId);
        bytes32 digest = bridge.digest(m);
        uint256 count;
        address[3] memory signers;
        uint256[3] memory keys;
        for (uint256 i; i < 3; ++i) {
            if (which & (1 << i) != 0) {
                (signers[count], keys[count]) = (vm.addr(relayerKeys[i]), relayerKeys[i]);
                ++count;
            }
        }
        for (uint256 i; i < count; ++i) {
            for (uint256 j = i + 1; j < count; ++j) {
                if (signers[j] < signers[i]) {
                    (signers[i], signers[j]) = (signers[j], signers[i]);
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                }
            }
        }
        sigs = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            sigs[i] = abi.encodePacked(r, s, v);
        }
    }

    function _relay(MessageBridge bridge, MessageBridge.Message memory m) internal returns (bool ok) {
        bytes[] memory sigs = _sign(bridge, m, 3);
        vm.chainId(m.destinationChainId);
        ok = bridge.execute(m, sigs);
    }

    function _bridgeToL2(address from, address to, uint256 amount) internal returns (MessageBridge.Message memory m) {
        vm.chainId(L1);
        vm.prank(from);
        l1Tokens.bridge(L2, to, amount);
        m = _sent(l1Bridge, L1, L2, address(l1Tokens), address(l2Tokens), 0, abi.encodeCall(TokenBridge.receiveTokens, (to, amount)));
    }

    function _bridgeToL1(address from, address to, uint256 amount) internal returns (MessageBridge.Message memory m) {
        vm.chainId(L2);
        vm.prank(from);
        l2Tokens.bridge(L1, to, amount);
        m = _sent(l2Bridge, L2, L1, address(l2Tokens), address(l1Tokens), 0, abi.encodeCall(TokenBridge.receiveTokens, (to, amount)));
    }

    function _pushRate(int256 rate, uint256 reportTime) internal returns (MessageBridge.Message memory m) {
        vm.chainId(L1);
        feed.set(rate, reportTime);
        sender.push(L2);
        m = _sent(
            l1Bridge, L1, L2, address(sender), address(receiver), 0, abi.encodeCall(RateReceiver.updateRate, (uint256(rate), reportTime))
        );
    }

    /// @dev Shares locked on Ethereum for the bridge == bridged supply + shares in flight to the
    /// remote chain - shares the deposit pool minted whose batch is not staked yet.
    function _assertConserved(uint256 inFlight) internal view {
        _assertConserved(inFlight, 0);
    }

    function _assertConserved(uint256 inFlight, uint256 unbatched) internal view {
        assertEq(
            token.balanceOf(address(l1Tokens)) + unbatched, bridged.totalSupply() + inFlight, "locked == bridged + in flight"
        );
    }

    // ---------------------------------------------------------------- token bridge

    function test_bridgeOutAndBackMovesSharesToTheWei() public {
        uint256 supply = token.totalSupply();
        uint256 amount = 3 ether + 1;
        MessageBridge.Message memory m = _bridgeToL2(alice, bob, amount);
        assertEq(token.balanceOf(address(l1Tokens)), amount, "locked on Ethereum");
        _assertConserved(amount);
        assertTrue(_relay(l2Bridge, m), "executed");
        assertEq(bridged.balanceOf(bob), amount, "arrived to the wei");
        _assertConserved(0);
        assertEq(token.totalSupply(), supply, "the shares still count on Ethereum");

        MessageBridge.Message memory back = _bridgeToL1(bob, alice, 1);
        _assertConserved(1);
        uint256 before = token.balanceOf(alice);
        assertTrue(_relay(l1Bridge, back), "executed");
        assertEq(token.balanceOf(alice), before + 1, "1 wei arrives as 1 wei");
        _assertConserved(0);
    }

    function test_interfaces() public view {
        assertTrue(token.supportsInterface(0x33331994), "trETH: ERC-7802");
        assertTrue(bridged.supportsInterface(0x33331994), "bridged: ERC-7802");
        assertEq(bytes32(type(IERC7802).interfaceId), bytes32(bytes4(0x33331994)), "interface id");
    }

    function test_refusesUnauthorisedCrosschainMint() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, bob));
        IERC7802(address(token)).crosschainMint(bob, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, bob));
        IERC7802(address(token)).crosschainBurn(alice, 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(BridgedTrETH.BridgedTrETHUnauthorized.selector, bob));
        bridged.crosschainMint(bob, 1);
        // The bridge itself cannot release more on Ethereum than it holds for other chains.
        vm.prank(address(l1Tokens));
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(l1Tokens), 0, 1));
        IERC7802(address(token)).crosschainMint(bob, 1);
        // A direct call of the receiving side, not through the message bridge.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(BridgeApp.BridgeAppUnauthorized.selector, bob, 0, address(0)));
        l2Tokens.receiveTokens(bob, 1);
    }

    function test_aMessageFromAnotherSenderMintsNothing() public {
        // Anyone can send a message; one that claims to be a token transfer from a non-peer fails.
        vm.chainId(L1);
        bytes memory data = abi.encodeCall(TokenBridge.receiveTokens, (bob, 5 ether));
        vm.prank(bob);
        l1Bridge.send(L2, address(l2Tokens), data);
        MessageBridge.Message memory m = _sent(l1Bridge, L1, L2, bob, address(l2Tokens), 0, data);
        assertFalse(_relay(l2Bridge, m), "the call failed");
        assertEq(bridged.balanceOf(bob), 0, "nothing minted");
        assertEq(uint256(l2Bridge.status(l2Bridge.messageId(m))), uint256(MessageBridge.Status.Failed), "recorded as failed");
    }

    function test_refusesAReplayedMessage() public {
        MessageBridge.Message memory m = _bridgeToL2(alice, bob, 1 ether);
        assertTrue(_relay(l2Bridge, m), "executed");
        bytes[] memory sigs = _sign(l2Bridge, m, 3);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeAlreadyExecuted.selector, l2Bridge.messageId(m)));
        l2Bridge.execute(m, sigs);
        assertEq(bridged.balanceOf(bob), 1 ether, "minted once");
    }

    function test_refusesTooFewOrBadSignatures() public {
        MessageBridge.Message memory m = _bridgeToL2(alice, bob, 1 ether);
        bytes[] memory one = _sign(l2Bridge, m, 1);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeTooFewSignatures.selector, 1, 2));
        l2Bridge.execute(m, one);
        // The same relayer twice does not make two.
        bytes[] memory twice = new bytes[](2);
        (twice[0], twice[1]) = (one[0], one[0]);
        vm.expectRevert(
            abi.encodeWithSelector(MessageBridge.MessageBridgeSignersNotSorted.selector, vm.addr(relayerKeys[0]), vm.addr(relayerKeys[0]))
        );
        l2Bridge.execute(m, twice);
        // A stranger's signature.
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(0xBAD, l2Bridge.digest(m));
        bytes[] memory stranger = new bytes[](1);
        stranger[0] = abi.encodePacked(r, s, v);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeNotRelayer.selector, vm.addr(0xBAD)));
        l2Bridge.execute(m, stranger);
        // Signatures of an altered message (a larger amount) recover to other addresses.
        MessageBridge.Message memory altered = MessageBridge.Message(
            m.sourceChainId, m.destinationChainId, m.nonce, m.sender, m.target, m.value, abi.encodeCall(TokenBridge.receiveTokens, (bob, 100 ether))
        );
        bytes[] memory sigs = _sign(l2Bridge, m, 3);
        vm.expectRevert();
        l2Bridge.execute(altered, sigs);
        // On the wrong chain.
        vm.chainId(L1);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeWrongChain.selector, L2, L1));
        l2Bridge.execute(m, sigs);
        assertEq(bridged.totalSupply(), 0, "nothing minted");
    }

    function test_aCommitteeNeedsTwoSignatures() public {
        address[] memory relayers = new address[](1);
        relayers[0] = vm.addr(relayerKeys[0]);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeInvalidCommittee.selector, 1, 1));
        l2Bridge.setRelayers(relayers, 1);
        vm.prank(bob);
        vm.expectRevert();
        l2Bridge.setRelayers(relayers, 1);
    }

    function test_aMintOverTheLimitWaitsAndGoesThroughWhenItRefills() public {
        vm.prank(owner);
        bridged.setLimits(address(l2Tokens), 5 ether, 5 ether);
        assertTrue(_relay(l2Bridge, _bridgeToL2(alice, bob, 4 ether)), "within the limit");
        MessageBridge.Message memory m = _bridgeToL2(alice, bob, 3 ether);
        assertFalse(_relay(l2Bridge, m), "over the limit: waits");
        bytes32 id = l2Bridge.messageId(m);
        assertEq(uint256(l2Bridge.status(id)), uint256(MessageBridge.Status.Failed), "kept for a retry");
        _assertConserved(3 ether);
        // Half a day refills 2.5: 3.5 available.
        vm.warp(block.timestamp + 12 hours);
        assertEq(bridged.mintingCurrentLimitOf(address(l2Tokens)), 3.5 ether, "refilled linearly");
        l2Bridge.retry(m);
        assertEq(bridged.balanceOf(bob), 7 ether, "went through");
        _assertConserved(0);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeNotFailed.selector, id));
        l2Bridge.retry(m);
    }

    function test_setCrosschainBridgeMovesTheEscrow() public {
        assertTrue(_relay(l2Bridge, _bridgeToL2(alice, bob, 2 ether)), "executed");
        address next = makeAddr("next bridge");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.TrETHUnauthorized.selector, bob));
        token.setCrosschainBridge(next);
        vm.prank(governance);
        vm.expectRevert(ITrETH.TrETHZeroAddress.selector);
        token.setCrosschainBridge(address(0));
        vm.prank(governance);
        token.setCrosschainBridge(next);
        assertEq(token.balanceOf(next), 2 ether, "escrow moved");
        assertEq(token.balanceOf(address(l1Tokens)), 0, "nothing left behind");
    }

    // ---------------------------------------------------------------- rate

    function test_rateFollowsReportsWithinBounds() public {
        assertTrue(receiver.isStale(), "no rate yet");
        assertTrue(_relay(l2Bridge, _pushRate(1.05e18, block.timestamp - 1 hours)), "first rate");
        (uint80 round, int256 answer,, uint256 updatedAt,) = receiver.latestRoundData();
        assertEq(uint256(answer), 1.05e18, "rate");
        assertEq(updatedAt, block.timestamp - 1 hours, "the report's time");
        assertEq(round, 1, "round");
        assertEq(receiver.age(), 1 hours, "age");
        assertFalse(receiver.isStale(), "fresh");
        // 0.1% per period: a rise of 0.05% a period later passes.
        uint256 t = block.timestamp;
        assertTrue(_relay(l2Bridge, _pushRate(1.0505e18, t)), "next report");
        assertEq(receiver.getRate(), 1.0505e18, "followed");
        vm.warp(t + 2 * PERIOD + 1);
        assertTrue(receiver.isStale(), "stale after maxAge");
    }

    function test_refusesAnOlderRateAndATooLargeJump() public {
        uint256 t = block.timestamp;
        assertTrue(_relay(l2Bridge, _pushRate(1e18, t - 2 hours)), "first rate");
        // An older report (pushed from another sender state: replayed by hand through the bridge).
        vm.chainId(L1);
        feed.set(1e18, t - 3 hours);
        vm.expectRevert(abi.encodeWithSelector(RateSender.RateSenderNothingNew.selector, t - 3 hours, t - 2 hours));
        sender.push(L2);
        // A jump of 0.2% in one period.
        MessageBridge.Message memory m = _pushRate(1.002e18, t - 1 hours);
        assertFalse(_relay(l2Bridge, m), "refused");
        assertEq(receiver.getRate(), 1e18, "unchanged");
        bytes memory reason = abi.encodeWithSelector(RateReceiver.RateReceiverJumpTooLarge.selector, 1e18, 1.002e18, 1e15);
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeRetryFailed.selector, l2Bridge.messageId(m), reason));
        l2Bridge.retry(m);
        // Two periods later the same jump fits (two reports' worth).
        assertTrue(_relay(l2Bridge, _pushRate(1.002e18, t + 2 * PERIOD - 2 hours)), "two periods");
        assertEq(receiver.getRate(), 1.002e18, "followed");
        // The refused older-rate message, had it been signed, is refused by the receiver too.
        vm.chainId(L1);
        bytes memory data = abi.encodeCall(RateReceiver.updateRate, (1e18, t - 3 hours));
        vm.prank(owner);
        sender.setPeer(L2, address(receiver));
        MessageBridge.Message memory older = MessageBridge.Message(L1, L2, 999, address(sender), address(receiver), 0, data);
        assertFalse(_relay(l2Bridge, older), "older report refused");
        assertEq(receiver.getRate(), 1.002e18, "unchanged");
    }

    // ---------------------------------------------------------------- staking from the remote chain

    function test_stakeFromTheRemoteChain() public {
        uint256 t = block.timestamp;
        uint256 rate = token.convertToAssets(1e18);
        assertTrue(_relay(l2Bridge, _pushRate(int256(rate), t)), "rate");
        vm.chainId(L2);
        vm.deal(bob, 10 ether);
        vm.startPrank(bob);
        l2Weth.deposit{value: 2 ether}();
        l2Weth.approve(address(pool), 2 ether);
        (uint256 preview, uint256 fee) = pool.previewDeposit(1 ether);
        uint256 shares = pool.deposit(1 ether, bob);
        vm.stopPrank();
        assertEq(shares, preview, "as previewed");
        assertEq(fee, 0.001 ether, "0.1% fee");
        assertEq(shares, (1 ether - fee) * 1e18 / rate, "at the relayed rate, minus the fee");
        assertEq(bridged.balanceOf(bob), shares, "minted at once");
        _assertConserved(0, shares);

        // The batch goes to Ethereum with its ETH and is staked there; the shares are locked.
        bytes32 id = pool.flush();
        MessageBridge.Message memory m = _sent(
            l2Bridge, L2, L1, address(pool), address(stakeReceiver), 1 ether, abi.encodeCall(RemoteStakeReceiver.stakeBatch, (1 ether, shares))
        );
        assertEq(id, l2Bridge.messageId(m), "the batch message");
        assertEq(address(l2Bridge).balance, 1 ether, "the ETH left the pool");
        _assertConserved(0, shares);
        vm.deal(address(l1Bridge), 1 ether);
        assertTrue(_relay(l1Bridge, m), "staked");
        _assertConserved(0);
        assertEq(stakeReceiver.stakedAssets(), 1 ether, "ETH staked");
        assertEq(stakeReceiver.lockedShares(), shares, "shares locked");
        assertGt(stakeReceiver.reserve(), 0, "the fee stays as a reserve");

        // Stale rate: no minting.
        vm.warp(t + 2 * PERIOD + 1);
        vm.chainId(L2);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(RemoteDepositPool.RemoteDepositPoolStaleRate.selector, 2 * PERIOD + 1, 2 * PERIOD));
        pool.deposit(1 ether, bob);
        (uint256 none,) = pool.previewDeposit(1 ether);
        assertEq(none, 0, "preview: nothing");
    }

    function test_theStakeSideAcceptsOnlyItsPeerAndTheExactValue() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(BridgeApp.BridgeAppUnauthorized.selector, bob, 0, address(0)));
        stakeReceiver.stakeBatch(1 ether, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(RemoteDepositPool.RemoteDepositPoolNothingToSend.selector));
        pool.flush();
    }
    // ---------------------------------------------------------------- governance across the bridge

    function _batch(address target, bytes memory data) internal pure returns (GovernanceRelay.Call[] memory calls) {
        calls = new GovernanceRelay.Call[](1);
        calls[0] = GovernanceRelay.Call(target, data);
    }

    /// @dev The timelock relays `calls`; the message as the remote relay receives it.
    function _govRelay(GovernanceRelay.Call[] memory calls) internal returns (MessageBridge.Message memory) {
        vm.chainId(L1);
        vm.prank(governance);
        l1Gov.relay(L2, calls);
        uint64 sequence = l1Gov.sentBatches(L2);
        return _sent(
            l1Bridge, L1, L2, address(l1Gov), address(l2Gov), 0, abi.encodeCall(GovernanceRelay.execute, (sequence, calls))
        );
    }

    /// @dev The deployer offers every remote contract to the remote relay; one governance batch accepts.
    function _handOver() internal {
        address[6] memory owned =
            [address(bridged), address(l2Bridge), address(l2Tokens), address(receiver), address(pool), address(l2Gov)];
        GovernanceRelay.Call[] memory calls = new GovernanceRelay.Call[](owned.length);
        vm.startPrank(owner);
        for (uint256 i; i < owned.length; ++i) {
            Ownable(owned[i]).transferOwnership(address(l2Gov));
            calls[i] = GovernanceRelay.Call(owned[i], abi.encodeWithSignature("acceptOwnership()"));
        }
        vm.stopPrank();
        assertTrue(_relay(l2Bridge, _govRelay(calls)), "handover batch runs");
        for (uint256 i; i < owned.length; ++i) {
            assertEq(Ownable(owned[i]).owner(), address(l2Gov), "owned by remote governance");
        }
    }

    function test_governanceChangesRemoteSettingsOnlyThroughTheTimelock() public {
        _handOver();
        // The deployer's key no longer changes anything there.
        vm.chainId(L2);
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, owner));
        bridged.setLimits(address(l2Tokens), 1 ether, 1 ether);
        // A batch from the timelock does: a new relayer set and new limits, in one message.
        address[] memory relayers = new address[](2);
        (relayers[0], relayers[1]) = (vm.addr(relayerKeys[0]), vm.addr(relayerKeys[1]));
        GovernanceRelay.Call[] memory calls = new GovernanceRelay.Call[](2);
        calls[0] = GovernanceRelay.Call(address(bridged), abi.encodeCall(BridgedTrETH.setLimits, (address(l2Tokens), 5 ether, 5 ether)));
        calls[1] = GovernanceRelay.Call(address(receiver), abi.encodeCall(RateReceiver.setBounds, (PERIOD, 20, 3 * PERIOD)));
        assertTrue(_relay(l2Bridge, _govRelay(calls)), "the batch runs");
        assertEq(bridged.mintingMaxLimitOf(address(l2Tokens)), 5 ether, "limit set by governance");
        assertEq(receiver.maxChangeBps(), 20, "bounds set by governance");
        // Only the timelock relays, and only the bridge (from the peer) runs a batch.
        vm.chainId(L1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        l1Gov.relay(L2, calls);
        vm.chainId(L2);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(BridgeApp.BridgeAppUnauthorized.selector, alice, 0, address(0)));
        l2Gov.execute(3, calls);
        vm.expectRevert(abi.encodeWithSelector(GovernanceRelay.GovernanceRelayOnlySelf.selector, alice));
        vm.prank(alice);
        l2Gov.runBatch(calls);
    }

    function test_governanceBatchesRunInOrderAndAFailedOneIsSpentWhole() public {
        _handOver();
        // Two batches in flight, delivered in the wrong order: the second waits for the first.
        MessageBridge.Message memory first =
            _govRelay(_batch(address(bridged), abi.encodeCall(BridgedTrETH.setLimits, (address(l2Tokens), 7 ether, 7 ether))));
        MessageBridge.Message memory second =
            _govRelay(_batch(address(bridged), abi.encodeCall(BridgedTrETH.setLimits, (address(l2Tokens), 9 ether, 9 ether))));
        assertFalse(_relay(l2Bridge, second), "out of order: kept");
        assertEq(uint256(l2Bridge.status(l2Bridge.messageId(second))), uint256(MessageBridge.Status.Failed), "kept as failed");
        assertTrue(_relay(l2Bridge, first), "the first runs");
        assertTrue(l2Bridge.retry(second), "runs after the first");
        assertEq(bridged.mintingMaxLimitOf(address(l2Tokens)), 9 ether, "the later batch wins");

        // A batch whose second call fails leaves nothing of its first, and is spent.
        GovernanceRelay.Call[] memory calls = new GovernanceRelay.Call[](2);
        calls[0] = GovernanceRelay.Call(address(bridged), abi.encodeCall(BridgedTrETH.setLimits, (address(l2Tokens), 1 ether, 1 ether)));
        calls[1] = GovernanceRelay.Call(address(bridged), abi.encodeCall(BridgedTrETH.setLimits, (address(l2Tokens), type(uint256).max, 0)));
        MessageBridge.Message memory bad = _govRelay(calls);
        bytes[] memory sigs = _sign(l2Bridge, bad, 3);
        vm.chainId(L2);
        vm.expectEmit(address(l2Gov));
        emit GovernanceRelay.BatchFailed(
            L1,
            4,
            abi.encodeWithSelector(
                GovernanceRelay.GovernanceRelayCallFailed.selector,
                1,
                address(bridged),
                abi.encodeWithSelector(BridgedTrETH.BridgedTrETHLimitTooLarge.selector, type(uint256).max)
            )
        );
        assertTrue(l2Bridge.execute(bad, sigs), "the message ran: the batch is spent");
        assertEq(bridged.mintingMaxLimitOf(address(l2Tokens)), 9 ether, "no partial batch");
        assertEq(l2Gov.ranBatches(L1), 4, "the handover and three batches ran");
        vm.expectRevert(abi.encodeWithSelector(MessageBridge.MessageBridgeNotFailed.selector, l2Bridge.messageId(bad)));
        l2Bridge.retry(bad);
    }
}
