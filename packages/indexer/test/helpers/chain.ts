/**
 * A local chain for the indexer's tests: anvil with the real deployment (the SDK's test harness),
 * and protocol activity on it through the SDK's actions: operators and deposits, stakes,
 * transfers, withdrawal requests, a report that finalizes them, and claims.
 */

import { claim } from "@tributary/sdk";
import { trETHAbi } from "@tributary/sdk/abis";
import { type Hex, parseEther } from "viem";
import { startTestProtocol, type TestProtocol } from "../../../sdk/test/harness.js";
import { reportFinalizing, requestsBy, stakeFor } from "../../../sdk/test/withdrawals.js";
import { receiptOf } from "../../../sdk/test/writes.js";

export type { TestProtocol };
export { startTestProtocol };

/** First user index of the dev accounts that stake in these tests. */
export const USERS = [20, 21, 22, 23];

/** Sends `shares` trETH from user `from` to user `to`. */
export async function transferShares(
  t: TestProtocol,
  from: number,
  to: number,
  shares: bigint,
): Promise<void> {
  const wallet = t.local.wallet(from);
  const hash = await wallet.writeContract({
    address: t.deployment.contracts.token,
    abi: trETHAbi,
    functionName: "transfer",
    args: [t.local.address(to), shares],
    chain: undefined,
  });
  await receiptOf(t.local.publicClient, hash as Hex);
}

/**
 * One round of activity: an operator with a deposited validator (first round only), stakes by
 * every user, transfers between them, requests by the first user, a report that finalizes them,
 * and claims of the requests. Returns the request ids made.
 */
export async function activity(t: TestProtocol, round: number): Promise<bigint[]> {
  if (round === 0) {
    await t.scenario.addOperators(1);
    for (const user of [...USERS, 24, 25]) await t.scenario.fund(t.local.address(user), parseEther("1000"));
  }
  for (const [i, user] of USERS.entries()) await stakeFor(t, user, `${1 + i + round}`);
  await transferShares(t, USERS[0] as number, USERS[1] as number, parseEther("0.25"));
  await transferShares(t, USERS[2] as number, USERS[3] as number, parseEther("0.5"));
  const ids = await requestsBy(t, USERS[0] as number, 2, "0.1");
  await reportFinalizing(t, ids.at(-1) as bigint, round === 0);
  for (const requestId of ids) {
    await receiptOf(
      t.local.publicClient,
      await claim(t.local.wallet(USERS[0] as number), { requestId, deployment: t.deployment }),
    );
  }
  return ids;
}

/** Mines `n` empty blocks. */
export async function mine(t: TestProtocol, n: number): Promise<void> {
  await t.local.publicClient.request({ method: "anvil_mine", params: [`0x${n.toString(16)}`] } as never);
}

export async function snapshot(t: TestProtocol): Promise<Hex> {
  return (await t.local.publicClient.request({ method: "evm_snapshot", params: [] } as never)) as Hex;
}

export async function revert(t: TestProtocol, id: Hex): Promise<void> {
  await t.local.publicClient.request({ method: "evm_revert", params: [id] } as never);
}
