/**
 * The network the oracle's integration tests run on: anvil with the protocol deployed, and the
 * embedded consensus layer (packages/consensus) on top of it, in this process, producing slots only
 * when the test asks. Protocol validators are real: BLS keys, deposit signatures over the registry's
 * withdrawal credentials, keys vetted by the guardians and deposited through DepositSecurity, so the
 * deposit contract's events reach the beacon chain as EIP-6110 deposit requests.
 *
 * Time: the beacon chain runs in virtual time (fast mode). After genesis anvil mines nothing by
 * itself: each produced slot mines one block whose timestamp is the slot's, so the EVM clock
 * (block.timestamp, hence HashConsensus frames) follows the slots exactly. A transaction sent by a
 * test or a daemon waits in anvil's pool until the next slot with a block. Wall-clock time means
 * nothing on this network: read the slot from the Beacon API or the EVM's latest block.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { registerOperator, requestRedeem as sdkRequestRedeem, stake as sdkStake } from "@tributary/sdk";
import { operatorRegistryAbi, trETHAbi, withdrawalQueueAbi } from "@tributary/sdk/abis";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hash,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  parseEther,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import { foundry } from "viem/chains";
import { type AnvilNode, startAnvil } from "../../../../contracts/lib/anvil.js";
import { freePort } from "../../../../contracts/lib/bench.js";
import { type Deployment, deployProtocol } from "../../../../contracts/lib/deploy.js";
import { DEV_MNEMONIC, DEV_ROLES, devAccount, devPrivateKey } from "../../../../contracts/lib/devkeys.js";
import { type ChainTiming, DEVNET_TIMING } from "../../../consensus/src/config.js";
import { JsonRpcExecutionLayer } from "../../../consensus/src/el/jsonRpcExecution.js";
import { httpTransport } from "../../../consensus/src/el/rpc.js";
import { createLogger, type LogLevel } from "../../../consensus/src/log.js";
import { ConsensusNode } from "../../../consensus/src/node.js";
import { type BeaconProxy, startBeaconProxy } from "./beaconProxy.js";
import { type DepositContext, type DevWallet, depositKeys, type ProtocolKey, signedKey } from "./deposits.js";

export type { DevWallet, ProtocolKey } from "./deposits.js";

export const SECONDS_PER_SLOT = 12;
/** Oracle committee: development accounts 10, 11 and 12, quorum 2. */
export const MEMBER_INDEXES = [10, 11, 12] as const;
export const MEMBER_QUORUM = 2;
/** Stakes the ETH the setup deposits; holds trETH for `requestRedeem`. */
export const STAKER_INDEX = DEV_ROLES.firstUser;
/** Operator `i` is managed by development account OPERATOR_ACCOUNT_BASE + i (its reward address too). */
export const OPERATOR_ACCOUNT_BASE = 20;
/** Fee recipient of every validator that registered none (the genesis validators, not the protocol's). */
export const DEFAULT_FEE_RECIPIENT: Address = "0x00000000000000000000000000000000000000fe";
/**
 * Timestamp of anvil's genesis block. Fixed, with one second between the setup's blocks, so that
 * the execution block the beacon chain starts on, hence its RANDAO and proposers, is the same on
 * every run with the same options.
 */
const EL_GENESIS_TIMESTAMP = 1_700_000_000;
/** Seconds from anvil's genesis to the beacon chain's genesis: room for the setup's blocks (one second each). */
const SETUP_SECONDS = 3_600;
/** ETH given to every development account the network uses beyond anvil's ten funded ones. */
const FUNDING = parseEther("10000");
/** Slots a transaction may wait for a block before `include` gives up (empty slots of offline proposers). */
const INCLUSION_SLOTS = 64;

