import { createChainFromGenesis } from "../src/chain/fromGenesis.js";
import { createLocalChainConfig, MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { MemoryExecutionLayer } from "../src/el/memoryExecution.js";
import { createLogger } from "../src/log.js";

const n = Number(process.argv[2] ?? 64);
const epochs = Number(process.argv[3] ?? 5);
const el = new MemoryExecutionLayer();
let t = performance.now();
const chain = await createChainFromGenesis({
  chainConfig: createLocalChainConfig({
    depositChainId: 31337,
    depositContract: MAINNET_DEPOSIT_CONTRACT,
    secondsPerSlot: 12,
  }),
  validatorCount: n,
  genesisTime: 1_700_000_000,
  options: { retainEpochs: 8, defaultFeeRecipient: "0x0000000000000000000000000000000000000001" },
  modules: { log: createLogger("warn"), el },
});
console.log("genesis ms", performance.now() - t);
t = performance.now();
for (let s = 1; s <= epochs * 32; s++) await chain.produceSlot(s);
const dt = performance.now() - t;
const st = chain.head;
console.log({
  epochs,
  epochsPerSec: epochs / (dt / 1000),
  fin: st.finalizedCheckpoint.epoch,
  just: st.currentJustifiedCheckpoint.epoch,
  bal0: st.balances.get(0),
  rssMB: process.memoryUsage().rss / 1e6,
  withdrawals: el.credited.length,
});
