/**
 * The depositor: turns buffered ETH into validators. Each step:
 *
 * 1. Vettings: reads every guardian's `GET /v1/vettings`; where a quorum signed the same count for an
 *    operator's current `keysNonce`, it submits `vetKeys` with their signatures (each recovered and
 *    checked against the committee, in ascending signer order as the contract wants).
 * 2. Deposits: when deposits are not paused, the buffer can pay at least one 32 ETH deposit after
 *    the withdrawal reserve, and vetted keys are waiting, it allocates up to `maxDepositsPerTx`
 *    validators over operators (`allocate`: fewest active first, within the share cap), asks every
 *    guardian to sign the deposit contract's root and nonce for that allocation
 *    (`POST /v1/deposit-signature`), and submits the batch with a quorum of agreeing signatures.
 *
 * Every transaction is simulated first. If the deposit contract's root moved between the guardians'
 * signatures and the deposit (another deposit landed in between, possibly a front-run), found
 * before sending (the root read again) or by the deposit's revert, the deposit is not sent again as
 * is: the depositor says what moved (the root and deposit count signed, and now), once per move,
 * reads everything again and collects new signatures, a few times at most per step, then waits for
 * the guardians to see the new root. Any other refusal is logged with its decoded error and
 * counted; the next step starts from the chain again.
 *
 * Restart safety: the hash of a sent deposit is kept in `<dataDir>/depositor.json` until its receipt
 * is seen, and a restarted depositor waits for it before it deposits again. A batch is bound to one
 * deposit nonce, used once on chain, so a signature set can never deposit twice.
 */

import type { Logger } from "@tributary/daemon/log";
import { withRetry } from "@tributary/daemon/retry";
import { waitForReceipt } from "@tributary/daemon/rpc";
import { JsonStore } from "@tributary/daemon/store";
import type { Deployment } from "@tributary/sdk";
import {
  depositContractAbi,
  depositSecurityAbi,
  operatorRegistryAbi,
  protocolErrorsAbi,
  trETHAbi,
} from "@tributary/sdk/abis";
import {
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  concat,
  decodeErrorResult,
  type Hash,
  type Hex,
  type LocalAccount,
  type PublicClient,
  parseEther,
  recoverAddress,
  type Transport,
  type WalletClient,
} from "viem";
import { type Allocation, allocate } from "./allocation.js";
import type { DepositSignature, VetSignature } from "./api.js";
import { littleEndianCount } from "./guardian.js";
import type { DepositorMetrics } from "./metrics.js";
import { RegistryKeys } from "./registryKeys.js";

const DEPOSIT_SIZE = parseEther("32");
/** Times a step collects signatures again after the root moved. */
const ROOT_MOVED_ATTEMPTS = 3;

export interface DepositorOptions {
  publicClient: PublicClient<Transport, Chain | undefined>;
  wallet: WalletClient<Transport, Chain, LocalAccount>;
  deployment: Deployment;
  /** Every guardian's HTTP server. */
  guardianUrls: string[];
  /** Most validators in one transaction. */
  maxDepositsPerTx: number;
  dataDir: string | undefined;
  requestTimeoutMs: number;
  logger: Logger;
  metrics: DepositorMetrics;
  /** Finalized execution block (the base of the key index); undefined: read "finalized" over JSON-RPC. */
  finalizedBlock?: (() => Promise<bigint | undefined>) | undefined;
  signal?: AbortSignal | undefined;
  /** How often a sent transaction's receipt is asked for (default 1 s). */
  receiptPollMs?: number | undefined;
}

export type DepositorOutcome =
  | { kind: "deposited"; validators: number; transaction: Hash }
  | { kind: "idle"; reason: string }
  | { kind: "failed"; reason: string };

interface State {
  pending: { hash: Hash; nonce: number } | null;
}

/** A decoded contract error: its name and arguments, or the message. */
export function describeRevert(error: unknown): { name: string; args: readonly unknown[]; message: string } {
  if (error instanceof BaseError) {
    const revert = error.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError | null;
    if (revert?.data)
      return { name: revert.data.errorName, args: revert.data.args ?? [], message: revert.shortMessage };
    const raw = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as {
      data?: Hex;
    } | null;
    if (raw?.data && raw.data.length >= 10) {
      try {
        const decoded = decodeErrorResult({ abi: protocolErrorsAbi, data: raw.data });
        return { name: decoded.errorName, args: decoded.args ?? [], message: error.shortMessage };
      } catch {}
    }
    return { name: "unknown", args: [], message: error.shortMessage };
  }
  return { name: "unknown", args: [], message: (error as Error).message };
}

