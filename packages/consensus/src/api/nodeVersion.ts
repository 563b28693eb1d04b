import { routes } from "@lodestar/api";
import type { ApplicationMethods } from "@lodestar/api/server";
import { NODE_VERSION } from "./methods.js";

/**
 * `ClientVersionV1` of the Engine API's client identification. This node has no code of its own; "XX" is the one
 * the list reserves for other clients. The commit is unknown at run time (four zero bytes).
 */
export const CLIENT_VERSION: routes.node.ClientVersion = {
  code: routes.node.ClientCode.XX,
  name: "Tributary",
  version: `v${NODE_VERSION.split("/v")[1] ?? "0.0.0"}`,
  commit: "0x00000000",
};

/**
 * `GET /eth/v2/node/version`. The execution client's version is optional in the spec and left out: anvil
 * answers no `engine_getClientVersionV1`.
 */
export function nodeVersionMethods(): Partial<ApplicationMethods<routes.node.Endpoints>> {
  return {
    async getNodeVersionV2() {
      return { data: { beaconNode: CLIENT_VERSION } };
    },
  };
}
