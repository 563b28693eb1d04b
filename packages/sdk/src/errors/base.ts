/** Where the SDK's documentation lives; `docsPath` values are relative to it. */
export const DOCS_BASE = "packages/sdk/README.md";

export interface BaseErrorParameters {
  /** A longer explanation: values involved, what to do. */
  details?: string | undefined;
  /** Anchor in the SDK's README that explains this error. */
  docsPath?: string | undefined;
  /** Extra lines printed under the message (request, values). */
  metaMessages?: string[] | undefined;
  cause?: unknown;
}

/**
 * Every error the SDK throws. `shortMessage` is one plain sentence; `message` adds the details,
 * the docs path and the cause's own message. `retryable` says whether trying the same thing again
 * later may succeed (a network failure), as opposed to a refusal by the protocol.
 */
export class BaseError extends Error {
  override name = "TributaryError";
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly docsPath: string | undefined;
  readonly metaMessages: string[] | undefined;
  readonly retryable: boolean = false;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const causeMessage =
      parameters.cause instanceof BaseError
        ? parameters.cause.shortMessage
        : parameters.cause instanceof Error
          ? ((parameters.cause as { shortMessage?: string }).shortMessage ?? parameters.cause.message)
          : undefined;
    const details =
      parameters.details ?? (causeMessage && causeMessage !== shortMessage ? causeMessage : undefined);
    const message = [
      shortMessage,
      ...(parameters.metaMessages?.length ? ["", ...parameters.metaMessages] : []),
      ...(details ? ["", `Details: ${details}`] : []),
      ...(parameters.docsPath ? [`Docs: ${DOCS_BASE}#${parameters.docsPath}`] : []),
    ].join("\n");
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.docsPath = parameters.docsPath;
    this.metaMessages = parameters.metaMessages;
  }

  /** The first error in the cause chain (this one included) for which `predicate` holds. */
  walk(predicate: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current) {
      if (predicate(current)) return current;
      current = (current as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

export type DeploymentNotFoundErrorType = DeploymentNotFoundError & { name: "DeploymentNotFoundError" };
/** No deployment was passed and none is published for the client's chain. */
export class DeploymentNotFoundError extends BaseError {
  override name = "DeploymentNotFoundError";
  readonly chainId: number | undefined;
  constructor({ chainId }: { chainId: number | undefined }) {
    super(
      chainId === undefined
        ? "The client has no chain, so no deployment can be looked up: pass `deployment`."
        : `Tributary has no published deployment on chain ${chainId}: pass \`deployment\`.`,
      { docsPath: "deployments" },
    );
    this.chainId = chainId;
  }
}

export type InvalidArgumentErrorType = InvalidArgumentError & { name: "InvalidArgumentError" };
/** An argument the SDK checks before sending anything: zero, negative, malformed. */
export class InvalidArgumentError extends BaseError {
  override name = "InvalidArgumentError";
  readonly argument: string;
  constructor(argument: string, sentence: string, parameters: BaseErrorParameters = {}) {
    super(sentence, parameters);
    this.argument = argument;
  }
}

export type RpcErrorType = RpcError & { name: "RpcError" };
/** The node could not be reached or failed to answer (timeout, 5xx, rate limit): retryable. */
export class RpcError extends BaseError {
  override name = "RpcError";
  override readonly retryable = true;
  constructor(parameters: BaseErrorParameters & { url?: string | undefined }) {
    super(
      parameters.url
        ? `The RPC endpoint ${parameters.url} did not answer.`
        : "The RPC endpoint did not answer.",
      { docsPath: "errors", ...parameters },
    );
  }
}

export type UnknownErrorType = UnknownError & { name: "UnknownError" };
/** Anything else, with its cause kept. */
export class UnknownError extends BaseError {
  override name = "UnknownError";
  constructor(cause: unknown) {
    super(
      cause instanceof Error
        ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message)
        : String(cause),
      {
        cause,
      },
    );
  }
}