export class Depositor {
  readonly address: Address;
  private readonly keys: RegistryKeys;
  private readonly store: JsonStore<State> | undefined;
  private state: State = { pending: null };
  private lastStepAt: number | undefined;
  private lastOutcome: DepositorOutcome | undefined;
  /** The last root move reported, `signed->current`. */
  private lastMove: string | undefined;
  private readonly c: Deployment["contracts"];

  constructor(private readonly o: DepositorOptions) {
    this.address = o.wallet.account.address;
    this.c = o.deployment.contracts;
    this.keys = new RegistryKeys(this.c.operatorRegistry, BigInt(o.deployment.blockNumber));
    if (o.dataDir !== undefined) {
      this.store = new JsonStore<State>({
        file: `${o.dataDir}/depositor.json`,
        version: 1,
        initial: () => ({ pending: null }),
        validate: (raw) => {
          const s = raw as State;
          if (s === null || typeof s !== "object" || !("pending" in s))
            throw new Error("not a depositor state");
          return s;
        },
        logger: o.logger,
      });
    }
  }

  async init(): Promise<void> {
    if (this.store) this.state = await this.store.load();
    this.o.logger.info("depositor ready", {
      depositor: this.address,
      guardians: this.o.guardianUrls,
      maxDepositsPerTx: this.o.maxDepositsPerTx,
      pending: this.state.pending?.hash ?? null,
    });
  }

  private read<T>(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args: unknown[] = [],
    blockNumber?: bigint,
  ) {
    return this.o.publicClient.readContract({
      address,
      abi,
      functionName,
      args,
      ...(blockNumber === undefined ? {} : { blockNumber }),
    } as never) as Promise<T>;
  }

  async step(): Promise<DepositorOutcome> {
    const outcome = await this.stepInner();
    this.lastStepAt = Date.now();
    this.lastOutcome = outcome;
    return outcome;
  }

  private async stepInner(): Promise<DepositorOutcome> {
    const { publicClient, metrics } = this.o;
    if (this.state.pending) {
      const settled = await this.settlePending();
      if (!settled) return { kind: "idle", reason: "waiting for the previous deposit transaction" };
    }
    metrics.setBalanceWei(await publicClient.getBalance({ address: this.address }));
    const finalized = this.o.finalizedBlock
      ? await this.o.finalizedBlock()
      : ((await publicClient.getBlock({ blockTag: "finalized" }).catch(() => undefined))?.number ??
        undefined);
    if (finalized !== undefined) await this.keys.sync(publicClient, finalized);
    await this.submitVettings();
    return this.deposit();
  }

  // ---------------------------------------------------------------- guardians

  private async askGuardians<T>(path: string, body?: unknown): Promise<Array<{ url: string; value: T }>> {
    const { logger, metrics, requestTimeoutMs } = this.o;
    const answers = await Promise.all(
      this.o.guardianUrls.map(async (url) => {
        try {
          const value = await withRetry(
            async () => {
              const signal = AbortSignal.any([
                AbortSignal.timeout(requestTimeoutMs),
                ...(this.o.signal ? [this.o.signal] : []),
              ]);
              const response = await fetch(`${url}${path}`, {
                method: body === undefined ? "GET" : "POST",
                headers: body === undefined ? {} : { "content-type": "application/json" },
                body: body === undefined ? undefined : JSON.stringify(body),
                signal,
              });
              const text = await response.text();
              let parsed: unknown;
              try {
                parsed = JSON.parse(text);
              } catch {
                throw new GuardianRefusal(
                  "malformed",
                  `guardian ${url} answered ${response.status} with a body that is not JSON`,
                  true,
                );
              }
              if (!response.ok) {
                const problem = parsed as { error?: string; detail?: string };
                throw new GuardianRefusal(
                  problem.error ?? String(response.status),
                  problem.detail ?? text,
                  response.status >= 500,
                );
              }
              return parsed as T;
            },
            {
              attempts: 2,
              baseDelayMs: 200,
              maxDelayMs: 1_000,
              signal: this.o.signal,
              retryable: (error) => (error instanceof GuardianRefusal ? error.retryable : true),
            },
          );
          return { url, value };
        } catch (error) {
          if (this.o.signal?.aborted) throw error;
          const reason = error instanceof GuardianRefusal ? error.code : "unreachable";
          metrics.guardianErrors.inc({ guardian: url, reason });
          logger.warn("guardian did not sign", {
            guardian: url,
            path,
            reason,
            detail: (error as Error).message,
          });
          return undefined;
        }
      }),
    );
    return answers.filter((a) => a !== undefined) as Array<{ url: string; value: T }>;
  }

