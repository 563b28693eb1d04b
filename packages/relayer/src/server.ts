import { HttpError, type HttpServer, startHttpServer } from "@tributary/daemon/http";
import type { Logger } from "@tributary/daemon/log";
import type { Hex } from "viem";
import type { RelayerMetrics } from "./metrics.js";
import type { Relayer } from "./relayer.js";

/**
 * `GET /v1/signatures/<id>`: this relayer's signature of a message it read on the source chain
 * (404 for any other id); `/metrics`, `/health`.
 */
export function startRelayerServer(options: {
  host: string;
  port: number;
  relayer: Relayer;
  metrics: RelayerMetrics;
  logger: Logger;
}): Promise<HttpServer> {
  const { relayer } = options;
  return startHttpServer({
    host: options.host,
    port: options.port,
    logger: options.logger,
    metrics: { text: () => options.metrics.text(), contentType: options.metrics.registry.contentType },
    health: () => ({ healthy: true, relayer: relayer.address, waiting: relayer.waiting }),
    routes: [
      {
        method: "GET",
        path: /^\/v1\/signatures\/(0x[0-9a-fA-F]{64})$/,
        handler: async ({ match }) => {
          const id = (match[1] as string).toLowerCase() as Hex;
          const signature = await relayer.signatureFor(id);
          if (!signature)
            throw new HttpError(404, "unknown_message", `This relayer has not seen message ${id}.`);
          return { id, signer: relayer.address, signature };
        },
      },
    ],
  });
}
