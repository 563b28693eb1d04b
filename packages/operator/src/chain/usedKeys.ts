/**
 * Which pubkeys are already used. The registry keeps only commitments, so its keys are read from
 * its `KeyAdded` events (a removed key stays used: the registry refuses it forever), and deposits
 * from the beacon deposit contract's `DepositEvent`, both from the deployment's block.
 */
import { type Deployment, scanLogs } from "@tributary/sdk";
import { depositContractAbi, operatorRegistryAbi } from "@tributary/sdk/abis";
import type { Chain, Client, Hex, Transport } from "viem";

type AnyClient = Client<Transport, Chain | undefined>;

const keyAddedEvent = operatorRegistryAbi.find((item) => item.type === "event" && item.name === "KeyAdded");
const depositEvent = depositContractAbi.find((item) => item.type === "event" && item.name === "DepositEvent");

export interface RegistryKeys {
  /** Every pubkey ever added (lowercase), with the operator and index it was added at. */
  added: Map<Hex, { operatorId: bigint; index: bigint }>;
}

/** Every key ever added to the registry, from its `KeyAdded` events. */
export async function readRegistryKeys(client: AnyClient, deployment: Deployment): Promise<RegistryKeys> {
  const logs = await scanLogs(client, {
    address: deployment.contracts.operatorRegistry,
    event: keyAddedEvent as Extract<typeof keyAddedEvent, { type: "event" }>,
    fromBlock: BigInt(deployment.blockNumber),
  });
  const added = new Map<Hex, { operatorId: bigint; index: bigint }>();
  for (const log of logs) {
    const { operatorId, index, pubkey } = log.args as { operatorId: bigint; index: bigint; pubkey: Hex };
    added.set(pubkey.toLowerCase() as Hex, { operatorId, index });
  }
  return { added };
}

/** Pubkeys (lowercase) deposited in the beacon deposit contract since the deployment's block. */
export async function readDepositedKeys(client: AnyClient, deployment: Deployment): Promise<Set<Hex>> {
  const logs = await scanLogs(client, {
    address: deployment.contracts.depositContract,
    event: depositEvent as Extract<typeof depositEvent, { type: "event" }>,
    fromBlock: BigInt(deployment.blockNumber),
  });
  return new Set(logs.map((log) => (log.args as { pubkey: Hex }).pubkey.toLowerCase() as Hex));
}

/**
 * The operator's current keys by index: for each index below `totalKeys`, the pubkey of the last
 * `KeyAdded` at that index (indices are reused after a removal).
 */
export function currentKeys(keys: RegistryKeys, operatorId: bigint, totalKeys: number): Map<Hex, number> {
  const byIndex = new Map<number, Hex>();
  for (const [pubkey, at] of keys.added) {
    if (at.operatorId === operatorId && at.index < BigInt(totalKeys)) byIndex.set(Number(at.index), pubkey);
  }
  // `added` is in event order (a pubkey is added once), so the last set per index is the key there now.
  return new Map([...byIndex].map(([index, pubkey]) => [pubkey, index]));
}
