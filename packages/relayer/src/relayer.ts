/**
 * The crosschain relayer. Each member of the relayer committee runs one, with its own key. A step:
 *
 * 1. Rate: when Ethereum's feed has a newer report than the rate sender last sent, it pushes it.
 *    Batch: when the remote deposit pool holds deposits older than the batch interval (or more
 *    than the batch size), it flushes them to Ethereum.
 * 2. Watch: reads the `MessageSent` logs of each chain's message bridge, from its cursor up to the
 *    chain's head at the configured block tag (`finalized` on Ethereum), and keeps every message
 *    bound for the other chain that is not executed there yet. Only a message this relayer read
 *    from the source chain itself is ever signed: a peer asking for a signature gets one for a
 *    message it saw, never for content it is sent.
 * 3. Execute: for each kept message, its status on the destination. New: it collects signatures
 *    (its own and its peers', `GET <peer>/v1/signatures/<id>`), and with a quorum simulates and
 *    sends `execute`. Failed (a mint over the bridge's limit, a stake that waits for the reserve):
 *    it simulates `retry` and sends it once the simulation passes, so a waiting transfer goes
 *    through by itself when its limit refills. Executed: dropped.
 *
 * Every write is simulated first; a message runs at most once whatever the relayers do, because
 * the destination bridge records each id and refuses it again. The cursors and kept messages are
 * saved after each step, so a restarted relayer goes on where it was (and even from scratch it
 * would only read the logs again).
 */
import type { Logger } from "@tributary/daemon/log";
import { JsonStore } from "@tributary/daemon/store";
import { type BridgeMessage, messageTypedData, orderSignatures, sentMessages } from "@tributary/sdk";
import { messageBridgeAbi, rateFeedAbi, rateSenderAbi, remoteDepositPoolAbi } from "@tributary/sdk/abis";
import {
  type Address,
  BaseError,
  type BlockTag,
  type Chain,
  ContractFunctionRevertedError,
  type Hex,
  type LocalAccount,
  type PublicClient,
  recoverTypedDataAddress,
  type Transport,
  type WalletClient,
} from "viem";
import type { RelayerMetrics } from "./metrics.js";

export interface ChainSide {
  /** A name for logs: "home" or "remote". */
  name: string;
  chainId: number;
  publicClient: PublicClient<Transport, Chain | undefined>;
  wallet: WalletClient<Transport, Chain | undefined, LocalAccount>;
  messageBridge: Address;
  /** Block tag of the head read: "finalized" on Ethereum; "latest" where nothing finalizes. */
  blockTag: BlockTag;
  /** First block of the bridge's logs. */
  fromBlock: bigint;
}

export interface RelayerOptions {
  home: ChainSide & { rateSender: Address; rateFeed: Address };
  remote: ChainSide & { depositPool: Address };
  /** This relayer's signing key (a committee member). */
  signer: LocalAccount;
  /** Other relayers' HTTP servers. */
  peers: readonly string[];
  dataDir?: string | undefined;
  logger: Logger;
  metrics: RelayerMetrics;
  /** Deposits wait at most this long in the pool before a batch (ms). */
  batchIntervalMs: number;
  /** A batch leaves at once from this much WETH (wei). */
  batchSize: bigint;
  /** Most blocks read per log request. */
  logChunk?: bigint | undefined;
  requestTimeoutMs?: number | undefined;
  now?: () => number;
}

interface Kept {
  message: BridgeMessage;
  /** The side it goes to. */
  to: "home" | "remote";
}

interface State {
  cursors: Record<string, string>;
  messages: Record<Hex, Kept>;
}

const STATUS = ["none", "executed", "failed"] as const;

function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  return revert?.data?.errorName;
}

export class Relayer {
  private state: State = { cursors: {}, messages: {} };
  private readonly store: JsonStore<State> | undefined;
  private loaded = false;
  private pendingSince: number | undefined;
  /** Signatures this relayer made, by id (served to peers). */
  private readonly signatures = new Map<Hex, Hex>();

  constructor(private readonly o: RelayerOptions) {
    if (o.dataDir) {
      this.store = new JsonStore<State>({
        file: `${o.dataDir}/relayer.json`,
        version: 1,
        initial: () => ({ cursors: {}, messages: {} }),
        validate: (v) => {
          const s = v as State;
          if (
            typeof s !== "object" ||
            s === null ||
            typeof s.cursors !== "object" ||
            typeof s.messages !== "object"
          )
            throw new Error("not a relayer state");
          return s;
        },
        logger: o.logger,
      });
    }
  }

