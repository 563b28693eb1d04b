import type { Chain, Client, Hex, Transport } from "viem";
import type { CrosschainParameter } from "../crosschain/deployment.js";
import { clientSide } from "../crosschain/side.js";
import type { InvalidArgumentErrorType, RpcErrorType, UnknownErrorType } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as messageBridgeAbi from "../generated/messageBridge.js";
import { readMany } from "../utils/read.js";

export type GetMessageStatusParameters = CrosschainParameter & {
  /** The message's id (what `simulateBridgeTrETH` returns, or the `MessageSent` event's). */
  id: Hex;
};

/**
 * - `none`: not delivered here yet (the relayers have not executed it);
 * - `executed`: delivered, its call done (for a transfer, the shares arrived);
 * - `failed`: delivered but its call failed (a transfer over the mint limit): it stays, and the
 *   relayers retry it until it goes through, as the limit refills.
 */
export type MessageStatus = "none" | "executed" | "failed";

export type GetMessageStatusErrorType = InvalidArgumentErrorType | RpcErrorType | UnknownErrorType;

const STATUS: readonly MessageStatus[] = ["none", "executed", "failed"];

/**
 * Where a bridge message stands at its destination: the client must be on the chain the message
 * goes to (either side of `crosschain`).
 *
 * @example
 * const status = await getMessageStatus(remoteClient, { crosschain, id });
 */
export async function getMessageStatus(
  client: Client<Transport, Chain | undefined>,
  parameters: GetMessageStatusParameters,
): Promise<MessageStatus> {
  return withErrors(async () => {
    const side = await clientSide(client, parameters.crosschain);
    const bridge = parameters.crosschain[side].messageBridge;
    const [status] = await readMany(client, [
      { address: bridge, abi: messageBridgeAbi.status, functionName: "status", args: [parameters.id] },
    ] as const);
    return STATUS[status] ?? "none";
  });
}
