import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  decodeFunctionResult,
  encodeFunctionData,
  type Hash,
  isAddress,
  type Transport,
  zeroAddress,
} from "viem";
import {
  estimateContractGas,
  simulateCalls,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";
import { BaseError, InvalidArgumentError } from "../errors/base.js";

/** A client that signs: a wallet client (or any client) with an account. */
export type WriteClient = Client<Transport, Chain | undefined, Account | undefined>;

/** One contract call a write sends: what goes into the transaction. */
export interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
  value?: bigint | undefined;
  /** Gas limit, when the action fixed it (otherwise the node estimates it). */
  gas?: bigint | undefined;
}

/** The request a simulation returns: the call with its sender, ready for viem's `writeContract`. */
export type WriteRequest = ContractCall & { account: Account };

/**
 * What a write sends, in order: `before` are calls that must land first (an approval, a permit),
 * each in its own transaction, and `call` is the action's own transaction.
 */
export interface PreparedWrite {
  account: Account;
  before: ContractCall[];
  call: ContractCall;
}

/** The client's account, or `InvalidArgumentError` when it has none. */
export function accountOf(client: WriteClient): Account {
  if (!client.account) {
    throw new InvalidArgumentError(
      "account",
      "The client has no account to send with: create the wallet client with `account`.",
      { docsPath: "writes" },
    );
  }
  return client.account;
}

/** Checks an address argument: well formed (checksum if mixed case) and not the zero address. */
export function checkAddress(argument: string, value: string): Address {
  if (!isAddress(value)) {
    throw new InvalidArgumentError(argument, `\`${argument}\` is not a valid address: ${value}.`, {
      docsPath: "writes",
    });
  }
  if (value.toLowerCase() === zeroAddress) {
    throw new InvalidArgumentError(argument, `\`${argument}\` is the zero address.`, { docsPath: "writes" });
  }
  return value;
}

/** Checks an amount argument: a bigint above zero. */
export function checkAmount(argument: string, value: bigint, unit: string): bigint {
  if (typeof value !== "bigint") {
    throw new InvalidArgumentError(argument, `\`${argument}\` must be a bigint amount in wei of ${unit}.`, {
      docsPath: "writes",
    });
  }
  if (value <= 0n) {
    throw new InvalidArgumentError(argument, `The amount of ${unit} must be above zero.`, {
      docsPath: "writes",
    });
  }
  return value;
}

/** Sends the prepared calls in order (waiting for each earlier one to succeed) and returns the last hash. */
export async function sendPrepared(client: WriteClient, prepared: PreparedWrite): Promise<Hash> {
  for (const call of prepared.before) {
    const hash = await send(client, prepared.account, call);
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success") {
      throw new BaseError(`The ${call.functionName} transaction ${hash} that had to come first reverted.`, {
        docsPath: "writes",
      });
    }
  }
  return send(client, prepared.account, prepared.call);
}

function send(client: WriteClient, account: Account, call: ContractCall): Promise<Hash> {
  // chain: the client's, so viem refuses a wallet on another network; null skips the check when
  // the client names no chain.
  return writeContract(client, { ...call, account, chain: client.chain ?? null } as never);
}

/**
 * Simulates the prepared calls. The action's own call alone goes through `eth_call`; with calls
 * before it (an approval, a permit) all run in order in one `eth_simulateV1`, so the result is
 * what the action's transaction returns after them.
 */
export async function simulatePrepared<result>(
  client: WriteClient,
  prepared: PreparedWrite,
): Promise<{ result: result; request: WriteRequest; before: WriteRequest[]; gasUsed?: bigint }> {
  const { account, before, call } = prepared;
  const request: WriteRequest = { ...call, account };
  if (before.length === 0) {
    const simulated = await simulateContract(client, request as never);
    return { result: (simulated as { result: result }).result, request, before: [] };
  }
  const { results } = await simulateCalls(client, {
    account,
    calls: [...before, call].map((c) => ({
      to: c.address,
      data: encodeFunctionData({ abi: c.abi, functionName: c.functionName, args: c.args } as never),
      value: c.value,
    })),
  });
  for (const r of results) if (r.status !== "success") throw r.error;
  const last = results[results.length - 1];
  const result = decodeFunctionResult({
    abi: call.abi,
    functionName: call.functionName,
    data: last?.data ?? "0x",
  } as never) as result;
  const gasUsed = results.reduce((sum, r) => sum + r.gasUsed, 0n);
  return { result, request, before: before.map((c) => ({ ...c, account })), gasUsed };
}

/**
 * Gas of the prepared calls: `eth_estimateGas` of the action's call, or, with calls before it,
 * the gas each used in one simulation of them all in order plus the same margin the node's
 * estimate would leave (1/63 of each, for the EIP-150 rule).
 */
export async function estimatePrepared(client: WriteClient, prepared: PreparedWrite): Promise<bigint> {
  if (prepared.before.length === 0) {
    return estimateContractGas(client, { ...prepared.call, account: prepared.account } as never);
  }
  const { gasUsed = 0n } = await simulatePrepared(client, prepared);
  return gasUsed + gasUsed / 63n;
}
