import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { BeaconClient } from "@tributary/daemon/beacon";
import { createRpc } from "@tributary/daemon/rpc";
import { register as globalRegistry } from "prom-client";
import { sendJson, TestServer } from "../../daemon/test/httpServer.js";
import { Metrics } from "../src/metrics.js";

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.stop();
});

const ORACLE_METRICS = [
  "oracle_last_reported_ref_slot",
  "oracle_last_computed_ref_slot",
  "oracle_report_compute_seconds",
  "oracle_beacon_requests_total",
  "oracle_beacon_request_errors_total",
  "oracle_rpc_requests_total",
  "oracle_rpc_request_errors_total",
  "oracle_votes_total",
  "oracle_submissions_total",
  "oracle_report_refusals_total",
  "oracle_disagreements_total",
  "oracle_account_balance_eth",
  "oracle_frame_lag_slots",
];

describe("metrics", () => {
  it("registers every metric in its own registry, names ending in their unit, with the default ones", async () => {
    const metrics = new Metrics();
    const text = await metrics.text();
    for (const name of ORACLE_METRICS)
      assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), `${name} exposed`);
    const names = [...text.matchAll(/^# TYPE (oracle_\w+) /gm)].map((m) => m[1] ?? "");
    for (const name of names) {
      assert.match(name, /_(total|seconds|slot|slots|eth|bytes)$/, `${name} ends in its unit`);
    }
    assert.match(text, /^process_cpu_seconds_total /m, "default process metrics");
    assert.equal(
      await globalRegistry.getSingleMetric("oracle_votes_total"),
      undefined,
      "not in the global registry",
    );
    const second = new Metrics({ defaultMetrics: false });
    assert.doesNotMatch(await second.text(), /process_cpu/, "a second instance, without default metrics");
    assert.match(metrics.contentType, /^text\/plain/, "the exposition's content type");
    assert.equal(
      sample(text, 'oracle_beacon_request_errors_total{reason="timeout"}'),
      0,
      "error reasons published at zero",
    );
  });

  it("counts beacon and JSON-RPC requests and errors by reason through the hooks", async () => {
    const beaconServer = await new TestServer((_request, response, attempt) => {
      if (attempt === 1) return sendJson(response, { code: 503, message: "busy" }, 503);
      sendJson(response, { data: { head_slot: "1", sync_distance: "0", is_syncing: false } });
    }).start();
    const rpcServer = await new TestServer((_request, response, attempt) => {
      if (attempt === 1) {
        response.writeHead(429);
        return response.end();
      }
      sendJson(response, { jsonrpc: "2.0", id: 0, result: "0x1" });
    }).start();
    servers.push(beaconServer, rpcServer);
    const metrics = new Metrics({ defaultMetrics: false });
    const beacon = new BeaconClient({
      url: beaconServer.url,
      hooks: metrics.beaconHooks,
      baseDelayMs: 1,
      maxDelayMs: 2,
    });
    await beacon.nodeSyncing();
    const rpc = createRpc({
      url: rpcServer.url,
      hooks: metrics.rpcHooks,
      baseDelayMs: 1,
      maxDelayMs: 2,
      batch: false,
    });
    await rpc.publicClient.getChainId();
    const text = await metrics.text();
    assert.equal(sample(text, "oracle_beacon_requests_total"), 2, "two beacon requests");
    assert.equal(sample(text, 'oracle_beacon_request_errors_total{reason="http_5xx"}'), 1, "one 503");
    assert.equal(sample(text, "oracle_rpc_requests_total"), 2, "two JSON-RPC calls");
    assert.equal(sample(text, 'oracle_rpc_request_errors_total{reason="http_429"}'), 1, "one 429");
  });

  it("records compute time, refusals, balance and slots", async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    assert.equal(await metrics.timeCompute(async () => 7), 7, "returns the result");
    await assert.rejects(
      metrics.timeCompute(async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    metrics.reportRefusals.inc({ error: "RefSlotAlreadyReported" });
    metrics.setBalanceWei(1_234_567_890_000_000_000n);
    metrics.lastComputedRefSlot.set(7199);
    metrics.frameLagSlots.set(0);
    metrics.votes.inc();
    const text = await metrics.text();
    assert.equal(sample(text, "oracle_report_compute_seconds_count"), 2, "both computations timed");
    assert.equal(
      sample(text, 'oracle_report_refusals_total{error="RefSlotAlreadyReported"}'),
      1,
      "refusal by name",
    );
    assert.equal(sample(text, "oracle_account_balance_eth"), 1.23456789, "balance in ETH");
    assert.equal(sample(text, "oracle_last_computed_ref_slot"), 7199, "ref slot");
    assert.equal(sample(text, "oracle_votes_total"), 1, "votes");
  });
});
