/**
 * One committee member's work, one step at a time (`tick`): find the frame, wait for its reference
 * slot to be final, compute the report, vote its hash, submit the data once a quorum agrees, then
 * publish the rewards tree and the exit list. Each step reads the chain first, so a member killed
 * at any point and restarted does exactly what is left: a vote already on chain is not sent again,
 * a report already applied is not submitted again.
 */
import { accountingAbi, hashConsensusAbi, protocolErrorsAbi } from "@tributary/sdk/abis";
import {
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  decodeErrorResult,
  formatEther,
  type Hex,
  type Transport,
  type WalletClient,
} from "viem";
import { BeforeFirstFrameError, type ChainReader, type CommitteeView, ZERO_HASH } from "../chain.js";
import type { FrameHistoryReader } from "../history.js";
import { ReportRefusal } from "../report/accountingMath.js";
import { type ComputedReport, computeReport } from "../report/compute.js";
import { unpackExitList } from "../report/exits.js";
import { matchValidators } from "../report/match.js";
import { publishedTree, treeFromDump, ZERO_ROOT } from "../report/tree.js";
import type { ExitEntry, ProtocolValidator, RewardsTreeState, Snapshot } from "../report/types.js";
import type { StateView } from "../state/types.js";
import {
  type MemberState,
  pruneState,
  putExitList,
  putSnapshot,
  putSplit,
  putTree,
  treeForRoot,
} from "./store.js";

export interface BeaconReads {
  finalizedEpoch(): Promise<number>;
  stateSsz(stateId: string): Promise<{ fork: string; bytes: Uint8Array }>;
  /** Requests made so far (for the calls a report costs). */
  requestCount(): number;
}

export type ReadStateView = (bytes: Uint8Array, fork: string, pubkeys: readonly string[]) => StateView;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface MemberMetrics {
  lastReportedRefSlot(slot: number): void;
  lastComputedRefSlot(slot: number): void;
  computeSeconds(seconds: number): void;
  vote(): void;
  submission(): void;
  refusal(error: string): void;
  disagreement(): void;
  accountBalance(eth: number): void;
  /** Slots between the reference slot due now and the last one reported (0: up to date). */
  frameLag?(slots: number): void;
}

export interface Publication {
  publishReport(refSlot: number, report: unknown): Promise<void>;
  publishTree(refSlot: number, tree: ReturnType<typeof publishedTree>): Promise<void>;
  publishExitList(refSlot: number, hash: Hex, entries: readonly ExitEntry[]): Promise<void>;
}

export interface MemberOptions {
  chain: ChainReader;
  beacon: BeaconReads;
  history: FrameHistoryReader;
  readState: ReadStateView;
  /** Signs votes and submissions; absent in a dry run without a key. */
  wallet: WalletClient<Transport, Chain | undefined, Account> | undefined;
  /** The member's address (the wallet's, or any address for a dry run). */
  account: Address;
  state: MemberState;
  saveState: (state: MemberState) => Promise<void>;
  log: Logger;
  metrics: MemberMetrics;
  publication: Publication;
  slotsPerEpoch: number;
  secondsPerSlot: number;
  shardCommitteePeriod: number;
  /** Warn when the account holds less (wei). */
  lowBalance: bigint;
  /** Compute and log only: no transaction. */
  dryRun?: boolean;
  /** Other members' HTTP servers, to take the tree and a report's split from when this state lacks them. */
  peers?: readonly string[];
  /** How often to poll for a transaction's receipt (default 1 s). */
  receiptPollMs?: number;
  /** JSON-RPC calls sent so far (the transport's counter), to log the calls each report takes. */
  rpcRequestCount?: () => number;
  /** Finalized slots read ahead per step while following the chain (default 256). */
  followBatch?: number;
  /** Writes the caches (keys, frame history) after they grew. */
  saveCaches?: () => Promise<void>;
}

export type TickOutcome =
  | "before-first-frame"
  | "not-member"
  | "done"
  | "waiting-finality"
  | "voted"
  | "waiting-quorum"
  | "submitted"
  | "disagree"
  | "refused"
  | "dry-run";

/** Thrown when the member cannot compute the same report as the others (missing local data). */
export class MissingDataError extends Error {
  override name = "MissingDataError";
}

