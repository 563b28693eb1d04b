import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http, keccak256, parseEther, toHex } from "viem";
import { getBalance, readContract } from "viem/actions";
import { DEV_ROLES } from "../../../../contracts/lib/devkeys.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { accountingAbi, trETHAbi, withdrawalQueueAbi } from "../generated/abis.js";
import { estimateWaitingTime } from "./estimateWaitingTime.js";
import { getWaitingTimeState } from "./getWaitingTimeState.js";

describe("getWaitingTimeState", () => {
  let t: TestProtocol;
  const requests: bigint[] = [];
  /** A client on the node with JSON-RPC batching, counting its HTTP requests (round trips). */
  const counting = () => {
    const counter = { requests: 0 };
    const client = createPublicClient({
      transport: http(t.local.url, {
        batch: true,
        onFetchRequest: () => {
          counter.requests++;
        },
      }),
    });
    return { client, counter };
  };

  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(2);
    await t.scenario.applyReport(await t.scenario.typicalReport(await t.scenario.nextFrame(), 0n, true));
    // The second report names a validator for exit: an exit list within its deadline.
    const report = await t.scenario.typicalReport(await t.scenario.nextFrame(), 0n);
    report.exitRequestsHash = keccak256(toHex("exit list"));
    report.exitRequestsCount = 1n;
    await t.scenario.applyReport(report);
    const user = t.local.wallet(DEV_ROLES.firstUser + 6);
    const who = user.account.address;
    const token = { address: t.deployment.contracts.token, abi: trETHAbi, chain: undefined } as const;
    await t.local.gasOf(
      await user.writeContract({ ...token, functionName: "stake", args: [who], value: parseEther("3") }),
    );
    for (const shares of [parseEther("1"), parseEther("1.5")]) {
      await t.local.gasOf(
        await user.writeContract({ ...token, functionName: "requestRedeem", args: [shares, who, who] }),
      );
      requests.push(
        await readContract(t.local.publicClient, {
          address: t.deployment.contracts.withdrawalQueue,
          abi: withdrawalQueueAbi,
          functionName: "lastRequestId",
        }),
      );
    }
  });
  after(() => t?.stop());

  it("reads the state pinned to one block, as the contracts report it", async () => {
    const client = t.local.publicClient;
    const c = t.deployment.contracts;
    const state = await getWaitingTimeState(client, { deployment: t.deployment });
    const at = { blockNumber: state.blockNumber } as const;
    const read = (
      address: `0x${string}`,
      abi: typeof trETHAbi | typeof withdrawalQueueAbi,
      functionName: string,
    ) => readContract(client, { address, abi, functionName, ...at } as never) as Promise<bigint>;
    assert.equal(state.lastRequestId, requests[1], "the last request");
    assert.equal(
      state.lastFinalizedRequestId,
      await read(c.withdrawalQueue, withdrawalQueueAbi, "lastFinalizedRequestId"),
      "lastFinalizedRequestId",
    );
    assert.equal(state.buffered, await read(c.token, trETHAbi, "bufferedEther"), "bufferedEther");
    assert.equal(state.reserve, await read(c.token, trETHAbi, "withdrawalReserve"), "withdrawalReserve");
    assert.equal(
      state.shareRate,
      await readContract(client, {
        address: c.accounting,
        abi: accountingAbi,
        functionName: "shareRate",
        ...at,
      }),
      "shareRate",
    );
    assert.equal(state.vault, await getBalance(client, { address: c.withdrawalVault, ...at }), "vault");
    assert.equal(state.named?.count, 1n, "the second report's exit list names one validator");
    assert.equal(state.inflow.reports, 1, "one report's pull after the first");
    assert.ok(state.inflow.seconds > 0n && state.inflow.wei > 0n, "an inflow over the reports' interval");
    assert.equal(state.beacon.beaconUrl, undefined, "no beacon node");
    assert.equal(state.beacon.inFlight.length, 1, "the named validator counted as exiting");
  });

  it("gives the same estimates as without it, reading only each request's data", async () => {
    const { client, counter } = counting();
    const deployment = t.deployment;
    const state = await getWaitingTimeState(client, { deployment });
    // The block with the frame schedule; the views, the vault and the Rebased logs; the exit list's event.
    assert.equal(counter.requests, 3, "three round trips for the state with an exit list");

    counter.requests = 0;
    const shared = await Promise.all([
      ...requests.map((requestId) => estimateWaitingTime(client, { requestId, deployment, state })),
      estimateWaitingTime(client, { amount: parseEther("200"), unit: "shares", deployment, state }),
    ]);
    assert.equal(counter.requests, 1, "one round trip for every request's own reads together");

    counter.requests = 0;
    const alone = await estimateWaitingTime(client, { requestId: requests[0] as bigint, deployment });
    assert.equal(counter.requests, 4, "an estimate alone: the state's three round trips and the request's");
    assert.deepEqual(shared[0], alone, "the first request's estimate with the state equals it alone");
    assert.deepEqual(
      shared[1],
      await estimateWaitingTime(client, { requestId: requests[1] as bigint, deployment }),
      "the second request's too",
    );
    assert.deepEqual(
      shared[2],
      await estimateWaitingTime(client, { amount: parseEther("200"), unit: "shares", deployment }),
      "an amount's too",
    );
    assert.equal(shared[2]?.exitsNeeded, true, "200 trETH needs exits: the estimate's every part ran");
  });

  it("refuses a state of another deployment or beacon node before sending anything", async () => {
    const { client, counter } = counting();
    const deployment = t.deployment;
    const state = await getWaitingTimeState(client, { deployment });
    counter.requests = 0;
    const other = { ...state, withdrawalQueue: deployment.contracts.token };
    await assert.rejects(estimateWaitingTime(client, { requestId: 1n, deployment, state: other }), {
      name: "InvalidArgumentError",
      argument: "state",
    });
    await assert.rejects(
      estimateWaitingTime(client, { requestId: 1n, deployment, state, beaconUrl: "http://127.0.0.1:1" }),
      { name: "InvalidArgumentError", argument: "beaconUrl" },
    );
    await assert.rejects(getWaitingTimeState(client, { deployment, beaconUrl: "ftp://x" }), {
      name: "InvalidArgumentError",
      argument: "beaconUrl",
    });
    assert.equal(counter.requests, 0, "nothing sent");
  });
});