  /** The committee now: members and quorum. */
  private async committee(): Promise<{ guardians: Set<string>; quorum: number }> {
    const guardians = await this.read<Address[]>(this.c.depositSecurity, depositSecurityAbi, "getGuardians");
    const quorum = Number(await this.read<bigint>(this.c.depositSecurity, depositSecurityAbi, "quorum"));
    return { guardians: new Set(guardians.map((g) => g.toLowerCase())), quorum };
  }

  /**
   * Of `signatures` over `digest`, those whose signer is a guardian, one per guardian, sorted by
   * signer; the first `quorum` of them, or null when fewer.
   */
  private async quorumOf(
    digest: Hex,
    signatures: Array<{ url: string; signature: Hex }>,
    committee: { guardians: Set<string>; quorum: number },
  ): Promise<Hex[] | null> {
    const bySigner = new Map<string, Hex>();
    for (const { url, signature } of signatures) {
      let signer: Address;
      try {
        signer = await recoverAddress({ hash: digest, signature });
      } catch {
        this.o.logger.warn("guardian sent a malformed signature", { guardian: url });
        continue;
      }
      if (!committee.guardians.has(signer.toLowerCase())) {
        this.o.logger.warn("a signature is not a guardian's", { guardian: url, signer });
        continue;
      }
      bySigner.set(signer.toLowerCase(), signature);
    }
    if (bySigner.size < committee.quorum) return null;
    return [...bySigner.entries()]
      .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
      .slice(0, committee.quorum)
      .map(([, signature]) => signature);
  }

  private async submitVettings(): Promise<void> {
    const { logger, metrics } = this.o;
    const answers = await this.askGuardians<VetSignature[]>("/v1/vettings");
    const groups = new Map<string, Array<{ url: string; signature: Hex }>>();
    for (const { url, value } of answers) {
      if (!Array.isArray(value)) continue;
      for (const v of value) {
        if (
          !Number.isSafeInteger(v?.operatorId) ||
          !Number.isSafeInteger(v?.vettedKeys) ||
          typeof v?.signature !== "string"
        ) {
          continue;
        }
        const key = `${v.operatorId}:${v.vettedKeys}:${v.keysNonce}`;
        groups.set(key, [...(groups.get(key) ?? []), { url, signature: v.signature }]);
      }
    }
    if (groups.size === 0) return;
    const committee = await this.committee();
    for (const [key, signatures] of groups) {
      if (signatures.length < committee.quorum) continue;
      const [operatorId, vettedKeys, keysNonce] = key.split(":").map(Number) as [number, number, number];
      const op = await this.read<{ vettedKeys: number; keysNonce: number }>(
        this.c.operatorRegistry,
        operatorRegistryAbi,
        "getOperator",
        [BigInt(operatorId)],
      );
      if (Number(op.keysNonce) !== keysNonce || Number(op.vettedKeys) === vettedKeys) continue;
      const digest = await this.read<Hex>(this.c.depositSecurity, depositSecurityAbi, "vetDigest", [
        BigInt(operatorId),
        BigInt(vettedKeys),
        BigInt(keysNonce),
      ]);
      const sigs = await this.quorumOf(digest, signatures, committee);
      if (!sigs) continue;
      try {
        const hash = await this.send("vetKeys", [
          BigInt(operatorId),
          BigInt(vettedKeys),
          BigInt(keysNonce),
          sigs,
        ]);
        metrics.vettingsSubmitted.inc();
        logger.info("vetting submitted", {
          operatorId,
          vettedKeys,
          was: Number(op.vettedKeys),
          keysNonce,
          transaction: hash,
        });
      } catch (error) {
        const revert = describeRevert(error);
        metrics.failures.inc({ reason: revert.name });
        logger.warn("vetting refused", {
          operatorId,
          vettedKeys,
          keysNonce,
          error: revert.name,
          args: revert.args,
          detail: revert.message,
        });
      }
    }
  }