export class Member {
  /** The last report computed, by reference slot (kept while its frame lasts). */
  private computed: { refSlot: number; report: ComputedReport } | undefined;
  private warnedDisagreement = new Set<string>();
  private lowBalanceWarnedFor = -1;
  lastTick: { at: number; outcome: TickOutcome; refSlot: number } | undefined;

  constructor(private readonly o: MemberOptions) {}

  get account(): Address {
    return this.o.account;
  }

  get lastComputed(): ComputedReport | undefined {
    return this.computed?.report;
  }

  async tick(): Promise<TickOutcome> {
    const outcome = await this.step();
    this.lastTick = { at: Date.now(), outcome, refSlot: this.computed?.refSlot ?? 0 };
    return outcome;
  }

  private async step(): Promise<TickOutcome> {
    const { chain, log } = this.o;
    let committee: CommitteeView;
    try {
      committee = await chain.committee(this.account);
    } catch (error) {
      if (error instanceof BeforeFirstFrameError) return "before-first-frame";
      throw error;
    }
    await this.checkBalance(committee.refSlot);
    if (!committee.isMember && !this.o.dryRun) {
      log.warn("not a member of the oracle committee", { account: this.account });
      return "not-member";
    }
    const refSlot = committee.refSlot;
    this.o.metrics.frameLag?.(Math.max(0, refSlot - committee.lastProcessedRefSlot));
    const finalizedSlot = (await this.o.beacon.finalizedEpoch()) * this.o.slotsPerEpoch;
    if (committee.lastProcessedRefSlot >= refSlot) {
      await this.publish(committee.lastProcessedRefSlot);
      await this.follow(committee.lastProcessedRefSlot, finalizedSlot);
      return "done";
    }
    if (refSlot > finalizedSlot) {
      log.debug("waiting for the reference slot to be finalized", { refSlot, finalizedSlot });
      await this.follow(committee.lastProcessedRefSlot, finalizedSlot);
      return "waiting-finality";
    }
    if (this.refused(refSlot, "vote")) return "refused";
    let computed: ComputedReport;
    try {
      computed = await this.compute(refSlot, committee.consensusVersion);
    } catch (error) {
      if (!(error instanceof ReportRefusal)) throw error;
      // The contract would refuse this report: no vote (it could not count), and no new attempt
      // in this frame; the next frame's report covers this one's too.
      await this.remember(refSlot, "vote", error.errorName);
      this.o.metrics.refusal(error.errorName);
      log.error("the contract would refuse this frame's report: not voting", {
        refSlot,
        error: error.errorName,
        args: Object.fromEntries(Object.entries(error.args).map(([k, v]) => [k, v.toString()])),
      });
      return "refused";
    }
    if (this.o.dryRun) return "dry-run";
    this.reportDisagreements(committee, computed);

    if (committee.lastVotedRefSlot !== refSlot) {
      if (this.refused(refSlot, "vote")) return "refused";
      if (await this.inFlight()) return "waiting-quorum";
      const sent = await this.send("vote", refSlot, {
        address: chain.contracts.hashConsensus,
        abi: hashConsensusAbi,
        functionName: "submitReport",
        args: [BigInt(refSlot), computed.hash, committee.consensusVersion],
      });
      if (!sent) return "refused";
      this.o.metrics.vote();
      log.info("voted", { refSlot, hash: computed.hash });
      return this.submitIfAgreed(refSlot, computed, await chain.committee(this.account));
    }
    if (committee.votedHash !== computed.hash) {
      log.warn("this member's vote on chain differs from the report it computes now", {
        refSlot,
        voted: committee.votedHash,
        computed: computed.hash,
      });
    }
    return this.submitIfAgreed(refSlot, computed, committee);
  }

  private async submitIfAgreed(refSlot: number, computed: ComputedReport, committee: CommitteeView) {
    if (committee.lastProcessedRefSlot >= refSlot) return "done" as const;
    if (committee.agreedHash === ZERO_HASH) return "waiting-quorum" as const;
    if (committee.agreedHash !== computed.hash) {
      this.reportDisagreements(committee, computed);
      return "disagree" as const;
    }
    if (this.refused(refSlot, "submit")) return "refused" as const;
    if (await this.inFlight()) return "waiting-quorum" as const;
    const sent = await this.send("submit", refSlot, {
      address: this.o.chain.contracts.accounting,
      abi: accountingAbi,
      functionName: "submitReportData",
      args: [computed.report],
    });
    if (!sent) return "refused" as const;
    this.o.metrics.submission();
    this.o.metrics.lastReportedRefSlot(refSlot);
    this.o.log.info("report submitted", { refSlot, hash: computed.hash });
    await this.publish(refSlot);
    return "submitted" as const;
  }

