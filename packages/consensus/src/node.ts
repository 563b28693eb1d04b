import { SLOTS_PER_EPOCH } from "@lodestar/params";
import { computeTimeAtSlot } from "@lodestar/state-transition";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "./api/server.js";
import { Chain } from "./chain/chain.js";
import { ChainEvents } from "./chain/events.js";
import { createChainFromGenesis } from "./chain/fromGenesis.js";
import {
  type ChainParams,
  type ChainTiming,
  chainTiming,
  createLocalBeaconConfig,
  createLocalChainConfig,
} from "./config.js";
import type { ExecutionLayer } from "./el/types.js";
import { ConsensusError } from "./errors.js";
import { type Hex, toHex } from "./hex.js";
import type { Logger } from "./log.js";
import { hasSavedChain, headerJson, loadChain, saveChain } from "./persistence.js";
import { assertMainnetPreset } from "./preset.js";

export type NodeOptions = {
  validators: number;
  secondsPerSlot: number;
  /** "realtime": one slot per slot time of wall clock; "fast": slots back to back in virtual time. */
  mode: "realtime" | "fast";
  depositContract: Hex;
  defaultFeeRecipient: Hex;
  retainEpochs: number;
  /** Directory for the saved chain; null keeps everything in memory. */
  dataDir: string | null;
  /** Save the chain every this many epochs (and on stop). */
  saveEveryEpochs: number;
  /** Beacon API listen address; port 0 picks a free port; null serves no API. */
  api: { host: string; port: number } | null;
  /** Stop producing after this slot (null: run until stopped). */
  stopAtSlot: number | null;
  /** Chain-config timing of a new chain (mainnet's where absent); a restored chain keeps its saved values. */
  timing?: Partial<ChainTiming>;
  /**
   * GENESIS_DELAY of a new chain, seconds: its genesis time is this far after now (and after the
   * execution head), and no slot is produced before that time of the wall clock, in either mode.
   * Room to deploy contracts that must know the genesis before the chain starts. Default 0.
   */
  genesisDelay?: number;
  /** Fast mode: wall-clock milliseconds between two slots, so that daemons keep up. Default 0. */
  slotPauseMs?: number;
};

export type NodeModules = { log: Logger; el: ExecutionLayer };

/** The embedded consensus node: chain, slot clock, persistence and Beacon API over one execution node. */
export class ConsensusNode {
  private server: FastifyInstance | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  /** Wall-clock time the last slot was produced (fast mode's pace). */
  private lastProducedAt = 0;
  private lastSavedEpoch = -1;
  apiUrl: string | null = null;
  /** Blocks, heads and finality changes as the Beacon API's event stream reports them. */
  readonly events: ChainEvents;

  private constructor(
    readonly chain: Chain,
    private readonly opts: NodeOptions,
    private readonly modules: NodeModules,
    private readonly chainParams: ChainParams,
  ) {
    this.events = new ChainEvents(chain);
  }

  /** Opens a saved chain from `dataDir` or creates a new one anchored on the execution node's head. */
  static async create(opts: NodeOptions, modules: NodeModules): Promise<ConsensusNode> {
    assertMainnetPreset();
    const { el, log } = modules;
    const depositChainId = await el.chainId();
    await el.install(opts.depositContract);
    let chain: Chain;
    let chainParams: ChainParams = {
      depositChainId,
      depositContract: opts.depositContract,
      secondsPerSlot: opts.secondsPerSlot,
      ...chainTiming(opts.timing ?? {}),
    };
    if (opts.dataDir !== null && hasSavedChain(opts.dataDir)) {
      const { anchor, meta } = loadChain(opts.dataDir, createLocalBeaconConfig);
      chainParams = meta.chainParams;
      const requested = opts.timing === undefined ? null : chainTiming(opts.timing);
      const saved = chainTiming(chainParams);
      if (requested !== null && JSON.stringify(requested) !== JSON.stringify(saved)) {
        log.warn("a restored chain keeps its saved timing; timing flags ignored", { saved, requested });
      }
      if (chainParams.depositChainId !== depositChainId) {
        throw new ConsensusError("saved chain belongs to another execution chain", {
          dataDir: opts.dataDir,
          saved: chainParams.depositChainId,
          node: depositChainId,
        });
      }
      if (!(await el.hasBlock(anchor.state.latestExecutionPayloadHeader.blockHash))) {
        throw new ConsensusError(
          "execution node lacks the saved chain's last payload block (was it restarted?); use an empty --data-dir",
          { dataDir: opts.dataDir, blockHash: toHex(anchor.state.latestExecutionPayloadHeader.blockHash) },
        );
      }
      await el.install(chainParams.depositContract as Hex);
      el.setDepositCursor(meta.depositCursor);
      chain = new Chain(
        anchor,
        {
          retainEpochs: opts.retainEpochs,
          defaultFeeRecipient: opts.defaultFeeRecipient,
          genesisValidatorCount: meta.genesisValidatorCount,
        },
        modules,
      );
      chain.offline.setOffline(meta.offline, true);
      log.info("chain restored", { dataDir: opts.dataDir, slot: meta.processedSlot, head: meta.headRoot });
    } else {
      const now = Math.floor(Date.now() / 1000);
      const head = await el.headHeader();
      chain = await createChainFromGenesis({
        chainConfig: createLocalChainConfig(chainParams),
        validatorCount: opts.validators,
        genesisTime:
          opts.mode === "realtime" || (opts.genesisDelay ?? 0) > 0
            ? Math.max(now + (opts.genesisDelay ?? 0), head.timestamp + 1)
            : head.timestamp + 1,
        options: { retainEpochs: opts.retainEpochs, defaultFeeRecipient: opts.defaultFeeRecipient },
        modules,
      });
      log.info("chain timing", chainTiming(chainParams));
    }
    return new ConsensusNode(chain, opts, modules, chainParams);
  }

