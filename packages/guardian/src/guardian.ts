/**
 * One guardian of the deposit committee. Each step:
 *
 * 1. reads the finalized execution block from the Beacon API (the finalized beacon block's payload)
 *    and brings its two indexes up to it: the registry's keys (`KeyAdded`/`KeysRemoved`) and every
 *    deposit of the beacon deposit contract (kept on disk, resumed after a restart);
 * 2. vets: for each operator, at that finalized block, checks its keys that are not deposited yet,
 *    in order (`KeyChecker`), stops at the first refusal, and signs `Vet(operatorId, count,
 *    keysNonce)` when the count differs from the one on chain: served on `GET /v1/vettings` for the
 *    depositor (or anyone) to submit with a quorum;
 * 3. watches for a front-run: a deposit, up to the latest block, to a key of the registry that is
 *    vetted and not yet deposited by the protocol, with other withdrawal credentials. It then pauses
 *    deposits itself (one guardian suffices; only governance resumes) and logs it at error level.
 *
 * On request (`signDeposit`) it signs the deposit contract's root and the next deposit nonce for one
 * allocation, after checking, at its latest block, that every key of it is vetted and still passes
 * every check with the deposits up to that block. The signature binds the root: any deposit landing
 * after it, a front-run included, changes the root and makes the deposit revert. This is the one
 * decision taken on a block that is not final, and it is safe for that reason.
 */
