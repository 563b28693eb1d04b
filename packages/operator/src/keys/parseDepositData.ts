import { PublicKey, Signature, verify } from "@chainsafe/blst";
import { type Hex, hexToBytes } from "viem";
import { DEPOSIT_DATA_FIELDS, type DepositDataEntry } from "./depositData.js";
import {
  DepositNetworkMismatchError,
  DepositRootMismatchError,
  DepositSignatureError,
  DuplicatePubkeyError,
  InvalidDepositDataError,
  InvalidKeysArgumentError,
  WithdrawalCredentialsMismatchError,
} from "./errors.js";
import { assertForkVersion, describeNetwork } from "./networks.js";
import {
  DEPOSIT_AMOUNT_GWEI,
  depositDataRoot,
  depositDomain,
  depositMessageRoot,
  depositSigningRoot,
} from "./signing.js";

/** What every entry of a deposit data file must be for. */
export interface ExpectedDeposits {
  /** GENESIS_FORK_VERSION of the network the deposits go to. */
  forkVersion: Hex;
  /** The protocol's withdrawal credentials (see `withdrawalCredentials(vault)`). */
  withdrawalCredentials: Hex;
  /** When given, `network_name` must be this too. */
  networkName?: string | undefined;
}

/** A checked deposit, ready for `addKeys` and the deposit contract. */
export interface ParsedDeposit {
  pubkey: Hex;
  signature: Hex;
  depositDataRoot: Hex;
}

/** Byte lengths of the hex fields. */
const HEX_FIELDS = {
  pubkey: 48,
  withdrawal_credentials: 32,
  signature: 96,
  deposit_message_root: 32,
  deposit_data_root: 32,
  fork_version: 4,
} as const;

/**
 * Checks a deposit data file (staking-deposit-cli's format, as text or parsed JSON) entry by entry
 * and returns its deposits, or throws the `DepositDataError` of the first fault with the entry's
 * index: not JSON or not an array, a missing or malformed field, a pubkey not 48 bytes or not a
 * valid key, a signature not 96 bytes, an amount other than 32 ETH, a `fork_version` of another
 * network, withdrawal credentials other than the protocol's, a root that does not match its
 * recomputation, a signature invalid for the network's deposit domain, a pubkey twice.
 * It has no side effect: nothing is returned unless every entry is good.
 */
