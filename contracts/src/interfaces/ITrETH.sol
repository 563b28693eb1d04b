// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC5805} from "@openzeppelin/contracts/interfaces/IERC5805.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7540Operator, IERC7540Redeem} from "./IERC7540.sol";

/// @title ITrETH
/// @notice trETH: the Tributary liquid staking token. Non-rebasing: a balance is a number of shares
/// of the pool and never changes by itself; the ETH value of a share (`convertToAssets(1e18)`)
/// grows as rewards are reported.
/// @dev trETH is an immutable ledger. The logic around it (deposits to the beacon chain, oracle
/// accounting, withdrawals) lives in modules that governance can repoint; the modules can only do
/// what the functions guarded by them here allow.
///
/// Redemption is asynchronous (ERC-7540): `requestRedeem` escrows shares and opens a request in the
/// withdrawal queue, where every request is an ERC-721 ticket (see {IWithdrawalQueue}). Once the
/// oracle report finalizes it, the ticket holder claims it on the queue by id (`claim`, ETH or WETH),
/// or here through ERC-7540 `redeem`/`withdraw`, which pay WETH (the ERC-4626 asset) and claim the
/// controller's whole finalized tickets in id order among the latest finalized requests until the
/// amount asked is matched exactly (see {IWithdrawalQueue-claimFor}). Their overloads with a list of
/// request ids (and the queue's `claimableOf(controller, requestIds)` for the amounts) reach any
/// ticket, however many requests came after it: the queue keeps no list of a controller's tickets
/// (a request would pay a fresh slot for it), so the complete view takes the ids, which
/// `requestRedeem` returned and the queue's events give. (trETH stays below the contract size
/// limit: the views with ids are on the queue.)
interface ITrETH is IERC20Metadata, IERC20Permit, IERC5805, IERC7540Operator, IERC7540Redeem, IERC165 {
    /// @notice Addresses of the modules allowed to call the module-only functions.
    struct Modules {
        /// @dev Moves buffered ETH into validators (guardian-checked deposits).
        address depositor;
        /// @dev Applies oracle reports.
        address accounting;
        /// @dev Holds escrowed shares of pending withdrawal requests.
        address withdrawalQueue;
    }

    // ---------------------------------------------------------------- events

    /// @notice ERC-4626 deposit event, emitted for native ETH stakes as well as WETH deposits.
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    /// @notice Buffered ETH moved to the depositor for beacon chain deposits.
    event BeaconDepositFunded(address indexed depositor, uint256 amount, uint256 beaconAssets);
    /// @notice A report set the beacon assets and announced `received` wei from the vault for the
    /// buffer (the previous figure is the last `Rebased` or `BeaconDepositFunded`).
    event Rebased(uint256 beaconAssets, uint256 received);
    /// @notice `from` set `shares` aside to be burned by a later report; `pending` are set aside in all.
    event BurnDeferred(address indexed from, uint256 shares, uint256 pending);
    event StakingPaused(address indexed by);
    event StakingResumed(address indexed by);
    /// @notice The daily stake cap changed; `cap == 0` means no cap.
    event DailyStakeCapSet(uint256 cap);
    event ModulesSet(address depositor, address accounting, address withdrawalQueue);
    event EmergencyCommitteeSet(address indexed committee);
    event GovernanceTransferStarted(address indexed current, address indexed pending);
    event GovernanceTransferred(address indexed previous, address indexed current);
    /// @notice ERC-4626 withdraw event, emitted by ERC-7540 `redeem`/`withdraw` claims.
    event Withdraw(
        address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares
    );

    // ---------------------------------------------------------------- errors

