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
 * `readMany` that keeps going past failed reads: each result is `{ status, result }` or
 * `{ status: "failure", error }` (e.g. a view that reverts for an unknown id). One `eth_call`.
 */
export async function readManySettled<const contracts extends readonly unknown[]>(
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
