/**
 * The guardian's HTTP API (see api.ts): vetting signatures, each operator's vetting, deposit
 * signatures on request, status, /health and /metrics.
 */
import { HttpError, type HttpServer, startHttpServer } from "@tributary/daemon/http";
import type { Logger } from "@tributary/daemon/log";
import type { DepositSignatureRequest } from "./api.js";
import { DepositRefusedError, type Guardian } from "./guardian.js";
import type { GuardianMetrics } from "./metrics.js";

const MAX_OPERATORS_PER_DEPOSIT = 1_000;

/** The request's allocation, or an HttpError naming what is wrong with it. */
export function parseDepositRequest(body: unknown): DepositSignatureRequest {
  const bad = (detail: string) => new HttpError(400, "bad_request", detail);
  if (body === null || typeof body !== "object")
    throw bad("The body must be a JSON object { operatorIds, counts }.");
  const { operatorIds, counts } = body as Record<string, unknown>;
  if (!Array.isArray(operatorIds) || !Array.isArray(counts))
    throw bad("operatorIds and counts must be arrays.");
  if (operatorIds.length === 0 || operatorIds.length !== counts.length) {
    throw bad(
      `operatorIds (${operatorIds.length}) and counts (${counts.length}) must be non-empty and of the same length.`,
    );
  }
  if (operatorIds.length > MAX_OPERATORS_PER_DEPOSIT)
    throw bad(`At most ${MAX_OPERATORS_PER_DEPOSIT} operators per deposit.`);
  const seen = new Set<number>();
  for (const [i, id] of operatorIds.entries()) {
    if (!Number.isSafeInteger(id) || (id as number) < 0)
      throw bad(`operatorIds[${i}] is not an operator id: ${JSON.stringify(id)}.`);
    if (seen.has(id as number)) throw bad(`operator ${id} appears twice.`);
    seen.add(id as number);
  }
  for (const [i, count] of counts.entries()) {
    if (!Number.isSafeInteger(count) || (count as number) <= 0 || (count as number) > 10_000) {
      throw bad(`counts[${i}] is not a number of keys from 1 to 10,000: ${JSON.stringify(count)}.`);
    }
  }
  return { operatorIds: operatorIds as number[], counts: counts as number[] };
}

export function startGuardianServer(options: {
  guardian: Guardian;
  metrics: GuardianMetrics;
  logger: Logger;
  host: string;
  port: number;
}): Promise<HttpServer> {
  const { guardian } = options;
  return startHttpServer({
    host: options.host,
    port: options.port,
    metrics: options.metrics,
    logger: options.logger,
    health: () => guardian.health(),
    routes: [
      { method: "GET", path: /^\/v1\/vettings$/, handler: () => guardian.vettings() },
      { method: "GET", path: /^\/v1\/status$/, handler: () => guardian.status() },
      {
        method: "GET",
        path: /^\/v1\/operators\/([^/]+)$/,
        handler: ({ match }) => {
          const text = match[1] ?? "";
          if (!/^\d{1,9}$/.test(text))
            throw new HttpError(400, "bad_request", `"${text}" is not an operator id.`);
          const status = guardian.operator(Number(text));
          if (!status)
            throw new HttpError(
              404,
              "unknown_operator",
              `Operator ${text} is unknown at the finalized block.`,
            );
          return status;
        },
      },
      {
        method: "POST",
        path: /^\/v1\/deposit-signature$/,
        handler: async ({ body }) => {
          const request = parseDepositRequest(body);
          try {
            return await guardian.signDeposit(request);
          } catch (error) {
            if (error instanceof DepositRefusedError) {
              throw new HttpError(error.code === "not_synced" ? 503 : 409, error.code, error.message);
            }
            throw error;
          }
        },
      },
    ],
  });
}
