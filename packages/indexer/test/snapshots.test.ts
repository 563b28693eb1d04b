/**
 * Validator snapshots at each report's reference slot. Unit test with a STUB Beacon API (a small
 * HTTP server answering the standard validators route): the chain is real (anvil, the real
 * deployment), the beacon node is not. The devnet runs the indexer against the embedded consensus
 * layer's real Beacon API (`npm start`).
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { BeaconClient } from "@tributary/daemon/beacon";
import { createApi } from "../src/api/app.js";
import type { Database } from "../src/db.js";
import { IndexerMetrics } from "../src/metrics.js";
import { activity, mine, startTestProtocol, type TestProtocol } from "./helpers/chain.js";
import { Databases, indexerFor } from "./helpers/index.js";

const FAR = "18446744073709551615";

describe("validator snapshots (stub Beacon API)", () => {
  let t: TestProtocol;
  const databases = new Databases("pglite");
  let database: Database;
  let server: Server;
  const asked: string[] = [];
  let missingSlot = "";
  const metrics = new IndexerMetrics();

  before(async () => {
    t = await startTestProtocol();
    await activity(t, 0);
    await mine(t, 70);
    await activity(t, 1);
    // The first report's state is "pruned" (404); later ones show the validator active.
    server = createServer((req, res) => {
      const match = /^\/eth\/v1\/beacon\/states\/(\d+)\/validators\?id=(.+)$/.exec(req.url ?? "");
      if (!match) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"code":404,"message":"no route"}');
        return;
      }
      const [, slot, ids] = match as unknown as [string, string, string];
      asked.push(slot);
      if (slot === missingSlot) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end('{"code":404,"message":"state not found"}');
        return;
      }
      const data = decodeURIComponent(ids)
        .split(",")
        .map((pubkey, i) => ({
          index: String(7 + i),
          balance: "32001000000",
          status: "active_ongoing",
          validator: {
            pubkey,
            withdrawal_credentials: `0x01${"00".repeat(11)}${t.deployment.contracts.withdrawalVault.slice(2).toLowerCase()}`,
            effective_balance: "32000000000",
            slashed: false,
            activation_eligibility_epoch: "0",
            activation_epoch: "1",
            exit_epoch: FAR,
            withdrawable_epoch: FAR,
          },
        }));
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ execution_optimistic: false, finalized: true, data }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    server?.close();
    await databases.close();
    await t?.stop();
  });

  test("each report records the protocol's validators at its reference slot; a pruned state is counted, not fatal", async () => {
    database = await databases.fresh();
    const logs = await t.local.publicClient.getContractEvents({
      address: t.deployment.contracts.accounting,
      abi: t.scenario.abis.accounting,
      eventName: "ReportApplied",
      fromBlock: 0n,
    });
    const slots = logs.map((l) => String((l as unknown as { args: { refSlot: bigint } }).args.refSlot));
    assert.equal(slots.length, 2);
    missingSlot = slots[0] as string;
    const beacon = new BeaconClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 5_000,
      attempts: 1,
    });
    await indexerFor(t, database, { beacon, metrics }).sync();
    assert.deepEqual([...new Set(asked)], slots, "asked at each report's reference slot");
    const rows = await database.query<{
      ref_slot: string;
      operator_id: number;
      validator_index: number;
      status: string;
      balance_gwei: string;
    }>(
      "select ref_slot::text, operator_id, validator_index, status, balance_gwei::text from validator_snapshots",
    );
    assert.equal(rows.length, 1, "one validator, at the second report only");
    assert.deepEqual(rows[0], {
      ref_slot: slots[1],
      operator_id: 0,
      validator_index: 7,
      status: "active_ongoing",
      balance_gwei: "32001000000",
    });
    assert.match(await metrics.text(), /indexer_snapshots_missing_total 1/);
    const stats = (await (
      await createApi({ database, deployment: t.deployment }).request("/v1/stats")
    ).json()) as {
      validators: { byStatus: Record<string, number>; refSlot: string };
    };
    assert.deepEqual(stats.validators.byStatus, { active_ongoing: 1 });
    assert.equal(stats.validators.refSlot, slots[1]);
    // The series has a point for the report whose state was read, none for the pruned one.
    const series = (await (
      await createApi({ database, deployment: t.deployment }).request("/v1/series/validators")
    ).json()) as { points: { t: number; value: number; byStatus: Record<string, number> }[] };
    assert.equal(series.points.length, 1);
    assert.deepEqual(series.points[0]?.byStatus, { active_ongoing: 1 });
    assert.equal(series.points[0]?.value, 1);
  });
});
