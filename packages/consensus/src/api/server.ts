import { type Endpoint, routes } from "@lodestar/api";
import { ApiError, type ApplicationMethod, createFastifyRoute } from "@lodestar/api/server";
import type { ChainForkConfig } from "@lodestar/config";
import Fastify, { type FastifyInstance } from "fastify";
import type { Chain } from "../chain/chain.js";
import type { ChainEvents } from "../chain/events.js";
import type { Logger } from "../log.js";
import { type PaceControl, registerAdminRoutes } from "./admin.js";
import { dutyMethods } from "./duties.js";
import { registerEventStream } from "./eventStream.js";
import { beaconMethods, configMethods, debugMethods, nodeMethods, validatorMethods } from "./methods.js";
import { servedDefinition } from "./negotiation.js";
import { nodeVersionMethods } from "./nodeVersion.js";
import { rewardMethods } from "./rewards.js";
import { stateReadMethods } from "./stateReads.js";

type RouteDefinitions = Record<string, Parameters<typeof createFastifyRoute>[0]>;

/**
 * Query strings as beacon nodes read them: repeated keys and comma-separated values both make arrays
 * (`?id=1,2&id=3`), single values stay strings.
 */
export function parseQueryString(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const parts = value.split(",").filter((part) => part !== "");
    const previous = out[key];
    const merged =
      previous === undefined ? parts : [...(Array.isArray(previous) ? previous : [previous]), ...parts];
    out[key] = merged.length === 1 && previous === undefined && !value.includes(",") ? value : merged;
  }
  return out;
}

const notImplemented: ApplicationMethod<Endpoint> = async () => {
  throw new ApiError(501, "Not implemented");
};

function registerNamespace(
  server: FastifyInstance,
  definitions: RouteDefinitions,
  methods: Record<string, ApplicationMethod<Endpoint> | undefined>,
): void {
  for (const [operationId, definition] of Object.entries(definitions)) {
    const method = methods[operationId];
    if (method !== undefined) {
      server.route(
        createFastifyRoute(servedDefinition(operationId, definition), method.bind(methods), operationId),
      );
    } else {
      // Routes this node does not serve answer as a beacon node does for an unsupported endpoint.
      server.route({
        url: createFastifyRoute(definition, notImplemented, operationId).url,
        method: definition.method,
        handler: async () => {
          throw new ApiError(501, `Not implemented: ${operationId}`);
        },
      });
    }
  }
}

/**
 * Fastify server with the standard Beacon API routes (Lodestar's definitions), the event stream, and the local
 * admin routes.
 */
export function createApiServer(
  chain: Chain,
  events: ChainEvents,
  log: Logger,
  pace?: PaceControl,
): FastifyInstance {
  const server = Fastify({
    logger: false,
    routerOptions: { querystringParser: parseQueryString },
    ajv: { customOptions: { coerceTypes: "array" } },
    bodyLimit: 64 * 1024 * 1024,
  });
  server.addContentTypeParser("application/octet-stream", { parseAs: "buffer" }, (_req, body, done) => {
    done(null, new Uint8Array(body as Buffer));
  });
  server.setErrorHandler((error: unknown, request, reply) => {
    const status =
      error instanceof ApiError
        ? error.statusCode
        : typeof error === "object" && error !== null && "validation" in error
          ? 400
          : typeof error === "object" &&
              error !== null &&
              "statusCode" in error &&
              typeof error.statusCode === "number"
            ? error.statusCode
            : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (status >= 500 && status !== 501) log.error("api request failed", { url: request.url, error });
    void reply.code(status).send({ code: status, message });
  });
  server.setNotFoundHandler((request, reply) => {
    // Beacon API routes this node does not serve (events, light client, ...) answer 501 as a beacon node
    // answers an unsupported endpoint; only paths outside the API are 404.
    const path = request.url.split("?")[0] ?? "";
    if (path.startsWith("/eth/")) {
      void reply.code(501).send({
        code: 501,
        message: `Not implemented: ${request.method} ${path} is not served by this node`,
      });
      return;
    }
    void reply.code(404).send({ code: 404, message: `Route ${request.method}:${request.url} not found` });
  });
  server.get("/metrics", async (_request, reply) => {
    void reply.type("text/plain; version=0.0.4").send(chain.metrics.render());
  });

  const config: ChainForkConfig = chain.config;
  const namespaces: Array<[RouteDefinitions, object]> = [
    [
      routes.beacon.getDefinitions(config) as unknown as RouteDefinitions,
      { ...beaconMethods(chain), ...stateReadMethods(chain), ...rewardMethods(chain) },
    ],
    [routes.config.getDefinitions(config) as unknown as RouteDefinitions, configMethods(chain)],
    [routes.debug.getDefinitions(config) as unknown as RouteDefinitions, debugMethods(chain)],
    [
      routes.node.getDefinitions(config) as unknown as RouteDefinitions,
      { ...nodeMethods(chain), ...nodeVersionMethods() },
    ],
    [
      routes.validator.getDefinitions(config) as unknown as RouteDefinitions,
      { ...validatorMethods(chain), ...dutyMethods(chain) },
    ],
  ];
  for (const [definitions, methods] of namespaces) {
    registerNamespace(
      server,
      definitions,
      methods as Record<string, ApplicationMethod<Endpoint> | undefined>,
    );
  }
  registerEventStream(server, config, events, log);
  registerAdminRoutes(server, chain, pace);
  return server;
}