  /**
   * Reads the finalized blocks of the frame as they come (at most `followBatch` per step), so that a
   * report needs only the last few and no burst of calls.
   */
  private async follow(lastProcessedRefSlot: number, finalizedSlot: number): Promise<void> {
    const from = Math.max(lastProcessedRefSlot, this.followedTo);
    const to = Math.min(finalizedSlot, from + (this.o.followBatch ?? 256));
    if (to <= from) return;
    await this.o.history.fill(from, to);
    this.followedTo = to;
    await this.o.saveCaches?.();
  }

  private followedTo = 0;

  /** Simulates, then sends and waits; a refusal is decoded, logged, counted and remembered. */
  private async send(
    action: "vote" | "submit",
    refSlot: number,
    call: Record<string, unknown>,
  ): Promise<boolean> {
    const { wallet, chain, log } = this.o;
    if (!wallet) throw new Error(`no key to sign the ${action} with`);
    try {
      const { request } = await chain.client.simulateContract({ ...call, account: wallet.account } as never);
      const hash = await wallet.writeContract(request as never);
      const receipt = await chain.client.waitForTransactionReceipt({
        hash,
        pollingInterval: this.o.receiptPollMs ?? 1_000,
      });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return true;
    } catch (error) {
      const decoded = decodeRevert(error);
      if (decoded === undefined) throw error;
      // A vote or submission the contract refuses is not tried again in this frame.
      await this.remember(refSlot, action, decoded.name);
      this.o.metrics.refusal(decoded.name);
      if (action === "submit" && decoded.name === "AccountingAlreadyProcessed") {
        // Another member's submission of the same agreed data landed first: the report is applied.
        log.info("another member submitted the agreed report first", { refSlot });
        return false;
      }
      log.error(`the contract refused the ${action === "vote" ? "vote" : "report"}`, {
        refSlot,
        error: decoded.name,
        args: decoded.args,
      });
      return false;
    }
  }

  private async remember(refSlot: number, action: "vote" | "submit", error: string): Promise<void> {
    this.o.state.refusals = [...this.o.state.refusals, { refSlot, action, error }].slice(-16);
    await this.o.saveState(this.o.state);
  }

  private refused(refSlot: number, action: "vote" | "submit"): boolean {
    return this.o.state.refusals.some((r) => r.refSlot === refSlot && r.action === action);
  }

  /** An earlier transaction of this account is still pending: wait for it rather than send another. */
  private async inFlight(): Promise<boolean> {
    const client = this.o.chain.client;
    const [latest, pending] = await Promise.all([
      client.getTransactionCount({ address: this.account, blockTag: "latest" }),
      client.getTransactionCount({ address: this.account, blockTag: "pending" }),
    ]);
    return pending > latest;
  }

  private reportDisagreements(committee: CommitteeView, computed: ComputedReport): void {
    for (const v of committee.variants) {
      const key = `${committee.refSlot}:${v.hash}`;
      if (v.hash === computed.hash || this.warnedDisagreement.has(key)) continue;
      this.warnedDisagreement.add(key);
      this.o.metrics.disagreement();
      this.o.log.warn("another member voted a different report; this member keeps its own", {
        refSlot: committee.refSlot,
        ours: computed.hash,
        theirs: v.hash,
        support: v.support,
      });
    }
  }

  private async checkBalance(refSlot: number): Promise<void> {
    const balance = await this.o.chain.client.getBalance({ address: this.account });
    this.o.metrics.accountBalance(Number(formatEther(balance)));
    if (balance < this.o.lowBalance && this.lowBalanceWarnedFor !== refSlot) {
      this.lowBalanceWarnedFor = refSlot;
      this.o.log.warn("the member's account is running out of gas money", {
        account: this.account,
        balanceEth: formatEther(balance),
        warnBelowEth: formatEther(this.o.lowBalance),
      });
    }
  }