    /// @notice An amount of zero where a positive amount is needed.
    error TrETHZeroAmount();
    /// @notice The zero address where an account is needed.
    error TrETHZeroAddress();
    /// @notice The deposit is too small to mint a single share.
    error TrETHZeroShares(uint256 assets);
    error TrETHStakingIsPaused();
    error TrETHStakeLimitExceeded(uint256 requested, uint256 available);
    /// @notice The caller lacks the role the function needs.
    error TrETHUnauthorized(address caller);
    error TrETHBufferExceeded(uint256 requested, uint256 buffered);
    /// @notice A beacon deposit of `requested` wei would take ETH that unfinalized withdrawal
    /// requests need: `reserved` wei stay in the buffer ({withdrawalReserve}), leaving `depositable`.
    error TrETHBufferReserved(uint256 requested, uint256 depositable, uint256 reserved);
    /// @notice The daily cap is not a whole number of 0.001 ETH or exceeds the storable maximum.
    error TrETHInvalidStakeCap(uint256 cap);
    error TrETHPermitExpired(uint256 deadline);
    error TrETHInvalidSigner(address signer, address owner);
    /// @notice A seed of at least `minimum` wei must fund the dead shares at deployment.
    error TrETHSeedTooSmall(uint256 seed, uint256 minimum);
    /// @notice A past-votes lookup for a timepoint that is not yet in the past.
    error TrETHFutureLookup(uint256 timepoint, uint48 clock);
    /// @notice ETH sent to a function that takes none, or by a sender that may not send it.
    error TrETHUnexpectedEther(address sender, uint256 amount);
    /// @notice Redemption is asynchronous: ERC-7540 forbids previewRedeem and previewWithdraw.
    error TrETHAsyncRedemption();
    /// @notice The queue asked to burn more shares than exist.
    error TrETHBurnExceedsSupply(uint256 shares, uint256 totalShares);
    /// @notice The withdrawal queue can change only once every escrowed share is finalized.
    error TrETHQueueNotDrained(uint256 escrowed);
    /// @notice At most `max` withdrawal queues can ever be wired (each holder's ticket count is
    /// tagged with its queue in 3 bits).
    error TrETHQueueLimit(uint256 max);
    /// @notice A report may burn at most the `pending` shares set aside by {deferBurn}.
    error TrETHDeferredBurnExceeded(uint256 shares, uint256 pending);
    /// @notice The crosschain bridge (ERC-7802) changed; the shares it held for other chains moved with it.
    event CrosschainBridgeSet(address indexed previous, address indexed bridge, uint256 escrowedShares);

    // ---------------------------------------------------------------- staking

    /// @notice Stakes `msg.value` ETH and mints trETH shares to `receiver`.
    /// @dev Shares are rounded down. Reverts if staking is paused or the daily cap is exceeded.
    /// Sending plain ETH to the token stakes it for the sender.
    /// @return shares The shares minted.
    function stake(address receiver) external payable returns (uint256 shares);

    /// @notice Burns `shares` of the caller. Their ETH stays in the pool and raises the value of
    /// every other share. Used by the operator registry to cover losses from bonds.
    function burn(uint256 shares) external;

    /// @notice Sets `shares` of the caller aside to be burned by the next reports, each within its
    /// rate limit, instead of at once: the rate then rises in a report, by at most the report's
    /// limit, and nobody can stake just before a burn to take part of it. The shares leave the
    /// caller (a `Transfer` to this contract) and still count in `totalSupply` until burned. The
    /// operator registry sets bond penalties and debt repayments aside this way.
    function deferBurn(uint256 shares) external;

    // ---------------------------------------------------------------- crosschain (ERC-7802)

    /// @notice The bridge that may call `crosschainMint` / `crosschainBurn` (none if zero). On
    /// this chain a crosschain burn locks the shares in the bridge's own account rather than
    /// destroying them: they still back trETH held on other chains, so `totalSupply` (the shares
    /// the rate divides the assets by) keeps counting them, and a crosschain mint can release no
    /// more than the bridge holds.
    function crosschainBridge() external view returns (address);

    /// @notice Sets the crosschain bridge (governance only). The shares the previous bridge held
    /// for other chains move to the new one in the same call, so none is stranded.
    function setCrosschainBridge(address bridge) external;

    // ---------------------------------------------------------------- ERC-4626 deposit side

