// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";

interface IDeposit {
    function get_deposit_root() external view returns (bytes32);
    function get_deposit_count() external view returns (bytes memory);
}

contract DepositContractTest is Test {
    IDeposit internal dc;

    function setUp() public {
        bytes memory code = vm.getCode("DepositContract.sol:DepositContract");
        address a;
        assembly {
            a := create(0, add(code, 0x20), mload(code))
        }
        dc = IDeposit(a);
    }

    function test_emptyRoot() public view {
        // The root of the empty deposit tree, as on every fresh deployment (mainnet genesis value).
        assertEq(dc.get_deposit_root(), 0xd70a234731285c6804c2a4f56711ddb8c82c99740f207854891028af34e27e5e, "empty root");
        assertEq(keccak256(dc.get_deposit_count()), keccak256(hex"0000000000000000"), "count");
    }
}
