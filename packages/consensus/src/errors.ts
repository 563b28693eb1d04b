/** The package's one error type: a short message, structured details, and the cause it wraps. */
export class ConsensusError extends Error {
  override readonly name = "ConsensusError";
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = details;
  }
}

/** Bad user input (flags, environment); the CLI prints these without a stack trace. */
export class OptionsError extends ConsensusError {}

/**
 * The execution node failed while producing a slot's block. `mined` says whether the block (and maybe the
 * slot's withdrawal credits) had already reached the execution node when it failed: only when it had not is
 * the same slot safe to try again.
 */
export class ExecutionBlockError extends ConsensusError {
  constructor(
    message: string,
    readonly mined: boolean,
    details: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...details, mined }, options);
  }
}
