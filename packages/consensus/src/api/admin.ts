import type { FastifyInstance } from "fastify";
import type { Chain, SlashingKind } from "../chain/chain.js";

/** The fast mode's wall-clock pause between two slots, read and set at run time. */
export interface PaceControl {
  get(): number;
  set(ms: number): void;
}

/**
 * Fault-injection routes of this local node (not part of the Beacon API; nothing outside tests and the devnet
 * may rely on them): take validators offline or back online, queue slashings, and (fast mode) change the
 * pause between slots, so that a scenario runs quickly while nothing is due and slower while daemons must act.
 */
export function registerAdminRoutes(server: FastifyInstance, chain: Chain, pace?: PaceControl): void {
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

  server.get("/tributary/v1/pace", async (_request, reply) => {
    if (!pace) return reply.code(404).send({ code: 404, message: "this node does not run in fast mode" });
    return { data: { slot_pause_ms: pace.get() } };
  });
  server.post<{ Body: { slot_pause_ms: number } }>(
    "/tributary/v1/pace",
    {
      schema: {
        body: {
          type: "object",
          required: ["slot_pause_ms"],
          properties: { slot_pause_ms: { type: "integer", minimum: 0, maximum: 60_000 } },
        },
      },
    },
    async (request, reply) => {
      if (!pace) return reply.code(404).send({ code: 404, message: "this node does not run in fast mode" });
      pace.set(request.body.slot_pause_ms);
      return { data: { slot_pause_ms: pace.get() } };
    },
  );
}
