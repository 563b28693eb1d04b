/** The analytics API (packages/indexer): typed fetches of the routes the pages show. */
export interface Stats {
  block: { number: string; hash: string; timestamp: number };
  tvl: { wei: string; method: string };
  rate: { shareRate: string; ethPerTrETH: number; method: string };
  supply: string;
  apr: { apr7d: number | null; apr30d: number | null; aprSinceInception: number | null; method: string };
  holders: { count: number; method: string };
  validators: { total: number; byStatus: Record<string, number>; refSlot: string | null; method: string };
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

export interface WaitEstimate {
  finalized: boolean;
  minSeconds: number | null;
  maxSeconds: number | null;
  earliest: number | null;
  latest: number | null;
  ethNeeded: string;
  exitsNeeded: boolean;
  basis: { part: string; detail: string; seconds?: number | null }[];
}

export interface Queue {
  lastFinalizedRequestId: string;
  pending: { requests: number; shares: string; ethEstimate: string };
  finalizedUnclaimed: { requests: number; eth: string };
  method: string;
  waitEstimate: WaitEstimate | { error: string };
}

export interface Account {
  address: string;
  shares: string;
  assets: string;
  rewardsEarned: { wei: string; method: string };
  history: {
    blockNumber: string;
    logIndex: number;
    txHash: string;
    timestamp: number;
    from: string;
    to: string;
    shares: string;
    direction: "in" | "out";
  }[];
  historyNext: string | null;
  tickets: { requestId: string; status: "pending" | "finalized" | "claimed"; shares: string }[];
}

export interface OperatorRow {
  id: number;
  manager: string;
  rewardAddress: string;
  commissionBps: number;
  pendingCommission: { commissionBps: number; effectiveAt: number } | null;
  curated: boolean;
  keys: { total: number; vetted: number; deposited: number; exited: number; withdrawn: number };
  activeValidators: number;
  bond: { shares: string; wei: string; perActiveValidatorWei: string | null };
  debtWei: string;
  lossesChargedWei: string;
  share: number;
  performance: { gweiPerEpoch: number; effectiveness: number | null; periods: number } | null;
}

export interface Operators {
  operators: OperatorRow[];
  methods: Record<string, string>;
}

export interface Risk {
  concentration: {
    largestShare: number | null;
    largestOperator: number | null;
    operatorsForOneThird: number | null;
    activeValidators: number;
    method: string;
  };
  bondCoverage: {
    smallestBondWei: string | null;
    worstLossWei: string;
    ratio: number | null;
    method: string;
  };
  oracle: {
    lastReportRefSlot: string | null;
    secondsSinceReport: number | null;
    frameSeconds: number | null;
    framesMissed: number | null;
    method: string;
  };
  dex: {
    price: number | null;
    peg: number | null;
    pool: string | null;
    reason: string | null;
    method: string;
  };
}

export interface Series {
  metric: string;
  unit: string;
  method: string;
  points: { t: number; value: number; raw?: string; byStatus?: Record<string, number> }[];
}
