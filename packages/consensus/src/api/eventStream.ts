import type { ServerResponse } from "node:http";
import { routes } from "@lodestar/api";
import { ApiError } from "@lodestar/api/server";
import type { ChainForkConfig } from "@lodestar/config";
import type { FastifyInstance } from "fastify";
import type { BeaconEvent, ChainEvents } from "../chain/events.js";
import type { Logger } from "../log.js";

const EVENT_TOPICS = new Set<string>(Object.values(routes.events.EventType));

/** Comment line sent on idle streams so proxies keep the connection open (the spec allows `:` comments). */
const KEEP_ALIVE_MS = 15_000;
/** A client that lets this much pile up unread (thousands of events) is cut off rather than buffered for. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function parseTopics(raw: unknown): routes.events.EventType[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new ApiError(400, "Missing query parameter: topics");
  const topics = new Set<routes.events.EventType>();
  for (const topic of list) {
    if (typeof topic !== "string" || !EVENT_TOPICS.has(topic)) {
      throw new ApiError(400, `Invalid topic: ${String(topic)}`);
    }
    topics.add(topic as routes.events.EventType);
  }
  return [...topics];
}

function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === "") return true;
  return accept
    .split(",")
    .map((part) => part.split(";", 1)[0]?.trim().toLowerCase())
    .some((type) => type === "text/event-stream" || type === "text/*" || type === "*/*");
}

/**
 * `GET /eth/v1/events`: a Server-Sent Events stream of the requested topics, written on the raw response.
 * Topics of the spec this node never produces (gossip, light client, ...) are accepted and stay silent.
 */
export function registerEventStream(
  server: FastifyInstance,
  config: ChainForkConfig,
  events: ChainEvents,
  log: Logger,
): void {
  const serdes = routes.events.getEventSerdes(config);
  const open = new Set<ServerResponse>();

  server.get("/eth/v1/events", async (request, reply) => {
    const topics = new Set(parseTopics((request.query as Record<string, unknown>).topics));
    if (!acceptsEventStream(request.headers.accept)) {
      throw new ApiError(406, `Accepted media types not supported: ${request.headers.accept}`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders();
    open.add(res);
    const unsubscribe = events.subscribe((event: BeaconEvent) => {
      if (!topics.has(event.type)) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        log.warn("event stream client too slow; closed", { bufferedBytes: res.writableLength });
        res.destroy();
        return;
      }
      try {
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(serdes.toJson(event))}\n\n`);
      } catch (error) {
        log.error("event stream write failed; closed", { type: event.type, error });
        res.destroy();
      }
    });
    const keepAlive = setInterval(() => res.write(":\n\n"), KEEP_ALIVE_MS);
    const close = () => {
      clearInterval(keepAlive);
      unsubscribe();
      open.delete(res);
    };
    res.on("close", close);
    res.on("error", close);
    request.raw.on("close", close);
  });

  // Open streams never end by themselves; end them so that server.close() does not wait for clients.
  server.addHook("preClose", async () => {
    for (const res of open) res.end();
    open.clear();
  });
}