    /// @notice WETH: the ERC-4626 asset.
    function asset() external view returns (address);
    /// @notice ETH in the buffer plus ETH on (or bound for) the beacon chain as last accounted.
    function totalAssets() external view returns (uint256);
    /// @notice Shares for `assets` at the current rate, rounded down; 0 while the pool holds no
    /// assets (no rate exists, and nothing can be minted).
    function convertToShares(uint256 assets) external view returns (uint256);
    function convertToAssets(uint256 shares) external view returns (uint256);
    /// @notice What `deposit` (or `stake`) accepts now: the daily stake limit, and the room left in
    /// the 88-bit supply (the pool's assets, and its shares at the current rate); 0 while staking
    /// is paused or the pool holds no assets.
    function maxDeposit(address receiver) external view returns (uint256);
    /// @notice What `mint` accepts now: `maxDeposit` in shares, rounded down.
    function maxMint(address receiver) external view returns (uint256);
    /// @notice `convertToShares(assets)`: what `deposit` mints (0 while the pool holds no assets).
    function previewDeposit(uint256 assets) external view returns (uint256);
    function previewMint(uint256 shares) external view returns (uint256);
    /// @notice Takes `assets` WETH from the caller, unwraps it and mints shares to `receiver`.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares);
    /// @notice Takes the WETH needed (rounded up) to mint exactly `shares` to `receiver`. Reverts
    /// (TrETHZeroAmount) while the pool holds no assets, when the shares would cost nothing.
    function mint(uint256 shares, address receiver) external returns (uint256 assets);

    // ---------------------------------------------------------------- modules

    /// @notice Sends `amount` of buffered ETH to the depositor, which deposits it to the beacon
    /// deposit contract in the same transaction. Only the depositor module. The ETH unfinalized
    /// withdrawal requests need ({withdrawalReserve}) stays in the buffer: a deposit that would take
    /// any of it reverts with TrETHBufferReserved, so a deposit made between the oracle's vote and
    /// its report never leaves the report short of the ETH it finalizes with.
    function fundBeaconDeposit(uint256 amount) external;

    /// @notice Applies an oracle report: sets the beacon assets to `newBeaconAssets`, burns
    /// `burnShares` of the shares set aside by {deferBurn}, mints `feeShares` (the protocol fees;
    /// none if zero) to `feeRecipient`, and allows the vault to send `vaultEther` wei straight into
    /// the buffer (without minting) through `receiveVaultEther` later in the same transaction.
    /// Only the accounting module.
    function rebase(
        uint256 newBeaconAssets,
        uint256 vaultEther,
        address feeRecipient,
        uint256 feeShares,
        uint256 burnShares
    ) external;

    /// @notice Takes ETH that a vault sends for the report being applied into the buffer, without
    /// minting: at most the `vaultEther` announced by the accounting module's `rebase` in this
    /// transaction (any other ETH is refused). One value transfer from each vault to the token.
    function receiveVaultEther() external payable;


    // ---------------------------------------------------------------- ERC-7540 claims

