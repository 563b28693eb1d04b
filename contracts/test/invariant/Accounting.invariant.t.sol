// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {AccountingFixture} from "../accounting/AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";

/// @notice Drives random sequences of stakes, transfers, withdrawal requests, oracle reports
/// (rewards, skimmed withdrawals, EL rewards, penalties and slashing of random operators, some
/// above their bonds), finalizations, claims and missed frames. The oracle is honest: each report
/// states the modelled consensus-layer balance.
contract AccountingHandler is AccountingFixture {
    uint256 internal constant ACTORS = 3;
    uint256 internal constant OPERATORS = 3;
    /// @dev Rate tolerance for "did not fall": 1e9 in 1e27 (one part in 1e18), rounding of the rate itself.
    uint256 internal constant RATE_TOLERANCE = 1e9;

    address[] public actors;
    uint256[] public operators;
    mapping(uint256 requestId => address) public requester;
    mapping(uint256 requestId => bool) public paid;

    /// @dev ETH from users (seed, stakes, bonds) and from the chain (rewards), and ETH destroyed (losses).
    uint256 public ghostEthIn;
    uint256 public ghostRewards;
    /// @dev EL rewards in the vault that no report has pulled yet (held back by the rate limit).
    uint256 internal vaultElRewards;
    uint256 public ghostLosses;
    /// @dev ETH claimed by ticket holders; ETH the queue received for finalized requests.
    uint256 public ghostPaidOut;
    uint256 public ghostLocked;
    /// @dev Flags for the invariants; each records the first violation seen.
    bool public ghostDoubleClaim;
    bool public ghostRateFellWhileCovered;
    bool public ghostLossNotFromBondFirst;
    uint256 public ghostReports;
    uint256 public ghostClaims;
    bool internal initialized;

    constructor() {
        setUp();
    }

    function setUp() public virtual override {
        if (initialized) return;
        initialized = true;
        super.setUp();
        for (uint256 i; i < ACTORS; ++i) {
            actors.push(makeAddr(string(abi.encodePacked("actor", bytes1(uint8(48 + i))))));
        }
        _stake(actors[0], 100 ether);
        for (uint256 i; i < OPERATORS; ++i) {
            operators.push(_operatorWithValidators(string(abi.encodePacked("operator", bytes1(uint8(48 + i)))), 10 + i, 2));
        }
        // Everything staked so far: the seed, the stakes, the bonds (each staked into trETH).
        ghostEthIn = token.totalAssets();
        _nextFrame();
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % ACTORS];
    }

    // ---------------------------------------------------------------- user actions

    function stake(uint256 actorSeed, uint256 amount) external {
        amount = bound(amount, 0.01 ether, 50 ether);
        _stake(_actor(actorSeed), amount);
        ghostEthIn += amount;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        uint256 balance = token.balanceOf(from);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(from);
        token.transfer(_actor(toSeed), amount);
    }

    function request(uint256 actorSeed, uint256 shares) external {
        address actor = _actor(actorSeed);
        uint256 balance = token.balanceOf(actor);
        if (balance < 1 gwei) return;
        shares = bound(shares, 1 gwei, balance);
        vm.prank(actor);
        uint256 id = token.requestRedeem(shares, actor, actor);
        requester[id] = actor;
    }

    function claim(uint256 idSeed) external {
        uint256 last = withdrawalQueue.lastFinalizedRequestId();
        if (last == 0) return;
        uint256 id = bound(idSeed, 1, last);
        address holder = requester[id];
        uint256 before = holder.balance;
        vm.prank(holder);
        try withdrawalQueue.claim(id, holder, false) returns (uint256 assets) {
            if (paid[id]) ghostDoubleClaim = true;
            paid[id] = true;
            ghostPaidOut += holder.balance - before;
            assets;
            ++ghostClaims;
        } catch {}
    }

    /// @dev Frames pass with no report: the next report must catch up.
    function skipFrames(uint256 count) external {
        count = bound(count, 1, 3);
        for (uint256 i; i < count; ++i) {
            _nextFrame();
        }
    }

    // ---------------------------------------------------------------- reports

    struct Draw {
        uint256 clRewards;
        uint256 skim;
        uint256 el;
        uint256 loss;
        uint256 opIndex;
        uint256 finalizeSeed;
    }

    function report(uint256 rewardSeed, uint256 skimSeed, uint256 elSeed, uint256 lossSeed, uint256 opSeed, uint256 finalizeSeed)
        external
    {
        Draw memory d;
        // Up to ~3.6%/year over one frame on ~190 ETH: within the annual growth limit.
        // Consensus-layer amounts (rewards, withdrawals, losses) are whole gwei.
        d.clRewards = _gwei(bound(rewardSeed, 0, 0.018 ether));
        d.skim = _gwei(bound(skimSeed, 0, 2 ether));
        d.el = bound(elSeed, 0, 0.5 ether);
        // Half the draws have no loss; otherwise up to 15 ETH (bonds are ~9 ETH).
        d.loss = lossSeed % 2 == 0 ? 0 : _gwei(bound(lossSeed, 1 gwei, 15 ether));
        d.opIndex = opSeed % OPERATORS;
        d.finalizeSeed = finalizeSeed;
        _applyReport(d);
        _nextFrame();
    }

    function _applyReport(Draw memory d) internal {
        IAccounting.Report memory r = _baseReport();
        if (d.skim > r.clBalance) d.skim = 0;
        if (d.loss > r.clBalance - d.skim) d.loss = 0;
        // The chain: rewards accrue, a skim and EL rewards arrive in the vault (which also holds the
        // EL rewards earlier reports held back: `vaultElRewards`).
        vm.deal(address(withdrawalVault), address(withdrawalVault).balance + d.skim + d.el);
        vaultElRewards += d.el;
        ghostRewards += d.el;
        r.clBalance = r.clBalance + d.clRewards - d.skim - d.loss;
        r.withdrawalVaultAmount = address(withdrawalVault).balance - vaultElRewards;
        r.elRewardsVaultAmount = vaultElRewards;
        uint256 opId = operators[d.opIndex];
        if (d.loss != 0) r.operatorChanges = _changes1(opId, 0, d.loss);
        r.lastRequestIdToFinalize = _finalizable(d.finalizeSeed);

        uint256 rateBefore = _rate();
        uint256 bondBefore = registry.bondValue(opId);
        uint256 queueBefore = address(withdrawalQueue).balance;
        _vote(r, MEMBERS);
        try accounting.submitReportData(r) {
            ++ghostReports;
            ghostRewards += d.clRewards;
            ghostLosses += d.loss;
            ghostLocked += address(withdrawalQueue).balance - queueBefore;
            // Withdrawals are pulled in full: what stays is held-back EL rewards.
            vaultElRewards = address(withdrawalVault).balance;
            if (d.loss <= bondBefore && _rate() + RATE_TOLERANCE < rateBefore) ghostRateFellWhileCovered = true;
            if (d.loss > bondBefore && registry.getOperator(opId).bondShares != 0) ghostLossNotFromBondFirst = true;
            if (d.loss > bondBefore && registry.getOperator(opId).debt == 0) ghostLossNotFromBondFirst = true;
        } catch {
            // Rejected (e.g. not enough buffer to finalize): the chain's ETH is still there, and
            // the model keeps the CL rewards, skim and loss out; undo them in the vault's view.
            vm.deal(address(withdrawalVault), address(withdrawalVault).balance - d.skim - d.el);
            vaultElRewards -= d.el;
            ghostRewards -= d.el;
        }
    }

    /// @dev Rounded down to whole gwei.
    function _gwei(uint256 amount) internal pure returns (uint256) {
        return amount - amount % 1 gwei;
    }

    /// @dev A request id whose finalization the buffer surely covers (0 = none).
    function _finalizable(uint256 seed) internal view returns (uint256) {
        uint256 last = withdrawalQueue.lastRequestId();
        uint256 done = withdrawalQueue.lastFinalizedRequestId();
        if (last == done) return 0;
        uint256 id = bound(seed, done + 1, last);
        (uint256 eth,) = withdrawalQueue.finalizationCost(id, _rate());
        return eth <= token.bufferedEther() ? id : 0;
    }

    // ---------------------------------------------------------------- views for the invariants

    function ethHeld() external view returns (uint256) {
        return address(token).balance + address(withdrawalQueue).balance + address(withdrawalVault).balance
            + address(accounting).balance;
    }

    function reportedBeaconAssets() external view returns (uint256) {
        return token.beaconAssets();
    }

    function queueBalance() external view returns (uint256) {
        return address(withdrawalQueue).balance;
    }

    function totalSupply() external view returns (uint256) {
        return token.totalSupply();
    }

    function sumOfBalances() public view virtual returns (uint256 sum) {
        sum = token.balanceOf(token.DEAD_SHARES_HOLDER()) + token.balanceOf(address(registry))
            + token.balanceOf(address(distributor)) + token.balanceOf(treasury) + token.balanceOf(address(withdrawalQueue));
        for (uint256 i; i < ACTORS; ++i) {
            sum += token.balanceOf(actors[i]);
        }
        sum += token.balanceOf(makeAddrView("filler"));
    }

    function makeAddrView(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}

