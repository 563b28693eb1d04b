import type { FastifyInstance } from "fastify";
import type { Chain, SlashingKind } from "../chain/chain.js";

/**
 * Fault-injection routes of this local node (not part of the Beacon API; nothing outside tests and the devnet
 * may rely on them): take validators offline or back online, queue slashings.
 */
export function registerAdminRoutes(server: FastifyInstance, chain: Chain): void {
  const indicesSchema = { type: "array", items: { type: "integer", minimum: 0 }, minItems: 1 } as const;

  server.post<{ Body: { indices: number[]; offline: boolean } }>(
    "/tributary/v1/faults/offline",
    {
      schema: {
        body: {
          type: "object",
          required: ["indices", "offline"],
          properties: { indices: indicesSchema, offline: { type: "boolean" } },
        },
      },
    },
    async (request) => {
      chain.offline.setOffline(request.body.indices, request.body.offline);
      return { data: { offline: chain.offline.list() } };
    },
  );

  server.post<{ Body: { kind: SlashingKind; indices: number[] } }>(
    "/tributary/v1/faults/slash",
    {
      schema: {
        body: {
          type: "object",
          required: ["kind", "indices"],
          properties: { kind: { enum: ["double-vote", "double-propose"] }, indices: indicesSchema },
        },
      },
    },
    async (request, reply) => {
      chain.slash(request.body.kind, request.body.indices);
      return reply.code(202).send({ data: { queued: request.body.indices.length } });
    },
  );

  server.get("/tributary/v1/faults/offline", async () => ({ data: { offline: chain.offline.list() } }));
}