  /** The report for `refSlot`: computed once per frame (the inputs are final). */
  async compute(refSlot: number, consensusVersion: bigint): Promise<ComputedReport> {
    if (this.computed?.refSlot === refSlot) return this.computed.report;
    const { chain, beacon, history, log, slotsPerEpoch } = this.o;
    const started = performance.now();
    const beaconBefore = beacon.requestCount();
    const rpcCalls = this.o.rpcRequestCount ?? (() => 0);
    const rpcBefore = rpcCalls();

    // The execution block of the reference slot (the last block at or before it).
    const refBlock = BigInt(await history.executionBlockAt(refSlot));
    const ref = await chain.referenceState(refBlock, this.o.secondsPerSlot);
    const lastRef = Number(ref.accounting.lastRefSlot);
    const [keys, applied] = await Promise.all([
      chain.depositedKeys(refBlock),
      chain.lastApplied(lastRef, refBlock),
    ]);
    await history.fill(lastRef, refSlot);
    const frameHistory = history.history(lastRef, refSlot);
    const pubkeys = keys.map((k) => k.pubkey);
    const { fork, bytes } = await beacon.stateSsz(String(refSlot));
    const computeStarted = performance.now();
    const view = this.o.readState(bytes, fork, pubkeys);
    const validators = matchValidators(keys, view.validators);

    const previous = applied
      ? await this.snapshotAt(lastRef, keys)
      : ({ refSlot: lastRef, operators: {} } satisfies Snapshot);
    const tree = await this.treeOnChain(ref.rewardsRoot);
    let unallocated: { refSlot: number; commissionShares: bigint; split: Record<string, bigint> } | undefined;
    if (applied && applied.commissionShares > 0n) {
      const split =
        this.o.state.splits.find((s) => s.refSlot === applied.refSlot)?.split ??
        (await this.splitFromPeers(applied.refSlot, applied.operatorCommission));
      if (!split) {
        throw new MissingDataError(
          `the commission split of the report for slot ${applied.refSlot} is not in this member's state: the next tree cannot be built${this.peerHint()}`,
        );
      }
      unallocated = { refSlot: applied.refSlot, commissionShares: applied.commissionShares, split };
    }
    const previousExitList = await this.exitListOnChain(ref.exitListHash, refBlock, validators);
    const report = await computeReport({
      refSlot,
      refEpoch: Math.floor(refSlot / slotsPerEpoch),
      slotsPerEpoch,
      consensusVersion,
      validators,
      history: frameHistory,
      previous,
      operators: ref.operators,
      accounting: ref.accounting,
      tokenBalance: ref.tokenBalance,
      heldBackElRewards: applied ? applied.elRewardsVaultAmount - applied.elRewardsPulled : 0n,
      queue: ref.queue,
      finalizationCost: chain.finalizationCost(refBlock),
      tree,
      unallocated,
      previousExitList,
      shardCommitteePeriod: this.o.shardCommitteePeriod,
    });
    const computeSeconds = (performance.now() - computeStarted) / 1000;
    this.o.metrics.computeSeconds(computeSeconds);
    this.o.metrics.lastComputedRefSlot(refSlot);

    // Kept for the next report: this slot's operator sums, this report's split, its tree and list.
    putSnapshot(this.o.state, report.snapshot);
    putSplit(this.o.state, refSlot, report.commissionSplit);
    putTree(this.o.state, report.tree);
    if (report.exitList.entries.length > 0)
      putExitList(this.o.state, report.report.exitRequestsHash, report.exitList.entries);
    history.prune(lastRef);
    pruneState(this.o.state, lastRef, ref.rewardsRoot);
    await this.o.saveState(this.o.state);
    await this.o.saveCaches?.();
    await this.o.publication.publishReport(refSlot, reportJson(report));

    this.computed = { refSlot, report };
    log.info("report computed", {
      refSlot,
      hash: report.hash,
      refBlock,
      clValidators: report.report.clValidators,
      clBalance: report.report.clBalance,
      withdrawalVaultAmount: report.report.withdrawalVaultAmount,
      elRewardsVaultAmount: report.report.elRewardsVaultAmount,
      operatorCommission: report.report.operatorCommission,
      lastRequestIdToFinalize: report.report.lastRequestIdToFinalize,
      exitRequestsCount: report.report.exitRequestsCount,
      shareRate: report.outcome.shareRate,
      needsUnanimity: report.details.needsUnanimity,
      computeSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      beaconCalls: beacon.requestCount() - beaconBefore,
      rpcCalls: rpcCalls() - rpcBefore,
      historySlotsFetched: history.fetched,
    });
    return report;
  }

