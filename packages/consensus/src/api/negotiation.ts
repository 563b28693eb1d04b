import { WireFormat } from "@lodestar/api";
import { ApiError, type createFastifyRoute } from "@lodestar/api/server";

type RouteDefinition = Parameters<typeof createFastifyRoute>[0];

/**
 * Operations whose response the beacon-APIs spec offers as SSZ (`application/octet-stream`) besides JSON. Lodestar's
 * definitions offer SSZ for more routes; here every other route answers JSON only, so an Accept header that
 * allows nothing but SSZ gets 406 as the spec says.
 */
export const SSZ_RESPONSE_OPERATIONS = new Set([
  "getStateV2",
  "getBlockV2",
  "getPendingDeposits",
  "getPendingPartialWithdrawals",
  "getPendingConsolidations",
  "getProposerLookahead",
]);

const VALIDATOR_ID = /^(0|[1-9]\d*|0x[0-9a-fA-F]{96})$/;

/** A request body that is a list of validator ids (indices or 0x pubkeys), as the rewards routes take. */
function checkValidatorIdList(body: unknown): void {
  if (body === undefined || body === null) return;
  if (!Array.isArray(body)) throw new ApiError(400, "Body must be an array of validator ids");
  for (const id of body) {
    if (typeof id !== "string" || !VALIDATOR_ID.test(id)) {
      throw new ApiError(400, `Invalid validator id: ${JSON.stringify(id)}`);
    }
  }
}

/** Request checks stricter than Lodestar's parsers (which read "1x" as index 1). */
const REQUEST_BODY_CHECKS: Record<string, (body: unknown) => void> = {
  getAttestationsRewards: checkValidatorIdList,
  getSyncCommitteeRewards: checkValidatorIdList,
};

/** The route definition as this node serves it: JSON-only responses where the spec has no SSZ, strict bodies. */
export function servedDefinition(operationId: string, definition: RouteDefinition): RouteDefinition {
  let served = definition;
  if (!SSZ_RESPONSE_OPERATIONS.has(operationId) && !definition.resp.isEmpty) {
    served = { ...served, resp: { ...served.resp, onlySupport: WireFormat.json } } as RouteDefinition;
  }
  const check = REQUEST_BODY_CHECKS[operationId];
  if (check !== undefined && "parseReqJson" in served.req) {
    const req = served.req;
    served = {
      ...served,
      req: {
        ...req,
        parseReqJson: (request: { body?: unknown }) => {
          check(request.body);
          return req.parseReqJson(request as never);
        },
      },
    } as RouteDefinition;
  }
  return served;
}
