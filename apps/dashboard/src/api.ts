/** The analytics API (packages/indexer): typed fetches of the routes the pages show. */
export interface Stats {
  block: { number: string; hash: string; timestamp: number };
  tvl: { wei: string; method: string };
  rate: { shareRate: string; ethPerTrETH: number; method: string };
  supply: string;
  apr: { apr7d: number | null; apr30d: number | null; aprSinceInception: number | null; method: string };
  holders: { count: number; method: string };
  validators: Record<string, unknown> & { method: string };
  reports: { count: number; lastRefSlot: string | null };
}

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function apiGet<T>(apiUrl: string, path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl.replace(/\/$/, "")}${path}`, { signal });
  } catch {
    throw new ApiError(`The analytics API (${apiUrl}) does not answer.`, 0);
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
    throw new ApiError(
      problem.detail ?? problem.title ?? `The analytics API answered ${response.status}.`,
      response.status,
    );
  }
  return (await response.json()) as T;
}