  // ---------------------------------------------------------------- deposits

  private async plan(): Promise<
    { allocation: Allocation; reason?: undefined } | { allocation?: undefined; reason: string }
  > {
    const { metrics, publicClient } = this.o;
    const paused = await this.read<boolean>(this.c.depositSecurity, depositSecurityAbi, "depositsPaused");
    metrics.depositsPaused.set(paused ? 1 : 0);
    if (paused) return { reason: "deposits are paused" };
    const buffered = await this.read<bigint>(this.c.token, trETHAbi, "bufferedEther");
    const reserve = await this.read<bigint>(this.c.token, trETHAbi, "withdrawalReserve");
    const depositable = buffered > reserve ? buffered - reserve : 0n;
    metrics.depositableWei.set(Number(depositable / 10n ** 9n) / 1e9);
    const count = Number(
      await this.read<bigint>(this.c.operatorRegistry, operatorRegistryAbi, "operatorCount"),
    );
    const operators = [];
    let waiting = 0;
    for (let operatorId = 0; operatorId < count; operatorId++) {
      const op = await this.read<{ vettedKeys: number; depositedKeys: number }>(
        this.c.operatorRegistry,
        operatorRegistryAbi,
        "getOperator",
        [BigInt(operatorId)],
      );
      const available = Number(op.vettedKeys) - Number(op.depositedKeys);
      waiting += available;
      if (available <= 0) continue;
      const active = Number(
        await this.read<bigint>(this.c.operatorRegistry, operatorRegistryAbi, "activeValidators", [
          BigInt(operatorId),
        ]),
      );
      operators.push({ operatorId, active, available });
    }
    metrics.keysWaiting.set(waiting);
    const affordable = Number(depositable / DEPOSIT_SIZE);
    if (affordable === 0)
      return { reason: `the buffer can pay no 32 ETH deposit (${depositable} wei depositable)` };
    if (waiting === 0) return { reason: "no vetted key is waiting" };
    const totalActive = Number(
      await this.read<bigint>(this.c.operatorRegistry, operatorRegistryAbi, "totalActiveValidators"),
    );
    const maxShareBps = Number(
      await this.read<bigint>(this.c.depositSecurity, depositSecurityAbi, "maxOperatorShareBps"),
    );
    const allocation = allocate(
      operators,
      totalActive,
      maxShareBps,
      Math.min(affordable, this.o.maxDepositsPerTx),
    );
    if (allocation.total === 0) {
      return {
        reason: `every operator with vetted keys is at the share cap (${maxShareBps} bps of ${totalActive} active)`,
      };
    }
    void publicClient;
    return { allocation };
  }

