// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {AccountingFixture} from "../accounting/AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";

/// @notice The first days of a deployment, when the supply is only the seed: donations that lift
/// the rate (stake then burn, or ETH forced into the token), early withdrawal requests before any
/// report, honest reports that finalize them, claims, and sales of tickets between holders (some
/// already claimed). The supply starts at the fixture's small seed, the worst case.
contract LaunchHandler is AccountingFixture {
    uint256 internal constant ACTORS = 3;

    address[] public actors;
    mapping(uint256 requestId => address) public holderOf;
    mapping(uint256 requestId => uint256) public ghostShares;
    /// @dev Reports applied before the request (its window), and the token's rate (1e27) when
    /// each report was submitted: the rate the report prices its window at (an honest report
    /// without rewards or losses; the finalization it makes then lifts the rate a little more).
    mapping(uint256 requestId => uint256) public ghostWindow;
    mapping(uint256 report => uint256) public ghostRateAtReport;
    /// @dev What the request's shares were worth when it was finalized.
    mapping(uint256 requestId => uint256) public ghostValueAtFinalization;
    mapping(uint256 requestId => bool) public ghostClaimed;
    uint256 public ghostTickets;
    uint256 public ghostReports;
    uint256 public ghostClaims;
    uint256 public ghostSales;
    uint256 public ghostDonations;
    /// @dev Violations: each records the first one seen.
    bool public ghostReportReverted;
    bool public ghostUnderpaid;
    bool public ghostClaimedTicketSold;
    bool internal initialized;

    constructor() {
        setUp();
    }

    function setUp() public override {
        if (initialized) return;
        initialized = true;
        super.setUp();
        for (uint256 i; i < ACTORS; ++i) {
            actors.push(makeAddr(string(abi.encodePacked("early", bytes1(uint8(48 + i))))));
        }
        _nextFrame();
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % ACTORS];
    }

    // ---------------------------------------------------------------- actions

    function stake(uint256 actorSeed, uint256 amount) external {
        _stake(_actor(actorSeed), bound(amount, 1 gwei, 100 ether));
    }

    /// @dev A holder burns shares: their value goes to every other holder.
    function donateByBurn(uint256 actorSeed, uint256 amount) external {
        address donor = _actor(actorSeed);
        uint256 shares = _stake(donor, bound(amount, 0.01 ether, 10_000 ether));
        vm.prank(donor);
        token.burn(shares);
        ++ghostDonations;
    }

    /// @dev ETH forced into the token (a self-destruct or a coinbase payment): no shares minted.
    function donateEther(uint256 amount) external {
        vm.deal(address(token), address(token).balance + bound(amount, 1 gwei, 10_000 ether));
        ++ghostDonations;
    }

    function request(uint256 actorSeed, uint256 sharesSeed) external {
        address who = _actor(actorSeed);
        uint256 balance = token.balanceOf(who);
        if (balance == 0) return;
        uint256 shares = bound(sharesSeed, 1, balance);
        vm.prank(who);
        uint256 id = token.requestRedeem(shares, who, who);
        holderOf[id] = who;
        ghostShares[id] = shares;
        ghostWindow[id] = ghostReports;
        ++ghostTickets;
    }

    /// @dev An honest report (nothing happened on the beacon chain) that finalizes up to a random
    /// request: it must apply whatever the rate.
    function report(uint256 lastSeed) external {
        IAccounting.Report memory r = _baseReport();
        uint256 done = withdrawalQueue.lastFinalizedRequestId();
        uint256 last = withdrawalQueue.lastRequestId();
        if (last > done) r.lastRequestIdToFinalize = bound(lastSeed, done + 1, last);
        _vote(r, 2);
        uint256 rate = _rate();
        try accounting.submitReportData(r) {
            ++ghostReports;
            ghostRateAtReport[ghostReports] = rate;
            uint256 finalized = withdrawalQueue.lastFinalizedRequestId();
            for (uint256 id = done + 1; id <= finalized; ++id) {
                ghostValueAtFinalization[id] = token.convertToAssets(ghostShares[id]);
            }
        } catch {
            ghostReportReverted = true;
        }
        _nextFrame();
    }

    function claim(uint256 idSeed) external {
        uint256 last = withdrawalQueue.lastFinalizedRequestId();
        if (last == 0) return;
        uint256 id = bound(idSeed, 1, last);
        if (ghostClaimed[id]) return;
        address holder = holderOf[id];
        uint256 before = holder.balance;
        vm.prank(holder);
        withdrawalQueue.claim(id, holder, false);
        uint256 paid = holder.balance - before;
        // A request is priced at most at the rate of the last report before it; one made before
        // any report, at the first report's rate (never at a constant).
        uint256 window = ghostWindow[id];
        uint256 windowValue = ghostShares[id] * ghostRateAtReport[window == 0 ? 1 : window] / 1e27;
        uint256 floor = windowValue < ghostValueAtFinalization[id] ? windowValue : ghostValueAtFinalization[id];
        // Roundings down (the queue stores rates at 1e18 scale with 64 significant bits, the
        // accounting module rounds the rate it passes, then the payout): dust, far below one part
        // in 1e12 of the value. The launch attack this guards against took half of it.
        if (paid + 2 + floor / 1e12 < floor) ghostUnderpaid = true;
        ghostClaimed[id] = true;
        ++ghostClaims;
    }

    /// @dev A holder sells a ticket to another actor; a claimed ticket must not change hands.
    function sellTicket(uint256 idSeed, uint256 buyerSeed) external {
        uint256 last = withdrawalQueue.lastRequestId();
        if (last == 0) return;
        uint256 id = bound(idSeed, 1, last);
        address seller = holderOf[id];
        address buyer = _actor(buyerSeed);
        if (buyer == seller) return;
        vm.prank(seller);
        try withdrawalQueue.transferFrom(seller, buyer, id) {
            if (ghostClaimed[id]) ghostClaimedTicketSold = true;
            holderOf[id] = buyer;
            ++ghostSales;
        } catch {}
    }

    // ---------------------------------------------------------------- views for the invariants

    function ticketsHeld() external view returns (uint256 sum) {
        for (uint256 i; i < ACTORS; ++i) {
            sum += withdrawalQueue.balanceOf(actors[i]);
        }
    }

    function sumOfBalances() external view returns (uint256 sum) {
        sum = token.balanceOf(token.DEAD_SHARES_HOLDER()) + token.balanceOf(address(withdrawalQueue))
            + token.balanceOf(address(distributor)) + token.balanceOf(treasury);
        for (uint256 i; i < ACTORS; ++i) {
            sum += token.balanceOf(actors[i]);
        }
    }

    function totalSupply() external view returns (uint256) {
        return token.totalSupply();
    }
}