  get address(): Address {
    return this.o.signer.address;
  }

  /** Messages kept (not executed on their destination yet), for health and tests. */
  get waiting(): number {
    return Object.keys(this.state.messages).length;
  }

  /** This relayer's signature of a message it saw on its source chain; undefined otherwise. */
  async signatureFor(id: Hex): Promise<Hex | undefined> {
    const known = this.signatures.get(id);
    if (known) return known;
    const kept = this.state.messages[id];
    if (!kept) return undefined;
    return this.sign(id, kept);
  }

  async step(): Promise<void> {
    if (!this.loaded) {
      if (this.store) this.state = await this.store.load();
      this.loaded = true;
    }
    const { home, remote } = this.o;
    // Messages first sent (a report's rate, a batch), then every message carried.
    await this.pushRate();
    await this.flushBatch();
    await this.watch(home, "remote");
    await this.watch(remote, "home");
    await this.save();
    for (const [id, kept] of Object.entries(this.state.messages) as [Hex, Kept][]) {
      await this.deliver(id, kept);
    }
    await this.save();
    this.o.metrics.waiting.set(this.waiting);
  }

  private async save(): Promise<void> {
    await this.store?.save(this.state);
  }

  private async watch(side: ChainSide, to: "home" | "remote"): Promise<void> {
    const destination = to === "home" ? this.o.home : this.o.remote;
    const head = await side.publicClient.getBlock({ blockTag: side.blockTag });
    const headNumber = head.number ?? 0n;
    const key = String(side.chainId);
    let from = this.state.cursors[key] !== undefined ? BigInt(this.state.cursors[key]) + 1n : side.fromBlock;
    const chunk = this.o.logChunk ?? 5_000n;
    while (from <= headNumber) {
      const toBlock = from + chunk - 1n < headNumber ? from + chunk - 1n : headNumber;
      const logs = await side.publicClient.getLogs({ address: side.messageBridge, fromBlock: from, toBlock });
      for (const { id, message } of sentMessages(logs)) {
        if (Number(message.destinationChainId) !== destination.chainId) continue;
        if (this.state.messages[id]) continue;
        this.state.messages[id] = { message, to };
        this.o.metrics.seen.inc({ from: side.name });
        this.o.logger.info("message seen", {
          id,
          from: side.name,
          nonce: message.nonce,
          sender: message.sender,
          target: message.target,
          value: message.value,
        });
      }
      this.state.cursors[key] = String(toBlock);
      from = toBlock + 1n;
    }
  }

  private async sign(id: Hex, kept: Kept): Promise<Hex> {
    const destination = kept.to === "home" ? this.o.home : this.o.remote;
    const signature = await this.o.signer.signTypedData(
      messageTypedData(kept.message, destination.messageBridge),
    );
    this.signatures.set(id, signature);
    return signature;
  }

  private async deliver(id: Hex, kept: Kept): Promise<void> {
    const destination = kept.to === "home" ? this.o.home : this.o.remote;
    const client = destination.publicClient;
    const status =
      STATUS[
        Number(
          await client.readContract({
            address: destination.messageBridge,
            abi: messageBridgeAbi,
            functionName: "status",
            args: [id],
          }),
        )
      ];
    if (status === "executed") {
      delete this.state.messages[id];
      this.signatures.delete(id);
      return;
    }
    if (status === "failed") {
      await this.send(destination, "retry", [kept.message], id);
      return;
    }
    const signatures = await this.collect(id, kept, destination);
    const threshold = Number(
      await client.readContract({
        address: destination.messageBridge,
        abi: messageBridgeAbi,
        functionName: "threshold",
      }),
    );
    if (signatures.length < threshold) {
      this.o.logger.debug("waiting for signatures", { id, have: signatures.length, threshold });
      return;
    }
    await this.send(destination, "execute", [kept.message, signatures.slice(0, threshold)], id);
  }