  private async deposit(): Promise<DepositorOutcome> {
    const { logger, metrics } = this.o;
    for (let attempt = 1; attempt <= ROOT_MOVED_ATTEMPTS; attempt++) {
      const plan = await this.plan();
      if (!plan.allocation) {
        logger.debug("nothing to deposit", { reason: plan.reason });
        return { kind: "idle", reason: plan.reason };
      }
      const { allocation } = plan;
      const keys = await this.keys.overlay(this.o.publicClient, await this.o.publicClient.getBlockNumber());
      const pubkeys: Hex[] = [];
      const keySignatures: Hex[] = [];
      for (let i = 0; i < allocation.operatorIds.length; i++) {
        const operatorId = allocation.operatorIds[i] as number;
        const op = await this.read<{ depositedKeys: number }>(
          this.c.operatorRegistry,
          operatorRegistryAbi,
          "getOperator",
          [BigInt(operatorId)],
        );
        const list = keys
          .keys(operatorId)
          .slice(Number(op.depositedKeys), Number(op.depositedKeys) + (allocation.counts[i] as number));
        if (list.length !== allocation.counts[i]) {
          return {
            kind: "failed",
            reason: `operator ${operatorId}'s keys are not all in the registry's events yet`,
          };
        }
        for (const key of list) {
          pubkeys.push(key.pubkey);
          keySignatures.push(key.signature);
        }
      }
      logger.debug("asking the guardians to sign", {
        operatorIds: allocation.operatorIds,
        counts: allocation.counts,
      });
      const answers = await this.askGuardians<DepositSignature>("/v1/deposit-signature", {
        operatorIds: allocation.operatorIds,
        counts: allocation.counts,
      });
      const committee = await this.committee();
      // Guardians may read different blocks: take the largest group that signed the same root and nonce.
      const groups = new Map<string, Array<{ url: string; value: DepositSignature }>>();
      for (const answer of answers) {
        const key = `${answer.value.depositRoot}:${answer.value.nonce}`;
        groups.set(key, [...(groups.get(key) ?? []), answer]);
      }
      const best = [...groups.values()].sort((a, b) => b.length - a.length)[0];
      if (!best || best.length < committee.quorum) {
        const reason = `${best?.length ?? 0} guardians agree on a root, ${committee.quorum} needed`;
        metrics.failures.inc({ reason: "no_quorum" });
        logger.warn("no guardian quorum for the deposit", {
          reason,
          answered: answers.length,
          asked: this.o.guardianUrls.length,
        });
        return { kind: "failed", reason };
      }
      const signed = best[0]?.value as DepositSignature;
      const digest = await this.read<Hex>(this.c.depositSecurity, depositSecurityAbi, "depositDigest", [
        signed.depositRoot,
        BigInt(signed.nonce),
        signed.allocationHash,
      ]);
      const sigs = await this.quorumOf(
        digest,
        best.map((a) => ({ url: a.url, signature: a.value.signature })),
        committee,
      );
      if (!sigs)
        return {
          kind: "failed",
          reason: "the guardians' signatures do not recover to a quorum of the committee",
        };
      const batch = {
        depositRoot: signed.depositRoot,
        nonce: BigInt(signed.nonce),
        operatorIds: allocation.operatorIds.map(BigInt),
        counts: allocation.counts.map(BigInt),
        pubkeys: concat(pubkeys),
        keySignatures: concat(keySignatures),
      };
      // The guardians may have signed a root the chain has left already: say so, sign again.
      const current = await this.read<Hex>(this.c.depositContract, depositContractAbi, "get_deposit_root");
      if (current !== signed.depositRoot) {
        await this.rootMoved(signed);
        continue;
      }
      logger.debug("sending the deposit", {
        nonce: signed.nonce,
        depositRoot: signed.depositRoot,
        validators: allocation.total,
      });
      try {
        const hash = await this.send("deposit", [batch, sigs], signed.nonce);
        const receipt = await waitForReceipt(this.o.publicClient, hash, {
          pollMs: this.pollMs,
          signal: this.o.signal,
        });
        await this.clearPending();
        if (receipt.status !== "success") {
          const moved = await this.rootMoved(signed);
          if (moved) continue;
          metrics.failures.inc({ reason: "reverted" });
          logger.error("deposit transaction reverted", { transaction: hash });
          return { kind: "failed", reason: `deposit transaction ${hash} reverted` };
        }
        metrics.batches.inc();
        metrics.validatorsDeposited.inc(allocation.total);
        logger.info("deposited", {
          validators: allocation.total,
          operatorIds: allocation.operatorIds,
          counts: allocation.counts,
          nonce: signed.nonce,
          depositRoot: signed.depositRoot,
          transaction: hash,
          block: receipt.blockNumber.toString(),
        });
        return { kind: "deposited", validators: allocation.total, transaction: hash };
      } catch (error) {
        const revert = describeRevert(error);
        if (revert.name === "DepositSecurityDepositRootChanged" && (await this.rootMoved(signed))) continue;
        metrics.failures.inc({ reason: revert.name });
        logger.warn("deposit refused", {
          error: revert.name,
          args: revert.args,
          detail: revert.message,
          nonce: signed.nonce,
        });
        return { kind: "failed", reason: `${revert.name}: ${revert.message}` };
      }
    }
    return { kind: "idle", reason: "waiting for the guardians to sign the deposit contract's current root" };
  }

