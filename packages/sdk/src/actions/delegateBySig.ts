import { type Address, type Hash, type Hex, parseSignature } from "viem";
import { getBlock, signTypedData } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  checkAddress,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";
import { DEFAULT_PERMIT_SECONDS } from "./signPermit.js";

/** An EIP-712 `Delegation(address delegatee,uint256 nonce,uint256 expiry)` signed by a holder. */
export type SignedDelegation = {
  delegatee: Address;
  nonce: bigint;
  expiry: bigint;
  v: number;
  r: Hex;
  s: Hex;
};

export type DelegateBySigParameters = DeploymentParameter & {
  /** Who votes with the signer's trETH. */
  delegatee: Address;
  /** Unix seconds after which the signature is void (default: the latest block's time + 1 hour). */
  expiry?: bigint | undefined;
  /**
   * A delegation signed elsewhere (by the holder), sent by this client's account as a relayer.
   * Without it, the client's account signs the delegation itself and sends it.
   */
  signature?: SignedDelegation | undefined;
};

/** The hash of the `delegateBySig` transaction. */
export type DelegateBySigReturnType = Hash;

export type SimulateDelegateBySigReturnType = {
  result: undefined;
  request: WriteRequest;
  /** The delegation that was signed (or given), for sending elsewhere. */
  delegation: SignedDelegation;
};

export type DelegateBySigErrorType =
  | ContractError<"VotesExpiredSignature" | "InvalidAccountNonce">
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/**
 * Signs a delegation of the account's votes to `delegatee` with trETH's EIP-712 domain (read from
 * `eip712Domain`) and the account's current nonce. Sends nothing.
 *
 * @example
 * const delegation = await signDelegation(holderClient, { delegatee, deployment });
 * await delegateBySig(relayerClient, { delegatee, signature: delegation, deployment });
 */
export async function signDelegation(
  client: WriteClient,
  parameters: DeploymentParameter & { delegatee: Address; expiry?: bigint | undefined },
): Promise<SignedDelegation> {
  const account = accountOf(client);
  const delegatee = checkAddress("delegatee", parameters.delegatee);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  return withErrors(async () => {
    const [[, name, version, chainId, verifyingContract], nonce] = await readMany(client, [
      { address: token, abi: trETHAbi.eip712Domain, functionName: "eip712Domain" },
      { address: token, abi: trETHAbi.nonces, functionName: "nonces", args: [account.address] },
    ] as const);
    const expiry =
      parameters.expiry ??
      (await getBlock(client, { blockTag: "latest" })).timestamp + DEFAULT_PERMIT_SECONDS;
    const signature = await signTypedData(client, {
      account,
      domain: { name, version, chainId, verifyingContract },
      types: {
        Delegation: [
          { name: "delegatee", type: "address" },
          { name: "nonce", type: "uint256" },
          { name: "expiry", type: "uint256" },
        ],
      },
      primaryType: "Delegation",
      message: { delegatee, nonce, expiry },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return { delegatee, nonce, expiry, v: Number(v ?? BigInt(27 + yParity)), r, s };
  });
}

async function prepareDelegateBySig(client: WriteClient, parameters: DelegateBySigParameters) {
  const account = accountOf(client);
  const delegatee = checkAddress("delegatee", parameters.delegatee);
  const { token } = resolveDeployment(client, parameters.deployment).contracts;
  const d =
    parameters.signature ??
    (await signDelegation(client, {
      delegatee,
      expiry: parameters.expiry,
      deployment: parameters.deployment,
    }));
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: token,
      abi: trETHAbi.delegateBySig,
      functionName: "delegateBySig",
      args: [d.delegatee, d.nonce, d.expiry, d.v, d.r, d.s],
    },
  };
  return { prepared, delegation: d };
}

/**
 * Delegates votes with an EIP-712 signature (ERC-5805 `delegateBySig`): the client's account
 * signs the `Delegation` and sends it, or, given a `signature` a holder made with
 * `signDelegation`, sends that one as a relayer (the holder then needs no ETH). A signature past
 * its expiry reverts `VotesExpiredSignature`; a reused one `InvalidAccountNonce`.
 *
 * @example
 * import { delegateBySig } from "@tributary/sdk";
 * const hash = await delegateBySig(client, { delegatee, deployment });
 */
export async function delegateBySig(
  client: WriteClient,
  parameters: DelegateBySigParameters,
): Promise<DelegateBySigReturnType> {
  return withErrors(async () =>
    sendPrepared(client, (await prepareDelegateBySig(client, parameters)).prepared),
  );
}

/**
 * Signs (unless a signature is given) and runs the delegation without sending it.
 *
 * @example
 * const { delegation } = await simulateDelegateBySig(client, { delegatee, deployment });
 */
export async function simulateDelegateBySig(
  client: WriteClient,
  parameters: DelegateBySigParameters,
): Promise<SimulateDelegateBySigReturnType> {
  return withErrors(async () => {
    const { prepared, delegation } = await prepareDelegateBySig(client, parameters);
    const { request } = await simulatePrepared<undefined>(client, prepared);
    return { result: undefined, request, delegation };
  });
}

/**
 * Gas of the `delegateBySig` transaction.
 *
 * @example
 * const gas = await estimateDelegateBySigGas(client, { delegatee, deployment });
 */
export async function estimateDelegateBySigGas(
  client: WriteClient,
  parameters: DelegateBySigParameters,
): Promise<bigint> {
  return withErrors(async () =>
    estimatePrepared(client, (await prepareDelegateBySig(client, parameters)).prepared),
  );
}
