// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity 0.8.30;

import {AccountingFixture} from "./AccountingFixture.sol";
import {IAccounting} from "../../src/interfaces/IAccounting.sol";
import {IRewardsDistributor} from "../../src/interfaces/IRewardsDistributor.sol";

/// @notice Operators claim their commission from the distributor with Merkle proofs against the
/// cumulative root of the last report.
contract RewardsDistributorClaimTest is AccountingFixture {
    uint256 internal opA;
    uint256 internal opB;
    address internal rewardA;
    address internal rewardB;

    function setUp() public override {
        super.setUp();
        _stake(makeAddr("alice"), 200 ether);
        opA = _operatorWithValidators("operator A", 1, 2);
        opB = _operatorWithValidators("operator B", 2, 2);
        rewardA = registry.getOperator(opA).rewardAddress;
        rewardB = registry.getOperator(opB).rewardAddress;
        _nextFrame();
    }

    function _leaf(uint256 id, address account, uint256 cumulative) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(id, account, cumulative))));
    }

    function _pair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    /// @dev A report with commission; the root splits the minted commission shares 60/40.
    function _reportWithRoot(uint256 cumA, uint256 cumB) internal returns (bytes32 root) {
        root = _pair(_leaf(opA, rewardA, cumA), _leaf(opB, rewardB, cumB));
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.03 ether; // within a day at 10%/year
        r.operatorCommission = 0.002 ether;
        r.rewardsRoot = root;
        _report(r);
    }

    function test_operatorsClaimTheirCommissionWithProofs() public {
        // Shares minted to the distributor by this report are known only after it; the oracle
        // computes them the same way. Here: allocate after the fact from the distributor balance.
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.04 ether;
        r.operatorCommission = 0.002 ether;
        r.rewardsRoot = bytes32(uint256(1));
        _report(r);
        uint256 minted = token.balanceOf(address(distributor)) - accounting.treasuryFeeShares();
        assertGt(minted, 0, "commission minted to the distributor");
        uint256 cumA = minted * 6 / 10;
        uint256 cumB = minted - cumA;

        _nextFrame();
        _reportWithRoot(cumA, cumB);
        bytes32[] memory proofA = new bytes32[](1);
        proofA[0] = _leaf(opB, rewardB, cumB);
        uint256 paid = distributor.claim(opA, rewardA, cumA, proofA);
        assertEq(paid, cumA, "first claim pays everything");
        assertEq(token.balanceOf(rewardA), cumA, "to the leaf's account");
        assertEq(distributor.claimed(opA), cumA, "recorded");
        vm.expectRevert(abi.encodeWithSelector(IRewardsDistributor.RewardsDistributorNothingToClaim.selector, opA, cumA, cumA));
        distributor.claim(opA, rewardA, cumA, proofA);
        // A forged amount does not verify.
        vm.expectRevert(abi.encodeWithSelector(IRewardsDistributor.RewardsDistributorInvalidProof.selector, opA, rewardA, cumA + 1));
        distributor.claim(opA, rewardA, cumA + 1, proofA);
    }

    function test_cumulativeRootPaysOnlyTheDifference() public {
        IAccounting.Report memory r = _baseReport();
        r.clBalance += 0.04 ether;
        r.operatorCommission = 0.002 ether;
        r.rewardsRoot = bytes32(uint256(1));
        _report(r);
        uint256 first = token.balanceOf(address(distributor)) - accounting.treasuryFeeShares();
        _nextFrame();
        _reportWithRoot(first, 0);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = _leaf(opB, rewardB, 0);
        distributor.claim(opA, rewardA, first, proof);
        // Next frame: A's cumulative grows by what the new report minted.
        uint256 before = token.balanceOf(address(distributor)) - accounting.treasuryFeeShares();
        _nextFrame();
        bytes32 root2 = _pair(_leaf(opA, rewardA, first + before), _leaf(opB, rewardB, 0));
        r = _baseReport();
        r.rewardsRoot = root2;
        _report(r);
        proof[0] = _leaf(opB, rewardB, 0);
        uint256 paid = distributor.claim(opA, rewardA, first + before, proof);
        assertEq(paid, before, "only the new part is paid");
        assertEq(bytes19(distributor.rewardsRoot()), bytes19(root2), "root read from accounting (its first 152 bits)");
    }
}
