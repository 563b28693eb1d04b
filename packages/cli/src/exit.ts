/**
 * Exit codes and the CLI's own error. Kept free of viem and the SDK: the entry point loads it
 * before any command runs.
 */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** An unexpected failure (a bug, or an error nobody classified). */
  failure: 1,
  /** The command line is wrong: a bad flag, amount or address, or a transaction without --yes and no terminal. */
  usage: 2,
  /** Refused: the protocol said no, a check before sending failed, the network is not the expected one, or the user declined. */
  refused: 3,
  /** The RPC endpoint failed (down, timeout, 5xx, rate limit): trying again later may work. */
  network: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The help text's account of the exit codes (also in the README). */
export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  unexpected failure
  2  usage error: bad flag, amount or address, unreadable keystore or deployment, or a transaction
     without --yes where no terminal can confirm it
  3  refused: the protocol said no, a check before sending failed (balance, stake limit, paused,
     ticket not finalized), wrong network, or you declined
  4  network failure: the RPC endpoint did not answer (retryable)`;

/** An error the CLI raises itself, with the exit code it ends with. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);
export const refused = (message: string) => new CliError(message, ExitCode.refused);