    /// @notice Claims exactly `shares` worth of `controller`'s finalized tickets, paying WETH to
    /// `receiver`. The caller is the controller or its operator. See the contract notes.
    /// @return assets Wei of WETH paid.
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets);
    /// @notice Claims exactly `assets` wei of `controller`'s finalized tickets, as WETH.
    /// @return shares The shares those tickets had escrowed.
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares);
    /// @notice `redeem` over exactly the tickets `requestIds` (any age): each must be held by
    /// `controller`, finalized and unclaimed, and together they must hold `shares`.
    function redeem(uint256 shares, address receiver, address controller, uint256[] calldata requestIds)
        external
        returns (uint256 assets);
    /// @notice `withdraw` over exactly the tickets `requestIds` (any age), which must pay `assets`.
    function withdraw(uint256 assets, address receiver, address controller, uint256[] calldata requestIds)
        external
        returns (uint256 shares);
    /// @notice Shares `controller` can redeem now (see `redeem`): its tickets among the latest
    /// finalized requests only. Over any tickets: the queue's `claimableOf(controller, requestIds)`.
    function maxRedeem(address controller) external view returns (uint256);
    /// @notice Wei `controller` can withdraw now (see `withdraw`): its tickets among the latest
    /// finalized requests only. Over any tickets: the queue's `claimableOf(controller, requestIds)`.
    function maxWithdraw(address controller) external view returns (uint256);
    /// @notice Always reverts (ERC-7540): the payout is fixed only at finalization.
    function previewRedeem(uint256 shares) external view returns (uint256);
    /// @notice Always reverts (ERC-7540).
    function previewWithdraw(uint256 assets) external view returns (uint256);
    /// @notice ERC-7575: the share token, trETH itself.
    function share() external view returns (address);

    // ---------------------------------------------------------------- withdrawal queue hooks

    /// @notice Burns `sharesToBurn` escrowed shares and sends `eth` wei of buffered ETH to the
    /// withdrawal queue, for requests it finalizes. Only the withdrawal queue.
    function fundWithdrawals(uint256 sharesToBurn, uint256 eth) external;
    /// @notice Moves one ticket of the calling queue from `from`'s count to `to`'s (ERC-721
    /// transfer). Only the withdrawal queue, or a queue it replaced (whose tickets still move).
    function moveTicket(address from, address to) external;

    // ---------------------------------------------------------------- governance

    function pauseStaking() external;
    function resumeStaking() external;
    /// @notice Sets the refilling daily stake cap in wei (a multiple of 0.001 ETH; 0 = no cap).
    function setDailyStakeCap(uint256 cap) external;
    /// @notice Repoints the modules. The withdrawal queue can change only while no share is in escrow,
    /// and at most 8 distinct queues can ever be wired (TrETHQueueLimit); a queue wired before may
    /// be wired again.
    function setModules(Modules calldata modules) external;
    function setEmergencyCommittee(address committee) external;
    function transferGovernance(address pending) external;
    function acceptGovernance() external;

    // ---------------------------------------------------------------- views

    function governance() external view returns (address);
    function emergencyCommittee() external view returns (address);
    function modules() external view returns (Modules memory);
    /// @notice `modules().accounting` in one storage read (the withdrawal queue checks it per report).
    function accountingModule() external view returns (address);
    function isStakingPaused() external view returns (bool);
    /// @notice What can be staked now under the daily cap (type(uint256).max without a cap), and the cap.
    function stakeLimit() external view returns (uint256 available, uint256 dailyCap);
    /// @notice ETH waiting in the buffer to be deposited or to pay withdrawals.
    function bufferedEther() external view returns (uint256);
    /// @notice Buffered ETH that beacon deposits must leave for the withdrawal requests not yet
    /// finalized: their escrowed shares at the current rate, rounded up. The depositor may deposit
    /// `bufferedEther() - withdrawalReserve()` (when positive).
    /// @dev Warning: a request is paid min(rate when requested, rate at finalization) per share, so
    /// this covers every request made at or below the current rate. A request made before a loss
    /// and finalized by a report that raises the rate again may need up to that report's rate rise
    /// (bounded per report) more than this.
    function withdrawalReserve() external view returns (uint256);
    /// @notice ETH on the beacon chain or in transit to it, as last reported plus deposits since.
    function beaconAssets() external view returns (uint256);
    /// @notice What an oracle report starts from, in one call: `beaconAssets()`, `totalAssets()`,
    /// `totalSupply()` and the shares set aside to burn ({pendingBurnShares}).
    function reportState()
        external
        view
        returns (uint256 beaconAssets_, uint256 assets, uint256 shares, uint256 pendingBurn);
    /// @notice Shares set aside by {deferBurn} that no report has burned yet.
    function pendingBurnShares() external view returns (uint256);
    /// @notice Withdrawal tickets of `queue` held by `holder` (that queue's ERC-721 `balanceOf`);
    /// each queue, current or replaced, counts its own.
    function ticketBalanceOf(address queue, address holder) external view returns (uint256);
    /// @notice Shares escrowed by withdrawal requests not yet finalized. They count in `totalSupply`
    /// and in the queue's `balanceOf`.
    function escrowedShares() external view returns (uint256);
    // Note on `getPastTotalSupply` (IVotes): it returns the delegated supply at a timepoint, the
    // supply that can vote, since only delegated balances are checkpointed (so that holders who
    // never delegate pay nothing extra on transfer and stake).
}
