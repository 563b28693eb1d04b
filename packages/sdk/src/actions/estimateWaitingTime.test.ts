import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Hex, parseEther } from "viem";
import { getBlock, getContractEvents, readContract } from "viem/actions";
import { DEV_ROLES } from "../../../../contracts/lib/devkeys.js";
import type { Report } from "../../../../contracts/lib/scenario.js";
import { startTestProtocol, type TestProtocol } from "../../test/harness.js";
import { accountingAbi, hashConsensusAbi, trETHAbi, withdrawalQueueAbi } from "../generated/abis.js";
import { estimateWaitingTime } from "./estimateWaitingTime.js";

const EXITED = parseEther("32");

describe("estimateWaitingTime", () => {
  let t: TestProtocol;
  const alice = () => t.local.wallet(DEV_ROLES.firstUser + 3);
  const bob = () => t.local.wallet(DEV_ROLES.firstUser + 4);
  const client = () => t.local.publicClient;
  const c = () => t.deployment.contracts;

  async function send(
    wallet: ReturnType<typeof alice>,
    functionName: string,
    args: unknown[],
    value?: bigint,
  ) {
    const hash = await wallet.writeContract({
      address: c().token,
      abi: trETHAbi,
      functionName,
      args,
      value,
      chain: undefined,
    } as never);
    await t.local.gasOf(hash as Hex);
  }

  async function request(wallet: ReturnType<typeof alice>, shares: bigint): Promise<bigint> {
    const who = wallet.account.address;
    await send(wallet, "requestRedeem", [shares, who, who]);
    return readContract(client(), {
      address: c().withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "lastRequestId",
    });
  }

  async function now(): Promise<bigint> {
    return (await getBlock(client())).timestamp;
  }

  /**
   * Applies the next frame's report as an honest oracle would: finalize every request made by the
   * reference slot that the buffer plus the vault pull pays (at the current share rate).
   * `change` adjusts the report (e.g. exited validators). Returns the time it was applied.
   */
  async function honestReport(change?: (r: Report) => void, warmUp = false): Promise<bigint> {
    const refSlot = await t.scenario.nextFrame();
    const report = await t.scenario.typicalReport(refSlot, 0n, warmUp);
    change?.(report);
    const [, , genesis] = await readContract(client(), {
      address: c().hashConsensus,
      abi: hashConsensusAbi,
      functionName: "getChainConfig",
    });
    const refTime = genesis + refSlot * 12n;
    const events = await getContractEvents(client(), {
      address: c().token,
      abi: trETHAbi,
      eventName: "RedeemRequest",
      fromBlock: BigInt(t.deployment.blockNumber),
    });
    const queue = { address: c().withdrawalQueue, abi: withdrawalQueueAbi } as const;
    const finalized = await readContract(client(), { ...queue, functionName: "lastFinalizedRequestId" });
    const rate = await readContract(client(), {
      address: c().accounting,
      abi: accountingAbi,
      functionName: "shareRate",
    });
    const buffered = await readContract(client(), {
      address: c().token,
      abi: trETHAbi,
      functionName: "bufferedEther",
    });
    const available = buffered + report.withdrawalVaultAmount + report.elRewardsVaultAmount;
    let last = 0n;
    for (const e of events) {
      const id = e.args.requestId as bigint;
      if (id <= finalized) continue;
      const at = (await getBlock(client(), { blockNumber: e.blockNumber })).timestamp;
      if (at > refTime) break;
      const [eth] = await readContract(client(), {
        ...queue,
        functionName: "finalizationCost",
        args: [id, rate],
      });
      if (eth > available) break;
      last = id;
    }
    report.lastRequestIdToFinalize = last;
    await t.scenario.applyReport(report);
    return now();
  }

  async function finalizedAt(requestId: bigint): Promise<bigint> {
    const status = await readContract(client(), {
      address: c().withdrawalQueue,
      abi: withdrawalQueueAbi,
      functionName: "getRequestStatus",
      args: [requestId],
    });
    return status.finalized ? status.finalizedAt : 0n;
  }

  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(3);
    for (const w of [alice(), bob()]) await t.scenario.fund(w.account.address, parseEther("1000"));
    // The whale's stake funded the three validators: its trETH is not in the buffer (which holds
    // the 32 ETH seed and the operators' 12 ETH of bonds).
    const whale = t.local.wallet(DEV_ROLES.firstUser);
    const hash = await whale.writeContract({
      address: c().token,
      abi: trETHAbi,
      functionName: "transfer",
      args: [bob().account.address, parseEther("90")],
      chain: undefined,
    });
    await t.local.gasOf(hash);
    // The first report covers minutes since deployment: no rewards.
    await honestReport(undefined, true);
    await honestReport();
  });
  after(() => t?.stop());

  it("a request the buffer covers: finalized by the next report, within the range", async () => {
    await send(alice(), "stake", [alice().account.address], parseEther("5"));
    const id = await request(alice(), parseEther("1"));
    const estimate = await estimateWaitingTime(client(), { requestId: id, deployment: t.deployment });
    assert.equal(estimate.finalized, false, "not finalized yet");
    assert.equal(estimate.exitsNeeded, false, `no exits: ${JSON.stringify(estimate.basis, null, 1)}`);
    assert.ok(estimate.minSeconds > 0 && estimate.minSeconds <= estimate.maxSeconds, "a range");
    assert.ok(estimate.maxSeconds <= 2 * 86_400, `at most two frames: ${estimate.maxSeconds}`);
    let applied = 0n;
    for (let frame = 0; frame < 4 && applied === 0n; frame++) {
      const at = await honestReport();
      if ((await finalizedAt(id)) !== 0n) applied = at;
    }
    assert.ok(applied > 0n, "finalized within four frames");
    assert.ok(
      BigInt(estimate.earliest) <= applied && applied <= BigInt(estimate.latest),
      `applied at ${applied}, estimated ${estimate.earliest}-${estimate.latest}`,
    );
  });

  it("an already finalized request: finalized, wait 0, claimable", async () => {
    const estimate = await estimateWaitingTime(client(), { requestId: 1n, deployment: t.deployment });
    assert.equal(estimate.finalized, true, "finalized");
    assert.equal(estimate.maxSeconds, 0, "no wait");
    assert.ok(estimate.claimable > parseEther("0.99"), `claimable ${estimate.claimable}`);
    assert.equal(estimate.basis[0]?.part, "finalized", "the basis says so");
  });

  it("a request larger than the buffer and the vault needs exits; finalized once their ETH is reported", async () => {
    const id = await request(bob(), parseEther("85"));
    const before = await now();
    const estimate = await estimateWaitingTime(client(), { requestId: id, deployment: t.deployment });
    assert.equal(estimate.exitsNeeded, true, `exits needed: ${JSON.stringify(estimate.basis, null, 1)}`);
    const next = estimate.basis.find((p) => p.part === "next report");
    assert.ok(next, "the next report is in the basis");
    // The next report's reference slot time is at most one frame away; exits take > 27 hours.
    assert.ok(
      estimate.minSeconds > 86_400,
      `earliest after the next report: ${estimate.minSeconds} ${JSON.stringify(estimate.basis, null, 1)}`,
    );
    for (const part of [
      "operator exit deadline",
      "beacon exit queue",
      "withdrawability delay",
      "withdrawal sweep",
    ]) {
      assert.ok(
        estimate.basis.some((p) => p.part === part),
        `basis names ${part}`,
      );
    }
    const sum = estimate.basis.reduce((s, p) => s + p.seconds, 0);
    assert.equal(sum, estimate.maxSeconds, "the parts add up to the latest bound");

    // The next report names the exits; the validators exit at once and their 32 ETH each reach
    // the vault before the reference slot of the report after the next (as early as the beacon
    // chain allows: 5 + 256 epochs, about 28 hours).
    await honestReport();
    assert.equal(await finalizedAt(id), 0n, "not finalized by the next report");
    await honestReport();
    const whale = t.local.wallet(DEV_ROLES.firstUser);
    await t.local.gasOf(
      await whale.sendTransaction({ to: c().withdrawalVault, value: 2n * EXITED, chain: undefined }),
    );
    let applied = 0n;
    for (let frame = 0; frame < 3 && applied === 0n; frame++) {
      const at = await honestReport((r) => {
        if (frame !== 0) return;
        r.clBalance -= 2n * EXITED;
        r.withdrawalVaultAmount += 2n * EXITED;
        r.exitedValidators = 2n;
        r.operatorChanges = [0n, 1n].map((operatorId) => ({
          operatorId,
          exitedValidators: 1n,
          withdrawnValidators: 1n,
          loss: 0n,
        }));
      });
      if ((await finalizedAt(id)) !== 0n) applied = at;
    }
    assert.ok(applied > 0n, "finalized once the exited ETH was reported");
    assert.ok(
      BigInt(estimate.earliest) <= applied && applied <= BigInt(estimate.latest),
      `applied ${applied - before} s after the request, estimated ${estimate.minSeconds}-${estimate.maxSeconds} s`,
    );
  });

  it("an amount not yet requested, in ETH or in trETH", async () => {
    const small = await estimateWaitingTime(client(), {
      amount: parseEther("0.1"),
      deployment: t.deployment,
    });
    assert.equal(small.exitsNeeded, false, "0.1 ETH: the buffer covers it");
    assert.ok(small.maxSeconds <= 2 * 86_400, `within two frames: ${small.maxSeconds}`);
    const large = await estimateWaitingTime(client(), {
      amount: parseEther("60"),
      unit: "shares",
      deployment: t.deployment,
    });
    assert.equal(large.exitsNeeded, true, "60 trETH: exits needed");
    assert.ok(large.minSeconds > small.maxSeconds, "later than a small amount");
    assert.match(large.basis[0]?.detail ?? "", /trETH at convertToAssets/, "the unit is stated");
    assert.match(
      large.basis.find((p) => p.part === "beacon chain")?.detail ?? "",
      /No beacon node given: mainnet spec/,
      "says it used the mainnet spec",
    );
  });

  it("refuses bad input before sending anything", async () => {
    await assert.rejects(estimateWaitingTime(client(), { requestId: 0n, deployment: t.deployment }), {
      name: "InvalidArgumentError",
    });
    await assert.rejects(estimateWaitingTime(client(), { amount: 0n, deployment: t.deployment }), {
      name: "InvalidArgumentError",
    });
    await assert.rejects(estimateWaitingTime(client(), { requestId: 999n, deployment: t.deployment }), {
      name: "InvalidArgumentError",
    });
  });
});