contract LaunchInvariantTest is Test {
    LaunchHandler internal handler;

    function setUp() public {
        handler = new LaunchHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev No rate a donation can reach makes an honest report revert.
    function invariant_honestReportsAlwaysApply() public view {
        assertFalse(handler.ghostReportReverted(), "an honest report reverted");
    }

    /// @dev A request is paid at least its shares' worth at the lower of its window's rate (the
    /// last report's before it; the first report's for requests before any) and the rate when it
    /// was finalized: a rate lifted at launch takes nothing from early requesters.
    function invariant_requestsPaidAtTheRealRate() public view {
        assertFalse(handler.ghostUnderpaid(), "a request was paid below min(value at request, value at finalization)");
    }

    /// @dev A claimed ticket is a frozen receipt: it cannot be sold or approved, and it stays with
    /// the holder who claimed it (ticket balances count every ticket held, claimed or not).
    function invariant_claimedTicketsAreFrozen() public view {
        assertFalse(handler.ghostClaimedTicketSold(), "a claimed ticket changed hands");
        assertEq(handler.ticketsHeld(), handler.ghostTickets(), "ticket balances == tickets issued");
    }

    function invariant_sharesAddUp() public view {
        assertEq(handler.sumOfBalances(), handler.totalSupply(), "sum of balances == total supply");
    }

    /// @dev The handler reaches every path the invariants speak about (not vacuous).
    function test_handlerReachesDonationsRequestsReportsClaimsAndSales() public {
        handler.stake(0, 10 ether);
        handler.request(0, 5 ether);
        handler.donateByBurn(1, 5_000 ether);
        handler.donateEther(5_000 ether);
        handler.request(0, 1 ether);
        handler.report(2);
        assertEq(handler.ghostReports(), 1, "the report after the donations applied");
        handler.sellTicket(1, 2);
        handler.claim(1);
        handler.sellTicket(1, 0);
        handler.claim(2);
        assertEq(handler.ghostClaims(), 2, "both claimed");
        assertEq(handler.ghostSales(), 1, "one sale, the claimed ticket not sold again");
        invariant_honestReportsAlwaysApply();
        invariant_requestsPaidAtTheRealRate();
        invariant_claimedTicketsAreFrozen();
        invariant_sharesAddUp();
    }
}
