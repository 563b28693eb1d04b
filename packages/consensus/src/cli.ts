import { JsonRpcExecutionLayer } from "./el/jsonRpcExecution.js";
import { httpTransport } from "./el/rpc.js";
import { ConsensusError, OptionsError } from "./errors.js";
import { createLogger } from "./log.js";
import { ConsensusNode } from "./node.js";
import { helpText, resolveOptions } from "./options.js";

async function main(): Promise<number> {
  let options: ReturnType<typeof resolveOptions>;
  try {
    options = resolveOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`consensus: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options === "help") {
    process.stdout.write(helpText());
    return 0;
  }
  const log = createLogger(options.logLevel, { service: "consensus" });
  const el = new JsonRpcExecutionLayer(
    httpTransport(options.elRpc),
    log.child({ module: "el" }),
    options.dialect,
  );
  let node: ConsensusNode;
  try {
    node = await ConsensusNode.create(options, { log, el });
    await node.start();
  } catch (error) {
    log.error("cannot start", {
      error: error instanceof Error ? error.message : String(error),
      details: error instanceof ConsensusError ? error.details : undefined,
      cause: error instanceof Error ? error.cause : undefined,
    });
    return 1;
  }
  const shutdown = async (signal: string) => {
    log.info("stopping", { signal });
    await node.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  try {
    await node.finished();
  } catch {
    await node.stop().catch(() => undefined);
    return 1;
  }
  await node.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `consensus: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
