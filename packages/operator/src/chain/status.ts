/**
 * An operator's standing, read from the chain (registry, accounting), the guardians' HTTP servers
 * (which key blocks vetting and why) and the exit lists naming its validators (with their deadline
 * and the penalty for missing it).
 */
import { type Deployment, getOperator, type Operator, scanLogs } from "@tributary/sdk";
import { accountingAbi } from "@tributary/sdk/abis";
import type { Chain, Client, Hex, Transport } from "viem";
import { getBlock, readContract } from "viem/actions";
import { decodeExitList, type ExitRequest } from "../exit/exitList.js";

type AnyClient = Client<Transport, Chain | undefined>;

/** What one guardian says about the operator's keys (`GET /v1/operators/{id}`). */
export interface GuardianView {
  url: string;
  /** Null when the guardian could not be read (`error` says why). */
  vettable: number | null;
  keysNonce?: number | undefined;
  block?: number | undefined;
  blocked: {
    index: number;
    pubkey: Hex;
    reason: "pubkey_length" | "signature_length" | "bad_signature" | "already_deposited" | "duplicate";
    detail: string;
  } | null;
  error?: string | undefined;
}

export interface PendingExitRequest extends ExitRequest {
  listHash: Hex;
  /** Unix seconds. */
  deadline: number;
  /** Seconds from the latest block's time to the deadline (negative: missed). */
  secondsLeft: number;
  /** When it was forced through EIP-7002 (0: never). */
  forcedAt: number;
}

export interface OperatorStatus {
  operator: Operator;
  /** The latest block's time, unix seconds: what deadlines are measured against. */
  now: number;
  guardians: GuardianView[];
  /** What to do about a key that blocks vetting, in words; null when none does. */
  vettingAdvice: string | null;
  exitRequests: PendingExitRequest[];
  /** From the accounting module's limits: seconds to exit, and the bond penalty for missing it (wei). */
  exitDeadlineSeconds: number;
  missedExitPenalty: bigint;
}

/** Reads one guardian's view of the operator; failures are kept as `error`, not thrown. */
export async function readGuardian(
  url: string,
  operatorId: bigint,
  fetchFn: typeof fetch = fetch,
): Promise<GuardianView> {
  const target = new URL(`v1/operators/${operatorId}`, url.endsWith("/") ? url : `${url}/`);
  try {
    const response = await fetchFn(target, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return { url, vettable: null, blocked: null, error: `HTTP ${response.status}` };
    const body = (await response.json()) as {
      vettable: number;
      keysNonce: number;
      block: number;
      blocked: GuardianView["blocked"];
    };
    return {
      url,
      vettable: body.vettable,
      keysNonce: body.keysNonce,
      block: body.block,
      blocked: body.blocked ?? null,
    };
  } catch (error) {
    return { url, vettable: null, blocked: null, error: (error as Error).message };
  }
}

/** The advice for a key that blocks vetting: remove it and every key after it, then add replacements. */
export function vettingAdvice(operator: Operator, guardians: readonly GuardianView[]): string | null {
  const blocked = guardians
    .map((g) => g.blocked)
    .filter((b): b is NonNullable<GuardianView["blocked"]> => b !== null)
    .sort((a, b) => a.index - b.index)[0];
  if (!blocked) return null;
  const removed = operator.keys.total - blocked.index;
  return `Key ${blocked.index} (${blocked.pubkey}) blocks vetting: ${blocked.reason.replace(/_/g, " ")} (${blocked.detail}). Remove keys ${blocked.index}..${operator.keys.total - 1} with \`tributary operator remove-keys --from-index ${blocked.index}\` (${removed} keys), then add ${removed} replacement keys from the next derivation indices (a removed key can never be added again).`;
}

/**
 * The exit requests naming the operator that it has not met yet: every published list whose
 * deadline is set, entries of this operator whose `targetExited` is above its exited count.
 */
export async function readExitRequests(
  client: AnyClient,
  deployment: Deployment,
  operator: Operator,
  now: number,
): Promise<PendingExitRequest[]> {
  const accounting = deployment.contracts.accounting;
  const fromBlock = BigInt(deployment.blockNumber);
  const setEvent = accountingAbi.find((i) => i.type === "event" && i.name === "ExitRequestsSet");
  const publishedEvent = accountingAbi.find((i) => i.type === "event" && i.name === "ExitRequestsPublished");
  const [sets, published] = await Promise.all([
    scanLogs(client, {
      address: accounting,
      event: setEvent as Extract<typeof setEvent, { type: "event" }>,
      fromBlock,
    }),
    scanLogs(client, {
      address: accounting,
      event: publishedEvent as Extract<typeof publishedEvent, { type: "event" }>,
      fromBlock,
    }),
  ]);
  const deadlines = new Map<string, number>();
  for (const log of sets) {
    const args = log.args as { exitRequestsHash: Hex; deadline: bigint };
    deadlines.set(args.exitRequestsHash.toLowerCase(), Number(args.deadline));
  }
  const out: PendingExitRequest[] = [];
  for (const log of published) {
    const args = log.args as { exitRequestsHash: Hex; data: Hex };
    const listHash = args.exitRequestsHash.toLowerCase() as Hex;
    for (const entry of decodeExitList(args.data)) {
      if (BigInt(entry.operatorId) !== operator.operatorId) continue;
      if (entry.targetExited <= operator.keys.exited) continue;
      const deadline = deadlines.get(listHash) ?? 0;
      out.push({ ...entry, listHash, deadline, secondsLeft: deadline - now, forcedAt: 0 });
    }
  }
  for (const request of out) {
    request.forcedAt = Number(
      await readContract(client, {
        address: accounting,
        abi: accountingAbi,
        functionName: "forcedAt",
        args: [BigInt(request.operatorId), BigInt(request.keyIndex)],
      }),
    );
  }
  return out;
}

export async function getOperatorStatus(
  client: AnyClient,
  parameters: {
    deployment: Deployment;
    operatorId: bigint;
    guardianUrls?: readonly string[] | undefined;
    fetch?: typeof fetch | undefined;
  },
): Promise<OperatorStatus> {
  const { deployment, operatorId } = parameters;
  const [operator, block, limits] = await Promise.all([
    getOperator(client, { operatorId, deployment }),
    getBlock(client),
    readContract(client, {
      address: deployment.contracts.accounting,
      abi: accountingAbi,
      functionName: "limits",
    }),
  ]);
  const now = Number(block.timestamp);
  const guardians = await Promise.all(
    (parameters.guardianUrls ?? []).map((url) => readGuardian(url, operatorId, parameters.fetch)),
  );
  return {
    operator,
    now,
    guardians,
    vettingAdvice: vettingAdvice(operator, guardians),
    exitRequests: await readExitRequests(client, deployment, operator, now),
    exitDeadlineSeconds: Number(limits.exitDeadline),
    missedExitPenalty: BigInt(limits.missedExitPenalty),
  };
}
