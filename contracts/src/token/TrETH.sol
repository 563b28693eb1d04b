// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ITrETH} from "../interfaces/ITrETH.sol";
import {IERC7540Operator, IERC7540Redeem, IERC7575} from "../interfaces/IERC7540.sol";
import {IERC7802} from "../interfaces/IERC7802.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";
import {IWETH} from "../interfaces/IWETH.sol";
import {SharesMath} from "../libraries/SharesMath.sol";
import {StakeLimit} from "../libraries/StakeLimit.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

/// @title TrETH
/// @notice The Tributary liquid staking token. See {ITrETH}.
/// @dev Gas layout: a stake touches two storage slots (the packed supply slot and the receiver's
/// packed account), a transfer touches the two accounts. Voting checkpoints are written only for
/// accounts that delegated. This contract is deliberately not behind a proxy: a proxy costs every
/// holder about 4,700 gas per call, and the ledger rules never need to change.
/// A withdrawal request writes the owner's account (shares out, ticket count in, one slot) and
/// reads the queue's address; the request itself, and with it the escrow, is stored by the queue.
contract TrETH is ITrETH, IERC7802, IERC20Errors, EIP712, Nonces {
    using Checkpoints for Checkpoints.Trace208;
    using SafeCast for uint256;

    // ================================================================ constants / immutables

    string public constant name = "Tributary Staked Ether";
    string public constant symbol = "trETH";
    uint8 public constant decimals = 18;
    /// @dev Shares minted at deployment to an address nobody controls, so that the share price
    /// cannot be inflated by a first depositor (an attack would have to donate ~1e9 times the
    /// amount it hopes to steal).
    uint256 public constant MIN_SEED = 1e9 wei;
    address public constant DEAD_SHARES_HOLDER = 0x000000000000000000000000000000000000dEaD;

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 private constant DELEGATION_TYPEHASH = keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");
    uint8 private constant FLAG_STAKING_PAUSED = 1;
    /// @dev Shares set aside by `deferBurn` wait in this contract's own account; the flag tells a
    /// report to read it, so that reports without any pay nothing for it.
    uint8 private constant FLAG_BURN_PENDING = 2;
    /// @dev Account.tickets: bits 5-7 tag the queue the count belongs to (its index among the queues
    /// wired so far), bits 0-4 hold the count modulo 32; _extraTickets holds the count divided by 32.
    uint256 private constant TICKET_COUNT_BITS = 5;
    uint256 private constant TICKET_COUNT_MASK = 31;
    /// @dev 3 tag bits: at most 8 queues can ever be wired (the first and 7 replacements).
    uint256 private constant MAX_QUEUES = 8;

    /// @dev An Account's slot as one word (the struct's layout, low bits first): shares in bits
    /// 0-87, the delegate in bits 88-247, the ticket count in bits 248-255. The ledger reads and
    /// writes each account's slot once as a word through these.
    uint256 private constant ACCOUNT_SHARES_MASK = (1 << 88) - 1;
    uint256 private constant ACCOUNT_DELEGATE_SHIFT = 88;
    uint256 private constant ACCOUNT_DELEGATE_MASK = ((1 << 160) - 1) << ACCOUNT_DELEGATE_SHIFT;
    /// @dev keccak256("Transfer(address,address,uint256)"), for the log written in `_transfer`.
    bytes32 private constant TRANSFER_EVENT = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    IWETH private immutable WETH;

    // ================================================================ storage

    /// @dev One slot, read and written by every stake.
    struct Supply {
        // Total shares. 88 bits hold 3.1e26, more than twice all ETH in existence at a rate of 1.
        uint88 totalShares;
        // Wei on the beacon chain or in transit, as last reported plus deposits since; same bound.
        uint88 beaconAssets;
        // StakeLimit clock in 1/256 s (lasts to 2106).
        uint40 stakeLimitClock;
        // Daily cap in units of 0.001 ETH (up to ~4.29M ETH); 0 = no cap.
        uint32 stakeCapUnits;
        // Bit 0: staking paused; bit 1: shares set aside to burn (see deferBurn).
        uint8 flags;
    }

    /// @dev One slot per holder: the delegate is packed with the balance so that a holder who
    /// never delegates pays nothing extra, and the withdrawal ticket count so that a first
    /// withdrawal request needs no fresh slot for it.
    struct Account {
        // 88 bits: a balance never exceeds the total supply, which fits 88 bits (see Supply).
        uint88 shares;
        address delegate;
        // Withdrawal tickets held in one queue: the queue's index (3 bits) and the count modulo 32
        // (5 bits; the count divided by 32 is in _extraTickets). Tickets of any other queue are in
        // _retiredTickets: moved there the first time the account counts a ticket of another queue.
        uint8 tickets;
    }

    Supply private _supply;
    mapping(address account => Account) private _accounts;
    mapping(address owner => mapping(address spender => uint256)) public allowance;
    mapping(address delegatee => Checkpoints.Trace208) private _votes;
    Checkpoints.Trace208 private _delegatedSupply;

    address public governance;
    address public pendingGovernance;
    address public emergencyCommittee;
    address private _depositor;
    address private _accounting;
    /// @dev The withdrawal queue. The shares it holds in escrow are not stored here: they are its
    /// unfinalized shares (`unfinalizedShares()`), which a request adds to and a finalization
    /// burns, so neither writes a counter in this contract.
    address private _queue;
    /// @dev Index of `_queue` among the queues wired so far (packed with it: read with it).
    uint8 private _queueIndex;
    /// @dev Queues wired so far: index + 1 by address, address by index.
    uint8 private _queueCount;
    mapping(address queue => uint256) private _queueIndexPlusOne;
    mapping(uint256 index => address) private _queueAt;
    /// @dev The count divided by 32 of the tickets an account tags (see Account).
    mapping(address holder => uint256) private _extraTickets;
    /// @dev Tickets held in queues other than the one an account tags.
    mapping(address queue => mapping(address holder => uint256)) private _retiredTickets;
    /// @inheritdoc IERC7540Operator
    mapping(address controller => mapping(address operator => bool)) public isOperator;
    /// @dev Wei the vault may still send through `receiveVaultEther` in this transaction: set by
    /// the accounting module's `rebase`, used up by the vault's transfer. Transient, so it lapses
    /// with the report's transaction and costs no storage.
    uint256 private transient _vaultEtherDue;
    /// @inheritdoc ITrETH
    address public crosschainBridge;

    // ================================================================ constructor

    /// @param weth The WETH contract (the ERC-4626 asset).
    /// @param governance_ The timelock that owns every parameter.
    /// @param emergencyCommittee_ May pause staking (and nothing else).
    /// @param modules_ The modules (their addresses are known before deployment).
    /// @param dailyStakeCap The refilling daily stake cap, wei (a multiple of 0.001 ETH; 0 = none).
    /// @dev `msg.value` (at least MIN_SEED) buys the dead shares at a rate of 1.
    constructor(
        IWETH weth,
        address governance_,
        address emergencyCommittee_,
        Modules memory modules_,
        uint256 dailyStakeCap
    ) payable EIP712(name, "1") {
        if (address(weth) == address(0) || governance_ == address(0)) revert TrETHZeroAddress();
        if (msg.value < MIN_SEED) revert TrETHSeedTooSmall(msg.value, MIN_SEED);
        WETH = weth;
        governance = governance_;
        emit GovernanceTransferred(address(0), governance_);
        emergencyCommittee = emergencyCommittee_;
        emit EmergencyCommitteeSet(emergencyCommittee_);
        _setModules(modules_);
        _setDailyStakeCap(dailyStakeCap);
        _supply.totalShares = msg.value.toUint88();
        _supply.stakeLimitClock = uint40(StakeLimit.full());
        // Fits: checked by toUint88 above.
        _accounts[DEAD_SHARES_HOLDER].shares = uint88(msg.value);
        emit Transfer(address(0), DEAD_SHARES_HOLDER, msg.value);
        emit Deposit(msg.sender, DEAD_SHARES_HOLDER, msg.value, msg.value);
    }

    // ================================================================ modifiers

    modifier only(address role) {
        if (msg.sender != role) revert TrETHUnauthorized(msg.sender);
        _;
    }

    // ================================================================ governance

    /// @inheritdoc ITrETH
    function pauseStaking() external {
        if (msg.sender != emergencyCommittee && msg.sender != governance) revert TrETHUnauthorized(msg.sender);
        _supply.flags |= FLAG_STAKING_PAUSED;
        emit StakingPaused(msg.sender);
    }

    /// @inheritdoc ITrETH
    function resumeStaking() external only(governance) {
        _supply.flags &= ~FLAG_STAKING_PAUSED;
        emit StakingResumed(msg.sender);
    }

    /// @inheritdoc ITrETH
    function setDailyStakeCap(uint256 cap) external only(governance) {
        _setDailyStakeCap(cap);
    }

    function _setDailyStakeCap(uint256 cap) private {
        if (cap % StakeLimit.CAP_UNIT != 0 || cap / StakeLimit.CAP_UNIT > type(uint32).max) {
            revert TrETHInvalidStakeCap(cap);
        }
        _supply.stakeCapUnits = uint32(cap / StakeLimit.CAP_UNIT);
        // A new cap starts full: the limit applies from now on.
        _supply.stakeLimitClock = uint40(StakeLimit.full());
        emit DailyStakeCapSet(cap);
    }

    /// @inheritdoc ITrETH
    function setModules(Modules calldata modules_) external only(governance) {
        address queue = _queue;
        if (modules_.withdrawalQueue != queue && queue != address(0)) {
            uint256 escrowed = IWithdrawalQueue(queue).unfinalizedShares();
            if (escrowed != 0) revert TrETHQueueNotDrained(escrowed);
        }
        _setModules(modules_);
    }

    function _setModules(Modules memory modules_) private {
        _depositor = modules_.depositor;
        _accounting = modules_.accounting;
        address queue = modules_.withdrawalQueue;
        _queue = queue;
        if (queue != address(0)) {
            uint256 index = _queueIndexPlusOne[queue];
            if (index == 0) {
                index = _queueCount;
                if (index == MAX_QUEUES) revert TrETHQueueLimit(MAX_QUEUES);
                _queueAt[index] = queue;
                // Fits: below MAX_QUEUES.
                _queueCount = uint8(index + 1);
                _queueIndexPlusOne[queue] = index + 1;
            } else {
                index -= 1;
            }
            // Fits: below MAX_QUEUES.
            _queueIndex = uint8(index);
        }
        emit ModulesSet(modules_.depositor, modules_.accounting, modules_.withdrawalQueue);
    }

    /// @inheritdoc ITrETH
    function setEmergencyCommittee(address committee) external only(governance) {
        emergencyCommittee = committee;
        emit EmergencyCommitteeSet(committee);
    }

    /// @inheritdoc ITrETH
    function transferGovernance(address pending) external only(governance) {
        pendingGovernance = pending;
        emit GovernanceTransferStarted(governance, pending);
    }

    /// @inheritdoc ITrETH
    function acceptGovernance() external only(pendingGovernance) {
        emit GovernanceTransferred(governance, msg.sender);
        governance = msg.sender;
        pendingGovernance = address(0);
    }

    /// @inheritdoc ITrETH
    function setCrosschainBridge(address bridge) external only(governance) {
        address previous = crosschainBridge;
        uint256 escrowed = previous == address(0) ? 0 : _accounts[previous].shares;
        if (escrowed != 0) {
            if (bridge == address(0)) revert TrETHZeroAddress();
            _move(previous, bridge, escrowed);
        }
        crosschainBridge = bridge;
        emit CrosschainBridgeSet(previous, bridge, escrowed);
    }

    // ================================================================ crosschain (ERC-7802)

    /// @inheritdoc IERC7802
    /// @dev Releases shares the bridge holds for other chains: never more than it holds.
    function crosschainMint(address to, uint256 amount) external only(crosschainBridge) {
        _move(msg.sender, to, amount);
        emit CrosschainMint(to, amount, msg.sender);
    }

    /// @inheritdoc IERC7802
    /// @dev Locks the shares in the bridge's account (see {ITrETH-crosschainBridge}).
    function crosschainBurn(address from, uint256 amount) external only(crosschainBridge) {
        _move(from, msg.sender, amount);
        emit CrosschainBurn(from, amount, msg.sender);
    }

    /// @dev A transfer off the hot path (the bridge's), through the shared debit and credit.
    function _move(address from, address to, uint256 amount) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        _debit(from, amount);
        _credit(to, amount);
        emit Transfer(from, to, amount);
    }

    // ================================================================ staking

    /// @dev ETH from WETH is an unwrap in progress (see `deposit`); any other ETH is a stake.
    receive() external payable {
        if (msg.sender != address(WETH)) _stake(msg.sender, msg.sender, msg.value);
    }

    /// @inheritdoc ITrETH
    function stake(address receiver) external payable returns (uint256 shares) {
        return _stake(msg.sender, receiver, msg.value);
    }

    /// @inheritdoc ITrETH
    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        shares = _previewStake(assets);
        _pullWeth(assets);
        _mintFor(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ITrETH
    function mint(uint256 shares, address receiver) external returns (uint256 assets) {
        if (shares == 0) revert TrETHZeroAmount();
        Supply memory s = _supply;
        assets = SharesMath.toAssetsUp(shares, _totalAssets(s), s.totalShares);
        // Zero only when the pool holds no assets: shares are not given away.
        if (assets == 0) revert TrETHZeroAmount();
        _pullWeth(assets);
        _mintFor(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ITrETH
    function burn(uint256 shares) external {
        if (shares == 0) revert TrETHZeroAmount();
        _debit(msg.sender, shares);
        _supply.totalShares -= uint88(shares); // cannot underflow: a balance never exceeds the total
        emit Transfer(msg.sender, address(0), shares);
    }

    /// @inheritdoc ITrETH
    function deferBurn(uint256 shares) external {
        if (shares == 0) revert TrETHZeroAmount();
        _debit(msg.sender, shares);
        Account storage pool = _accounts[address(this)];
        // Cannot overflow 88 bits: the shares set aside are part of the supply, which fits 88 bits.
        uint256 pending = pool.shares + shares;
        pool.shares = uint88(pending);
        _supply.flags |= FLAG_BURN_PENDING;
        emit Transfer(msg.sender, address(this), shares);
        emit BurnDeferred(msg.sender, shares, pending);
    }

    // ================================================================ modules

    /// @inheritdoc ITrETH
    function fundBeaconDeposit(uint256 amount) external only(_depositor) {
        if (amount == 0) revert TrETHZeroAmount();
        Supply memory s = _supply;
        uint256 buffered = address(this).balance;
        if (amount > buffered) revert TrETHBufferExceeded(amount, buffered);
        // What unfinalized requests need stays, so that a deposit landing between the oracle's
        // vote and its report cannot leave the report without the ETH it finalizes with.
        uint256 reserved = _withdrawalReserve(s, buffered);
        // Unchecked: amount <= buffered, checked above.
        unchecked {
            if (reserved > buffered - amount) {
                revert TrETHBufferReserved(amount, buffered > reserved ? buffered - reserved : 0, reserved);
            }
        }
        uint256 beacon = s.beaconAssets + amount;
        _supply.beaconAssets = beacon.toUint88();
        emit BeaconDepositFunded(msg.sender, amount, beacon);
        // The depositor is trusted (set by governance) and deposits in the same call; state and
        // event are final before the transfer.
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TrETHUnexpectedEther(msg.sender, amount);
    }

    /// @inheritdoc ITrETH
    function rebase(
        uint256 newBeaconAssets,
        uint256 vaultEther,
        address feeRecipient,
        uint256 feeShares,
        uint256 burnShares
    ) external only(_accounting) {
        Supply memory s = _supply;
        s.beaconAssets = newBeaconAssets.toUint88();
        if (burnShares != 0) {
            Account storage pool = _accounts[address(this)];
            uint256 pending = pool.shares;
            if (burnShares > pending) revert TrETHDeferredBurnExceeded(burnShares, pending);
            // Unchecked: burnShares <= pending <= totalShares (the shares set aside are in the supply).
            unchecked {
                pool.shares = uint88(pending - burnShares);
                s.totalShares -= uint88(burnShares);
            }
            if (burnShares == pending) s.flags &= ~FLAG_BURN_PENDING;
            emit Transfer(address(this), address(0), burnShares);
        }
        // The fee mint shares the supply slot's one write with the beacon assets.
        if (feeShares != 0) {
            if (feeRecipient == address(0)) revert TrETHZeroAddress();
            s.totalShares = (uint256(s.totalShares) + feeShares).toUint88();
        }
        _supply = s;
        _vaultEtherDue = vaultEther;
        emit Rebased(newBeaconAssets, vaultEther);
        if (feeShares != 0) {
            _credit(feeRecipient, feeShares);
            emit Transfer(address(0), feeRecipient, feeShares);
        }
    }

    /// @inheritdoc ITrETH
    function receiveVaultEther() external payable {
        uint256 due = _vaultEtherDue;
        if (msg.value > due) revert TrETHUnexpectedEther(msg.sender, msg.value);
        // Unchecked: msg.value <= due, checked above.
        unchecked {
            _vaultEtherDue = due - msg.value;
        }
    }

    // ================================================================ withdrawals (ERC-7540)

    /// @inheritdoc IERC7540Redeem
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        if (shares == 0) revert TrETHZeroAmount();
        if (controller == address(0)) revert TrETHZeroAddress();
        if (msg.sender != owner && !isOperator[owner][msg.sender]) _spendAllowance(owner, msg.sender, shares);
        Account storage a = _accounts[owner];
        uint256 balance = a.shares;
        if (balance < shares) revert ERC20InsufficientBalance(owner, balance, shares);
        uint256 tickets = a.tickets;
        if (
            controller == owner && tickets >> TICKET_COUNT_BITS == _queueIndex
                && tickets & TICKET_COUNT_MASK < TICKET_COUNT_MASK
        ) {
            // One write for the balance and the ticket count (of the current queue, below 31).
            // Unchecked: shares <= balance, and the count does not carry into the tag.
            unchecked {
                a.shares = uint88(balance - shares);
                a.tickets = uint8(tickets + 1);
            }
        } else {
            // Unchecked: shares <= balance, checked above.
            unchecked {
                a.shares = uint88(balance - shares);
            }
            _addTicket(controller);
        }
        address delegatee = a.delegate;
        if (delegatee != address(0)) _moveVotes(delegatee, address(0), shares);
        address queue = _queue;
        // The shares now count in the queue's balance through its unfinalized total (see _queue).
        emit Transfer(owner, queue, shares);
        // The queue is a trusted module: it only records the ticket and returns its id, which the
        // ERC-7540 event needs, so the event follows the call.
        requestId = IWithdrawalQueue(queue).enqueue(controller, shares);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
    }

    /// @inheritdoc IERC7540Redeem
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        return IWithdrawalQueue(_queue).pendingShares(requestId, controller);
    }

    /// @inheritdoc IERC7540Redeem
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        return IWithdrawalQueue(_queue).claimableShares(requestId, controller);
    }

    /// @inheritdoc ITrETH
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets) {
        (, assets) = _claimTickets(controller, shares, false, receiver, new uint256[](0));
    }

    /// @inheritdoc ITrETH
    function redeem(uint256 shares, address receiver, address controller, uint256[] calldata requestIds)
        external
        returns (uint256 assets)
    {
        (, assets) = _claimTickets(controller, shares, false, receiver, requestIds);
    }

    /// @inheritdoc ITrETH
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares) {
        (shares,) = _claimTickets(controller, assets, true, receiver, new uint256[](0));
    }

    /// @inheritdoc ITrETH
    function withdraw(uint256 assets, address receiver, address controller, uint256[] calldata requestIds)
        external
        returns (uint256 shares)
    {
        (shares,) = _claimTickets(controller, assets, true, receiver, requestIds);
    }

    /// @inheritdoc IERC7540Operator
    function setOperator(address operator, bool approved) external returns (bool) {
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @inheritdoc ITrETH
    /// @dev The queue burns shares it took in escrow (its unfinalized shares, already lowered by
    /// the finalization when this is called), so the sum of balances stays the total supply. No
    /// escrow counter is kept to check the amount against: the queue is trusted with the buffer's
    /// ETH here anyway, so such a check would bound nothing it could not already do.
    function fundWithdrawals(uint256 sharesToBurn, uint256 eth) external {
        address queue = _queue;
        if (msg.sender != queue) revert TrETHUnauthorized(msg.sender);
        uint256 buffered = address(this).balance;
        if (eth > buffered) revert TrETHBufferExceeded(eth, buffered);
        uint256 total = _supply.totalShares;
        if (sharesToBurn > total) revert TrETHBurnExceedsSupply(sharesToBurn, total);
        // Unchecked: sharesToBurn <= totalShares, checked above.
        unchecked {
            _supply.totalShares = uint88(total - sharesToBurn);
        }
        // The burn is the only event here: the queue's ReportRecorded reports the shares and ETH.
        emit Transfer(queue, address(0), sharesToBurn);
        // The queue is trusted (set by governance); state and events are final before the transfer.
        (bool ok,) = queue.call{value: eth}("");
        if (!ok) revert TrETHUnexpectedEther(queue, eth);
    }

    /// @inheritdoc ITrETH
    function moveTicket(address from, address to) external {
        uint256 index;
        if (msg.sender == _queue) {
            index = _queueIndex;
        } else {
            // A retired queue: its tickets still move.
            index = _queueIndexPlusOne[msg.sender];
            if (index == 0) revert TrETHUnauthorized(msg.sender);
            index -= 1;
        }
        _removeTicket(from, msg.sender, index);
        _addTicket(to, msg.sender, index);
    }

    /// @dev ERC-7540 `redeem` / `withdraw`: the queue claims `controller`'s tickets (those listed,
    /// or among its latest finalized requests) for exactly `amount` shares or wei, paid as WETH.
    function _claimTickets(
        address controller,
        uint256 amount,
        bool byAssets,
        address receiver,
        uint256[] memory requestIds
    ) private returns (uint256 shares, uint256 assets) {
        if (msg.sender != controller && !isOperator[controller][msg.sender]) revert TrETHUnauthorized(msg.sender);
        (shares, assets) = IWithdrawalQueue(_queue).claimFor(controller, amount, byAssets, receiver, requestIds);
        // The queue recorded the claims and emitted their events before paying; this event reports
        // the ERC-4626 view of what it did.
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    /// @dev One more ticket of the current queue for `holder`.
    function _addTicket(address holder) private {
        _addTicket(holder, _queue, _queueIndex);
    }

    /// @dev One more ticket of queue `queue` (index `index`) for `holder`. The account counts the
    /// current queue's tickets: one tagging another queue first moves its count to _retiredTickets
    /// (a fresh slot, once per holder and replacement, if it held any). A retired queue's ticket
    /// goes to the account if it tags that queue, else to _retiredTickets.
    function _addTicket(address holder, address queue, uint256 index) private {
        Account storage a = _accounts[holder];
        uint256 tickets = a.tickets;
        if (tickets >> TICKET_COUNT_BITS != index) {
            if (queue != _queue) {
                ++_retiredTickets[queue][holder];
                return;
            }
            _retag(holder, tickets);
            tickets = index << TICKET_COUNT_BITS;
        }
        if (tickets & TICKET_COUNT_MASK < TICKET_COUNT_MASK) {
            // Fits: the count does not carry into the tag.
            a.tickets = uint8(tickets + 1);
        } else {
            // The count reaches a multiple of 32: carried into _extraTickets, once per 32 tickets.
            // Fits: the tag, count 0.
            a.tickets = uint8(tickets & ~TICKET_COUNT_MASK);
            ++_extraTickets[holder];
        }
    }

    /// @dev One ticket less of queue `queue` (index `index`) for `holder`, which holds it.
    function _removeTicket(address holder, address queue, uint256 index) private {
        Account storage a = _accounts[holder];
        uint256 tickets = a.tickets;
        if (tickets >> TICKET_COUNT_BITS != index) {
            // Not tagged with the ticket's queue (a holder of a current ticket always is): counted in
            // _retiredTickets, which holds it.
            --_retiredTickets[queue][holder];
        } else if (tickets & TICKET_COUNT_MASK != 0) {
            // Fits: the count is not 0.
            a.tickets = uint8(tickets - 1);
        } else {
            // Borrow 32 from _extraTickets (it is not 0: the holder holds the ticket).
            --_extraTickets[holder];
            // Fits: the tag, count 31.
            a.tickets = uint8(tickets | TICKET_COUNT_MASK);
        }
    }

    /// @dev Moves the count of the queue an account tags (packed `tickets`) to _retiredTickets,
    /// before the account counts the current queue's.
    function _retag(address holder, uint256 tickets) private {
        uint256 extra = _extraTickets[holder];
        uint256 count = (tickets & TICKET_COUNT_MASK) + extra * (TICKET_COUNT_MASK + 1);
        if (count != 0) _retiredTickets[_queueAt[tickets >> TICKET_COUNT_BITS]][holder] += count;
        if (extra != 0) _extraTickets[holder] = 0;
    }

    // ================================================================ ERC-20

    function totalSupply() public view returns (uint256) {
        return _supply.totalShares;
    }

    /// @dev The queue's balance includes the shares it holds in escrow (its unfinalized shares).
    function balanceOf(address account) public view returns (uint256) {
        address queue = _queue;
        uint256 shares = _accounts[account].shares;
        return account == queue && queue != address(0) ? shares + IWithdrawalQueue(queue).unfinalizedShares() : shares;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        // `return true`, ending the call at once (nothing is left to do) without the ABI encoder.
        assembly ("memory-safe") {
            mstore(0, 1)
            return(0, 0x20)
        }
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        _spendAllowance(from, msg.sender, value);
        _transfer(from, to, value);
        // As in `transfer`.
        assembly ("memory-safe") {
            mstore(0, 1)
            return(0, 0x20)
        }
    }

    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    // ================================================================ ERC-2612

    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert TrETHPermitExpired(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != owner) revert TrETHInvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ================================================================ ERC-5805 votes

    function clock() public view returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    function delegates(address account) external view returns (address) {
        return _accounts[account].delegate;
    }

    function getVotes(address account) external view returns (uint256) {
        return _votes[account].latest();
    }

    function getPastVotes(address account, uint256 timepoint) external view returns (uint256) {
        return _votes[account].upperLookupRecent(_pastTimepoint(timepoint));
    }

    function getPastTotalSupply(uint256 timepoint) external view returns (uint256) {
        return _delegatedSupply.upperLookupRecent(_pastTimepoint(timepoint));
    }

    function delegate(address delegatee) external {
        _delegate(msg.sender, delegatee);
    }

    function delegateBySig(address delegatee, uint256 nonce, uint256 expiry, uint8 v, bytes32 r, bytes32 s) external {
        if (block.timestamp > expiry) revert VotesExpiredSignature(expiry);
        address signer =
            ECDSA.recover(_hashTypedDataV4(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry))), v, r, s);
        _useCheckedNonce(signer, nonce);
        _delegate(signer, delegatee);
    }

    // ================================================================ views

    /// @inheritdoc ITrETH
    function asset() external view returns (address) {
        return address(WETH);
    }

    /// @inheritdoc ITrETH
    function totalAssets() external view returns (uint256) {
        return _totalAssets(_supply);
    }

    /// @inheritdoc ITrETH
    function convertToShares(uint256 assets) public view returns (uint256) {
        Supply memory s = _supply;
        uint256 total = _totalAssets(s);
        // No assets, no rate: nothing can be minted then (see maxDeposit), so no share either.
        return total == 0 ? 0 : SharesMath.toSharesDown(assets, total, s.totalShares);
    }

    /// @inheritdoc ITrETH
    function convertToAssets(uint256 shares) public view returns (uint256) {
        Supply memory s = _supply;
        return SharesMath.toAssetsDown(shares, _totalAssets(s), s.totalShares);
    }

    /// @inheritdoc ITrETH
    function maxDeposit(address) public view returns (uint256) {
        Supply memory s = _supply;
        uint256 assets = _totalAssets(s);
        if (s.flags & FLAG_STAKING_PAUSED != 0 || assets == 0) return 0;
        // The pool's assets stay within 88 bits (the beacon assets they move to are stored in 88).
        uint256 max = assets < type(uint88).max ? type(uint88).max - assets : 0;
        // So do the shares: floor(x * totalShares / assets) <= room  <=>  x < (room + 1) * assets / totalShares.
        uint256 byShares = SharesMath.toAssetsUp(type(uint88).max - s.totalShares + 1, assets, s.totalShares) - 1;
        if (byShares < max) max = byShares;
        uint256 available = StakeLimit.available(s.stakeLimitClock, s.stakeCapUnits);
        return available < max ? available : max;
    }

    /// @inheritdoc ITrETH
    /// @dev mint(maxMint) costs at most maxDeposit: assets rounded up from shares rounded down.
    function maxMint(address receiver) external view returns (uint256) {
        return convertToShares(maxDeposit(receiver));
    }

    /// @inheritdoc ITrETH
    function previewDeposit(uint256 assets) external view returns (uint256) {
        return convertToShares(assets);
    }

    /// @inheritdoc ITrETH
    function previewMint(uint256 shares) external view returns (uint256) {
        Supply memory s = _supply;
        return SharesMath.toAssetsUp(shares, _totalAssets(s), s.totalShares);
    }

    /// @inheritdoc ITrETH
    function modules() external view returns (Modules memory) {
        return Modules({depositor: _depositor, accounting: _accounting, withdrawalQueue: _queue});
    }

    /// @inheritdoc ITrETH
    function accountingModule() external view returns (address) {
        return _accounting;
    }

    /// @inheritdoc ITrETH
    function isStakingPaused() external view returns (bool) {
        return _supply.flags & FLAG_STAKING_PAUSED != 0;
    }

    /// @inheritdoc ITrETH
    function stakeLimit() external view returns (uint256 available, uint256 dailyCap) {
        Supply memory s = _supply;
        return (StakeLimit.available(s.stakeLimitClock, s.stakeCapUnits), uint256(s.stakeCapUnits) * StakeLimit.CAP_UNIT);
    }

    /// @inheritdoc ITrETH
    function bufferedEther() external view returns (uint256) {
        return address(this).balance;
    }

    /// @inheritdoc ITrETH
    function withdrawalReserve() external view returns (uint256) {
        return _withdrawalReserve(_supply, address(this).balance);
    }

    /// @inheritdoc ITrETH
    function beaconAssets() external view returns (uint256) {
        return _supply.beaconAssets;
    }

    /// @inheritdoc ITrETH
    function reportState() external view returns (uint256, uint256, uint256, uint256) {
        Supply memory s = _supply;
        uint256 pending = s.flags & FLAG_BURN_PENDING != 0 ? _accounts[address(this)].shares : 0;
        return (s.beaconAssets, _totalAssets(s), s.totalShares, pending);
    }

    /// @inheritdoc ITrETH
    function pendingBurnShares() external view returns (uint256) {
        return _accounts[address(this)].shares;
    }

    /// @inheritdoc ITrETH
    function ticketBalanceOf(address queue, address holder) external view returns (uint256 count) {
        uint256 index = _queueIndexPlusOne[queue];
        if (index == 0) return 0;
        uint256 tickets = _accounts[holder].tickets;
        if (tickets >> TICKET_COUNT_BITS == index - 1) {
            count = (tickets & TICKET_COUNT_MASK) + _extraTickets[holder] * (TICKET_COUNT_MASK + 1);
        }
        count += _retiredTickets[queue][holder];
    }

    /// @inheritdoc ITrETH
    function escrowedShares() external view returns (uint256) {
        address queue = _queue;
        return queue == address(0) ? 0 : IWithdrawalQueue(queue).unfinalizedShares();
    }

    /// @inheritdoc ITrETH
    function maxRedeem(address controller) external view returns (uint256 shares) {
        (shares,) = IWithdrawalQueue(_queue).claimableOf(controller, new uint256[](0));
    }

    /// @inheritdoc ITrETH
    function maxWithdraw(address controller) external view returns (uint256 assets) {
        (, assets) = IWithdrawalQueue(_queue).claimableOf(controller, new uint256[](0));
    }

    /// @inheritdoc ITrETH
    function previewRedeem(uint256) external pure returns (uint256) {
        revert TrETHAsyncRedemption();
    }

    /// @inheritdoc ITrETH
    function previewWithdraw(uint256) external pure returns (uint256) {
        revert TrETHAsyncRedemption();
    }

    /// @inheritdoc ITrETH
    function share() external view returns (address) {
        return address(this);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC7540Redeem).interfaceId || interfaceId == type(IERC7540Operator).interfaceId
            || interfaceId == type(IERC7575).interfaceId || interfaceId == type(IERC165).interfaceId
            || interfaceId == type(IERC7802).interfaceId;
    }

    // ================================================================ internal: staking

    /// @dev The queue's unfinalized shares at the current rate, rounded up: a request is paid at
    /// most its shares at the rate when requested, which is this rate or below it unless a loss
    /// came since (see withdrawalReserve in ITrETH).
    function _withdrawalReserve(Supply memory s, uint256 buffered) private view returns (uint256) {
        address queue = _queue;
        if (queue == address(0)) return 0;
        uint256 shares = IWithdrawalQueue(queue).unfinalizedShares();
        return shares == 0 ? 0 : SharesMath.toAssetsUp(shares, buffered + s.beaconAssets, s.totalShares);
    }

    /// @dev Total assets with the buffer read from the balance. During a stake the balance
    /// already holds the new ETH, which callers subtract.
    function _totalAssets(Supply memory s) private view returns (uint256) {
        return address(this).balance + s.beaconAssets;
    }

    function _stake(address sender, address receiver, uint256 assets) private returns (uint256 shares) {
        if (assets == 0) revert TrETHZeroAmount();
        Supply memory s = _supply;
        // msg.value is already in the balance: price the shares on the assets before it.
        shares = SharesMath.toSharesDown(assets, _totalAssets(s) - assets, s.totalShares);
        _mint(s, sender, receiver, assets, shares);
    }

    function _previewStake(uint256 assets) private view returns (uint256) {
        if (assets == 0) revert TrETHZeroAmount();
        return convertToShares(assets);
    }

    /// @dev WETH in, unwrapped to ETH: the buffer holds only ETH. WETH is trusted (immutable).
    function _pullWeth(uint256 assets) private {
        WETH.transferFrom(msg.sender, address(this), assets);
        WETH.withdraw(assets);
    }

    function _mintFor(address sender, address receiver, uint256 assets, uint256 shares) private {
        _mint(_supply, sender, receiver, assets, shares);
    }

    function _mint(Supply memory s, address sender, address receiver, uint256 assets, uint256 shares) private {
        if (receiver == address(0)) revert TrETHZeroAddress();
        if (shares == 0) revert TrETHZeroShares(assets);
        if (s.flags & FLAG_STAKING_PAUSED != 0) revert TrETHStakingIsPaused();
        if (s.stakeCapUnits != 0) {
            (uint256 clock_, bool ok) = StakeLimit.consume(s.stakeLimitClock, s.stakeCapUnits, assets);
            if (!ok) revert TrETHStakeLimitExceeded(assets, StakeLimit.available(s.stakeLimitClock, s.stakeCapUnits));
            // Fits: the clock never passes now, which fits 40 bits until 2106.
            s.stakeLimitClock = uint40(clock_);
        }
        s.totalShares = (uint256(s.totalShares) + shares).toUint88();
        _supply = s;
        _credit(receiver, shares);
        emit Transfer(address(0), receiver, shares);
        emit Deposit(sender, receiver, assets, shares);
    }

    // ================================================================ internal: ledger

    /// @dev `_debit(from)` and `_credit(to)` written out in one body (no internal calls on the
    /// hot path): each account's slot is read and written once as a word, and the votes move
    /// only if either account delegated.
    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 fromSlot;
        uint256 toSlot;
        // The accounts' slots (`_accounts[from]`, `_accounts[to]`), with each address cleaned
        // once, for the slots and the log.
        assembly ("memory-safe") {
            from := and(from, 0xffffffffffffffffffffffffffffffffffffffff)
            to := and(to, 0xffffffffffffffffffffffffffffffffffffffff)
            mstore(0x20, _accounts.slot)
            mstore(0, from)
            fromSlot := keccak256(0, 0x40)
            mstore(0, to)
            toSlot := keccak256(0, 0x40)
        }
        uint256 fromWord;
        assembly ("memory-safe") {
            fromWord := sload(fromSlot)
        }
        uint256 balance = fromWord & ACCOUNT_SHARES_MASK;
        if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
        uint256 toWord;
        // Unchecked: value <= balance, so only the shares field (the low bits) changes; and no
        // carry out of the receiver's shares field: a balance never exceeds the total supply,
        // which fits 88 bits.
        assembly ("memory-safe") {
            sstore(fromSlot, sub(fromWord, value))
            toWord := add(sload(toSlot), value)
            sstore(toSlot, toWord)
        }
        // One test for both accounts: a holder who never delegated has a zero delegate field.
        if ((fromWord | toWord) & ACCOUNT_DELEGATE_MASK != 0) {
            _moveVotes(_delegateOf(fromWord), _delegateOf(toWord), value);
        }
        // `emit Transfer(from, to, value)`, without the ABI encoder's use of free memory.
        assembly ("memory-safe") {
            mstore(0, value)
            log3(0, 0x20, TRANSFER_EVENT, from, to)
        }
    }

    /// @dev Removes `value` shares from `account` and from its delegate's votes. The account's
    /// slot is read and written once as a word (see ACCOUNT_SHARES_MASK).
    function _debit(address account, uint256 value) private {
        Account storage a = _accounts[account];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(a.slot)
        }
        uint256 balance = word & ACCOUNT_SHARES_MASK;
        if (balance < value) revert ERC20InsufficientBalance(account, balance, value);
        // Unchecked: value <= balance, so only the shares field (the low bits) changes.
        unchecked {
            word -= value;
        }
        assembly ("memory-safe") {
            sstore(a.slot, word)
        }
        if (word & ACCOUNT_DELEGATE_MASK != 0) _moveVotes(_delegateOf(word), address(0), value);
    }

    /// @dev Adds `value` shares to `account` and to its delegate's votes, in one read and one
    /// write of the account's slot.
    function _credit(address account, uint256 value) private {
        Account storage a = _accounts[account];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(a.slot)
        }
        // Unchecked, and no carry out of the shares field: a balance never exceeds the total
        // supply, which fits 88 bits.
        unchecked {
            word += value;
        }
        assembly ("memory-safe") {
            sstore(a.slot, word)
        }
        if (word & ACCOUNT_DELEGATE_MASK != 0) _moveVotes(address(0), _delegateOf(word), value);
    }

    /// @dev The delegate field of an account's slot word.
    function _delegateOf(uint256 word) private pure returns (address) {
        // Fits: the field is 160 bits wide.
        return address(uint160(word >> ACCOUNT_DELEGATE_SHIFT));
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        allowance[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _spendAllowance(address owner, address spender, uint256 value) private {
        uint256 current = allowance[owner][spender];
        if (current != type(uint256).max) {
            if (current < value) revert ERC20InsufficientAllowance(spender, current, value);
            // Unchecked: value <= current, checked above.
            unchecked {
                allowance[owner][spender] = current - value;
            }
        }
    }

    // ================================================================ internal: votes

    function _delegate(address account, address delegatee) private {
        Account storage a = _accounts[account];
        address previous = a.delegate;
        a.delegate = delegatee;
        emit DelegateChanged(account, previous, delegatee);
        uint256 shares = a.shares;
        if (previous != delegatee && shares != 0) {
            if (previous != address(0)) _moveVotes(previous, address(0), shares);
            if (delegatee != address(0)) _moveVotes(address(0), delegatee, shares);
        }
    }

    /// @dev Moves voting power; address(0) stands for "not delegated", so the delegated supply
    /// grows when votes come from it and shrinks when they go to it.
    function _moveVotes(address from, address to, uint256 amount) private {
        uint48 now_ = clock();
        if (from != address(0)) {
            (uint256 before, uint256 after_) = _push(_votes[from], now_, _votes[from].latest() - amount);
            emit DelegateVotesChanged(from, before, after_);
        } else {
            _push(_delegatedSupply, now_, _delegatedSupply.latest() + amount);
        }
        if (to != address(0)) {
            (uint256 before, uint256 after_) = _push(_votes[to], now_, _votes[to].latest() + amount);
            emit DelegateVotesChanged(to, before, after_);
        } else {
            _push(_delegatedSupply, now_, _delegatedSupply.latest() - amount);
        }
    }

    function _push(Checkpoints.Trace208 storage trace, uint48 key, uint256 value) private returns (uint256, uint256) {
        return trace.push(key, value.toUint208());
    }

    function _pastTimepoint(uint256 timepoint) private view returns (uint48) {
        uint48 now_ = clock();
        if (timepoint >= now_) revert TrETHFutureLookup(timepoint, now_);
        return uint48(timepoint);
    }
}
