/** Where the key toolkit's documentation lives; `docsPath` values are anchors in it. */
export const DOCS_BASE = "packages/operator/README.md";

export interface KeysErrorParameters {
  /** A longer explanation: values involved, what to do. */
  details?: string | undefined;
  /** Anchor in the package README that explains this error. */
  docsPath?: string | undefined;
  cause?: unknown;
}

/**
 * Every error of the key toolkit. `shortMessage` is one plain sentence; `message` adds the details
 * and the docs path. No error ever carries a secret key, a mnemonic or a password.
 */
export class KeysError extends Error {
  override name = "KeysError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly docsPath: string | undefined;

  constructor(shortMessage: string, parameters: KeysErrorParameters = {}) {
    const message = [
      shortMessage,
      ...(parameters.details ? ["", `Details: ${parameters.details}`] : []),
      ...(parameters.docsPath ? [`Docs: ${DOCS_BASE}#${parameters.docsPath}`] : []),
    ].join("\n");
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = parameters.details;
    this.docsPath = parameters.docsPath;
  }
}

/** An argument checked before any key is touched: a count, an index, an address, a fork version. */
export class InvalidKeysArgumentError extends KeysError {
  override name = "InvalidKeysArgumentError";
  readonly argument: string;
  constructor(argument: string, reason: string) {
    super(`Invalid ${argument}: ${reason}.`);
    this.argument = argument;
  }
}

/** The mnemonic is not a valid BIP-39 English mnemonic (unknown word, wrong length, bad checksum). */
export class InvalidMnemonicError extends KeysError {
  override name = "InvalidMnemonicError";
  readonly reason: string;
  constructor(reason: string) {
    super(`Invalid mnemonic: ${reason}.`, { docsPath: "mnemonic" });
    this.reason = reason;
  }
}

/** An EIP-2334 path that does not parse (`m/12381/3600/0/0/0`). */
export class InvalidDerivationPathError extends KeysError {
  override name = "InvalidDerivationPathError";
  readonly path: string;
  constructor(path: string, reason: string) {
    super(`Invalid derivation path "${path}": ${reason}.`, { docsPath: "derivation" });
    this.path = path;
  }
}

/** What a deposit data error is about: the file as a whole, or one entry's field. */
export interface DepositDataErrorParameters {
  /** Position of the entry in the file's array, when the error is about one entry. */
  index?: number | undefined;
  /** The entry's field at fault, e.g. `fork_version`. */
  field?: string | undefined;
  details?: string | undefined;
  cause?: unknown;
}

/** Base of every refusal of a deposit data file by `parseDepositData`. */
export class DepositDataError extends KeysError {
  override name = "DepositDataError";
  readonly index: number | undefined;
  readonly field: string | undefined;
  constructor(reason: string, parameters: DepositDataErrorParameters = {}) {
    const where =
      parameters.index === undefined
        ? "Deposit data file"
        : `Deposit data entry ${parameters.index}${parameters.field ? ` (${parameters.field})` : ""}`;
    super(`${where}: ${reason}.`, {
      details: parameters.details,
      docsPath: "deposit-data",
      cause: parameters.cause,
    });
    this.index = parameters.index;
    this.field = parameters.field;
  }
}

/** Not JSON, not an array, a missing or malformed field, a wrong length or amount. */
export class InvalidDepositDataError extends DepositDataError {
  override name = "InvalidDepositDataError";
}

/** An entry signed for another network than the expected one (its `fork_version`). */
export class DepositNetworkMismatchError extends DepositDataError {
  override name = "DepositNetworkMismatchError";
  readonly expected: string;
  readonly actual: string;
  constructor(index: number, expected: string, actual: string) {
    super(`signed for ${actual}, expected ${expected}`, { index, field: "fork_version" });
    this.expected = expected;
    this.actual = actual;
  }
}

/** An entry whose withdrawal credentials are not the protocol's withdrawal vault's. */
export class WithdrawalCredentialsMismatchError extends DepositDataError {
  override name = "WithdrawalCredentialsMismatchError";
  readonly expected: string;
  readonly actual: string;
  constructor(index: number, expected: string, actual: string) {
    super(`withdrawal credentials 0x${actual} are not the protocol's 0x${expected}`, {
      index,
      field: "withdrawal_credentials",
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** A `deposit_message_root` or `deposit_data_root` that differs from the recomputed one. */
export class DepositRootMismatchError extends DepositDataError {
  override name = "DepositRootMismatchError";
  readonly expected: string;
  readonly actual: string;
  constructor(
    index: number,
    field: "deposit_message_root" | "deposit_data_root",
    expected: string,
    actual: string,
  ) {
    super(`${field} 0x${actual} does not match the recomputed 0x${expected}`, { index, field });
    this.expected = expected;
    this.actual = actual;
  }
}

/** A BLS signature that does not verify for the pubkey, the message and the network's deposit domain. */
export class DepositSignatureError extends DepositDataError {
  override name = "DepositSignatureError";
  constructor(index: number, reason: string) {
    super(reason, { index, field: "signature" });
  }
}

/** The same pubkey twice in one file: the second deposit would only top the first one up. */
export class DuplicatePubkeyError extends DepositDataError {
  override name = "DuplicatePubkeyError";
  readonly firstIndex: number;
  constructor(index: number, firstIndex: number, pubkey: string) {
    super(`pubkey 0x${pubkey} already appears in entry ${firstIndex}`, { index, field: "pubkey" });
    this.firstIndex = firstIndex;
  }
}

/** A keystore file that is not an EIP-2335 keystore (not JSON, schema, version, pubkey mismatch). */
export class InvalidKeystoreError extends KeysError {
  override name = "InvalidKeystoreError";
  readonly source: string;
  constructor(source: string, reason: string, cause?: unknown) {
    super(`Invalid keystore ${source}: ${reason}.`, { docsPath: "keystores", cause });
    this.source = source;
  }
}

/** The password does not decrypt the keystore (its checksum does not match the derived key). */
export class KeystorePasswordError extends KeysError {
  override name = "KeystorePasswordError";
  readonly source: string;
  constructor(source: string) {
    super(`Wrong password for keystore ${source}.`, {
      details: "The key derived from this password does not match the keystore's checksum.",
      docsPath: "keystores",
    });
    this.source = source;
  }
}
