// Epochs per second and memory of block production.
// Usage: npm run bench [-- --with-100k] [--with-anvil] [--epochs N] [--epochs-100k N] [--only-100k]
//   default: CL only (in-memory execution layer) at 64 and 1,024 validators
//   --with-100k: also 100,000 validators (takes minutes); --epochs-100k sets its epochs (default 3)
//   --only-100k: the 100,000 case alone
// For memory with a full block history, run past the header window (8,192 slots = 256 epochs), e.g.
//   --epochs 260 --epochs-100k 260: rssMb and blocksKept then describe the steady state.
//   --with-anvil: also 64 and 1,024 validators with anvil in the loop (JSON-RPC, spawned on a free port)
// Each case runs in a child process of its own, so its RSS is its own. cpuMsPerEpoch is that process's CPU
// time (user + system, GC threads included): steadier than wall time on a shared machine.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createChainFromGenesis } from "../src/chain/fromGenesis.js";
import { createLocalChainConfig, MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { JsonRpcExecutionLayer } from "../src/el/jsonRpcExecution.js";
import { MemoryExecutionLayer } from "../src/el/memoryExecution.js";
import { httpTransport } from "../src/el/rpc.js";
import type { ExecutionLayer } from "../src/el/types.js";
import { createLogger } from "../src/log.js";
import { startAnvil } from "../test/helpers/anvil.js";

const { values } = parseArgs({
  options: {
    "with-100k": { type: "boolean" },
    "with-anvil": { type: "boolean" },
    epochs: { type: "string" },
    "epochs-100k": { type: "string" },
    "only-100k": { type: "boolean" },
    case: { type: "string" },
  },
});
const YEAR_EPOCHS = 82_125;
type Case = { validators: number; epochs: number; el: "memory" | "anvil" };
const cases: Case[] = values["only-100k"]
  ? []
  : [
      { validators: 64, epochs: Number(values.epochs ?? 40), el: "memory" },
      { validators: 1_024, epochs: Number(values.epochs ?? 40), el: "memory" },
    ];
if (values["with-100k"] || values["only-100k"]) {
  cases.push({ validators: 100_000, epochs: Number(values["epochs-100k"] ?? 3), el: "memory" });
}
if (values["with-anvil"]) {
  cases.push({ validators: 64, epochs: Number(values.epochs ?? 10), el: "anvil" });
  cases.push({ validators: 1_024, epochs: Number(values.epochs ?? 10), el: "anvil" });
}

if (values.case === undefined) {
  for (let i = 0; i < cases.length; i++) {
    const args = [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
      "--case",
      String(i),
    ];
    const child = spawnSync(process.execPath, args, { stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
} else {
  const selected = cases[Number(values.case)];
  if (selected === undefined) throw new Error(`no bench case ${values.case}`);
  await runCase(selected);
}

async function runCase({ validators, epochs, el: kind }: Case): Promise<void> {
  const anvil = kind === "anvil" ? await startAnvil() : null;
  const el: ExecutionLayer = anvil
    ? new JsonRpcExecutionLayer(httpTransport(anvil.url), createLogger("silent"))
    : new MemoryExecutionLayer();
  await el.install(MAINNET_DEPOSIT_CONTRACT);
  const genesisStart = performance.now();
  const chain = await createChainFromGenesis({
    chainConfig: createLocalChainConfig({
      depositChainId: 31337,
      depositContract: MAINNET_DEPOSIT_CONTRACT,
      secondsPerSlot: 12,
    }),
    validatorCount: validators,
    genesisTime: anvil ? (await el.headHeader()).timestamp + 1 : 1_700_000_000,
    options: { retainEpochs: 4, defaultFeeRecipient: "0x0000000000000000000000000000000000000001" },
    modules: { log: createLogger("silent"), el },
  });
  const genesisSeconds = (performance.now() - genesisStart) / 1000;
  // One warm-up epoch so JIT compilation is not measured.
  for (let s = 1; s <= 32; s++) await chain.produceSlot(s);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let s = 33; s <= 32 * (epochs + 1); s++) await chain.produceSlot(s);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const perSecond = epochs / seconds;
  const memory = process.memoryUsage();
  const rssMb = memory.rss / 2 ** 20;
  const blocks = chain.history.blockStats();
  console.log(
    JSON.stringify({
      validators,
      el: kind,
      epochs,
      epochsPerSecond: Number(perSecond.toFixed(2)),
      msPerEpoch: Number(((seconds * 1000) / epochs).toFixed(1)),
      cpuMsPerEpoch: Number(((cpu.user + cpu.system) / 1000 / epochs).toFixed(1)),
      rssMb: Math.round(rssMb),
      heapUsedMb: Math.round(memory.heapUsed / 2 ** 20),
      // Full blocks held (recent ones as objects, older ones as SSZ bytes) and the bytes of the latter.
      blocksKept: blocks.blocks,
      blockSszMb: Number((blocks.serializedBytes / 2 ** 20).toFixed(1)),
      genesisSeconds: Number(genesisSeconds.toFixed(1)),
      finalizedEpoch: chain.head.finalizedCheckpoint.epoch,
      yearMinutesAtThisRate: Number((YEAR_EPOCHS / perSecond / 60).toFixed(0)),
    }),
  );
  await el.close();
  await anvil?.stop();
}
