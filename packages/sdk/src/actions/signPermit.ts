import { type Address, type Hex, parseSignature } from "viem";
import { getBlock, signTypedData } from "viem/actions";
import type {
  DeploymentNotFoundErrorType,
  InvalidArgumentErrorType,
  RpcErrorType,
  UnknownErrorType,
} from "../errors/base.js";
import { InvalidArgumentError } from "../errors/base.js";
import { withErrors } from "../errors/withErrors.js";
import * as trETHAbi from "../generated/trETH.js";
import { readMany } from "../utils/read.js";
import { accountOf, checkAddress, type WriteClient } from "../utils/write.js";

/** Seconds a permit stays valid by default: one hour. */
export const DEFAULT_PERMIT_SECONDS = 3_600n;

/**
 * The ERC-2612 and ERC-5267 views a permit needs, as trETH declares them (the standard signatures,
 * so they read any token that has them).
 */
const permitViewsAbi = [...trETHAbi.nonces, ...trETHAbi.eip712Domain] as const;

export type SignPermitParameters = {
  /** The ERC-2612 token (trETH, or a WETH with permit). */
  token: Address;
  /** Who may spend. */
  spender: Address;
  /** Wei the spender may take. */
  value: bigint;
  /** Unix seconds after which the permit is void (default: the latest block's time + 1 hour). */
  deadline?: bigint | undefined;
};

/** An ERC-2612 permit signed by `owner`: the arguments of the token's `permit`. */
export type SignedPermit = {
  owner: Address;
  spender: Address;
  value: bigint;
  deadline: bigint;
  v: number;
  r: Hex;
  s: Hex;
};

export type SignPermitReturnType = SignedPermit;

export type SignPermitErrorType =
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** Whether `token` has ERC-2612 `nonces` and ERC-5267 `eip712Domain` (what a permit is signed over). */
export async function supportsPermit(client: WriteClient, token: Address): Promise<boolean> {
  try {
    await readMany(client, [
      { address: token, abi: permitViewsAbi, functionName: "eip712Domain" },
      { address: token, abi: permitViewsAbi, functionName: "nonces", args: [token] },
    ] as const);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signs an ERC-2612 permit with the client's account, over the token's own EIP-712 domain (read
 * from its ERC-5267 `eip712Domain`) and its current nonce. Sends nothing: pass the result to
 * `requestRedeem({ permit })` (or to the token's `permit`) from any account. A token without
 * permit (WETH9 has none) gives `InvalidArgumentError` naming `token`.
 *
 * @example
 * import { signPermit, requestRedeem } from "@tributary/sdk";
 * // The owner signs; a relayer's client sends.
 * const permit = await signPermit(ownerClient, { token: deployment.contracts.token, spender: relayer, value: shares });
 * await requestRedeem(relayerClient, { shares, owner: permit.owner, permit, deployment });
 */
export async function signPermit(
  client: WriteClient,
  parameters: SignPermitParameters,
): Promise<SignPermitReturnType> {
  const account = accountOf(client);
  const token = checkAddress("token", parameters.token);
  const spender = checkAddress("spender", parameters.spender);
  return withErrors(async () => {
    let domain: readonly [Hex, string, string, bigint, Address, Hex, readonly bigint[]];
    let nonce: bigint;
    try {
      [domain, nonce] = await readMany(client, [
        { address: token, abi: permitViewsAbi, functionName: "eip712Domain" },
        { address: token, abi: permitViewsAbi, functionName: "nonces", args: [account.address] },
      ] as const);
    } catch (cause) {
      throw new InvalidArgumentError(
        "token",
        `The token ${token} has no ERC-2612 permit (no nonces or eip712Domain), so nothing can be signed for it.`,
        { cause, docsPath: "writes" },
      );
    }
    const deadline =
      parameters.deadline ??
      (await getBlock(client, { blockTag: "latest" })).timestamp + DEFAULT_PERMIT_SECONDS;
    const [, name, version, chainId, verifyingContract] = domain;
    const signature = await signTypedData(client, {
      account,
      domain: { name, version, chainId, verifyingContract },
      types: {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      primaryType: "Permit",
      message: { owner: account.address, spender, value: parameters.value, nonce, deadline },
    });
    const { r, s, v, yParity } = parseSignature(signature);
    return {
      owner: account.address,
      spender,
      value: parameters.value,
      deadline,
      v: Number(v ?? BigInt(27 + yParity)),
      r,
      s,
    };
  });
}
