/**
 * The protocol's contracts and their events, and a decoder for their logs. Events whose data are
 * all one-word types (integers, addresses, booleans, fixed bytes) are decoded by slicing words,
 * without an ABI decoder; the others (bytes, strings, arrays, tuples) go through viem's.
 * Addresses come out lower-case and integers as bigints.
 */

import type { Deployment } from "@tributary/sdk";
import * as abis from "@tributary/sdk/abis";
import { type Abi, type AbiEvent, type AbiParameter, decodeEventLog, type Hex, toEventSelector } from "viem";

/** The contracts whose events are recorded, by the name the `contract` column uses. */
export const CONTRACT_ABIS = {
  trETH: abis.trETHAbi,
  withdrawalQueue: abis.withdrawalQueueAbi,
  accounting: abis.accountingAbi,
  operatorRegistry: abis.operatorRegistryAbi,
  depositSecurity: abis.depositSecurityAbi,
  hashConsensus: abis.hashConsensusAbi,
  rewardsDistributor: abis.rewardsDistributorAbi,
  withdrawalVault: abis.withdrawalVaultAbi,
  timelock: abis.timelockAbi,
  governor: abis.governorAbi,
  depositContract: abis.depositContractAbi,
} as const satisfies Record<string, Abi>;

export type ContractName = keyof typeof CONTRACT_ABIS;

/** Deployment field of each contract. */
export const DEPLOYMENT_FIELDS: Record<ContractName, keyof Deployment["contracts"]> = {
  trETH: "token",
  withdrawalQueue: "withdrawalQueue",
  accounting: "accounting",
  operatorRegistry: "operatorRegistry",
  depositSecurity: "depositSecurity",
  hashConsensus: "hashConsensus",
  rewardsDistributor: "rewardsDistributor",
  withdrawalVault: "withdrawalVault",
  timelock: "timelock",
  governor: "governor",
  depositContract: "depositContract",
};

export type Args = Record<string, bigint | string | boolean | readonly unknown[] | Record<string, unknown>>;

export interface DecodedLog {
  blockNumber: bigint;
  blockHash: Hex;
  logIndex: number;
  txHash: Hex;
  address: string;
  contract: ContractName;
  name: string;
  args: Args;
}

export interface RawLog {
  address: string;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint | string;
  blockHash: Hex;
  logIndex: number | string;
  transactionHash: Hex;
  blockTimestamp?: bigint | string | null | undefined;
}

type Decoder = (topics: readonly Hex[], data: Hex) => Args;

const ONE_WORD = /^(u?int\d*|address|bool|bytes(\d|[12]\d|3[0-2]))$/;

function word(type: string, hex: string): bigint | string | boolean {
  if (type === "address") return `0x${hex.slice(24)}`;
  if (type === "bool") return hex.endsWith("1");
  if (type.startsWith("uint")) return BigInt(`0x${hex}`);
  if (type.startsWith("int")) {
    const bits = Number(type.slice(3) || 256);
    const value = BigInt(`0x${hex}`);
    return BigInt.asIntN(bits, value);
  }
  return `0x${hex.slice(0, 2 * Number(type.slice(5)))}`;
}

function isOneWord(parameter: AbiParameter): boolean {
  return ONE_WORD.test(parameter.type);
}

/** A decoder for one event: word slicing when every input is one word, else viem. */
function decoderOf(event: AbiEvent): Decoder {
  if (event.inputs.every(isOneWord)) {
    const indexed = event.inputs.filter((i) => i.indexed);
    const plain = event.inputs.filter((i) => !i.indexed);
    return (topics, data) => {
      if (topics.length !== indexed.length + 1 || data.length !== 2 + 64 * plain.length) {
        throw new Error(`${event.name}: ${topics.length - 1} topics and ${(data.length - 2) / 2} data bytes`);
      }
      const args: Args = {};
      indexed.forEach((input, i) => {
        args[input.name ?? `topic${i}`] = word(input.type, (topics[i + 1] as string).slice(2));
      });
      plain.forEach((input, i) => {
        args[input.name ?? `arg${i}`] = word(input.type, data.slice(2 + 64 * i, 66 + 64 * i));
      });
      return args;
    };
  }
  const abi = [event];
  return (topics, data) => {
    const { args } = decodeEventLog({ abi, topics: topics as [Hex, ...Hex[]], data, strict: true });
    return lowerAddresses(args) as Args;
  };
}

function lowerAddresses(value: unknown): unknown {
  if (typeof value === "string") return /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(lowerAddresses);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lowerAddresses(v)]));
  }
  return value;
}

interface EventEntry {
  name: string;
  decode: Decoder;
}

/** The events of one contract kind, by topic 0 and number of topics (ERC-20 and ERC-721 `Transfer` share topic 0). */
function eventTable(abi: Abi): Map<string, EventEntry> {
  const table = new Map<string, EventEntry>();
  for (const item of abi) {
    if (item.type !== "event" || item.anonymous) continue;
    const topics = item.inputs.filter((i) => i.indexed).length + 1;
    table.set(`${toEventSelector(item)}/${topics}`, { name: item.name, decode: decoderOf(item) });
  }
  return table;
}

const TABLES = Object.fromEntries(
  Object.entries(CONTRACT_ABIS).map(([name, abi]) => [name, eventTable(abi as Abi)]),
) as Record<ContractName, Map<string, EventEntry>>;

/** Addresses (lower-case) to contract names; more are added as the token names new modules. */
export class Sources {
  private readonly byAddress = new Map<string, ContractName>();

  constructor(deployment: Deployment) {
    for (const [name, field] of Object.entries(DEPLOYMENT_FIELDS) as [
      ContractName,
      keyof Deployment["contracts"],
    ][]) {
      this.add(deployment.contracts[field], name);
    }
  }

  /** Adds a contract; returns true when the address is new. */
  add(address: string, name: ContractName): boolean {
    const key = address.toLowerCase();
    if (this.byAddress.get(key) === name) return false;
    this.byAddress.set(key, name);
    return true;
  }

  get addresses(): Hex[] {
    return [...this.byAddress.keys()] as Hex[];
  }

  nameOf(address: string): ContractName | undefined {
    return this.byAddress.get(address.toLowerCase());
  }

  /** The decoded log, or undefined when it is not one of the contract's events (an unknown topic). */
  decode(log: RawLog): DecodedLog | undefined {
    const address = log.address.toLowerCase();
    const contract = this.byAddress.get(address);
    if (!contract) return undefined;
    const topic0 = log.topics[0];
    if (!topic0) return undefined;
    const entry = TABLES[contract].get(`${topic0}/${log.topics.length}`);
    if (!entry) return undefined;
    return {
      blockNumber: BigInt(log.blockNumber),
      blockHash: log.blockHash,
      logIndex: Number(log.logIndex),
      txHash: log.transactionHash,
      address,
      contract,
      name: entry.name,
      args: entry.decode(log.topics, log.data),
    };
  }
}