  /** Serves the API and starts producing slots. */
  async start(): Promise<void> {
    if (this.opts.api !== null) {
      const pace =
        this.opts.mode === "fast"
          ? {
              get: () => this.opts.slotPauseMs ?? 0,
              set: (ms: number) => {
                this.opts.slotPauseMs = ms;
                if (this.timer) clearTimeout(this.timer);
                this.wake?.();
              },
            }
          : undefined;
      this.server = createApiServer(this.chain, this.events, this.modules.log, pace);
      this.apiUrl = await this.server.listen({ host: this.opts.api.host, port: this.opts.api.port });
      this.modules.log.info("beacon api listening", { url: this.apiUrl });
    }
    this.running = true;
    this.loop = this.run().catch((error: unknown) => {
      this.running = false;
      this.modules.log.error("slot production stopped", { error, cause: (error as Error).cause });
      throw error;
    });
  }

  /** Resolves when production ends (stopAtSlot reached, or stop()). */
  async finished(): Promise<void> {
    await this.loop;
  }

  /** Produces every slot up to `slot` now, regardless of the clock (tests and scripts). */
  async advanceTo(slot: number): Promise<void> {
    for (let s = this.chain.processedSlot + 1; s <= slot; s++) await this.produce(s);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.loop?.catch(() => undefined);
    await this.server?.close();
    this.save();
    await this.modules.el.close();
  }

  private async produce(slot: number): Promise<void> {
    const result = await this.chain.produceSlot(slot);
    try {
      this.events.afterSlot(this.chain, result);
    } catch (error) {
      // The event stream is a reader of the chain: its failure never stops slot production.
      this.modules.log.error("chain events failed", { slot, error });
    }
    const epoch = Math.floor(slot / SLOTS_PER_EPOCH);
    if ((slot + 1) % SLOTS_PER_EPOCH === 0) {
      const head = this.chain.head;
      this.modules.log.info("epoch", {
        epoch,
        finalized: head.finalizedCheckpoint.epoch,
        justified: head.currentJustifiedCheckpoint.epoch,
        validators: head.validators.length,
      });
      if (epoch - this.lastSavedEpoch >= this.opts.saveEveryEpochs) this.save();
    }
  }

  private save(): void {
    if (this.opts.dataDir === null) return;
    const chain = this.chain;
    saveChain(this.opts.dataDir, chain.head, {
      chainParams: this.chainParams,
      genesisValidatorCount: chain.genesisValidatorCount,
      processedSlot: chain.processedSlot,
      headRoot: toHex(chain.headBlock.root),
      headHeader: headerJson(chain.headBlock.header.message),
      depositCursor: this.modules.el.depositCursor(),
      feeRecipients: [...chain.feeRecipients],
      offline: chain.offline.list(),
    });
    this.lastSavedEpoch = Math.floor(chain.processedSlot / SLOTS_PER_EPOCH);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const next = this.chain.processedSlot + 1;
      if (this.opts.stopAtSlot !== null && next > this.opts.stopAtSlot) break;
      // Fast mode runs in virtual time, paced by slotPauseMs; a genesis delay holds either mode until genesis.
      const pace = this.lastProducedAt + (this.opts.slotPauseMs ?? 0);
      const due =
        this.opts.mode === "realtime"
          ? computeTimeAtSlot(this.chain.config, next, this.chain.genesisTime) * 1000
          : (this.opts.genesisDelay ?? 0) > 0
            ? Math.max(this.chain.genesisTime * 1000, pace)
            : pace;
      const wait = due - Date.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, wait);
        });
        continue;
      }
      await this.produce(next);
      this.lastProducedAt = Date.now();
      // Let API requests in between slots when running as fast as possible.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.running = false;
  }
}
