/** The exit side's named errors: what stops a voluntary exit now, and whether a later try may work. */
import { BaseError } from "@tributary/sdk";
import type { Hex } from "viem";

/** Why a validator cannot exit now. */
export type ExitBlockedReason =
  | "unknown_validator"
  | "not_active"
  | "too_young"
  | "already_exiting"
  | "no_key"
  | "refused";

/**
 * A validator cannot exit now. `retryable`: later may work (not active yet, not past the shard
 * committee period, no key loaded yet); `earliestEpoch` when known.
 */
export class ExitNotPossibleError extends BaseError {
  override name = "ExitNotPossibleError";
  override readonly retryable: boolean;
  constructor(
    readonly pubkey: Hex,
    readonly reason: ExitBlockedReason,
    sentence: string,
    options: { retryable: boolean; earliestEpoch?: number | undefined; cause?: unknown },
  ) {
    super(sentence, { docsPath: "exit-daemon", cause: options.cause });
    this.retryable = options.retryable;
    this.earliestEpoch = options.earliestEpoch;
  }
  readonly earliestEpoch: number | undefined;
}

/** A validator that is not active yet (pending), or active for less than SHARD_COMMITTEE_PERIOD epochs. */
export class ValidatorNotActiveError extends ExitNotPossibleError {
  override name = "ValidatorNotActiveError";
  constructor(pubkey: Hex, status: string, earliestEpoch: number | undefined) {
    super(
      pubkey,
      status.startsWith("pending") ? "not_active" : "too_young",
      earliestEpoch === undefined || !Number.isFinite(earliestEpoch)
        ? `Validator ${pubkey} is ${status}: it can exit only once active for the shard committee period.`
        : `Validator ${pubkey} is ${status}: it can exit from epoch ${earliestEpoch} (activation plus the shard committee period).`,
      { retryable: true, earliestEpoch },
    );
  }
}

/** No keystore (or pre-signed exit) for a validator named in an exit list. */
export class NoExitKeyError extends ExitNotPossibleError {
  override name = "NoExitKeyError";
  constructor(pubkey: Hex, where: string) {
    super(pubkey, "no_key", `No key and no pre-signed exit for validator ${pubkey} in ${where}.`, {
      retryable: true,
    });
  }
}

/** A directory of keystores or pre-signed exits that cannot be used as given. */
export class ExitSourceError extends BaseError {
  override name = "ExitSourceError";
  constructor(sentence: string, cause?: unknown) {
    super(sentence, { docsPath: "exit-daemon", cause });
  }
}