contract AccountingInvariantTest is Test {
    AccountingHandler internal handler;

    function setUp() public {
        handler = _newHandler();
    }

    /// @dev Suites that extend the handler keep these invariants and add their own.
    function _newHandler() internal virtual returns (AccountingHandler) {
        return new AccountingHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev ETH in (users + rewards - losses) == ETH paid out + ETH held + consensus-layer ETH as reported.
    function invariant_ethConservation() public view {
        assertEq(
            handler.ghostEthIn() + handler.ghostRewards() - handler.ghostLosses(),
            handler.ghostPaidOut() + handler.ethHeld() + handler.reportedBeaconAssets(),
            "ETH in == paid out + held + CL as reported"
        );
    }

    function invariant_claimsNeverExceedFinalizedEth() public view {
        assertLe(handler.ghostPaidOut(), handler.ghostLocked(), "claims <= finalized ETH");
        assertEq(handler.queueBalance(), handler.ghostLocked() - handler.ghostPaidOut(), "queue holds the unclaimed rest");
    }

    function invariant_noTicketPaidTwice() public view {
        assertFalse(handler.ghostDoubleClaim(), "a ticket was paid twice");
    }

    function invariant_bondsCoverLossesBeforeHolders() public view {
        assertFalse(handler.ghostRateFellWhileCovered(), "rate fell although the bond covered the loss");
        assertFalse(handler.ghostLossNotFromBondFirst(), "a loss beyond the bond left bond shares or no debt");
    }

    /// @dev The handler reaches every path the invariants speak about (not vacuous).
    function test_handlerReachesReportsFinalizationClaimsAndLosses() public {
        handler.stake(1, 20 ether);
        handler.request(1, 5 ether);
        handler.request(0, 3 ether);
        handler.report(0.01 ether, 1 ether, 0.4 ether, 1, 0, 2); // loss drawn below the bond
        handler.report(0.01 ether, 0, 0, 14 ether + 1, 1, 1); // loss above the bond
        handler.claim(1);
        handler.claim(1); // the second claim of the same ticket must fail
        handler.skipFrames(2);
        handler.report(0.01 ether, 0, 0, 0, 0, 0);
        assertEq(handler.ghostReports(), 3, "three reports applied");
        assertGt(handler.ghostLocked(), 0, "requests finalized");
        assertEq(handler.ghostClaims(), 1, "one claim paid, the repeat refused");
        assertGt(handler.ghostLosses(), 9 ether, "a loss beyond a bond was applied");
        invariant_ethConservation();
        invariant_claimsNeverExceedFinalizedEth();
        invariant_bondsCoverLossesBeforeHolders();
    }

    function invariant_sharesAddUp() public view {
        assertEq(handler.sumOfBalances(), handler.totalSupply(), "sum of balances == total supply");
    }
}
