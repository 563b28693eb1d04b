import type { Address, Hash, Hex } from "viem";
import { concat, encodeAbiParameters, keccak256 } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as accountingAbi from "../generated/accounting.js";
import * as rewardsDistributorAbi from "../generated/rewardsDistributor.js";
import { checkOperatorId } from "../utils/operator.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  checkAddress,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

export type ClaimCommissionParameters = DeploymentParameter & {
  operatorId: bigint;
  /** The account in the rewards tree's leaf: it receives the trETH (anyone may send the claim). */
  account: Address;
  /** The operator's commission earned so far, trETH wei, as in the leaf. */
  cumulativeShares: bigint;
  /** The Merkle proof of the leaf (sibling hashes, from the published rewards tree). */
  proof: readonly Hex[];
};

/** The hash of the transaction. */
export type ClaimCommissionReturnType = Hash;

export type SimulateClaimCommissionReturnType = {
  /** trETH shares paid: `cumulativeShares` less what was claimed before. */
  result: bigint;
  request: WriteRequest;
};

export type ClaimCommissionErrorType =
  | ContractError<"RewardsDistributorInvalidProof" | "RewardsDistributorNothingToClaim">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** The leaf of the rewards tree: OpenZeppelin's double hash of (operatorId, account, cumulativeShares). */
export function commissionLeaf(operatorId: bigint, account: Address, cumulativeShares: bigint): Hex {
  return keccak256(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
        [operatorId, account, cumulativeShares],
      ),
    ),
  );
}

/** The root a proof leads to from `leaf` (sorted pairs, as OpenZeppelin's MerkleProof). */
export function processProof(leaf: Hex, proof: readonly Hex[]): Hex {
  let node = leaf;
  for (const sibling of proof) {
    node =
      BigInt(node) < BigInt(sibling)
        ? keccak256(concat([node, sibling]))
        : keccak256(concat([sibling, node]));
  }
  return node;
}

/** The accounting module keeps the root's first 152 bits: 19 bytes. */
const ROOT_PREFIX_HEX = 2 + 19 * 2;

/**
 * Checks (one multicall): the proof leads to the current rewards root (its first 19 bytes, as
 * the distributor compares) and something is left to claim.
 */
async function prepareClaimCommission(client: WriteClient, parameters: ClaimCommissionParameters) {
  const sender = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const account = checkAddress("account", parameters.account);
  const { cumulativeShares, proof } = parameters;
  const { rewardsDistributor, accounting } = resolveDeployment(client, parameters.deployment).contracts;
  const [root, claimed] = await readMany(client, [
    { address: accounting, abi: accountingAbi.rewardsRoot, functionName: "rewardsRoot" },
    {
      address: rewardsDistributor,
      abi: rewardsDistributorAbi.claimed,
      functionName: "claimed",
      args: [operatorId],
    },
  ] as const);
  const reached = processProof(commissionLeaf(operatorId, account, cumulativeShares), proof);
  if (reached.slice(0, ROOT_PREFIX_HEX).toLowerCase() !== root.slice(0, ROOT_PREFIX_HEX).toLowerCase()) {
    throw new Refusal("RewardsDistributorInvalidProof", { operatorId, account, cumulativeShares });
  }
  if (cumulativeShares <= claimed) {
    throw new Refusal("RewardsDistributorNothingToClaim", { operatorId, cumulativeShares, claimed });
  }
  const prepared: PreparedWrite = {
    account: sender,
    before: [],
    call: {
      address: rewardsDistributor,
      abi: rewardsDistributorAbi.claim,
      functionName: "claim",
      args: [operatorId, account, cumulativeShares, proof],
    },
  };
  return prepared;
}

/**
 * Claims an operator's commission from the rewards distributor with a proof from the published
 * rewards tree: pays `account` (the leaf's) the trETH earned up to `cumulativeShares` not claimed
 * yet. Anyone may send it. Checked before sending, against the chain: the proof leads to the
 * current root (`RewardsDistributorInvalidProof`) and something is left (`RewardsDistributorNothingToClaim`).
 *
 * @example
 * import { claimCommission } from "@tributary/sdk";
 * const hash = await claimCommission(client, { operatorId: 3n, account, cumulativeShares, proof, deployment });
 */
export async function claimCommission(
  client: WriteClient,
  parameters: ClaimCommissionParameters,
): Promise<ClaimCommissionReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareClaimCommission(client, parameters)));
}

/**
 * Runs `claimCommission` without sending it: `result` is the trETH shares it pays.
 *
 * @example
 * const { result: shares } = await simulateClaimCommission(client, parameters);
 */
export async function simulateClaimCommission(
  client: WriteClient,
  parameters: ClaimCommissionParameters,
): Promise<SimulateClaimCommissionReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<bigint>(
      client,
      await prepareClaimCommission(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `claimCommission` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateClaimCommissionGas(client, parameters);
 */
export async function estimateClaimCommissionGas(
  client: WriteClient,
  parameters: ClaimCommissionParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareClaimCommission(client, parameters)));
}
