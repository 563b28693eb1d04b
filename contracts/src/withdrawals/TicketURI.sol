// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title TicketURI
/// @notice On-chain ERC-721 metadata of a withdrawal ticket: a `data:` URI holding JSON with the
/// amount and the status. Amounts are in wei (shares and ETH), as integers.
library TicketURI {
    using Strings for uint256;

    function render(
        uint256 requestId,
        uint256 shares,
        bool finalized,
        bool claimed,
        uint256 claimableAssets,
        uint256 sharesAhead
    ) internal pure returns (string memory) {
        string memory status = claimed ? "claimed" : finalized ? "claimable" : "pending";
        bytes memory json = abi.encodePacked(
            '{"name":"trETH withdrawal #',
            requestId.toString(),
            '","description":"Tributary withdrawal request: whoever holds this ticket can claim its ETH once it is finalized.","attributes":[{"trait_type":"status","value":"',
            status,
            '"},{"trait_type":"shares","value":"',
            shares.toString(),
            '"},{"trait_type":"claimable_wei","value":"',
            claimableAssets.toString(),
            '"},{"trait_type":"shares_ahead","value":"',
            sharesAhead.toString(),
            '"}]}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(json));
    }
}
