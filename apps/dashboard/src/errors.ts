/** Any failure as one sentence a person can act on. */
export function sentence(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const e = current as {
      name?: string;
      code?: number;
      shortMessage?: string;
      message?: string;
      cause?: unknown;
    };
    if (e.code === 4001 || e.name === "UserRejectedRequestError")
      return "You rejected the request in your wallet.";
    if (e.name === "TributaryError" && e.shortMessage) return e.shortMessage;
    if (e.name === "HttpRequestError" || e.name === "TimeoutError") {
      return "The network's RPC node does not answer: try again in a moment.";
    }
    current = e.cause;
  }
  const e = error as { shortMessage?: string; message?: string };
  return e.shortMessage ?? e.message ?? "Something failed.";
}
