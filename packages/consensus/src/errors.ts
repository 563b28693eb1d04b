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