  /** Operator sums at the last processed reference slot: from the local state, else from its beacon state. */
  private async snapshotAt(
    refSlot: number,
    keys: { operatorId: number; pubkey: string }[],
  ): Promise<Snapshot> {
    const kept = this.o.state.snapshots.find((s) => s.refSlot === refSlot);
    if (kept) return kept;
    this.o.log.info("rebuilding the operator sums of the last report from its beacon state", { refSlot });
    const { fork, bytes } = await this.o.beacon.stateSsz(String(refSlot));
    const view = this.o.readState(
      bytes,
      fork,
      keys.map((k) => k.pubkey),
    );
    const opOf = new Map(keys.map((k) => [k.pubkey, k.operatorId]));
    const operators: Snapshot["operators"] = {};
    for (const v of view.validators) {
      const id = String(opOf.get(v.pubkey.toLowerCase()));
      const s = operators[id] ?? { seen: 0, balanceGwei: 0n };
      s.seen += 1;
      s.balanceGwei += BigInt(v.balanceGwei);
      operators[id] = s;
    }
    const snapshot = { refSlot, operators };
    putSnapshot(this.o.state, snapshot);
    return snapshot;
  }

  private async treeOnChain(root: Hex): Promise<RewardsTreeState> {
    if (root === ZERO_ROOT) return { allocatedThroughRefSlot: 0, root: ZERO_ROOT, entries: [] };
    const tree = treeForRoot(this.o.state, root) ?? (await this.treeFromPeers(root));
    if (!tree) {
      throw new MissingDataError(
        `the rewards tree with root ${root} (on chain) is not in this member's state: the next tree cannot be built${this.peerHint()}`,
      );
    }
    return tree;
  }

  private peerHint(): string {
    return (this.o.peers ?? []).length > 0
      ? " (no peer served it)"
      : " (start the member with --peer-urls set to other members' servers to take it from them)";
  }

  /**
   * The split of an applied report from another member's published report (--peer-urls), for a
   * member that joined or lost its state: accepted only if it adds up to the commission the
   * report stated on chain.
   */
  private async splitFromPeers(
    refSlot: number,
    operatorCommission: bigint,
  ): Promise<Record<string, bigint> | undefined> {
    for (const peer of this.o.peers ?? []) {
      try {
        const res = await fetch(new URL(`v1/report/${refSlot}`, withSlash(peer)));
        if (!res.ok) continue;
        const body = (await res.json()) as {
          report?: { refSlot?: string };
          commissionSplit?: Record<string, string>;
        };
        if (String(body.report?.refSlot) !== String(refSlot) || !body.commissionSplit) continue;
        const split: Record<string, bigint> = {};
        let sum = 0n;
        for (const [id, wei] of Object.entries(body.commissionSplit)) {
          if (!/^\d+$/.test(id) || !/^\d+$/.test(wei)) throw new Error(`bad entry ${id}: ${wei}`);
          split[id] = BigInt(wei);
          sum += BigInt(wei);
        }
        if (sum !== operatorCommission) {
          this.o.log.warn("a peer's commission split does not add up to the report's commission", {
            peer,
            refSlot,
            sum,
            operatorCommission,
          });
          continue;
        }
        this.o.log.info("commission split of an applied report taken from a peer", { peer, refSlot });
        putSplit(this.o.state, refSlot, split);
        return split;
      } catch (error) {
        this.o.log.warn("cannot read a peer's report", { peer, refSlot, error: (error as Error).message });
      }
    }
    return undefined;
  }

