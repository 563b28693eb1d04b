// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title StakeLimit
/// @notice A daily staking cap that refills linearly, encoded as one 40-bit clock so that it packs
/// with the token's supply in a single storage slot.
/// @dev The limit available at time `t` is `min(cap, (t - clock) * cap / 1 day)`. Consuming `x`
/// moves the clock forward by `x * 1 day / cap`. Time is kept in 1/256 s so that the rounding of
/// one consumption is at most cap / (86_400 * 256), about 0.007 ETH for a 150,000 ETH cap, and is
/// always charged against the staker (the clock is rounded up).
library StakeLimit {
    /// @dev Clock resolution: 256 ticks a second. 2^40 ticks last until the year 2106.
    uint256 internal constant TICKS_PER_SECOND = 256;
    /// @dev One day in ticks: the cap refills fully over a day.
    uint256 internal constant DAY_TICKS = 1 days * TICKS_PER_SECOND;
    /// @dev The cap is stored in units of 0.001 ETH in 32 bits: at most ~4.29 million ETH a day.
    uint256 internal constant CAP_UNIT = 1e15;

    /// @dev Ticks count from one day before the Unix epoch, so that a full clock (`now - 1 day`)
    /// never goes below zero, even on a fresh test chain at timestamp 0.
    function nowTicks() internal view returns (uint256) {
        return (block.timestamp + 1 days) * TICKS_PER_SECOND;
    }

    /// @notice The amount that can be staked now, in wei. `capUnits == 0` means no limit.
    function available(uint256 clock, uint256 capUnits) internal view returns (uint256) {
        if (capUnits == 0) return type(uint256).max;
        uint256 capWei = capUnits * CAP_UNIT;
        uint256 t = nowTicks();
        // A clock ahead of now cannot happen (consumption never exceeds what is available), but a
        // cap lowered by governance is handled by the `min` below.
        if (clock >= t) return 0;
        uint256 elapsed = t - clock;
        if (elapsed >= DAY_TICKS) return capWei;
        return elapsed * capWei / DAY_TICKS;
    }

    /// @notice The clock after consuming `amount`, or `ok == false` if more than is available.
    /// @dev amount <= available  <=>  amount * DAY / cap <= now - base  <=>  base + ceil(amount * DAY / cap) <= now,
    /// so the check and the update are one computation.
    function consume(uint256 clock, uint256 capUnits, uint256 amount) internal view returns (uint256, bool) {
        uint256 capWei = capUnits * CAP_UNIT;
        if (amount > capWei) return (clock, false);
        uint256 base = full();
        if (clock > base) base = clock;
        // Unchecked: amount <= capWei < 2^42 * 1e15 < 2^92 and DAY_TICKS < 2^25, so no overflow;
        // base <= now (consumption never passes now), so newClock - base cannot wrap.
        unchecked {
            // Rounded up: the staker, not the protocol, absorbs the sub-tick remainder.
            uint256 newClock = base + (amount * DAY_TICKS + capWei - 1) / capWei;
            return (newClock, newClock <= nowTicks());
        }
    }

    /// @notice A clock at which the full cap is available.
    function full() internal view returns (uint256) {
        return nowTicks() - DAY_TICKS;
    }
}
