import {
  type Address,
  type Chain,
  type Client,
  getAbiItem,
  type Hex,
  isAddressEqual,
  type Transport,
  zeroHash,
} from "viem";
import { getBlock } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type { DeploymentNotFoundErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as accountingAbi from "../generated/accounting.js";
import * as hashConsensusAbi from "../generated/hashConsensus.js";
import { accountingModules } from "../utils/accounting.js";
import { blockTimes, scanLogs } from "../utils/logs.js";
import { readMany, tryReadMany } from "../utils/read.js";

const reportEvent = getAbiItem({ abi: accountingAbi.ReportApplied, name: "ReportApplied" });

export type CommitteeMember = {
  address: Address;
  /** Reference slot of the member's latest vote (0: never voted). */
  lastVotedRefSlot: bigint;
  /** The hash it voted in the current frame, or null. */
  currentFrameReportHash: Hex | null;
};

export type GetCommitteeParameters = DeploymentParameter & {
  /** Split the event scan into ranges of at most this many blocks (default: one query, split if the node refuses). */
  maxBlockRange?: bigint | undefined;
};

export type GetCommitteeReturnType = {
  /** The members' addresses (HashConsensus `getMembers`). */
  members: Address[];
  /** Each member's voting state, in the order of `members`. */
  memberStates: CommitteeMember[];
  /** Matching votes needed for consensus. */
  quorum: bigint;
  /** The report format version votes carry. */
  consensusVersion: bigint;
  /** Beacon chain parameters as the committee holds them. */
  chain: { slotsPerEpoch: bigint; secondsPerSlot: bigint; genesisTime: bigint; epochsPerFrame: bigint };
  /** The frame layout: frame 0 starts at `initialEpoch`; each frame is `epochsPerFrame` epochs. */
  frameConfig: { initialEpoch: bigint; epochsPerFrame: bigint };
  /**
   * The current frame (`getCurrentFrame`): the slot its report describes and the last slot it can
   * be processed in; with the consensus so far. Null before the first frame starts.
   */
  frame: {
    refSlot: bigint;
    deadlineSlot: bigint;
    /** Unix seconds of the start of the deadline slot's successor: the report must land before. */
    deadlineTime: bigint;
    /** The hash a quorum agreed on for this frame, or null. */
    consensusHash: Hex | null;
    /** Members behind `consensusHash` (0 without consensus). */
    support: bigint;
  } | null;
  /**
   * The next frame: its reference slot (the current frame's last slot, or the slot before the first
   * frame) and that slot's start, unix seconds. Members can report for it from the slot after.
   */
  nextFrame: { refSlot: bigint; time: bigint };
  /** The slot of the latest block, by the committee's chain parameters. */
  currentSlot: bigint;
  /** The accounting module's `lastProcessedRefSlot` (0: none). */
  lastProcessedRefSlot: bigint;
  /** The last applied report: its reference slot and the block that applied it; null before the first. */
  lastReport: { refSlot: bigint; blockNumber: bigint; timestamp: bigint } | null;
  /**
   * Whether the committee keeps up: the last processed reference slot is at least the reference
   * slot of the latest frame whose processing deadline has passed. That frame is the one before the
   * current one (reference slot `frame.refSlot - epochsPerFrame * slotsPerEpoch`; its deadline is
   * `frame.refSlot`, which the current slot is past). True when no frame deadline has passed yet
   * under the current layout (before the first frame, or in frame 0). Being behind by exactly the
   * current frame is keeping up: its deadline has not passed.
   */
  keepsUp: boolean;
};

export type GetCommitteeErrorType = DeploymentNotFoundErrorType | RpcErrorType | UnknownErrorType;

/**
 * The oracle committee and its schedule: members and their votes, the quorum, the current and
 * next frame with wall-clock times, the last applied report, and whether the committee keeps up
 * (see `keepsUp`). Round trips: one multicall with the latest block beside it, then the members'
 * states and the last report's event together, then the report's block time only if the node's
 * logs lack `blockTimestamp`; one more per accounting module replaced by governance. The reads are
 * of the latest block at each step (not pinned to one block).
 *
 * @example
 * import { getCommittee } from "@tributary/sdk";
 * const c = await getCommittee(client);
 * console.log(`${c.members.length} members, quorum ${c.quorum}, keeps up: ${c.keepsUp}`);
 * console.log(`next report for slot ${c.nextFrame.refSlot} at ${new Date(Number(c.nextFrame.time) * 1000)}`);
 */
export async function getCommittee(
  client: Client<Transport, Chain | undefined>,
  parameters: GetCommitteeParameters = {},
): Promise<GetCommitteeReturnType> {
  const deployment = resolveDeployment(client, parameters.deployment);
  const { hashConsensus: hc, accounting } = deployment.contracts;
  return withErrors(async () => {
    const [latest, reads, modules] = await Promise.all([
      getBlock(client, { blockTag: "latest" }),
      tryReadMany(client, [
        { address: hc, abi: hashConsensusAbi.getMembers, functionName: "getMembers" },
        { address: hc, abi: hashConsensusAbi.getQuorum, functionName: "getQuorum" },
        { address: hc, abi: hashConsensusAbi.getConsensusVersion, functionName: "getConsensusVersion" },
        { address: hc, abi: hashConsensusAbi.getChainConfig, functionName: "getChainConfig" },
        { address: hc, abi: hashConsensusAbi.getFrameConfig, functionName: "getFrameConfig" },
        {
          address: accounting,
          abi: accountingAbi.lastProcessedRefSlot,
          functionName: "lastProcessedRefSlot",
        },
        { address: hc, abi: hashConsensusAbi.getCurrentFrame, functionName: "getCurrentFrame" },
        { address: hc, abi: hashConsensusAbi.getConsensusReport, functionName: "getConsensusReport" },
      ] as const),
      accountingModules(client, deployment),
    ]);
    const [members, quorum, consensusVersion, chainConfig, frameConfig, deployedLastRefSlot] = reads
      .slice(0, 6)
      .map((r) => {
        if (r.status === "failure") throw r.error;
        return r.result;
      }) as [
      readonly Address[],
      bigint,
      bigint,
      readonly [bigint, bigint, bigint],
      readonly [bigint, bigint],
      bigint,
    ];
    const [slotsPerEpoch, secondsPerSlot, genesisTime] = chainConfig;
    const [initialEpoch, epochsPerFrame] = frameConfig;
    const current = reads[6].status === "success" ? reads[6].result : null;
    const consensus = reads[7].status === "success" ? reads[7].result : null;
    // The deployment's module was read above; a module installed since is read now.
    const module = modules[0] ?? accounting;
    const lastProcessedRefSlot = isAddressEqual(module, accounting)
      ? deployedLastRefSlot
      : (
          await readMany(client, [
            {
              address: module,
              abi: accountingAbi.lastProcessedRefSlot,
              functionName: "lastProcessedRefSlot",
            },
          ] as const)
        )[0];
    const [states, logs] = await Promise.all([
      readMany(
        client,
        members.map(
          (member) =>
            ({
              address: hc,
              abi: hashConsensusAbi.getMemberState,
              functionName: "getMemberState",
              args: [member],
            }) as const,
        ),
      ),
      lastProcessedRefSlot === 0n
        ? Promise.resolve([])
        : scanLogs(client, {
            address: modules,
            event: reportEvent,
            args: { refSlot: lastProcessedRefSlot },
            fromBlock: BigInt(deployment.blockNumber),
            maxBlockRange: parameters.maxBlockRange,
          }),
    ]);
    const log = logs[logs.length - 1];
    const times = log ? await blockTimes(client, [log]) : new Map<bigint, bigint>();
    const slotTime = (slot: bigint) => genesisTime + slot * secondsPerSlot;
    const frameSlots = epochsPerFrame * slotsPerEpoch;
    const firstRefSlot = initialEpoch * slotsPerEpoch - 1n;
    const nextRefSlot = current ? current[1] : firstRefSlot;
    const previousRefSlot = current ? current[0] - frameSlots : null;
    return {
      members: [...members],
      memberStates: members.map((address, i) => {
        const [lastVotedRefSlot, hash] = states[i] as readonly [bigint, Hex];
        return { address, lastVotedRefSlot, currentFrameReportHash: hash === zeroHash ? null : hash };
      }),
      quorum,
      consensusVersion,
      chain: { slotsPerEpoch, secondsPerSlot, genesisTime, epochsPerFrame },
      frameConfig: { initialEpoch, epochsPerFrame },
      frame: current
        ? {
            refSlot: current[0],
            deadlineSlot: current[1],
            deadlineTime: slotTime(current[1] + 1n),
            consensusHash: consensus && consensus[1] !== zeroHash ? consensus[1] : null,
            support: consensus ? consensus[2] : 0n,
          }
        : null,
      nextFrame: { refSlot: nextRefSlot, time: slotTime(nextRefSlot) },
      currentSlot: latest.timestamp >= genesisTime ? (latest.timestamp - genesisTime) / secondsPerSlot : 0n,
      lastProcessedRefSlot,
      lastReport: log
        ? {
            refSlot: lastProcessedRefSlot,
            blockNumber: log.blockNumber,
            timestamp: times.get(log.blockNumber) ?? 0n,
          }
        : null,
      keepsUp:
        previousRefSlot === null || previousRefSlot < firstRefSlot || lastProcessedRefSlot >= previousRefSlot,
    };
  });
}
