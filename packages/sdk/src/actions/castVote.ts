import { type Hash, numberToHex } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as governorAbi from "../generated/governor.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

/** Vote types of the Governor's simple counting: against 0, for 1, abstain 2. */
export const VOTE_SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
/** `ProposalState.Active` in OpenZeppelin's Governor: the only state that takes votes. */
const ACTIVE = 1;

export type CastVoteParameters = DeploymentParameter & {
  proposalId: bigint;
  /** "for", "against" or "abstain" (or the Governor's number: 1, 0, 2). */
  support: keyof typeof VOTE_SUPPORT | 0 | 1 | 2;
  /** A reason recorded in the `VoteCast` event (`castVoteWithReason`). */
  reason?: string | undefined;
};

/** The hash of the vote transaction. */
export type CastVoteReturnType = Hash;

export type SimulateCastVoteReturnType = {
  /** The vote's weight: the account's voting power at the proposal's snapshot, trETH wei. */
  result: bigint;
  request: WriteRequest;
};

export type CastVoteErrorType =
  | ContractError<
      "GovernorUnexpectedProposalState" | "GovernorAlreadyCastVote" | "GovernorNonexistentProposal"
    >
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** Checks (one multicall): the support value, the proposal exists and is active, the account has not voted. */
async function prepareCastVote(client: WriteClient, parameters: CastVoteParameters): Promise<PreparedWrite> {
  const account = accountOf(client);
  const support =
    typeof parameters.support === "string" ? VOTE_SUPPORT[parameters.support] : parameters.support;
  if (support !== 0 && support !== 1 && support !== 2) {
    throw new InvalidArgumentError(
      "support",
      `\`support\` must be "for", "against" or "abstain", not ${String(parameters.support)}.`,
      { docsPath: "writes" },
    );
  }
  const { governor } = resolveDeployment(client, parameters.deployment).contracts;
  const { proposalId, reason } = parameters;
  const [state, voted] = await readMany(client, [
    { address: governor, abi: governorAbi.state, functionName: "state", args: [proposalId] },
    {
      address: governor,
      abi: governorAbi.hasVoted,
      functionName: "hasVoted",
      args: [proposalId, account.address],
    },
  ] as const);
  if (state !== ACTIVE) {
    throw new Refusal("GovernorUnexpectedProposalState", {
      proposalId,
      current: BigInt(state),
      expectedStates: numberToHex(1n << BigInt(ACTIVE), { size: 32 }),
    });
  }
  if (voted) throw new Refusal("GovernorAlreadyCastVote", { voter: account.address });
  return {
    account,
    before: [],
    call:
      reason === undefined
        ? {
            address: governor,
            abi: governorAbi.castVote,
            functionName: "castVote",
            args: [proposalId, support],
          }
        : {
            address: governor,
            abi: governorAbi.castVoteWithReason,
            functionName: "castVoteWithReason",
            args: [proposalId, support, reason],
          },
  };
}

/**
 * Votes on a Governor proposal with the account's trETH voting power at the proposal's snapshot
 * (`castVote`, or `castVoteWithReason` with a `reason`). Checked before sending: the proposal
 * exists (`GovernorNonexistentProposal`) and is active (`GovernorUnexpectedProposalState`), and
 * the account has not voted (`GovernorAlreadyCastVote`). Votes come from delegation: a holder
 * who never delegated (to itself or another) votes with weight 0.
 *
 * @example
 * import { castVote } from "@tributary/sdk";
 * const hash = await castVote(client, { proposalId, support: "for", reason: "fees", deployment });
 */
export async function castVote(
  client: WriteClient,
  parameters: CastVoteParameters,
): Promise<CastVoteReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareCastVote(client, parameters)));
}

/**
 * Runs the vote without sending it: `result` is its weight.
 *
 * @example
 * const { result: weight } = await simulateCastVote(client, { proposalId, support: "for", deployment });
 */
export async function simulateCastVote(
  client: WriteClient,
  parameters: CastVoteParameters,
): Promise<SimulateCastVoteReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<bigint>(
      client,
      await prepareCastVote(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas the vote would use now.
 *
 * @example
 * const gas = await estimateCastVoteGas(client, { proposalId, support: "for", deployment });
 */
export async function estimateCastVoteGas(
  client: WriteClient,
  parameters: CastVoteParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareCastVote(client, parameters)));
}