  /** The tree on chain from another member's publication, checked against the on-chain root. */
  private async treeFromPeers(root: Hex): Promise<RewardsTreeState | undefined> {
    for (const peer of this.o.peers ?? []) {
      try {
        const res = await fetch(new URL("v1/rewards-tree", withSlash(peer)));
        if (!res.ok) continue;
        const body = (await res.json()) as { refSlot?: number; tree?: unknown };
        if (!body.tree) continue;
        const tree = treeFromDump(body.tree, Number(body.refSlot ?? 0));
        if (tree.root.slice(0, 40).toLowerCase() !== root.slice(0, 40).toLowerCase()) continue;
        this.o.log.info("rewards tree on chain taken from a peer (its root checked)", {
          peer,
          root: tree.root,
        });
        putTree(this.o.state, tree);
        return tree;
      } catch (error) {
        this.o.log.warn("cannot read a peer's rewards tree", { peer, error: (error as Error).message });
      }
    }
    return undefined;
  }

  private async exitListOnChain(
    hash: Hex,
    refBlock: bigint,
    validators: ProtocolValidator[],
  ): Promise<ExitEntry[]> {
    if (hash === ZERO_HASH) return [];
    const kept = this.o.state.exitLists.find((l) => l.hash === hash);
    if (kept) return kept.entries;
    const data = await this.o.chain.publishedExitList(hash, refBlock);
    if (!data) return [];
    const index = new Map(validators.map((v) => [v.key.pubkey, v.view?.index ?? -1]));
    return unpackExitList(data).map((e) => ({ ...e, validatorIndex: index.get(e.pubkey) ?? -1 }));
  }

  /** Once the report for `refSlot` is applied: files and HTTP, and the exit list's event. */
  private async publish(refSlot: number): Promise<void> {
    const computed = this.computed;
    if (!computed || computed.refSlot !== refSlot || this.o.state.published.includes(refSlot)) return;
    const { report } = computed;
    await this.o.publication.publishTree(refSlot, publishedTree(report.tree));
    if (report.exitList.entries.length > 0) {
      await this.o.publication.publishExitList(
        refSlot,
        report.report.exitRequestsHash,
        report.exitList.entries,
      );
      const published = await this.o.chain.publishedExitList(
        report.report.exitRequestsHash,
        await this.o.chain.client.getBlockNumber(),
      );
      if (!published && !this.o.dryRun) {
        await this.send("submit", refSlot, {
          address: this.o.chain.contracts.accounting,
          abi: accountingAbi,
          functionName: "publishExitRequests",
          args: [report.exitList.data],
        });
      }
    }
    this.o.state.published = [...this.o.state.published, refSlot].slice(-16);
    await this.o.saveState(this.o.state);
    this.o.log.info("report published", {
      refSlot,
      rewardsRoot: report.tree.root,
      exitRequests: report.exitList.entries.length,
    });
  }
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** A revert the contract explains: its error name and arguments (undefined for other failures). */
export function decodeRevert(error: unknown): { name: string; args: Record<string, string> } | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError)) return undefined;
  if (reverted.data?.errorName) {
    const args: Record<string, string> = {};
    const inputs =
      reverted.data.abiItem && "inputs" in reverted.data.abiItem ? reverted.data.abiItem.inputs : [];
    (reverted.data.args ?? []).forEach((value, i) => {
      args[inputs[i]?.name || String(i)] = String(value);
    });
    return { name: reverted.data.errorName, args };
  }
  const raw = (reverted as unknown as { raw?: Hex }).raw;
  if (raw) {
    try {
      const decoded = decodeErrorResult({ abi: protocolErrorsAbi, data: raw });
      return {
        name: decoded.errorName,
        args: Object.fromEntries((decoded.args ?? []).map((v, i) => [String(i), String(v)])),
      };
    } catch {
      // not one of the protocol's errors
    }
  }
  return { name: reverted.reason ?? reverted.signature ?? "unknown revert", args: {} };
}

/** The published report: the data, its hash, what it does, and the rules' figures. */
export function reportJson(c: ComputedReport): unknown {
  return JSON.parse(
    JSON.stringify(
      {
        hash: c.hash,
        report: c.report,
        outcome: c.outcome,
        commissionSplit: c.commissionSplit,
        rewardsRoot: c.tree.root,
        exitList: { hash: c.report.exitRequestsHash, entries: c.exitList.entries, demand: c.exitList.demand },
        details: c.details,
      },
      (_k, v) => (typeof v === "bigint" ? v.toString() : v),
    ),
  );
}