export function parseDepositData(json: string | unknown, expected: ExpectedDeposits): ParsedDeposit[] {
  assertForkVersion(expected.forkVersion);
  if (!/^0x[0-9a-fA-F]{64}$/u.test(expected.withdrawalCredentials))
    throw new InvalidKeysArgumentError("expected withdrawal credentials", "not 32 bytes of 0x-prefixed hex");
  const expectedCredentials = bare(expected.withdrawalCredentials);
  const expectedFork = bare(expected.forkVersion);
  let data: unknown = json;
  if (typeof json === "string") {
    try {
      data = JSON.parse(json);
    } catch (cause) {
      throw new InvalidDepositDataError("not JSON", { cause, details: (cause as Error).message });
    }
  }
  if (!Array.isArray(data)) throw new InvalidDepositDataError(`not an array of deposits (${typeOf(data)})`);
  if (data.length === 0) throw new InvalidDepositDataError("no deposits in the file");

  const domain = depositDomain(expected.forkVersion);
  const seen = new Map<string, number>();
  return data.map((raw: unknown, index) => {
    const entry = checkShape(raw, index);

    if (entry.amount !== DEPOSIT_AMOUNT_GWEI)
      throw new InvalidDepositDataError(
        `amount ${entry.amount} gwei is not 32 ETH (${DEPOSIT_AMOUNT_GWEI} gwei)`,
        {
          index,
          field: "amount",
        },
      );
    if (entry.fork_version !== expectedFork)
      throw new DepositNetworkMismatchError(
        index,
        describeNetwork(`0x${expectedFork}`, expected.networkName),
        describeNetwork(`0x${entry.fork_version}`, entry.network_name),
      );
    if (expected.networkName !== undefined && entry.network_name !== expected.networkName)
      throw new InvalidDepositDataError(
        `network_name "${entry.network_name}", expected "${expected.networkName}"`,
        {
          index,
          field: "network_name",
        },
      );
    if (entry.withdrawal_credentials !== expectedCredentials)
      throw new WithdrawalCredentialsMismatchError(index, expectedCredentials, entry.withdrawal_credentials);

    const first = seen.get(entry.pubkey);
    if (first !== undefined) throw new DuplicatePubkeyError(index, first, entry.pubkey);
    seen.set(entry.pubkey, index);

    const fields = {
      pubkey: bytes(entry.pubkey),
      withdrawalCredentials: bytes(entry.withdrawal_credentials),
      amount: entry.amount,
    };
    const signature = bytes(entry.signature);
    const messageRoot = hex(depositMessageRoot(fields));
    if (messageRoot !== entry.deposit_message_root)
      throw new DepositRootMismatchError(
        index,
        "deposit_message_root",
        messageRoot,
        entry.deposit_message_root,
      );
    const dataRoot = hex(depositDataRoot({ ...fields, signature }));
    if (dataRoot !== entry.deposit_data_root)
      throw new DepositRootMismatchError(index, "deposit_data_root", dataRoot, entry.deposit_data_root);

    let publicKey: PublicKey;
    try {
      publicKey = PublicKey.fromBytes(fields.pubkey, true);
    } catch (cause) {
      throw new InvalidDepositDataError("pubkey is not a valid BLS12-381 public key", {
        index,
        field: "pubkey",
        cause,
      });
    }
    let sig: Signature;
    try {
      sig = Signature.fromBytes(signature, true);
    } catch (cause) {
      throw new DepositSignatureError(index, `not a valid BLS12-381 signature (${(cause as Error).message})`);
    }
    if (!verify(depositSigningRoot(fields, domain), publicKey, sig))
      throw new DepositSignatureError(
        index,
        `does not verify for this pubkey and message under the deposit domain of ${describeNetwork(`0x${expectedFork}`, expected.networkName)}`,
      );

    return {
      pubkey: `0x${entry.pubkey}`,
      signature: `0x${entry.signature}`,
      depositDataRoot: `0x${entry.deposit_data_root}`,
    };
  });
}

/** The entry with its fields present and typed, hex lower-cased and without 0x. */
function checkShape(raw: unknown, index: number): DepositDataEntry {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new InvalidDepositDataError(`not an object (${typeOf(raw)})`, { index });
  const record = raw as Record<string, unknown>;
  for (const field of DEPOSIT_DATA_FIELDS)
    if (!(field in record)) throw new InvalidDepositDataError("missing field", { index, field });
  const entry = { ...record } as Record<string, unknown>;
  for (const [field, length] of Object.entries(HEX_FIELDS)) {
    const value = record[field];
    if (typeof value !== "string")
      throw new InvalidDepositDataError(`not a hex string (${typeOf(value)})`, { index, field });
    const digits = value.startsWith("0x") ? value.slice(2) : value;
    if (!/^[0-9a-fA-F]*$/u.test(digits) || digits.length % 2 !== 0)
      throw new InvalidDepositDataError("not hex", { index, field });
    if (digits.length !== length * 2)
      throw new InvalidDepositDataError(`${digits.length / 2} bytes, expected ${length}`, { index, field });
    entry[field] = digits.toLowerCase();
  }
  if (typeof record.amount !== "number" || !Number.isSafeInteger(record.amount))
    throw new InvalidDepositDataError(`not an integer (${typeOf(record.amount)})`, {
      index,
      field: "amount",
    });
  for (const field of ["network_name", "deposit_cli_version"] as const)
    if (typeof record[field] !== "string")
      throw new InvalidDepositDataError(`not a string (${typeOf(record[field])})`, { index, field });
  return entry as unknown as DepositDataEntry;
}

function typeOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function bare(value: Hex): string {
  return value.slice(2).toLowerCase();
}

function bytes(digits: string): Uint8Array {
  return hexToBytes(`0x${digits}`);
}

function hex(value: Uint8Array): string {
  return Buffer.from(value).toString("hex");
}
