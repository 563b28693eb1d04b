/**
 * The toolkit's named errors for the chain and exit side. Each is an SDK `BaseError` (a short
 * sentence, details, cause), so the CLI reports it like the SDK's own refusals: exit code 3.
 */
import { BaseError, type BaseErrorParameters } from "@tributary/sdk";
import { formatEther, type Hex } from "viem";

const DOCS = { docsPath: "errors" };

/** Keys of a deposit data file that are already used: in the registry, or deposited on the beacon chain. */
export class KeysAlreadyUsedError extends BaseError {
  override name = "KeysAlreadyUsedError";
  constructor(
    /** Pubkeys the registry already holds (for any operator, or removed: a removed key stays used). */
    readonly inRegistry: readonly Hex[],
    /** Pubkeys with a deposit in the beacon deposit contract. */
    readonly deposited: readonly Hex[],
  ) {
    const parts = [
      inRegistry.length > 0 ? `${inRegistry.length} already in the registry` : "",
      deposited.length > 0 ? `${deposited.length} already deposited in the beacon deposit contract` : "",
    ].filter(Boolean);
    const lists = [
      inRegistry.length > 0 ? `in the registry: ${inRegistry.join(", ")}` : "",
      deposited.length > 0 ? `deposited: ${deposited.join(", ")}` : "",
    ].filter(Boolean);
    super(
      `${inRegistry.length + deposited.length} keys of the file are already used (${parts.join(", ")}); nothing was sent. ${lists.join("; ")}. Make new keys from the next derivation indices: a used key can never be added.`,
      DOCS,
    );
  }
}

/** The bond offered is below what the registry needs for the keys (`bondTopUp`). */
export class BondBelowRequiredError extends BaseError {
  override name = "BondBelowRequiredError";
  constructor(
    /** Wei offered. */
    readonly bond: bigint,
    /** Wei the registry needs. */
    readonly required: bigint,
    readonly keys: number,
  ) {
    super(
      `A bond of ${formatEther(bond)} ETH is below the ${formatEther(required)} ETH the registry needs for ${keys} more keys.`,
      { ...DOCS, details: "Pass --bond with at least the required figure, or --auto-bond." },
    );
  }
}

/** A chunk of `addKeys` failed: some keys landed, the rest did not. Re-running skips those that landed. */
export class AddKeysIncompleteError extends BaseError {
  override name = "AddKeysIncompleteError";
  constructor(
    readonly landed: readonly Hex[],
    readonly notLanded: readonly Hex[],
    parameters: BaseErrorParameters = {},
  ) {
    const cause = parameters.cause as { shortMessage?: string; message?: string } | undefined;
    const why = cause ? ` (${(cause.shortMessage ?? cause.message ?? "").split("\n")[0]})` : "";
    super(
      `${landed.length} keys were added, ${notLanded.length} were not${why}. Added: ${landed.join(", ") || "none"}. Not added: ${notLanded.join(", ")}. Run the same command again to add the rest: keys already in the registry are skipped.`,
      { ...DOCS, ...parameters },
    );
  }
}

/** The account manages no operator (or several, and none was named). */
export class OperatorNotFoundError extends BaseError {
  override name = "OperatorNotFoundError";
  constructor(sentence: string) {
    super(sentence, DOCS);
  }
}

/** An oracle member's HTTP server could not give what was asked (no tree yet, no leaf for the operator). */
export class OracleDataError extends BaseError {
  override name = "OracleDataError";
  constructor(sentence: string, parameters: BaseErrorParameters = {}) {
    super(sentence, { ...DOCS, ...parameters });
  }
}

/** The fork version deposits must be signed for could not be found. */
export class UnknownNetworkError extends BaseError {
  override name = "UnknownNetworkError";
  constructor(chainId: number) {
    super(
      `Chain ${chainId} is not a known network: pass --beacon-url so that its genesis fork version can be read.`,
      DOCS,
    );
  }
}
