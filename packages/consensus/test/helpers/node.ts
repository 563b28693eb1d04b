import { MAINNET_DEPOSIT_CONTRACT } from "../../src/config.js";
import { MemoryExecutionLayer } from "../../src/el/memoryExecution.js";
import type { ExecutionLayer } from "../../src/el/types.js";
import { createLogger, type Logger } from "../../src/log.js";
import { ConsensusNode, type NodeOptions } from "../../src/node.js";

export type TestNode = { node: ConsensusNode; logs: string[]; log: Logger };

/** A node with its API on a free port and the slot loop idle; tests drive slots with `node.advanceTo`. */
export async function startTestNode(
  overrides: Partial<NodeOptions> = {},
  el: ExecutionLayer = new MemoryExecutionLayer(),
): Promise<TestNode> {
  const logs: string[] = [];
  const log = createLogger("info", {}, (line) => logs.push(line));
  const node = await ConsensusNode.create(
    {
      validators: 64,
      secondsPerSlot: 12,
      mode: "fast",
      depositContract: MAINNET_DEPOSIT_CONTRACT,
      defaultFeeRecipient: "0x00000000000000000000000000000000000000fe",
      retainEpochs: 16,
      dataDir: null,
      saveEveryEpochs: 1,
      api: { host: "127.0.0.1", port: 0 },
      stopAtSlot: 0,
      ...overrides,
    },
    { log, el },
  );
  await node.start();
  await node.finished();
  return { node, logs, log };
}
