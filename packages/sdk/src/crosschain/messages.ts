/**
 * Messages of the relayer-committee bridge (`MessageBridge`): their shape, id and the EIP-712
 * payload a relayer signs. A relayer signs for the destination: the domain is the destination
 * chain's bridge, so a signature is valid on that chain and that contract only.
 */
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  type Log,
  parseEventLogs,
  toHex,
} from "viem";
import { messageBridgeAbi } from "../generated/abis.js";

export interface BridgeMessage {
  sourceChainId: bigint;
  destinationChainId: bigint;
  nonce: bigint;
  sender: Address;
  target: Address;
  value: bigint;
  data: Hex;
}

export const MESSAGE_TYPES = {
  Message: [
    { name: "sourceChainId", type: "uint256" },
    { name: "destinationChainId", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "sender", type: "address" },
    { name: "target", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
  ],
} as const;

const MESSAGE_TYPEHASH = keccak256(
  toHex(
    "Message(uint256 sourceChainId,uint256 destinationChainId,uint256 nonce,address sender,address target,uint256 value,bytes data)",
  ),
);

/** The message's id on chain: its EIP-712 struct hash. */
export function messageId(m: BridgeMessage): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
        { type: "bytes32" },
      ],
      [
        MESSAGE_TYPEHASH,
        m.sourceChainId,
        m.destinationChainId,
        m.nonce,
        m.sender,
        m.target,
        m.value,
        keccak256(m.data),
      ],
    ),
  );
}

/** What a relayer signs (`signTypedData`) for `m`, executed by the bridge at `destinationBridge`. */
export function messageTypedData(m: BridgeMessage, destinationBridge: Address) {
  return {
    domain: {
      name: "Tributary message bridge",
      version: "1",
      chainId: m.destinationChainId,
      verifyingContract: destinationBridge,
    },
    types: MESSAGE_TYPES,
    primaryType: "Message",
    message: m,
  } as const;
}

/** The messages `MessageSent` logs carry (logs of other events are skipped). */
export function sentMessages(logs: readonly Log[]): { id: Hex; message: BridgeMessage; log: Log }[] {
  return parseEventLogs({ abi: messageBridgeAbi, eventName: "MessageSent", logs: logs as Log[] }).map(
    (l) => ({
      id: l.args.id,
      message: { ...l.args.message },
      log: l,
    }),
  );
}

/** Signatures ordered as the bridge wants them: by signer address, ascending. */
export function orderSignatures(signed: readonly { signer: Address; signature: Hex }[]): Hex[] {
  return [...signed]
    .sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0))
    .map((s) => s.signature);
}
