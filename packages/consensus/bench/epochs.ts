// Epochs per second and memory of block production (CL only, in-memory execution layer).
// Usage: npm run bench [-- --with-100k] [--epochs N]. The 100,000-validator case takes minutes: opt-in.
import { parseArgs } from "node:util";
import { createChainFromGenesis } from "../src/chain/fromGenesis.js";
import { createLocalChainConfig, MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { MemoryExecutionLayer } from "../src/el/memoryExecution.js";
import { createLogger } from "../src/log.js";

const { values } = parseArgs({
  options: { "with-100k": { type: "boolean" }, epochs: { type: "string" } },
});
const YEAR_EPOCHS = 82_125;
const cases: Array<[number, number]> = [
  [64, Number(values.epochs ?? 20)],
  [1_024, Number(values.epochs ?? 10)],
];
if (values["with-100k"]) cases.push([100_000, 3]);

for (const [validators, epochs] of cases) {
  const el = new MemoryExecutionLayer();
  const genesisStart = performance.now();
  const chain = await createChainFromGenesis({
    chainConfig: createLocalChainConfig({
      depositChainId: 31337,
      depositContract: MAINNET_DEPOSIT_CONTRACT,
      secondsPerSlot: 12,
    }),
    validatorCount: validators,
    genesisTime: 1_700_000_000,
    options: { retainEpochs: 4, defaultFeeRecipient: "0x0000000000000000000000000000000000000001" },
    modules: { log: createLogger("silent"), el },
  });
  const genesisSeconds = (performance.now() - genesisStart) / 1000;
  // One warm-up epoch so JIT compilation is not measured.
  for (let s = 1; s <= 32; s++) await chain.produceSlot(s);
  const start = performance.now();
  for (let s = 33; s <= 32 * (epochs + 1); s++) await chain.produceSlot(s);
  const seconds = (performance.now() - start) / 1000;
  const perSecond = epochs / seconds;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  console.log(
    JSON.stringify({
      validators,
      epochs,
      epochsPerSecond: Number(perSecond.toFixed(2)),
      msPerEpoch: Number(((seconds * 1000) / epochs).toFixed(1)),
      rssMb: Math.round(rssMb),
      genesisSeconds: Number(genesisSeconds.toFixed(1)),
      finalizedEpoch: chain.head.finalizedCheckpoint.epoch,
      yearMinutesAtThisRate: Number((YEAR_EPOCHS / perSecond / 60).toFixed(0)),
    }),
  );
}
