/**
 * The beacon side of the waiting-time estimate against a stub Beacon API server (node:http) that
 * answers standard-shaped responses, with figures computed by hand from the spec.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { beaconReader } from "./beacon.js";
import { beaconExits } from "./beaconExits.js";
import { FAR_FUTURE_EPOCH } from "./exitQueue.js";
import { solvePath, type WaitingTimeInputs } from "./waitingTime.js";

const ETH = 10n ** 18n;
const GWEI_PER_ETH = 10n ** 9n;
const G = 1_600_000_000n; // beacon genesis, Unix seconds
const EPOCH = 384n; // 32 slots x 12 s
const HEAD_EPOCH = 1_000n;
const NOW = G + HEAD_EPOCH * EPOCH + 100n;
const FAR = FAR_FUTURE_EPOCH.toString();
const SPEC = {
  SECONDS_PER_SLOT: "12",
  SLOTS_PER_EPOCH: "32",
  MAX_SEED_LOOKAHEAD: "4",
  MIN_VALIDATOR_WITHDRAWABILITY_DELAY: "256",
  MAX_WITHDRAWALS_PER_PAYLOAD: "16",
  MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP: "16384",
  MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA: "128000000000",
  MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT: "256000000000",
  CHURN_LIMIT_QUOTIENT: "65536",
  EFFECTIVE_BALANCE_INCREMENT: "1000000000",
  SHARD_COMMITTEE_PERIOD: "256",
};

interface V {
  status: string;
  balance: bigint; // gwei
  effective: bigint; // gwei
  activation?: bigint;
  exit?: bigint;
  withdrawable?: bigint;
}

const pubkeyOf = (i: number) => `0x${i.toString(16).padStart(96, "0")}`;

/** A stub node over a registry of `size` validators described by `at(index)`. */
function stubNode(size: number, at: (i: number) => V, options: { post: boolean }) {
  const log: string[] = [];
  const json = (i: number) => {
    const v = at(i);
    return {
      index: String(i),
      balance: String(v.balance),
      status: v.status,
      validator: {
        pubkey: pubkeyOf(i),
        withdrawal_credentials: `0x01${"0".repeat(62)}`,
        effective_balance: String(v.effective),
        slashed: v.status.endsWith("_slashed"),
        activation_eligibility_epoch: "0",
        activation_epoch: String(v.activation ?? 0n),
        exit_epoch: v.exit === undefined ? FAR : String(v.exit),
        withdrawable_epoch: v.withdrawable === undefined ? FAR : String(v.withdrawable),
      },
    };
  };
  const select = (ids: string[] | undefined, statuses: string[]) => {
    const indices =
      ids === undefined
        ? Array.from({ length: size }, (_, i) => i)
        : ids
            .map((id) => (id.startsWith("0x") ? Number.parseInt(id, 16) : Number(id)))
            .filter((i) => i < size);
    return indices.filter((i) => statuses.length === 0 || statuses.includes(at(i).status)).map(json);
  };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://stub");
    let body = "";
    for await (const chunk of req) body += chunk;
    log.push(`${req.method} ${url.pathname}${url.search ? "?" : ""}${body ? " body" : ""}`);
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status === 200 ? { data } : { code: status, message: String(data) }));
    };
    if (url.pathname === "/eth/v1/beacon/genesis") return send(200, { genesis_time: String(G) });
    if (url.pathname === "/eth/v1/config/spec") return send(200, SPEC);
    if (url.pathname === "/eth/v1/beacon/headers/head") {
      return send(200, {
        root: "0x00",
        header: { message: { slot: String(HEAD_EPOCH * 32n), state_root: "0x00" } },
      });
    }
    if (url.pathname !== `/eth/v1/beacon/states/${HEAD_EPOCH * 32n}/validators`) return send(404, "no route");
    let ids: string[] | undefined;
    let statuses: string[] = [];
    if (req.method === "POST") {
      if (!options.post) return send(405, "method not allowed");
      const parsed = JSON.parse(body || "{}") as { ids?: string[]; statuses?: string[] };
      ids = parsed.ids;
      statuses = parsed.statuses ?? [];
    } else {
      const id = url.searchParams.get("id");
      ids = id === null ? undefined : id.split(",");
      statuses = url.searchParams.get("status")?.split(",") ?? [];
      if ((ids?.length ?? 0) > 64) return send(400, "more than 64 ids");
    }
    // A mainnet-sized node would answer megabytes: the reader must not ask for the whole active set.
    if (ids === undefined && size > 10_000 && statuses.some((s) => s.startsWith("active_ongoing"))) {
      return send(400, "whole active set asked of a large registry");
    }
    return send(200, select(ids, statuses));
  });
  return { server, log };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const E32 = 32n * GWEI_PER_ETH;
