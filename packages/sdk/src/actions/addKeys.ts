import type { Address, Hash, Hex } from "viem";
import { getBalance } from "viem/actions";
import { type DeploymentParameter, resolveDeployment } from "../deployment.js";
import {
  type DeploymentNotFoundErrorType,
  InvalidArgumentError,
  type InvalidArgumentErrorType,
  type RpcErrorType,
  type UnknownErrorType,
} from "../errors/base.js";
import type { ContractError } from "../errors/contract.js";
import { InsufficientFundsError, type InsufficientFundsErrorType } from "../errors/precheck.js";
import { Refusal } from "../errors/refusal.js";
import { withErrors } from "../errors/withErrors.js";
import * as operatorRegistryAbi from "../generated/operatorRegistry.js";
import { checkOperatorId, readOperator } from "../utils/operator.js";
import { readMany } from "../utils/read.js";
import {
  accountOf,
  estimatePrepared,
  type PreparedWrite,
  sendPrepared,
  simulatePrepared,
  type WriteClient,
  type WriteRequest,
} from "../utils/write.js";

/** Bytes of a validator public key and of a deposit signature. */
const PUBKEY_BYTES = 48;
const SIGNATURE_BYTES = 96;

export type AddKeysParameters = DeploymentParameter & {
  operatorId: bigint;
  /** The keys, 48 bytes each, concatenated. */
  pubkeys: Hex;
  /** Their deposit signatures (32 ETH, the registry's withdrawal credentials), 96 bytes each. */
  signatures: Hex;
  /**
   * ETH posted as bond first, wei. Default: what the registry says the bond lacks for these keys
   * (`bondTopUp(operatorId, count).eth`), so that the keys are covered.
   */
  bond?: bigint | undefined;
};

/** The hash of the transaction. */
export type AddKeysReturnType = Hash;

export type SimulateAddKeysReturnType = {
  /** Undefined: the function returns nothing. */
  result: undefined;
  request: WriteRequest;
};

export type AddKeysErrorType =
  | ContractError<"OperatorRegistryNotManager" | "OperatorRegistryInsufficientBond">
  | InsufficientFundsErrorType
  | ContractError
  | InvalidArgumentErrorType
  | DeploymentNotFoundErrorType
  | RpcErrorType
  | UnknownErrorType;

/** The account's ETH must cover `value` (gas aside: the node refuses that itself). */
async function checkEth(client: WriteClient, address: Address, value: bigint) {
  if (value === 0n) return;
  const balance = await getBalance(client, { address });
  if (balance < value) throw new InsufficientFundsError({ account: address, balance, value, gasCost: 0n });
}

/**
 * Checks: the lengths (whole keys, one signature each), the account manages the operator, and the
 * bond sent covers what the registry needs for the new keys (`bondTopUp`), and the ETH balance.
 */
async function prepareAddKeys(client: WriteClient, parameters: AddKeysParameters) {
  const account = accountOf(client);
  const operatorId = checkOperatorId(parameters.operatorId);
  const keyBytes = (parameters.pubkeys.length - 2) / 2;
  const signatureBytes = (parameters.signatures.length - 2) / 2;
  if (keyBytes <= 0 || !Number.isInteger(keyBytes) || keyBytes % PUBKEY_BYTES !== 0) {
    throw new InvalidArgumentError(
      "pubkeys",
      `\`pubkeys\` must be one or more 48-byte keys, not ${keyBytes} bytes.`,
      { docsPath: "writes" },
    );
  }
  const count = keyBytes / PUBKEY_BYTES;
  if (signatureBytes !== count * SIGNATURE_BYTES) {
    throw new InvalidArgumentError(
      "signatures",
      `${count} keys need ${count * SIGNATURE_BYTES} bytes of signatures (96 each), not ${signatureBytes}.`,
      { docsPath: "writes" },
    );
  }
  const { operatorRegistry } = resolveDeployment(client, parameters.deployment).contracts;
  await readOperator(client, operatorRegistry, operatorId, account, true);
  const [[topUp]] = await readMany(client, [
    {
      address: operatorRegistry,
      abi: operatorRegistryAbi.bondTopUp,
      functionName: "bondTopUp",
      args: [operatorId, BigInt(count)],
    },
  ] as const);
  const bond = parameters.bond ?? topUp;
  if (bond < topUp) {
    throw new Refusal("OperatorRegistryInsufficientBond", { operatorId, bond, required: topUp });
  }
  await checkEth(client, account.address, bond);
  const prepared: PreparedWrite = {
    account,
    before: [],
    call: {
      address: operatorRegistry,
      abi: operatorRegistryAbi.addKeys,
      functionName: "addKeys",
      args: [operatorId, parameters.pubkeys, parameters.signatures],
      value: bond,
    },
  };
  return prepared;
}

/**
 * Adds validator keys with their deposit signatures to an operator the account manages, posting
 * the bond they need first (by default exactly what the registry's `bondTopUp` says is missing).
 * Guardians vet the keys before any deposit. Checked before sending: the key and signature lengths,
 * the manager (`OperatorRegistryNotManager`), the bond (`OperatorRegistryInsufficientBond`, here
 * the ETH sent and the ETH needed) and the ETH balance.
 *
 * @example
 * import { addKeys } from "@tributary/sdk";
 * const hash = await addKeys(client, { operatorId: 3n, pubkeys, signatures, deployment });
 */
export async function addKeys(
  client: WriteClient,
  parameters: AddKeysParameters,
): Promise<AddKeysReturnType> {
  return withErrors(async () => sendPrepared(client, await prepareAddKeys(client, parameters)));
}

/**
 * Runs `addKeys` without sending it: `result` is undefined (the function returns nothing).
 *
 * @example
 * await simulateAddKeys(client, { operatorId: 3n, pubkeys, signatures, deployment });
 */
export async function simulateAddKeys(
  client: WriteClient,
  parameters: AddKeysParameters,
): Promise<SimulateAddKeysReturnType> {
  return withErrors(async () => {
    const { result, request } = await simulatePrepared<undefined>(
      client,
      await prepareAddKeys(client, parameters),
    );
    return { result, request };
  });
}

/**
 * Gas `addKeys` would use now, after the same checks.
 *
 * @example
 * const gas = await estimateAddKeysGas(client, parameters);
 */
export async function estimateAddKeysGas(
  client: WriteClient,
  parameters: AddKeysParameters,
): Promise<bigint> {
  return withErrors(async () => estimatePrepared(client, await prepareAddKeys(client, parameters)));
}
