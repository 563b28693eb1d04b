/**
 * The Ponder project of the backfill benchmark: every protocol contract Tributary's indexer reads,
 * on the benchmark's anvil, from the deployment's first block, into PGlite. The figures (RPC URL,
 * addresses, ABIs, start block, database directory) come from `bench.json`, written next to this
 * file by the benchmark.
 */
import { createConfig } from "ponder";
import bench from "./bench.json";

export default createConfig({
  database: { kind: "pglite", directory: bench.pglite },
  chains: { anvil: { id: bench.chainId, rpc: bench.rpcUrl } },
  contracts: Object.fromEntries(
    bench.contracts.map((c) => [
      c.name,
      { chain: "anvil", abi: c.abi, address: c.address, startBlock: bench.startBlock },
    ]),
  ),
});
