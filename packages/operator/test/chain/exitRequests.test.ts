/**
 * Exit lists named by a real report on a local chain: the operator's status lists its pending
 * request with the deadline, the time left and the penalty, and the exit daemon reads the list
 * from the accounting module's events (up to the finalized block a Beacon API gives it).
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BeaconClient, ValidatorInfo } from "@tributary/daemon/beacon";
import { createLogger } from "@tributary/daemon/log";
import { JsonStore } from "@tributary/daemon/store";
import { accountingAbi } from "@tributary/sdk/abis";
import { keccak256, type PublicClient } from "viem";
import { fakeKey } from "../../../../contracts/lib/scenario.js";
import { startTestProtocol, type TestProtocol } from "../../../sdk/test/harness.js";
import {
  ExitDaemon,
  ExitMetrics,
  type ExitState,
  encodeExitList,
  getOperatorStatus,
  initialExitState,
  PresignedExitSource,
  parseExitState,
} from "../../src/index.js";

describe("exit requests named by a report", () => {
  let t: TestProtocol;
  let operatorId: bigint;
  const key = () => fakeKey(Number(operatorId));
  let deadline: number;
  before(async () => {
    t = await startTestProtocol();
    await t.scenario.addOperators(1);
    operatorId = 0n;
    const data = encodeExitList([{ operatorId: 0, keyIndex: 0, targetExited: 1, pubkey: key().pubkey }]);
    const refSlot = await t.scenario.nextFrame();
    const report = await t.scenario.typicalReport(refSlot, 0n, true);
    await t.scenario.applyReport({ ...report, exitRequestsHash: keccak256(data), exitRequestsCount: 1n });
    const hash = await t.local.wallet(7).writeContract({
      address: t.deployment.contracts.accounting,
      abi: accountingAbi,
      functionName: "publishExitRequests",
      args: [data],
      chain: undefined,
    });
    await t.local.gasOf(hash);
    const [, listDeadline] = await t.local.publicClient.readContract({
      address: t.deployment.contracts.accounting,
      abi: accountingAbi,
      functionName: "exitRequests",
    });
    deadline = Number(listDeadline);
  });
  after(() => t?.stop());

  it("status lists the request with its deadline, the time left and the penalty for missing it", async () => {
    const status = await getOperatorStatus(t.local.publicClient, { deployment: t.deployment, operatorId });
    assert.equal(status.exitRequests.length, 1, "one pending request");
    const [request] = status.exitRequests;
    assert.equal(request?.pubkey, key().pubkey.toLowerCase(), "the key");
    assert.equal(request?.deadline, deadline, "the list's deadline");
    assert.equal(request?.secondsLeft, deadline - status.now, "time left against the chain's time");
    assert.ok((request?.secondsLeft ?? 0) > 0, "not missed");
    assert.equal(status.missedExitPenalty, 10n ** 18n, "the penalty from the accounting limits");
    assert.ok(status.exitDeadlineSeconds > 0, "the deadline length");
  });

  it("the exit daemon reads the list from finalized blocks and keeps the operator's entry with its deadline", async () => {
    const latest = Number(await t.local.publicClient.getBlockNumber({ cacheTime: 0 }));
    const validator: ValidatorInfo = {
      index: 5,
      balanceGwei: 32e9,
      status: "pending_queued",
      pubkey: key().pubkey.toLowerCase() as `0x${string}`,
      withdrawalCredentials: `0x01${"00".repeat(31)}`,
      effectiveBalanceGwei: 32e9,
      slashed: false,
      activationEligibilityEpoch: Number.POSITIVE_INFINITY,
      activationEpoch: Number.POSITIVE_INFINITY,
      exitEpoch: Number.POSITIVE_INFINITY,
      withdrawableEpoch: Number.POSITIVE_INFINITY,
    };
    // A Beacon API that says the latest execution block is finalized.
    const beacon = {
      genesis: async () => ({
        genesisTime: 0,
        genesisValidatorsRoot: `0x${"11".repeat(32)}`,
        genesisForkVersion: "0x00000000",
      }),
      spec: async () => ({
        secondsPerSlot: 12,
        slotsPerEpoch: 32,
        raw: { SHARD_COMMITTEE_PERIOD: "256", CAPELLA_FORK_VERSION: "0x03000000" },
      }),
      block: async () => ({ executionPayload: { blockNumber: latest } }),
      header: async () => ({ slot: 320 }),
      validators: async () => [validator],
      submitVoluntaryExit: async () => assert.fail("nothing may be posted for a pending validator"),
    } as unknown as BeaconClient;
    const dir = mkdtempSync(join(tmpdir(), "exit-scan-"));
    const store = new JsonStore<ExitState>({
      file: join(dir, "state.json"),
      version: 1,
      initial: () => initialExitState(Number(t.deployment.blockNumber)),
      validate: parseExitState,
    });
    const daemon = new ExitDaemon(
      { operatorId: 0, deployment: t.deployment, maxBlockRange: 7 },
      {
        beacon,
        publicClient: t.local.publicClient as PublicClient,
        source: new PresignedExitSource(dir),
        store,
        logger: createLogger({ level: "error", sink: () => {} }),
        metrics: new ExitMetrics({ defaultMetrics: false }),
      },
    );
    const result = await daemon.tick();
    assert.equal(result.finalizedBlock, latest, "scanned to the finalized block");
    assert.equal(result.pending, 1, "one pending exit");
    assert.equal(result.blocked[0]?.reason, "not_active", "not active yet: named, not posted");
    const saved = await store.load();
    const entry = Object.values(saved.exits)[0];
    assert.equal(entry?.deadline, deadline, "the deadline from ExitRequestsSet");
    assert.equal(saved.scannedBlock, latest, "the scan position saved");
  });
});