export interface TestNetworkOptions {
  /** Permissionless operators registered by the setup. Default 3. */
  operators?: number;
  /** Validators deposited per operator. Default 2. */
  validatorsPerOperator?: number;
  /** HashConsensus frame length in epochs. Default 4. */
  epochsPerFrame?: number;
  /**
   * First epoch of frame 0; its reference slot is the last slot of the epoch before. Default: one
   * epoch after the setup's validators are active (see `activationEpochOf`), so that the first
   * frame's reference slot sees them all active.
   */
  initialEpoch?: number;
  /** Genesis validators that do not belong to the protocol (interop keys 0..n-1). Default 64. */
  genesisValidators?: number;
  /** Interop key index of the first protocol key (keys are interop keys from here up). Default 10,000. */
  firstKeyIndex?: number;
  /** Commission of every operator, basis points. Default 500 (5%). */
  commissionBps?: number;
  /** Epochs of epoch-boundary states the Beacon API keeps. Default 64. */
  retainEpochs?: number;
  /** Exit and withdrawal delays. Default DEVNET_TIMING (4 and 4 epochs instead of 256 and 256). */
  timing?: ChainTiming;
  /** Level of the consensus layer's logs, kept in `consensusLogs`. Default "info". */
  logLevel?: LogLevel | "silent";
}

/** A protocol key whose deposit the beacon chain has processed. */
export interface ProtocolValidator extends ProtocolKey {
  index: number;
}

export interface TestOperator {
  id: number;
  /** Development account index of its manager (also its reward address). */
  account: number;
  manager: Address;
}

export interface OracleMember {
  /** Development account index (10, 11, 12). */
  account: number;
  address: Address;
  /** Public development key: pass it to a daemon through its environment, never print it. */
  privateKey: Hex;
  wallet: DevWallet;
}

export interface TestNetwork {
  rpcUrl: string;
  /** The consensus layer's Beacon API. */
  beaconUrl: string;
  /** The same API behind a proxy the test can break (`beaconProxy.setFault`, `setDown`). */
  beaconProxyUrl: string;
  beaconProxy: BeaconProxy;
  deployment: Deployment;
  /** The deployment JSON (the SDK's format), for `--deployment FILE`. */
  deploymentFile: string;
  publicClient: PublicClient;
  /** The beacon chain's genesis time; slot s has block timestamp genesisTime + 12 s. */
  genesisTime: number;
  epochsPerFrame: number;
  initialEpoch: number;
  /** The withdrawal vault: withdrawal credentials and fee recipient of every protocol validator. */
  vault: Address;
  operators: TestOperator[];
  /** The setup's validators, all active when `startTestNetwork` returns. */
  protocolValidators: ProtocolValidator[];
  members: OracleMember[];
  /** The in-process consensus node (its chain, for what the Beacon API does not show). */
  node: ConsensusNode;
  /** Log lines of the consensus layer (JSON). */
  consensusLogs: string[];
  wallet(account: number): DevWallet;
  /** Produces every slot up to `slot` (no-op when already there). */
  advanceTo(slot: number): Promise<void>;
  advanceSlots(count: number): Promise<void>;
  /**
   * Produces slots one by one until `done` holds (checked before the first and after each), pausing
   * `pauseMs` of wall-clock time after each slot so that other processes (a daemon) can act. A
   * function gives the pause slot by slot: short while the daemons only wait for the chain, longer
   * while they have work to finish before a deadline counted in slots (a loaded machine is slow).
   */
  advanceUntil(
    done: () => boolean | Promise<boolean>,
    options: { maxSlots: number; pauseMs?: number | (() => number | Promise<number>); what?: string },
  ): Promise<void>;
  /** Latest slot produced (with or without a block). */
  currentSlot(): number;
  /** First slot of the finalized epoch, from the Beacon API. */
  finalizedSlot(): Promise<number>;
  /** GET on the Beacon API; throws with the status and body unless 2xx. */
  beacon<T = unknown>(path: string): Promise<T>;
  /** Produces slots until every transaction is in a block; throws (with the reason) if one reverted. */
  include(hashes: Hash | Hash[], what?: string): Promise<TransactionReceipt[]>;
  stake(account: number, eth: number | string): Promise<TransactionReceipt>;
  /** ERC-7540 request of `shares` (wei of trETH) by `account`; returns the request id and receipt. */
  requestRedeem(account: number, shares: bigint): Promise<{ requestId: bigint; receipt: TransactionReceipt }>;
  /**
   * Adds `count` keys to an operator, vets and deposits them (one slot per step). The keys are
   * pending on the beacon chain; their fee recipient is registered once they get an index.
   */
  addValidators(operatorId: number, count: number): Promise<ProtocolKey[]>;
  /** Takes validators offline (no attestations, no sync signatures, empty slots when they propose) or back. */
  offline(indices: number[], offline?: boolean): void;
  /** Slashes validators in the next block (a double vote signed by all of them). */
  slash(indices: number[]): void;
  stop(): Promise<void>;
}

