import type { Chain, Client, ContractFunctionParameters, MulticallReturnType, Transport } from "viem";
import { multicall } from "viem/actions";

/**
 * Reads several contract views in one `eth_call` through Multicall3: the chain's deployed one
 * when viem knows it, else the deployless form (the aggregator's code sent with the call), so a
 * local chain needs nothing installed. Any failed read throws (no partial results).
 */
export async function readMany<const contracts extends readonly unknown[]>(
  client: Client<Transport, Chain | undefined>,
  contracts: contracts,
  blockNumber?: bigint,
): Promise<MulticallReturnType<contracts, false>> {
  const deployed = client.chain?.contracts?.multicall3?.address;
  return multicall(client, {
    contracts: contracts as unknown as readonly ContractFunctionParameters[],
    allowFailure: false,
    blockNumber,
    ...(deployed ? {} : { deployless: true }),
  }) as Promise<MulticallReturnType<contracts, false>>;
}

/**
 * `readMany` that keeps going when a read reverts: each entry is `{ status: "success", result }`
 * or `{ status: "failure", error }`, so one view that reverts in some state (e.g. the committee's
 * current frame before the first frame) does not cost a second round trip for the others.
 */
export async function tryReadMany<const contracts extends readonly unknown[]>(
  client: Client<Transport, Chain | undefined>,
  contracts: contracts,
  blockNumber?: bigint,
): Promise<MulticallReturnType<contracts, true>> {
  const deployed = client.chain?.contracts?.multicall3?.address;
  return multicall(client, {
    contracts: contracts as unknown as readonly ContractFunctionParameters[],
    allowFailure: true,
    blockNumber,
    ...(deployed ? {} : { deployless: true }),
  }) as Promise<MulticallReturnType<contracts, true>>;
}