  /** Own and peers' signatures of a message, each checked to recover to a committee member. */
  private async collect(id: Hex, kept: Kept, destination: ChainSide): Promise<Hex[]> {
    const typed = messageTypedData(kept.message, destination.messageBridge);
    const found: { signer: Address; signature: Hex }[] = [
      { signer: this.o.signer.address, signature: await this.signatureFor(id).then((s) => s as Hex) },
    ];
    for (const peer of this.o.peers) {
      try {
        const res = await fetch(new URL(`v1/signatures/${id}`, peer.endsWith("/") ? peer : `${peer}/`), {
          signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 5_000),
        });
        if (!res.ok) continue;
        const body = (await res.json()) as { signature?: Hex };
        if (!body.signature || !/^0x[0-9a-fA-F]{130}$/.test(body.signature)) continue;
        const signer = await recoverTypedDataAddress({ ...typed, signature: body.signature });
        const member = await destination.publicClient.readContract({
          address: destination.messageBridge,
          abi: messageBridgeAbi,
          functionName: "isRelayer",
          args: [signer],
        });
        if (!member) {
          this.o.logger.warn("a peer's signature is not a committee member's", { peer, id, signer });
          continue;
        }
        if (!found.some((f) => f.signer === signer)) found.push({ signer, signature: body.signature });
      } catch (error) {
        this.o.metrics.peerErrors.inc();
        this.o.logger.debug("a peer did not answer", { peer, id, error: (error as Error).message });
      }
    }
    return orderSignatures(found);
  }

  /** Simulates, then sends and waits; a refusal in simulation is logged and skipped. */
  private async send(side: ChainSide, functionName: "execute" | "retry", args: readonly unknown[], id: Hex) {
    const request = {
      address: side.messageBridge,
      abi: messageBridgeAbi,
      functionName,
      args,
      account: side.wallet.account,
    } as const;
    try {
      const { result } = await side.publicClient.simulateContract(request as never);
      const hash = await side.wallet.writeContract({ ...request, chain: side.wallet.chain } as never);
      const receipt = await side.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
      const ok = result === true;
      if (ok) {
        delete this.state.messages[id];
        this.signatures.delete(id);
      }
      this.o.metrics.executed.inc({ to: side.name, outcome: ok ? "executed" : "failed" });
      (ok ? this.o.logger.info : this.o.logger.warn).call(
        this.o.logger,
        ok
          ? `message ${functionName === "retry" ? "retried and " : ""}executed`
          : "message executed but its call failed: kept for a retry",
        { id, to: side.name, transaction: hash },
      );
    } catch (error) {
      const name = revertName(error);
      if (name === "MessageBridgeAlreadyExecuted") return;
      if (name === "MessageBridgeRetryFailed") {
        this.o.logger.debug("message still waits", { id, to: side.name });
        return;
      }
      throw error;
    }
  }

  private async pushRate(): Promise<void> {
    const { home, remote } = this.o;
    const [[, , , updatedAt], lastSent] = await Promise.all([
      home.publicClient.readContract({
        address: home.rateFeed,
        abi: rateFeedAbi,
        functionName: "latestRoundData",
      }),
      home.publicClient.readContract({
        address: home.rateSender,
        abi: rateSenderAbi,
        functionName: "lastSent",
        args: [BigInt(remote.chainId)],
      }),
    ]);
    if (updatedAt <= lastSent) return;
    await this.write(home, home.rateSender, rateSenderAbi, "push", [BigInt(remote.chainId)], "rate pushed", {
      reportTime: updatedAt,
    });
  }

  private async flushBatch(): Promise<void> {
    const { remote } = this.o;
    const pending = await remote.publicClient.readContract({
      address: remote.depositPool,
      abi: remoteDepositPoolAbi,
      functionName: "pendingAssets",
    });
    const now = (this.o.now ?? Date.now)();
    if (pending === 0n) {
      this.pendingSince = undefined;
      return;
    }
    this.pendingSince ??= now;
    if (pending < this.o.batchSize && now - this.pendingSince < this.o.batchIntervalMs) return;
    await this.write(remote, remote.depositPool, remoteDepositPoolAbi, "flush", [], "deposit batch sent", {
      assets: pending,
    });
    this.pendingSince = undefined;
  }

  private async write(
    side: ChainSide,
    address: Address,
    abi: unknown,
    functionName: string,
    args: readonly unknown[],
    what: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const request = { address, abi, functionName, args, account: side.wallet.account };
    let hash: Hex;
    try {
      await side.publicClient.simulateContract(request as never);
      hash = await side.wallet.writeContract({ ...request, chain: side.wallet.chain } as never);
    } catch (error) {
      const name = revertName(error);
      // Another relayer did it first (its transaction may still be pending).
      if (name === "RateSenderNothingNew" || name === "RemoteDepositPoolNothingToSend") return;
      throw error;
    }
    const receipt = await side.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      // Two relayers sent it in the same block: the first one's went through.
      this.o.logger.warn(`${functionName} reverted: another relayer was first`, { transaction: hash });
      return;
    }
    this.o.logger.info(what, { ...fields, transaction: hash });
  }
}
