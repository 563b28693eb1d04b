/**
 * The operators' validator keys as the registry's events tell them: `KeyAdded(operatorId, index,
 * pubkey, signature)` appends a key, `KeysRemoved(operatorId, totalKeys, ...)` cuts the list back to
 * `totalKeys`. The registry stores only a commitment per key, so its events are where the pubkeys
 * and deposit signatures are read.
 *
 * `sync(to)` reads the events incrementally up to a finalized block; `overlay(from, to)` gives a copy
 * with the events of later (not yet final) blocks applied, for a decision that must see the latest
 * state (a deposit signature), without touching the finalized base.
 */

import { scanLogs } from "@tributary/daemon/logs";
import { operatorRegistryAbi } from "@tributary/sdk/abis";
import {
  type AbiEvent,
  type Address,
  getAbiItem,
  type Hex,
  type Log,
  type PublicClient,
  parseEventLogs,
} from "viem";

export interface RegistryKey {
  pubkey: Hex;
  signature: Hex;
}

const KEY_EVENTS = [
  getAbiItem({ abi: operatorRegistryAbi, name: "KeyAdded" }),
  getAbiItem({ abi: operatorRegistryAbi, name: "KeysRemoved" }),
] as AbiEvent[];

/** The events' order broke: a key index that does not follow the list (a node that skipped logs). */
export class RegistryEventsError extends Error {
  override name = "RegistryEventsError";
}

export class RegistryKeys {
  private readonly lists = new Map<number, RegistryKey[]>();
  /** Last block applied; the next sync starts after it. */
  cursor: bigint;

  constructor(
    private readonly registry: Address,
    fromBlock: bigint,
  ) {
    this.cursor = fromBlock - 1n;
  }

  /** The operator's keys, index by index (empty for an unknown operator). */
  keys(operatorId: number): readonly RegistryKey[] {
    return this.lists.get(operatorId) ?? [];
  }

  /** Every (operator, index) where `pubkey` sits now. */
  holders(pubkey: Hex): Array<{ operatorId: number; index: number }> {
    const want = pubkey.toLowerCase();
    const found: Array<{ operatorId: number; index: number }> = [];
    for (const [operatorId, list] of this.lists) {
      list.forEach((key, index) => {
        if (key.pubkey.toLowerCase() === want) found.push({ operatorId, index });
      });
    }
    return found;
  }

  /** Where `pubkey` is, if it is any operator's key now. */
  find(pubkey: Hex): { operatorId: number; index: number } | undefined {
    return this.holders(pubkey)[0];
  }

  get keyCount(): number {
    let total = 0;
    for (const list of this.lists.values()) total += list.length;
    return total;
  }

  /** Reads the events of (cursor, toBlock] and applies them. */
  async sync(client: Pick<PublicClient, "getLogs">, toBlock: bigint): Promise<void> {
    if (toBlock <= this.cursor) return;
    await scanLogs(
      client,
      { address: this.registry, events: KEY_EVENTS, fromBlock: this.cursor + 1n, toBlock },
      (logs, to) => {
        this.apply(logs);
        this.cursor = to;
      },
    );
  }

  /** A copy with the events of (cursor, toBlock] applied; the base is unchanged. */
  async overlay(client: Pick<PublicClient, "getLogs">, toBlock: bigint): Promise<RegistryKeys> {
    const copy = new RegistryKeys(this.registry, this.cursor + 1n);
    for (const [operatorId, list] of this.lists) copy.lists.set(operatorId, list.slice());
    await copy.sync(client, toBlock);
    return copy;
  }

  apply(logs: Log[]): void {
    for (const log of parseEventLogs({ abi: operatorRegistryAbi, logs, strict: true })) {
      if (log.eventName === "KeyAdded") {
        const operatorId = Number(log.args.operatorId);
        const index = Number(log.args.index);
        const list = this.lists.get(operatorId) ?? [];
        if (index !== list.length) {
          throw new RegistryEventsError(
            `KeyAdded of operator ${operatorId} at index ${index} in block ${log.blockNumber}, but ${list.length} keys were known: events are missing`,
          );
        }
        list.push({ pubkey: log.args.pubkey, signature: log.args.signature });
        this.lists.set(operatorId, list);
      } else if (log.eventName === "KeysRemoved") {
        const list = this.lists.get(Number(log.args.operatorId)) ?? [];
        list.length = Math.min(list.length, Number(log.args.totalKeys));
      }
    }
  }
}