const E2048 = 2_048n * GWEI_PER_ETH;
/** The registry of 5,000: compounding validators of 2,048 ETH, and the specials below. */
const SPECIALS: Record<number, V> = {
  // the protocol's
  100: {
    status: "active_exiting",
    balance: 32_001_000_000n,
    effective: E32,
    exit: 1_010n,
    withdrawable: 1_266n,
  },
  101: { status: "withdrawal_possible", balance: E32, effective: E32, exit: 700n, withdrawable: 956n },
  102: { status: "withdrawal_done", balance: 0n, effective: 0n, exit: 600n, withdrawable: 856n },
  103: { status: "active_ongoing", balance: E32, effective: E32, activation: 500n },
  104: { status: "active_ongoing", balance: E32, effective: E32, activation: 900n },
  105: { status: "pending_initialized", balance: E32, effective: E32, activation: FAR_FUTURE_EPOCH },
  // others already in the exit queue
  200: { status: "active_exiting", balance: E2048, effective: E2048, exit: 1_020n, withdrawable: 1_276n },
  201: { status: "active_exiting", balance: E32, effective: E32, exit: 1_025n, withdrawable: 1_281n },
  202: { status: "active_slashed", balance: E32, effective: E32, exit: 1_025n, withdrawable: 9_192n },
};
const small = (i: number): V => SPECIALS[i] ?? { status: "active_ongoing", balance: E2048, effective: E2048 };
const OURS = [100, 101, 102, 103, 104, 105, 9_999].map(pubkeyOf); // 9,999: not on the chain
const NAMED = { count: 2n, setAt: G + 950n * EPOCH, deadline: NOW + 345_600n };
const CHAIN = { genesisTime: G, secondsPerSlot: 12n };

