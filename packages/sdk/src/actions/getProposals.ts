import type { Address, Chain, Client, Hex, Transport } from "viem";
import { getAbiItem } from "viem";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as governorAbi from "../generated/governor.js";
import { scanLogs } from "../utils/logs.js";
import { readMany } from "../utils/read.js";
import { checkAddress } from "../utils/validate.js";

const createdEvent = getAbiItem({ abi: governorAbi.ProposalCreated, name: "ProposalCreated" });

/** OpenZeppelin Governor's `ProposalState`, by its number. */
export const PROPOSAL_STATES = [
  "pending",
  "active",
  "canceled",
  "defeated",
  "succeeded",
  "queued",
  "expired",
  "executed",
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

/** One proposal of the Governor, as created and as it stands. */
export type Proposal = {
  proposalId: bigint;
  proposer: Address;
  /** The description as proposed (its first line is the title by convention). */
  description: string;
  /** The calls it makes if executed. */
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  /** Voting opens and closes at these clock points (trETH's clock: unix seconds). */
  voteStart: bigint;
  voteEnd: bigint;
  state: ProposalState;
  /** trETH voting weight cast each way. */
  votes: { for: bigint; against: bigint; abstain: bigint };
  /** Weight that must vote for or abstain for the proposal to pass (as of its snapshot). */
  quorum: bigint;
  /** The block that created it. */
  blockNumber: bigint;
  /** Whether `voter` has voted on it (only when `voter` is given). */
  hasVoted?: boolean | undefined;
};

export type GetProposalsParameters = DeploymentParameter & {
  /** Also tell, for each proposal, whether this account has voted. */
  voter?: Address | undefined;
  /** Scan the Governor's events from this block (default: the deployment's `blockNumber`). */
  fromBlock?: bigint | undefined;
  /** Split the event scan into ranges of at most this many blocks (default: one query, split if the node refuses). */
  maxBlockRange?: bigint | undefined;
};

/** Newest first. */
export type GetProposalsReturnType = Proposal[];

export type GetProposalsErrorType =
  | DeploymentNotFoundErrorType
  | InvalidArgumentErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Every proposal of the deployment's Governor, newest first: what it does (from its
 * `ProposalCreated` event) and how it stands now (state, votes each way, quorum), read in one
 * multicall at one block. With `voter`, whether that account has voted on each.
 *
 * Round trips: one log query (split when the node limits ranges), then the Governor's clock, then
 * one multicall.
 *
 * @example
 * import { getProposals } from "@tributary/sdk";
 * for (const p of await getProposals(client, { voter: "0x..." }))
 *   console.log(`${p.proposalId} ${p.state}: ${p.description.split("\n")[0]}`);
 */
export async function getProposals(
  client: Client<Transport, Chain | undefined>,
  parameters: GetProposalsParameters = {},
): Promise<GetProposalsReturnType> {
  const voter = parameters.voter === undefined ? undefined : checkAddress("voter", parameters.voter);
  const deployment = resolveDeployment(client, parameters.deployment);
  const { governor } = deployment.contracts;
  return withErrors(async () => {
    const logs = await scanLogs(client, {
      address: governor,
      event: createdEvent,
      fromBlock: parameters.fromBlock ?? BigInt(deployment.blockNumber),
      maxBlockRange: parameters.maxBlockRange,
    });
    if (logs.length === 0) return [];
    // The quorum is read at each proposal's snapshot, or just before now while the snapshot is ahead.
    const head = await readMany(client, [
      { address: governor, abi: governorAbi.clock, functionName: "clock" },
    ] as const);
    const clock = BigInt(head[0]);
    const reads = logs.flatMap(({ args }) => {
      const id = args.proposalId;
      const snapshot = args.voteStart < clock ? args.voteStart : clock - 1n;
      return [
        { address: governor, abi: governorAbi.state, functionName: "state", args: [id] },
        { address: governor, abi: governorAbi.proposalVotes, functionName: "proposalVotes", args: [id] },
        { address: governor, abi: governorAbi.quorum, functionName: "quorum", args: [snapshot] },
        ...(voter
          ? [
              {
                address: governor,
                abi: governorAbi.hasVoted,
                functionName: "hasVoted",
                args: [id, voter],
              },
            ]
          : []),
      ];
    });
    const results = (await readMany(client, reads as never)) as unknown[];
    const per = voter ? 4 : 3;
    return logs
      .map(({ args, blockNumber: created }, i): Proposal => {
        const [state, votes, quorum, voted] = results.slice(i * per, i * per + per) as [
          number,
          readonly [bigint, bigint, bigint],
          bigint,
          boolean | undefined,
        ];
        return {
          proposalId: args.proposalId,
          proposer: args.proposer,
          description: args.description,
          targets: args.targets,
          values: args.values,
          calldatas: args.calldatas,
          voteStart: args.voteStart,
          voteEnd: args.voteEnd,
          state: PROPOSAL_STATES[state] ?? "pending",
          votes: { against: votes[0], for: votes[1], abstain: votes[2] },
          quorum,
          blockNumber: created,
          ...(voter ? { hasVoted: voted } : {}),
        };
      })
      .reverse();
  });
}
