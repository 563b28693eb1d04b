/** Withdrawal set-ups for the claim tests: requests by one user, then reports that finalize them. */
import { parseEther } from "viem";
import { requestRedeem, simulateRequestRedeem } from "../src/actions/requestRedeem.js";
import { stake } from "../src/actions/stake.js";
import type { TestProtocol } from "./harness.js";
import { receiptOf } from "./writes.js";

/** `user` stakes `stakeEth` ETH; returns nothing. Adds one operator first (a report needs one). */
export async function stakeFor(t: TestProtocol, user: number, stakeEth: string): Promise<void> {
  await receiptOf(
    t.local.publicClient,
    await stake(t.local.wallet(user), { amount: parseEther(stakeEth), deployment: t.deployment }),
  );
}

/** `count` requests of `each` trETH by `user`; returns their ids. */
export async function requestsBy(
  t: TestProtocol,
  user: number,
  count: number,
  each = "1",
): Promise<bigint[]> {
  const ids: bigint[] = [];
  const parameters = { shares: parseEther(each), deployment: t.deployment };
  for (let i = 0; i < count; i++) {
    const { result } = await simulateRequestRedeem(t.local.wallet(user), parameters);
    await receiptOf(t.local.publicClient, await requestRedeem(t.local.wallet(user), parameters));
    ids.push(result);
  }
  return ids;
}

/** Applies the next frame's report, finalizing requests up to `lastRequestId` (0: none). */
export async function reportFinalizing(
  t: TestProtocol,
  lastRequestId: bigint,
  warmUp = false,
): Promise<void> {
  const refSlot = await t.scenario.nextFrame();
  await t.scenario.applyReport(await t.scenario.typicalReport(refSlot, lastRequestId, warmUp));
}