describe("beaconExits (stub Beacon API server)", () => {
  const nodes: Server[] = [];
  after(() => {
    for (const server of nodes) server.close();
  });
  async function run(size: number, at: (i: number) => V, post = true) {
    const stub = stubNode(size, at, { post });
    nodes.push(stub.server);
    const url = await listen(stub.server);
    const result = await beaconExits({
      beacon: beaconReader(url),
      beaconUrl: url,
      now: NOW,
      pubkeys: OURS,
      exitDeadline: 345_600n,
      named: NAMED,
      chain: CHAIN,
    });
    return { ...result, log: stub.log };
  }

  let small5000: Awaited<ReturnType<typeof run>>;
  before(async () => {
    small5000 = await run(5_000, small);
  });

  it("computes the churn from the exact active balance of a small registry", () => {
    // Active: 5,000 minus 101, 102, 105 = 4,997; five of them 32 ETH, 4,992 of 2,048 ETH:
    // 4,992 x 2,048 + 5 x 32 = 10,223,776 ETH; / 65,536 = 156.0024 ETH, floored to 156 ETH.
    assert.equal(small5000.exits.churn, 156n * GWEI_PER_ETH, "churn");
    assert.match(
      small5000.detail,
      /Active balance 10223776 ETH over 4997 active validators \(exact/,
      "method",
    );
    assert.match(small5000.detail, /Registry of 5000 validators/, "registry size probed");
  });

  it("reads the exit queue from the exiting validators only", () => {
    // Exiting after epoch 1,000: 100 (1,010), 200 (1,020), 201 and 202 (1,025, 32 ETH each).
    assert.deepEqual(
      small5000.exits.queue,
      { earliestExitEpoch: 1_025n, exitBalanceToConsume: (156n - 64n) * GWEI_PER_ETH },
      "queue",
    );
  });

  it("sizes the sweep from the active count and the registry", () => {
    // max(ceil(4,997 / 16), ceil(5,000 / 16,384)) = max(313, 1).
    assert.equal(small5000.exits.sweepSlots, 313n, "sweep slots");
  });

  it("counts the protocol's exiting validators, the named ones still to exit, and who can exit when", () => {
    const e = small5000.inFlight;
    assert.equal(e.length, 3, "100 exiting, 101 withdrawable, 1 named still to exit");
    const [v100, v101, named] = e;
    assert.equal(v100?.amount, 32_001_000_000n * GWEI_PER_ETH, "100: its balance");
    assert.equal(v100?.earliest, G + 1_266n * EPOCH, "100: withdrawable epoch");
    assert.equal(v100?.latest, G + 1_266n * EPOCH + 313n * 12n, "100: plus a sweep cycle");
    assert.equal(v101?.earliest, NOW, "101: withdrawable already");
    assert.equal(v101?.latest, NOW + 313n * 12n, "101: within a sweep cycle");
    // Named 2; exits since epoch 950 + 5: only 100 -> 1 to come, 32 ETH. Earliest: initiated now
    // (epoch 1,000) behind the queue at 1,025 with 92 ETH left -> exit 1,025, withdrawable 1,281.
    // Latest: at the deadline, epoch 1,900 -> exit 1,905, withdrawable 2,161, plus the sweep.
    assert.equal(named?.amount, 32n * ETH, "named: one validator");
    assert.equal(named?.earliest, G + 1_281n * EPOCH, "named: earliest");
    assert.equal(named?.latest, G + 2_161n * EPOCH + 313n * 12n, "named: latest");
    // 103 (exitable from 1,000) is taken as the named one; 104 exits from 900 + 256 = 1,156.
    assert.equal(small5000.exits.available, 1n, "available");
    assert.deepEqual(small5000.exits.exitableEpochs, [1_156n], "exitable epochs");
    assert.match(small5000.detail, /7 deposited, 6 on the beacon chain \(1 pending_initialized/, "statuses");
    assert.match(small5000.detail, /1 deposited keys are not on the beacon chain/, "unknown key");
  });

  it("makes a plan wait for SHARD_COMMITTEE_PERIOD on the earliest path", () => {
    const inputs: WaitingTimeInputs = {
      now: NOW,
      schedule: {
        slotsPerEpoch: 32n,
        secondsPerSlot: 12n,
        genesisTime: G,
        initialEpoch: 0n,
        epochsPerFrame: 225n,
        lastProcessedRefSlot: 0n,
      },
      requestSlot: (NOW - G) / 12n + 1n,
      need: 300n * ETH,
      bufferMin: 0n,
      bufferMax: 0n,
      vault: 0n,
      skimWei: 0n,
      skimSeconds: 0n,
      inFlight: small5000.inFlight,
      exits: small5000.exits,
    };
    const early = solvePath(inputs, "earliest");
    // First report: reference slot 1,125 x 32 - 1, before epoch 1,156: the exit waits for 104.
    assert.equal(early.first.refSlot, 1_125n * 32n - 1n, "first report");
    assert.equal(early.plan?.wanted, 7n, "ceil((300 - 96.001) / 32)");
    assert.equal(early.plan?.validators, 1n, "one can exit");
    assert.equal(early.plan?.initiatedAt, G + 1_156n * EPOCH, "initiated when 104 may exit");
    // 1,156 + 5 = 1,161 is past the queue's 1,025: exit 1,161, withdrawable 1,417.
    assert.equal(early.plan?.exitEpoch, 1_161n, "exit epoch");
    assert.equal(early.plan?.arrival, G + 1_417n * EPOCH, "arrival");
    const late = solvePath(inputs, "latest");
    assert.equal(late.plan?.initiatedAt, (late.plan?.namedAt ?? 0n) + 345_600n, "latest: the deadline");
  });

  it("reads with POST and never asks a large registry for its whole active set", async () => {
    // 1,000,000 validators: 0-399,999 withdrawn, the rest active at 32 ETH.
    const big = await run(1_000_000, (i) =>
      i < 400_000
        ? { status: "withdrawal_done", balance: 0n, effective: 0n, exit: 10n, withdrawable: 266n }
        : { status: "active_ongoing", balance: E32, effective: E32 },
    );
    // Sample of 512 at (2k + 1) x 1,000,000 / 1,024: k >= 205 are active, 307 of them:
    // 307 x 32 x 1,000,000 / 512 = 19,187,500 ETH, above 16,777,216: the 256 ETH cap.
    assert.equal(big.exits.churn, 256n * GWEI_PER_ETH, "churn at its cap");
    assert.match(
      big.detail,
      /Active balance 19187500 ETH over 599609 active validators \(estimated from 512/,
      "method",
    );
    // max(ceil(599,609 / 16), ceil(1,000,000 / 16,384)) = 37,476.
    assert.equal(big.exits.sweepSlots, 37_476n, "sweep slots");
    assert.ok(big.log.length <= 10, `few requests (${big.log.length}: ${big.log.join("; ")})`);
    assert.ok(
      big.log.every((line) => !line.startsWith("GET /eth/v1/beacon/states")),
      "validators read with POST",
    );
  });

  it("falls back to GET with 64 ids a request when the node has no POST route", async () => {
    const get = await run(5_000, small, false);
    assert.equal(get.exits.churn, small5000.exits.churn, "same churn");
    assert.deepEqual(get.exits.queue, small5000.exits.queue, "same queue");
    assert.deepEqual(get.inFlight, small5000.inFlight, "same exits under way");
    assert.ok(
      get.log.some((l) => l.startsWith("GET /eth/v1/beacon/states/32000/validators?")),
      "GET used",
    );
  });
});
