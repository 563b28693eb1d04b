import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, formatEther, http, parseEther, zeroAddress } from "viem";
import { devAccount } from "../../../../contracts/lib/devkeys.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { getRate } from "../actions/getRate.js";
import { stake } from "../actions/stake.js";
import type { Deployment } from "../deployment.js";
import { protocolErrorsAbi, trETHAbi } from "../generated/abis.js";
import { ContractError } from "./contract.js";
import { isContractError } from "./refusal.js";
import { errorSentences } from "./sentences.js";
import { withErrors } from "./withErrors.js";

/** A sample value of each ABI type, to build every sentence once. */
function sample(type: string): unknown {
  if (type.startsWith("uint") || type.startsWith("int")) return 1_500_000_000_000_000_000n;
  if (type === "address") return zeroAddress;
  if (type === "bool") return true;
  if (type === "string") return "text";
  if (type.startsWith("bytes")) return "0x01";
  return {};
}

describe("errors", () => {
  it("has a plain sentence for every custom error of the contracts", () => {
    const missing = protocolErrorsAbi.filter((e) => !(e.name in errorSentences)).map((e) => e.name);
    assert.deepEqual(missing, [], `errors without a sentence: ${missing.join(", ")}`);
    for (const item of protocolErrorsAbi) {
      const args = Object.fromEntries(item.inputs.map((input) => [input.name, sample(input.type)]));
      const sentence = (errorSentences as Record<string, (a: unknown, eth: typeof formatEther) => string>)[
        item.name
      ]?.(args, formatEther);
      assert.ok(sentence && sentence.length > 15, `${item.name} has a sentence: ${sentence}`);
      assert.ok(!/undefined|NaN|\[object/.test(sentence), `${item.name} reads its values: ${sentence}`);
      assert.ok(/[.?]$/.test(sentence), `${item.name} is a sentence: ${sentence}`);
    }
  });

  it("builds the sentence from the error's values, wei in ETH", () => {
    const error = new ContractError("TrETHStakeLimitExceeded", {
      requested: parseEther("5"),
      available: parseEther("1.25"),
    });
    assert.equal(error.name, "TrETHStakeLimitExceededError", "named after the contract error");
    assert.match(error.shortMessage, /Staking 5 ETH .* 1\.25 ETH can be staked now/, "values in ETH");
    assert.equal(error.docsPath, "errors", "points at the docs");
  });

  describe("against anvil", () => {
    let t: TestProtocol;
    before(async () => {
      t = await startTestProtocol({ dailyStakeCap: parseEther("3") });
    });
    after(() => t?.stop());

    it("decodes a real revert into a typed ContractError with a sentence naming the amount available", async () => {
      const wallet = t.local.wallet(6);
      // Straight to the contract, past the SDK's own checks: the node's revert is what is decoded.
      const error = await withErrors(() =>
        wallet.writeContract({
          address: t.deployment.contracts.token,
          abi: trETHAbi,
          functionName: "stake",
          args: [t.local.address(6)],
          value: parseEther("4"),
          chain: undefined,
        }),
      ).then(
        () => assert.fail("the stake above the cap went through"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ContractError, `a ContractError: ${String(error)}`);
      assert.ok(isContractError(error, "TrETHStakeLimitExceeded"), "the stake limit error");
      assert.equal(error.name, "TrETHStakeLimitExceededError", "named");
      assert.equal(error.args.requested, parseEther("4"), "typed args: requested");
      assert.equal(error.args.available, parseEther("3"), "typed args: available");
      assert.match(error.shortMessage, /3 ETH can be staked now/, "the sentence names what is available");
      assert.equal(error.retryable, false, "a refusal is not retryable");
    });
  });

  it("marks an unreachable RPC as a retryable RpcError, for reads and writes", async () => {
    const url = "http://127.0.0.1:1";
    const deployment = {
      chainId: 31337,
      contracts: { token: zeroAddress },
    } as unknown as Deployment;
    const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
    await assert.rejects(getRate(client, { deployment }), (e: Record<string, unknown>) => {
      assert.equal(e.name, "RpcError", `an RpcError: ${String(e.message)}`);
      assert.equal(e.retryable, true, "retryable");
      return true;
    });
    const wallet = createWalletClient({ account: devAccount(6), transport: http(url, { retryCount: 0 }) });
    await assert.rejects(stake(wallet, { amount: 1n, deployment }), { name: "RpcError", retryable: true });
  });
});