/**
 * The epoch from which `count` validators of 32 ETH deposited in slot 1 are all active, every
 * validator online (measured; `startTestNetwork` checks it). Deposit requests wait for their slot
 * to be finalized; then each epoch transition applies 128 ETH of them (the activation churn at
 * this chain's size: four validators), which become eligible the next epoch (the first four at
 * epoch 5) and active MAX_SEED_LOOKAHEAD + 1 epochs after their eligibility is finalized (epoch 11).
 */
/**
 * Pause after each slot while a report for `refSlot` is awaited: 15 ms until its epoch is
 * finalized (the members only wait for the chain), then 150 ms, since the members now read, compute
 * and submit within the frame's remaining slots, which a loaded machine needs wall-clock time for.
 */
export async function reportPace(net: Pick<TestNetwork, "finalizedSlot">, refSlot: number): Promise<number> {
  return (await net.finalizedSlot()) >= refSlot ? 150 : 15;
}

export function activationEpochOf(count: number): number {
  const perEpoch = 4;
  return 10 + Math.ceil(count / perEpoch);
}

type ValidatorJson = {
  index: string;
  balance: string;
  status: string;
  validator: { pubkey: string; effective_balance: string; activation_epoch: string };
};

export async function startTestNetwork(options: TestNetworkOptions = {}): Promise<TestNetwork> {
  const operatorCount = options.operators ?? 3;
  const perOperator = options.validatorsPerOperator ?? 2;
  const epochsPerFrame = options.epochsPerFrame ?? 4;
  const initialEpoch = options.initialEpoch ?? activationEpochOf(operatorCount * perOperator) + 1;
  const genesisTime = EL_GENESIS_TIMESTAMP + SETUP_SECONDS;
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };

  try {
    const anvil: AnvilNode = await startAnvil(await freePort(), [
      "--mnemonic",
      DEV_MNEMONIC,
      "--silent",
      "--timestamp",
      String(EL_GENESIS_TIMESTAMP),
    ]);
    stoppers.push(() => anvil.stop());
    const rpcUrl = anvil.url;
    const publicClient = createPublicClient({
      chain: foundry,
      transport: http(rpcUrl, { retryCount: 0 }),
      pollingInterval: 50,
    }) as PublicClient;
    const rpc = (method: string, params: unknown[] = []) =>
      publicClient.request({ method, params } as never) as Promise<unknown>;
    const wallets = new Map<number, DevWallet>();
    const wallet = (account: number): DevWallet => {
      let w = wallets.get(account);
      if (!w) {
        w = createWalletClient({
          account: devAccount(account),
          chain: foundry,
          transport: http(rpcUrl, { retryCount: 0 }),
          pollingInterval: 50,
        });
        wallets.set(account, w);
      }
      return w;
    };
    const fund = (account: number) =>
      rpc("anvil_setBalance", [devAccount(account).address, numberToHex(FUNDING)]);

    // Setup: every transaction mined at once, one second apart.
    await rpc("anvil_setBlockTimestampInterval", [1]);
    const members = MEMBER_INDEXES.map((account) => devAccount(account).address);
    const deployment = await deployProtocol({
      wallet: wallet(DEV_ROLES.deployer),
      publicClient,
      guardians: DEV_ROLES.guardians.map((i) => devAccount(i).address),
      guardianQuorum: 2,
      timelockDelay: 0n,
      devAdmin: true,
      emergencyCommittee: devAccount(DEV_ROLES.emergencyCommittee).address,
      oracle: {
        members,
        quorum: MEMBER_QUORUM,
        slotsPerEpoch: BigInt(SLOTS_PER_EPOCH),
        secondsPerSlot: BigInt(SECONDS_PER_SLOT),
        genesisTime: BigInt(genesisTime),
        epochsPerFrame: BigInt(epochsPerFrame),
        initialEpoch: BigInt(initialEpoch),
      },
    });
    const { contracts } = deployment;
    const dir = mkdtempSync(join(tmpdir(), "tributary-oracle-net-"));
    stoppers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const deploymentFile = join(dir, "deployment.json");
    writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    for (const account of MEMBER_INDEXES) await fund(account);

    const credentials = await publicClient.readContract({
      address: contracts.operatorRegistry,
      abi: operatorRegistryAbi,
      functionName: "withdrawalCredentials",
    });
    const vault = contracts.withdrawalVault;
    if (credentials.toLowerCase() !== `0x01${"0".repeat(22)}${vault.slice(2)}`.toLowerCase()) {
      throw new Error(`registry withdrawal credentials ${credentials} do not name the vault ${vault}`);
    }

    let automine = true;
    let node: ConsensusNode | null = null;
    let nextKey = options.firstKeyIndex ?? 10_000;
    const keys: Array<ProtocolKey & { index: number | null }> = [];
    const operators: TestOperator[] = [];

    // ---------------------------------------------------------------- slots

    let queue: Promise<void> = Promise.resolve();
    const advanceTo = (slot: number): Promise<void> => {
      const run = queue.then(async () => {
        if (!node) throw new Error("the consensus layer is not started yet");
        const from = node.chain.processedSlot;
        if (slot <= from) return;
        await node.advanceTo(slot);
        const crossedEpoch = Math.floor(slot / SLOTS_PER_EPOCH) > Math.floor(from / SLOTS_PER_EPOCH);
        if (crossedEpoch && keys.some((k) => k.index === null)) await registerFeeRecipients();
      });
      queue = run.catch(() => undefined);
      return run;
    };
    const currentSlot = () => {
      if (!node) throw new Error("the consensus layer is not started yet");
      return node.chain.processedSlot;
    };
    const advanceSlots = (count: number) => advanceTo(currentSlot() + count);

    let beaconUrl = "";
    const beacon = async <T>(path: string, init?: RequestInit): Promise<T> => {
      const response = await fetch(`${beaconUrl}${path}`, init);
      const text = await response.text();
      if (!response.ok)
        throw new Error(`Beacon API ${init?.method ?? "GET"} ${path}: ${response.status} ${text}`);
      return (text === "" ? undefined : JSON.parse(text)) as T;
    };
    const validatorsByPubkey = async (pubkeys: Hex[]): Promise<Map<string, ValidatorJson>> => {
      const { data } = await beacon<{ data: ValidatorJson[] }>("/eth/v1/beacon/states/head/validators", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ids: pubkeys }),
      });
      return new Map(data.map((v) => [v.validator.pubkey.toLowerCase(), v]));
    };

    /** What a validator client does: once a key has an index, set its fee recipient to the vault. */
    async function registerFeeRecipients(): Promise<void> {
      const pending = keys.filter((k) => k.index === null);
      if (pending.length === 0) return;
      const found = await validatorsByPubkey(pending.map((k) => k.pubkey));
      const proposers: Array<{ validator_index: string; fee_recipient: Address }> = [];
      for (const key of pending) {
        const v = found.get(key.pubkey.toLowerCase());
        if (!v) continue;
        key.index = Number(v.index);
        proposers.push({ validator_index: v.index, fee_recipient: vault });
      }
      if (proposers.length === 0) return;
      await beacon("/eth/v1/validator/prepare_beacon_proposer", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(proposers),
      });
    }

    // ---------------------------------------------------------------- transactions

    const include = async (hashes: Hash | Hash[], what = "transaction"): Promise<TransactionReceipt[]> => {
      const list = Array.isArray(hashes) ? hashes : [hashes];
      const receipts = new Map<Hash, TransactionReceipt>();
      const collect = async () => {
        for (const hash of list) {
          if (receipts.has(hash)) continue;
          const receipt = await publicClient.getTransactionReceipt({ hash }).catch(() => null);
          if (receipt) receipts.set(hash, receipt);
        }
      };
      if (automine) {
        for (const hash of list) receipts.set(hash, await publicClient.waitForTransactionReceipt({ hash }));
      } else {
        await collect();
        for (let i = 0; receipts.size < list.length; i++) {
          if (i === INCLUSION_SLOTS) {
            const missing = list.filter((h) => !receipts.has(h));
            throw new Error(`${what}: ${missing.join(", ")} not in a block after ${INCLUSION_SLOTS} slots`);
          }
          await advanceSlots(1);
          await collect();
        }
      }
      const out = list.map((hash) => receipts.get(hash) as TransactionReceipt);
      for (const receipt of out) {
        if (receipt.status === "success") continue;
        const tx = await publicClient.getTransaction({ hash: receipt.transactionHash });
        const reason = await publicClient
          .call({
            account: tx.from,
            to: tx.to,
            data: tx.input,
            value: tx.value,
            blockNumber: receipt.blockNumber - 1n,
          })
          .then(
            () => "the replay on the previous block succeeds",
            (error: Error) => error.message.split("\n")[0],
          );
        throw new Error(
          `${what} ${receipt.transactionHash} reverted in block ${receipt.blockNumber}: ${reason}`,
        );
      }
      return out;
    };

    const operatorAccount = (operatorId: number): number => {
      const operator = operators.find((o) => o.id === operatorId);
      if (!operator) throw new Error(`operator ${operatorId} was not registered by this network`);
      return operator.account;
    };

    const depositContext: DepositContext = {
      publicClient,
      deployment,
      wallet,
      include,
      automine: () => automine,
      operatorAccount,
      staker: STAKER_INDEX,
      newKey: (operatorId, keyIndex) => signedKey(nextKey++, credentials, operatorId, keyIndex),
    };
    /** Deposits the keys; the validator client below registers their fee recipient once indexed. */
    const deposit = async (batches: Array<{ operatorId: number; count: number }>) => {
      const created = await depositKeys(depositContext, batches);
      keys.push(...created.map((key) => ({ ...key, index: null })));
      return created;
    };

    // ---------------------------------------------------------------- setup

    await fund(STAKER_INDEX);
    for (let i = 0; i < operatorCount; i++) {
      const account = OPERATOR_ACCOUNT_BASE + i;
      await fund(account);
      const id = Number(
        await publicClient.readContract({
          address: contracts.operatorRegistry,
          abi: operatorRegistryAbi,
          functionName: "operatorCount",
        }),
      );
      const manager = devAccount(account).address;
      await include(
        await registerOperator(wallet(account), {
          rewardAddress: manager,
          commissionBps: options.commissionBps ?? 500,
          bond: 0n,
          deployment,
        }),
        "registerOperator",
      );
      operators.push({ id, account, manager });
    }
    await deposit(operators.map((o) => ({ operatorId: o.id, count: perOperator })));

    // The beacon chain starts on a block at genesis - 1 s; from then on only slots mine blocks.
    const latest = await publicClient.getBlock();
    if (Number(latest.timestamp) >= genesisTime - 1) {
      throw new Error(
        `the setup's last block (time ${latest.timestamp}) reached the beacon chain's genesis ${genesisTime}: raise SETUP_SECONDS`,
      );
    }
    await rpc("anvil_removeBlockTimestampInterval");
    await rpc("evm_setAutomine", [false]);
    automine = false;
    await rpc("evm_mine", [genesisTime - 1]);

    const consensusLogs: string[] = [];
    const log = createLogger(options.logLevel ?? "info", {}, (line) => consensusLogs.push(line));
    const created = await ConsensusNode.create(
      {
        validators: options.genesisValidators ?? 64,
        secondsPerSlot: SECONDS_PER_SLOT,
        mode: "fast",
        depositContract: contracts.depositContract,
        defaultFeeRecipient: DEFAULT_FEE_RECIPIENT,
        retainEpochs: options.retainEpochs ?? 64,
        dataDir: null,
        saveEveryEpochs: 1,
        api: { host: "127.0.0.1", port: 0 },
        // The slot loop ends at once: the test produces every slot with advanceTo.
        stopAtSlot: 0,
        timing: options.timing ?? DEVNET_TIMING,
      },
      { log, el: new JsonRpcExecutionLayer(httpTransport(rpcUrl), log.child({ module: "el" })) },
    );
    node = created;
    stoppers.push(() => created.stop());
    await created.start();
    await created.finished();
    if (created.chain.genesisTime !== genesisTime) {
      throw new Error(`beacon genesis ${created.chain.genesisTime}, HashConsensus expects ${genesisTime}`);
    }
    beaconUrl = created.apiUrl ?? "";
    const beaconProxy = await startBeaconProxy(beaconUrl);
    stoppers.push(() => beaconProxy.stop());

    // Until every protocol validator is active: one epoch at a time, read on the Beacon API.
    const maxEpoch = initialEpoch + 8;
    for (;;) {
      await registerFeeRecipients();
      const states = await validatorsByPubkey(keys.map((k) => k.pubkey));
      const active = keys.filter((k) => states.get(k.pubkey.toLowerCase())?.status === "active_ongoing");
      const epoch = Math.floor(currentSlot() / SLOTS_PER_EPOCH);
      if (active.length === keys.length) {
        if (epoch >= initialEpoch) {
          throw new Error(
            `protocol validators active only from epoch ${epoch}, not at the first reference slot ${initialEpoch * SLOTS_PER_EPOCH - 1}: pass a later initialEpoch`,
          );
        }
        break;
      }
      if (epoch >= maxEpoch) {
        throw new Error(`${active.length} of ${keys.length} protocol validators active at epoch ${epoch}`);
      }
      await advanceTo((epoch + 1) * SLOTS_PER_EPOCH);
    }
    const protocolValidators = keys.map((k) => ({ ...k, index: k.index as number }));

    const finalizedSlot = async () => {
      const { data } = await beacon<{ data: { finalized: { epoch: string } } }>(
        "/eth/v1/beacon/states/head/finality_checkpoints",
      );
      return Number(data.finalized.epoch) * SLOTS_PER_EPOCH;
    };

    return {
      rpcUrl,
      beaconUrl,
      beaconProxyUrl: beaconProxy.url,
      beaconProxy,
      deployment,
      deploymentFile,
      publicClient,
      genesisTime,
      epochsPerFrame,
      initialEpoch,
      vault,
      operators,
      protocolValidators,
      members: MEMBER_INDEXES.map((account) => ({
        account,
        address: devAccount(account).address,
        privateKey: devPrivateKey(account),
        wallet: wallet(account),
      })),
      node: created,
      consensusLogs,
      wallet,
      advanceTo,
      advanceSlots,
      async advanceUntil(done, { maxSlots, pauseMs = 0, what = "condition" }) {
        if (await done()) return;
        for (let i = 0; i < maxSlots; i++) {
          await advanceSlots(1);
          const pause = typeof pauseMs === "number" ? pauseMs : await pauseMs();
          if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
          if (await done()) return;
        }
        throw new Error(`${what} did not hold within ${maxSlots} slots (now at slot ${currentSlot()})`);
      },
      currentSlot,
      finalizedSlot,
      beacon: (path) => beacon(path),
      include,
      async stake(account, eth) {
        const [receipt] = await include(
          await sdkStake(wallet(account), { amount: parseEther(String(eth)), deployment }),
          "stake",
        );
        return receipt as TransactionReceipt;
      },
      async requestRedeem(account, shares) {
        const [receipt] = await include(
          await sdkRequestRedeem(wallet(account), { shares, deployment }),
          "requestRedeem",
        );
        const r = receipt as TransactionReceipt;
        const [event] = parseEventLogs({ abi: trETHAbi, eventName: "RedeemRequest", logs: r.logs });
        if (!event) {
          const last = await publicClient.readContract({
            address: contracts.withdrawalQueue,
            abi: withdrawalQueueAbi,
            functionName: "lastRequestId",
          });
          throw new Error(
            `requestRedeem ${r.transactionHash} emitted no RedeemRequest (last request ${last})`,
          );
        }
        return { requestId: event.args.requestId, receipt: r };
      },
      addValidators: (operatorId, count) => deposit([{ operatorId, count }]),
      offline(indices, offline = true) {
        created.chain.offline.setOffline(indices, offline);
      },
      slash(indices) {
        created.chain.slash("double-vote", indices);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
