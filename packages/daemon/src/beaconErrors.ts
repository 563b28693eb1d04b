/** The Beacon API client's named errors; each says whether it is retryable. */
import { DaemonError } from "./retry.js";

/** The beacon node answered with an HTTP error status. Retryable for 5xx, 429 and 408. */
export class BeaconHttpError extends DaemonError {
  override name = "BeaconHttpError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly status: number,
    /** The node's own message (`message` of its JSON error body, else the start of the body). */
    readonly nodeMessage: string,
    retryAfterMs: number | undefined,
    readonly method: "GET" | "POST" = "GET",
  ) {
    const retryable = status >= 500 || status === 429 || status === 408;
    super(
      `The beacon node answered HTTP ${status} to ${method} ${url}${nodeMessage ? `: ${nodeMessage}` : ""}`,
      {
        retryable,
        reason: status >= 500 ? "http_5xx" : status === 429 ? "http_429" : "http_4xx",
        retryAfterMs,
      },
    );
  }
}

/** No answer within the timeout (or no progress in a body for that long). Retryable. */
export class BeaconTimeoutError extends DaemonError {
  override name = "BeaconTimeoutError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly timeoutMs: number,
    readonly phase: "response" | "body",
  ) {
    super(
      phase === "response"
        ? `The beacon node did not answer GET ${url} within ${timeoutMs} ms.`
        : `The beacon node stopped sending the body of GET ${url} for ${timeoutMs} ms.`,
      { retryable: true, reason: "timeout" },
    );
  }
}

/** The connection failed: refused, reset, closed mid-body, DNS. Retryable. */
export class BeaconNetworkError extends DaemonError {
  override name = "BeaconNetworkError";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    const what = code ?? (cause instanceof Error ? cause.message : String(cause));
    super(`The beacon node could not be reached for GET ${url} (${what}).`, {
      retryable: true,
      reason: "network",
      cause,
    });
  }
}

/**
 * The body is not what the Beacon API defines: not JSON, truncated, or a field missing or of the
 * wrong type (`field` names it, e.g. `data.message.body.execution_payload.withdrawals[2].amount`).
 * Retryable: a node restarting or a proxy in trouble can send such a body once.
 */
export class BeaconMalformedResponse extends DaemonError {
  override name = "BeaconMalformedResponse";
  constructor(
    readonly route: string,
    readonly url: string,
    readonly field: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`The beacon node's answer to GET ${url} is malformed: ${field} ${problem}.`, {
      retryable: true,
      reason: "malformed",
      cause,
    });
  }
}

/** The node cannot serve what is asked in the form asked (no SSZ, a state too large). Not retryable. */
export class BeaconUnsupportedResponse extends DaemonError {
  override name = "BeaconUnsupportedResponse";
  constructor(
    readonly route: string,
    readonly url: string,
    why: string,
  ) {
    super(`The beacon node's answer to GET ${url} cannot be used: ${why}.`, {
      retryable: false,
      reason: "malformed",
    });
  }
}
