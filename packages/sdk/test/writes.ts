/** Helpers for the write actions' tests. */
import assert from "node:assert/strict";
import type { Address, Hash, PublicClient } from "viem";

/** An estimate must cover what the transaction used, and not by much (at most 25% more). */
export function assertGasClose(estimate: bigint, gasUsed: bigint, what: string): void {
  assert.equal(typeof estimate, "bigint", `${what}: the estimate is a bigint`);
  assert.ok(estimate > 0n, `${what}: the estimate is positive`);
  assert.ok(estimate >= gasUsed, `${what}: estimate ${estimate} covers the ${gasUsed} used`);
  assert.ok(
    estimate <= (gasUsed * 125n) / 100n,
    `${what}: estimate ${estimate} within 25% of ${gasUsed} used`,
  );
}

/** The receipt of `hash`, which must have succeeded. */
export async function receiptOf(client: PublicClient, hash: Hash) {
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success", `transaction ${hash} succeeded`);
  return receipt;
}

/**
 * Runs `fn`, which must throw an error named `name`, and checks that the account sent nothing
 * (its nonce did not move).
 */
export async function assertRefusedUnsent(
  client: PublicClient,
  account: Address,
  fn: () => Promise<unknown>,
  name: string,
  check?: (error: Record<string, unknown>) => void,
): Promise<void> {
  const nonce = await client.getTransactionCount({ address: account });
  await assert.rejects(fn, (error: Record<string, unknown>) => {
    assert.equal(error.name, name, `refused as ${name}: ${String(error.message)}`);
    assert.ok(String(error.shortMessage ?? "").length > 10, "carries a sentence");
    check?.(error);
    return true;
  });
  assert.equal(await client.getTransactionCount({ address: account }), nonce, "nothing was sent");
}