  /** Says what moved since the guardians signed; true when the root did (worth signing again). */
  private async rootMoved(signed: DepositSignature): Promise<boolean> {
    const root = await this.read<Hex>(this.c.depositContract, depositContractAbi, "get_deposit_root");
    if (root === signed.depositRoot) return false;
    const count = littleEndianCount(
      await this.read<Hex>(this.c.depositContract, depositContractAbi, "get_deposit_count"),
    );
    // Said once per move: guardians that still sign the old root are waited for, not reported again.
    const move = `${signed.depositRoot}->${root}`;
    if (move === this.lastMove) return true;
    this.lastMove = move;
    this.o.metrics.rootMoved.inc();
    this.o.logger.warn(
      "the deposit contract's root moved after the guardians signed: reading again and asking for new signatures",
      {
        signedRoot: signed.depositRoot,
        signedDepositCount: signed.depositCount,
        signedAtBlock: signed.block,
        currentRoot: root,
        currentDepositCount: count,
        depositsInBetween: count - signed.depositCount,
      },
    );
    return true;
  }

  /** Simulates, then sends; a deposit's hash is kept until its receipt is seen. */
  private async send(
    functionName: "deposit" | "vetKeys",
    args: unknown[],
    depositNonce?: number,
  ): Promise<Hash> {
    const { publicClient, wallet } = this.o;
    const { request } = await publicClient.simulateContract({
      address: this.c.depositSecurity,
      abi: depositSecurityAbi,
      functionName,
      args,
      account: wallet.account,
      chain: wallet.chain,
    } as never);
    const hash = await wallet.writeContract(request as never);
    if (depositNonce !== undefined) {
      this.state = { pending: { hash, nonce: depositNonce } };
      await this.store?.save(this.state);
    }
    if (functionName === "vetKeys") {
      const receipt = await waitForReceipt(publicClient, hash, {
        pollMs: this.pollMs,
        signal: this.o.signal,
      });
      if (receipt.status !== "success") throw new Error(`vetKeys reverted in transaction ${hash}`);
    }
    return hash;
  }

  private async clearPending(): Promise<void> {
    this.state = { pending: null };
    await this.store?.save(this.state);
  }

  /** After a restart: the deposit sent before is mined (done) or its nonce is used (done), else wait. */
  private async settlePending(): Promise<boolean> {
    const pending = this.state.pending;
    if (!pending) return true;
    const receipt = await this.o.publicClient
      .getTransactionReceipt({ hash: pending.hash })
      .catch(() => undefined);
    const nonce = Number(await this.read<bigint>(this.c.depositSecurity, depositSecurityAbi, "depositNonce"));
    if (receipt || nonce > pending.nonce) {
      this.o.logger.info("the deposit sent before the restart is settled", {
        transaction: pending.hash,
        status: receipt?.status ?? "nonce used",
      });
      await this.clearPending();
      return true;
    }
    const known = await this.o.publicClient.getTransaction({ hash: pending.hash }).catch(() => undefined);
    if (!known) {
      // Dropped from every pool: its signatures are for a nonce still unused, so a new batch may take it.
      this.o.logger.warn("the deposit sent before the restart is unknown to the node: dropped", {
        transaction: pending.hash,
      });
      await this.clearPending();
      return true;
    }
    this.o.logger.info("waiting for the deposit sent before the restart", { transaction: pending.hash });
    return false;
  }

  private get pollMs(): number {
    return this.o.receiptPollMs ?? 1_000;
  }

  health(): { healthy: boolean; [field: string]: unknown } {
    return {
      healthy: this.lastStepAt !== undefined && this.lastOutcome?.kind !== "failed",
      depositor: this.address,
      lastStepAt: this.lastStepAt === undefined ? null : new Date(this.lastStepAt).toISOString(),
      lastOutcome: this.lastOutcome ?? null,
    };
  }
}

class GuardianRefusal extends Error {
  override name = "GuardianRefusal";
  constructor(
    readonly code: string,
    detail: string,
    readonly retryable: boolean,
  ) {
    super(detail);
  }
}
