// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @notice Test-only ERC20Votes token with an ERC-6372 clock in timestamp mode (like trETH), or
/// in block-number mode when constructed with `timestampClock = false`. Anyone can mint.
contract VotesTokenMock is ERC20, EIP712, ERC20Votes {
    bool private immutable TIMESTAMP_CLOCK;

    constructor(bool timestampClock) ERC20("Votes Mock", "VOTE") EIP712("Votes Mock", "1") {
        TIMESTAMP_CLOCK = timestampClock;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function clock() public view override returns (uint48) {
        // Timestamps and block numbers fit uint48 for millions of years.
        return TIMESTAMP_CLOCK ? uint48(block.timestamp) : uint48(block.number);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public view override returns (string memory) {
        return TIMESTAMP_CLOCK ? "mode=timestamp" : "mode=blocknumber&from=default";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
