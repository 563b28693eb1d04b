/** The operator's commission proof, from an oracle member's HTTP server (`/v1/rewards-tree/proof/{id}`). */
import { type Address, type Hex, isAddress } from "viem";
import { OracleDataError } from "../errors.js";

export interface CommissionProof {
  refSlot: number;
  root: Hex;
  account: Address;
  cumulativeShares: bigint;
  proof: Hex[];
}

/** Fetches and checks the shape of the operator's leaf and proof from the latest published tree. */
export async function fetchCommissionProof(
  oracleUrl: string,
  operatorId: bigint,
  fetchFn: typeof fetch = fetch,
): Promise<CommissionProof> {
  const url = new URL(
    `v1/rewards-tree/proof/${operatorId}`,
    oracleUrl.endsWith("/") ? oracleUrl : `${oracleUrl}/`,
  );
  let response: Response;
  try {
    response = await fetchFn(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (cause) {
    throw new OracleDataError(`The oracle member at ${url.origin} could not be reached.`, { cause });
  }
  const text = await response.text();
  if (response.status === 404)
    throw new OracleDataError(
      `The oracle member at ${url.origin} has no rewards proof for operator ${operatorId} yet.`,
    );
  if (!response.ok)
    throw new OracleDataError(`The oracle member answered HTTP ${response.status}: ${text.slice(0, 200)}`);
  try {
    const body = JSON.parse(text) as {
      refSlot: number;
      root: Hex;
      entry: { account: string; cumulativeShares: string; proof: Hex[] };
    };
    const { entry } = body;
    if (!isAddress(entry.account) || !/^\d+$/.test(entry.cumulativeShares) || !Array.isArray(entry.proof))
      throw new Error("entry");
    return {
      refSlot: Number(body.refSlot),
      root: body.root,
      account: entry.account,
      cumulativeShares: BigInt(entry.cumulativeShares),
      proof: entry.proof,
    };
  } catch (cause) {
    throw new OracleDataError(`The oracle member's proof for operator ${operatorId} is malformed.`, {
      cause,
    });
  }
}