import type { BeaconClient } from "@tributary/daemon/beacon";
import type { Logger } from "@tributary/daemon/log";
import { waitForReceipt } from "@tributary/daemon/rpc";
import { depositDomain } from "@tributary/operator/keys";
import type { Deployment } from "@tributary/sdk";
import { depositContractAbi, depositSecurityAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import {
  type Address,
  type Chain,
  encodeAbiParameters,
  type Hex,
  hexToBytes,
  keccak256,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { DepositSignature, DepositSignatureRequest, OperatorVetting, VetSignature } from "./api.js";
import { KeyChecker, type Refusal } from "./checks.js";
import { DepositLog, type DepositRecord } from "./depositLog.js";
import type { GuardianMetrics } from "./metrics.js";
import { RegistryKeys } from "./registryKeys.js";

/** A deposit signature refused: `code` for the HTTP body, the message names what is wrong. */
export class DepositRefusedError extends Error {
  override name = "DepositRefusedError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GuardianOptions {
  publicClient: PublicClient<Transport, Chain | undefined>;
  wallet: WalletClient<Transport, Chain, LocalAccount>;
  beacon: BeaconClient;
  deployment: Deployment;
  /** Where the deposit index is kept; undefined: memory only. */
  dataDir: string | undefined;
  /** First block of the beacon deposit contract's logs. */
  depositContractBlock: bigint;
  logger: Logger;
  metrics: GuardianMetrics;
  /** How often a sent transaction's receipt is asked for (default 1 s). */
  receiptPollMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export type StepOutcome = "synced" | "paused-deposits" | "waiting-finality";

interface OperatorOnChain {
  totalKeys: number;
  vettedKeys: number;
  depositedKeys: number;
  keysNonce: number;
}

export function allocationHash(operatorIds: readonly number[], counts: readonly number[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256[]" }, { type: "uint256[]" }],
      [operatorIds.map(BigInt), counts.map(BigInt)],
    ),
  );
}

export class Guardian {
  readonly address: Address;
  private readonly keys: RegistryKeys;
  private readonly deposits: DepositLog;
  private checker: KeyChecker | undefined;
  private credentials: Hex | undefined;
  private readonly statuses = new Map<number, OperatorVetting>();
  private readonly signatures = new Map<number, VetSignature>();
  /** Log lines said once: refusals and front-runs already reported. */
  private readonly reported = new Set<string>();
  private finalizedBlock: bigint | undefined;
  /** The registry has code at the finalized block (checked until it does). */
  private deployedAtFinality = false;
  private lastStepAt: number | undefined;
  private lastError: string | undefined;
  private readonly registry: Address;
  private readonly depositSecurity: Address;
  private readonly depositContract: Address;

  constructor(private readonly o: GuardianOptions) {
    this.address = o.wallet.account.address;
    const { contracts } = o.deployment;
    this.registry = contracts.operatorRegistry;
    this.depositSecurity = contracts.depositSecurity;
    this.depositContract = contracts.depositContract;
    // The registry takes keys only from operators registered after the deployment.
    this.keys = new RegistryKeys(this.registry, BigInt(o.deployment.blockNumber));
    this.deposits = new DepositLog(this.depositContract, o.depositContractBlock, o.dataDir);
  }

  /** Loads the deposit index, reads the credentials and the fork version, says whether this account is a guardian. */
  async init(): Promise<void> {
    await this.deposits.load();
    const genesis = await this.o.beacon.genesis();
    this.credentials = (await this.o.publicClient.readContract({
      address: this.registry,
      abi: operatorRegistryAbi,
      functionName: "withdrawalCredentials",
    })) as Hex;
    this.checker = new KeyChecker({
      withdrawalCredentials: this.credentials,
      domain: depositDomain(genesis.genesisForkVersion),
      firstDeposit: (pubkey) => this.deposits.firstDeposit(pubkey),
      holders: (pubkey) => this.keys.holders(pubkey),
    });
    const isGuardian = await this.isGuardian();
    this.o.logger.info("guardian ready", {
      guardian: this.address,
      isGuardian,
      genesisForkVersion: genesis.genesisForkVersion,
      withdrawalCredentials: this.credentials,
      depositIndex: { deposits: this.deposits.size, block: this.deposits.cursor.toString() },
    });
    if (!isGuardian) {
      this.o.logger.warn("this account is not in the guardian committee: its signatures will not count", {
        guardian: this.address,
      });
    }
  }

  async isGuardian(blockNumber?: bigint): Promise<boolean> {
    return (await this.o.publicClient.readContract({
      address: this.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "isGuardian",
      args: [this.address],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    })) as boolean;
  }

  /** One look at the chain: sync to finality, vet, watch for front-runs. */
  async step(): Promise<StepOutcome> {
    try {
      const outcome = await this.stepInner();
      this.lastStepAt = Date.now();
      this.lastError = undefined;
      return outcome;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.o.metrics.stepFailures.inc();
      throw error;
    }
  }

  private async stepInner(): Promise<StepOutcome> {
    const { logger, metrics } = this.o;
    const block = await this.o.beacon.block("finalized");
    const finalized = block?.executionPayload?.blockNumber;
    if (finalized === undefined) {
      logger.debug("no finalized execution block yet");
      return "waiting-finality";
    }
    const finalizedBlock = BigInt(finalized);
    if (!this.deployedAtFinality) {
      // A chain younger than the protocol: nothing to vet until the deployment itself is final.
      const code = await this.o.publicClient.getCode({ address: this.registry, blockNumber: finalizedBlock });
      if (code === undefined || code === "0x") {
        logger.debug("the protocol's deployment is not final yet", {
          finalizedBlock: finalizedBlock.toString(),
        });
        return "waiting-finality";
      }
      this.deployedAtFinality = true;
    }
    await this.keys.sync(this.o.publicClient, finalizedBlock);
    const newDeposits = await this.deposits.sync(this.o.publicClient, finalizedBlock);
    this.finalizedBlock = finalizedBlock;
    metrics.finalizedBlock.set(Number(finalizedBlock));
    metrics.depositsIndexed.set(this.deposits.size);
    await this.vet(finalizedBlock);

    const latest = await this.o.publicClient.getBlockNumber();
    const tail = await this.deposits.tail(this.o.publicClient, latest);
    const paused = await this.watchFrontRuns([...newDeposits, ...tail], latest);
    return paused ? "paused-deposits" : "synced";
  }

  private async operatorAt(operatorId: number, blockNumber: bigint): Promise<OperatorOnChain> {
    const op = (await this.o.publicClient.readContract({
      address: this.registry,
      abi: operatorRegistryAbi,
      functionName: "getOperator",
      args: [BigInt(operatorId)],
      blockNumber,
    })) as { totalKeys: number; vettedKeys: number; depositedKeys: number; keysNonce: number };
    return {
      totalKeys: Number(op.totalKeys),
      vettedKeys: Number(op.vettedKeys),
      depositedKeys: Number(op.depositedKeys),
      keysNonce: Number(op.keysNonce),
    };
  }

  private async operatorCount(blockNumber: bigint): Promise<number> {
    return Number(
      await this.o.publicClient.readContract({
        address: this.registry,
        abi: operatorRegistryAbi,
        functionName: "operatorCount",
        blockNumber,
      }),
    );
  }

  /** The first refusal among keys [from, to) of an operator, with its index. */
  private firstRefusal(
    operatorId: number,
    from: number,
    to: number,
    keys: RegistryKeys,
    checker: KeyChecker,
  ): { index: number; refusal: Refusal } | null {
    const list = keys.keys(operatorId);
    for (let index = from; index < to; index++) {
      const key = list[index];
      if (!key) throw new Error(`operator ${operatorId} has no key ${index} in the registry's events`);
      const refusal = checker.check(operatorId, index, key.pubkey, key.signature);
      if (refusal) return { index, refusal };
    }
    return null;
  }

  private async vet(blockNumber: bigint): Promise<void> {
    const { logger, metrics } = this.o;
    const checker = this.requireChecker();
    const count = await this.operatorCount(blockNumber);
    for (let operatorId = 0; operatorId < count; operatorId++) {
      const op = await this.operatorAt(operatorId, blockNumber);
      const known = this.keys.keys(operatorId).length;
      if (known !== op.totalKeys) {
        throw new Error(
          `operator ${operatorId} has ${op.totalKeys} keys on chain at block ${blockNumber} but ${known} in the registry's events`,
        );
      }
      const first = this.firstRefusal(operatorId, op.depositedKeys, op.totalKeys, this.keys, checker);
      const vettable = first ? first.index : op.totalKeys;
      const key = first ? this.keys.keys(operatorId)[first.index] : undefined;
      const status: OperatorVetting = {
        operatorId,
        totalKeys: op.totalKeys,
        depositedKeys: op.depositedKeys,
        vettedKeys: op.vettedKeys,
        vettable,
        keysNonce: op.keysNonce,
        blocked:
          first && key
            ? {
                index: first.index,
                pubkey: key.pubkey,
                reason: first.refusal.reason,
                detail: first.refusal.detail,
              }
            : null,
        block: blockNumber.toString(),
      };
      this.statuses.set(operatorId, status);
      const label = { operator: String(operatorId) };
      metrics.vettableKeys.set(label, vettable);
      metrics.keysBehindRefusal.set(label, op.totalKeys - vettable);
      metrics.setRefusal(operatorId, first?.refusal.reason);
      if (first && status.blocked) {
        const once = `refusal:${operatorId}:${op.keysNonce}:${first.index}:${first.refusal.reason}`;
        if (!this.reported.has(once)) {
          this.reported.add(once);
          logger.warn("key refused: vetting stops before it", {
            operatorId,
            index: first.index,
            pubkey: status.blocked.pubkey,
            reason: first.refusal.reason,
            detail: first.refusal.detail,
            keysBehind: op.totalKeys - vettable,
            remedy: `the operator removes keys ${first.index}..${op.totalKeys - 1} (tributary operator remove-keys --from-index ${first.index}) and adds new ones`,
          });
        }
      }
      if (vettable === op.vettedKeys) {
        this.signatures.delete(operatorId);
        continue;
      }
      const existing = this.signatures.get(operatorId);
      if (existing && existing.vettedKeys === vettable && existing.keysNonce === op.keysNonce) continue;
      const digest = (await this.o.publicClient.readContract({
        address: this.depositSecurity,
        abi: depositSecurityAbi,
        functionName: "vetDigest",
        args: [BigInt(operatorId), BigInt(vettable), BigInt(op.keysNonce)],
        blockNumber,
      })) as Hex;
      const signature = await this.sign(digest);
      this.signatures.set(operatorId, {
        operatorId,
        vettedKeys: vettable,
        keysNonce: op.keysNonce,
        guardian: this.address,
        signature,
        block: blockNumber.toString(),
      });
      metrics.vetSignatures.inc();
      logger.info("vetting signed", {
        operatorId,
        vettedKeys: vettable,
        onChain: op.vettedKeys,
        keysNonce: op.keysNonce,
        block: blockNumber.toString(),
      });
    }
  }

  /**
   * Pauses deposits when a deposit names a vetted, not yet deposited key of the registry with other
   * withdrawal credentials. Returns whether deposits are paused now because of it.
   */
  private async watchFrontRuns(deposits: DepositRecord[], latest: bigint): Promise<boolean> {
    const { logger, metrics } = this.o;
    const credentials = this.requireCredentials().toLowerCase();
    const foreign = deposits.filter((d) => d.withdrawalCredentials.toLowerCase() !== credentials);
    if (foreign.length === 0) return false;
    const keys = await this.keys.overlay(this.o.publicClient, latest);
    let attack = false;
    for (const deposit of foreign) {
      const where = keys.find(deposit.pubkey);
      if (!where) continue;
      const op = await this.operatorAt(where.operatorId, latest);
      if (where.index < op.depositedKeys) continue; // The protocol's validator already exists: a top-up changes nothing.
      const vetted = where.index < op.vettedKeys;
      const once = `frontrun:${deposit.pubkey}:${deposit.blockNumber}`;
      if (!this.reported.has(once)) {
        this.reported.add(once);
        metrics.frontRuns.inc({ vetted: String(vetted) });
        const fields = {
          operatorId: where.operatorId,
          index: where.index,
          pubkey: deposit.pubkey,
          withdrawalCredentials: deposit.withdrawalCredentials,
          protocolCredentials: credentials,
          block: deposit.blockNumber.toString(),
        };
        if (vetted)
          logger.error("FRONT-RUN: a vetted key was deposited with other withdrawal credentials", fields);
        else
          logger.warn(
            "a key of the registry was deposited with other withdrawal credentials (not vetted)",
            fields,
          );
      }
      if (vetted) attack = true;
    }
    if (!attack) return false;
    await this.pauseDeposits();
    return true;
  }

  private async pauseDeposits(): Promise<void> {
    const { logger, metrics, publicClient, wallet } = this.o;
    const paused = (await publicClient.readContract({
      address: this.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "depositsPaused",
    })) as boolean;
    metrics.depositsPaused.set(paused ? 1 : 0);
    if (paused) return;
    const { request } = await publicClient.simulateContract({
      address: this.depositSecurity,
      abi: depositSecurityAbi,
      functionName: "pauseDeposits",
      account: wallet.account,
      chain: wallet.chain,
    } as never);
    const hash = await wallet.writeContract(request as never);
    const receipt = await waitForReceipt(publicClient, hash, { pollMs: this.pollMs, signal: this.o.signal });
    if (receipt.status !== "success") throw new Error(`pauseDeposits reverted in transaction ${hash}`);
    metrics.depositsPaused.set(1);
    metrics.pauses.inc();
    logger.error("DEPOSITS PAUSED by this guardian after a front-run; only governance can resume them", {
      transaction: hash,
      block: receipt.blockNumber.toString(),
    });
  }

  /** This guardian's vetting signatures, one per operator whose count should change. */
  vettings(): VetSignature[] {
    return [...this.signatures.values()].sort((a, b) => a.operatorId - b.operatorId);
  }

  /** What this guardian vets of an operator, or undefined before the first step saw it. */
  operator(operatorId: number): OperatorVetting | undefined {
    return this.statuses.get(operatorId);
  }

  /** Signs the root and nonce for `request`, after checking every key of it at the latest block. */
  async signDeposit(request: DepositSignatureRequest): Promise<DepositSignature> {
    const { publicClient, metrics, logger } = this.o;
    const { operatorIds, counts } = request;
    const checker = this.requireChecker();
    if (this.finalizedBlock === undefined) {
      throw new DepositRefusedError(
        "not_synced",
        "The guardian has not read the chain yet; ask again shortly.",
      );
    }
    const latest = await publicClient.getBlockNumber();
    const at = { blockNumber: latest };
    const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: unknown[] = []) =>
      publicClient.readContract({ address, abi, functionName, args, ...at } as never) as Promise<T>;
    try {
      if (await read<boolean>(this.depositSecurity, depositSecurityAbi, "depositsPaused")) {
        throw new DepositRefusedError("paused", "Deposits are paused; only governance can resume them.");
      }
      if (!(await this.isGuardian(latest))) {
        throw new DepositRefusedError("not_a_guardian", `${this.address} is not in the guardian committee.`);
      }
      const keys = await this.keys.overlay(publicClient, latest);
      const tail = await this.deposits.tail(publicClient, latest);
      const latestChecker = new KeyChecker({
        withdrawalCredentials: this.requireCredentials(),
        domain: checker.domain,
        firstDeposit: (pubkey) => this.deposits.firstDeposit(pubkey, tail),
        holders: (pubkey) => keys.holders(pubkey),
      });
      for (let i = 0; i < operatorIds.length; i++) {
        const operatorId = operatorIds[i] as number;
        const count = counts[i] as number;
        const op = await this.operatorAt(operatorId, latest);
        if (op.depositedKeys + count > op.vettedKeys) {
          throw new DepositRefusedError(
            "keys_not_vetted",
            `Operator ${operatorId} has ${op.vettedKeys - op.depositedKeys} vetted keys waiting, not ${count}.`,
          );
        }
        const first = this.firstRefusal(
          operatorId,
          op.depositedKeys,
          op.depositedKeys + count,
          keys,
          latestChecker,
        );
        if (first) {
          throw new DepositRefusedError(
            "key_refused",
            `Key ${first.index} of operator ${operatorId} fails a check (${first.refusal.reason}): ${first.refusal.detail}.`,
          );
        }
      }
      const depositRoot = await read<Hex>(this.depositContract, depositContractAbi, "get_deposit_root");
      const countBytes = await read<Hex>(this.depositContract, depositContractAbi, "get_deposit_count");
      const nonce = await read<bigint>(this.depositSecurity, depositSecurityAbi, "depositNonce");
      const hash = allocationHash(operatorIds, counts);
      const digest = await read<Hex>(this.depositSecurity, depositSecurityAbi, "depositDigest", [
        depositRoot,
        nonce,
        hash,
      ]);
      const signature = await this.sign(digest);
      metrics.depositSignatures.inc();
      const result: DepositSignature = {
        guardian: this.address,
        depositRoot,
        depositCount: littleEndianCount(countBytes),
        nonce: Number(nonce),
        allocationHash: hash,
        block: latest.toString(),
        signature,
      };
      logger.info("deposit signed", { ...result, operatorIds, counts, signature: undefined });
      return result;
    } catch (error) {
      if (error instanceof DepositRefusedError) {
        metrics.depositRefusals.inc({ reason: error.code });
        logger.warn("deposit signature refused", {
          reason: error.code,
          detail: error.message,
          operatorIds,
          counts,
        });
      }
      throw error;
    }
  }

  health(): { healthy: boolean; [field: string]: unknown } {
    return {
      healthy: this.lastStepAt !== undefined && this.lastError === undefined,
      guardian: this.address,
      finalizedBlock: this.finalizedBlock?.toString() ?? null,
      depositsIndexed: this.deposits.size,
      lastStepAt: this.lastStepAt === undefined ? null : new Date(this.lastStepAt).toISOString(),
      lastError: this.lastError ?? null,
    };
  }

  status(): Record<string, unknown> {
    return {
      ...this.health(),
      depositContract: this.depositContract,
      depositIndexFromBlock: this.deposits.startBlock.toString(),
      registryKeys: this.keys.keyCount,
      operators: [...this.statuses.values()],
      vettings: this.vettings(),
    };
  }

  private sign(digest: Hex): Promise<Hex> {
    const { account } = this.o.wallet;
    if (!account.sign) throw new Error("the guardian's account cannot sign a raw digest");
    return account.sign({ hash: digest });
  }

  private get pollMs(): number {
    return this.o.receiptPollMs ?? 1_000;
  }

  private requireChecker(): KeyChecker {
    if (!this.checker) throw new Error("Guardian.init() was not called");
    return this.checker;
  }

  private requireCredentials(): Hex {
    if (!this.credentials) throw new Error("Guardian.init() was not called");
    return this.credentials;
  }
}

/** get_deposit_count returns the count as 8 little-endian bytes. */
export function littleEndianCount(bytes: Hex): number {
  const raw = hexToBytes(bytes);
  let value = 0n;
  for (let i = raw.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i] as number);
  return Number(value);
}
