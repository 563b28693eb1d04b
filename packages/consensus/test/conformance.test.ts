/**
 * Conformance of every served Beacon API route with the official beacon-APIs types, read through Lodestar 1.46's
 * typed client (`@lodestar/api`): each response is decoded with the spec's SSZ/JSON types and its metadata codec
 * (JSON bodies and `application/octet-stream` bodies with their `Eth-Consensus-Version` header), and the raw JSON
 * envelope is checked key by key against the response schema of the route. Values are cross-checked where
 * two routes must agree (duties and lookahead, headers and events, committees and sync aggregates, rewards).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiClient, getClient, routes, WireFormat } from "@lodestar/api";
import {
  EFFECTIVE_BALANCE_INCREMENT,
  SLOTS_PER_EPOCH,
  SYNC_COMMITTEE_SIZE,
  SYNC_COMMITTEE_SUBNET_COUNT,
} from "@lodestar/params";
import { type fulu, ssz } from "@lodestar/types";
import { startTestNode, type TestNode } from "./helpers/node.js";

const EventType = routes.events.EventType;
/** Head of the test chain: six full epochs and a few slots, so that finality has moved several times. */
const HEAD_SLOT = 6 * SLOTS_PER_EPOCH + 5;
/** Offline during epoch 3, so that its attestation penalties show up. */
const OFFLINE_VALIDATOR = 7;
/** Its proposer is offline for that slot, so that the chain has an empty slot among the recent ones. */
const EMPTY_SLOT = 5 * SLOTS_PER_EPOCH + 10;
const UINT = /^\d+$/;
const INT = /^-?\d+$/;

type Json = Record<string, unknown>;

/** Route-level keys of each response schema (beyond `data`): the spec lists them, no more and no fewer. */
const WITH_FINALIZED = ["data", "execution_optimistic", "finalized"];
const WITH_VERSION = ["data", "execution_optimistic", "finalized", "version"];

/** Operations this file checks; a route served but missing here fails "covers every route this node serves". */
const COVERED_OPERATIONS = new Set([
  "getGenesis",
  "getStateRoot",
  "getStateFork",
  "getStateFinalityCheckpoints",
  "getStateValidator",
  "getStateValidators",
  "postStateValidators",
  "getStateValidatorBalances",
  "postStateValidatorBalances",
  "getEpochCommittees",
  "getEpochSyncCommittees",
  "getPendingDeposits",
  "getPendingPartialWithdrawals",
  "getPendingConsolidations",
  "getProposerLookahead",
  "getBlockHeader",
  "getBlockHeaders",
  "getBlockRoot",
  "getBlockV2",
  "getBlockRewards",
  "getAttestationsRewards",
  "getSyncCommitteeRewards",
  "getPoolVoluntaryExits",
  "submitPoolVoluntaryExit",
  "getSpec",
  "getDepositContract",
  "getForkSchedule",
  "getStateV2",
  "getSyncingStatus",
  "getHealth",
  "getNodeVersion",
  "getNodeVersionV2",
  "getPeerCount",
  "prepareBeaconProposer",
  "getProposerDuties",
  "getProposerDutiesV2",
  "eventstream",
]);

describe("Beacon API conformance (beacon-APIs types through @lodestar/api 1.46)", () => {
  let t: TestNode;
  let base: string;
  let api: ApiClient;
  /** Slots without a block (OFFLINE_VALIDATOR's proposals in epoch 3). */
  let emptySlots: number[];

  const getJson = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { headers });
    const text = await response.text();
    let body: Json = {};
    try {
      body = JSON.parse(text) as Json;
    } catch {
      // SSE or SSZ bodies: left to the caller
    }
    return { status: response.status, headers: response.headers, body };
  };
  const postJson = async (path: string, payload: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const assertEnvelope = (body: Json, keys: string[], what: string) =>
    assert.deepEqual(Object.keys(body).sort(), [...keys].sort(), `${what}: top-level keys of the response`);
  const assertError = (res: { status: number; body: Json }, status: number, what: string) => {
    assert.equal(res.status, status, `${what}: status`);
    assert.equal(res.body.code, status, `${what}: error body code`);
    assert.equal(typeof res.body.message, "string", `${what}: error body message`);
  };

  before(async () => {
    t = await startTestNode();
    await t.node.advanceTo(3 * SLOTS_PER_EPOCH - 1);
    t.node.chain.offline.setOffline([OFFLINE_VALIDATOR], true);
    await t.node.advanceTo(4 * SLOTS_PER_EPOCH - 1);
    t.node.chain.offline.setOffline([OFFLINE_VALIDATOR], false);
    await t.node.advanceTo(EMPTY_SLOT - 1);
    const proposer = t.node.chain.head.epochCtx.getBeaconProposer(EMPTY_SLOT);
    t.node.chain.offline.setOffline([proposer], true);
    await t.node.advanceTo(EMPTY_SLOT);
    t.node.chain.offline.setOffline([proposer], false);
    await t.node.advanceTo(HEAD_SLOT);
    base = t.node.apiUrl ?? "";
    api = getClient({ baseUrl: base }, { config: t.node.chain.config });
    emptySlots = [];
    for (let slot = 1; slot <= HEAD_SLOT; slot++) {
      if (t.node.chain.history.blockAtSlot(slot) === undefined) emptySlots.push(slot);
    }
    assert.ok(emptySlots.includes(EMPTY_SLOT), `slot ${EMPTY_SLOT} is empty (its proposer was offline)`);
  });
  after(async () => {
    await t?.node.stop();
  });

  /** State ids every state route is read at: names, slots around an epoch boundary, an empty slot, roots. */
  const stateIds = async (): Promise<Array<string | number>> => {
    const mid = (await api.beacon.getBlockHeader({ blockId: 5 * SLOTS_PER_EPOCH + 3 })).value();
    const first = (await api.beacon.getBlockHeader({ blockId: 5 * SLOTS_PER_EPOCH })).value();
    return [
      "head",
      "genesis",
      "finalized",
      "justified",
      HEAD_SLOT - 1,
      5 * SLOTS_PER_EPOCH - 1, // last slot of an epoch
      5 * SLOTS_PER_EPOCH, // first slot of an epoch
      5 * SLOTS_PER_EPOCH + 1,
      EMPTY_SLOT, // a slot without a block
      toHex(mid.header.message.stateRoot),
      toHex(first.header.message.stateRoot), // the post-state root of an epoch's first slot
    ];
  };

  it("state routes decode for head, genesis, finalized, justified, slots, epoch boundaries and roots", async () => {
    for (const stateId of await stateIds()) {
      const at = `state ${stateId}`;
      const root = await api.beacon.getStateRoot({ stateId });
      assert.ok(root.ok, `${at}: root ${root.status}`);
      const rootValue = root.value();
      assert.equal(rootValue.root.length, 32, `${at}: root length`);
      assert.equal(root.meta().executionOptimistic, false, `${at}: execution_optimistic`);

      assert.ok((await api.beacon.getStateFork({ stateId })).value().currentVersion, `${at}: fork`);
      const checkpoints = (await api.beacon.getStateFinalityCheckpoints({ stateId })).value();
      assert.ok(
        checkpoints.finalized.epoch <= checkpoints.currentJustified.epoch,
        `${at}: checkpoints order`,
      );
      const validators = (await api.beacon.getStateValidators({ stateId, validatorIds: [0, 63] })).value();
      assert.equal(validators.length, 2, `${at}: two validators`);
      const balances = (await api.beacon.getStateValidatorBalances({ stateId })).value();
      assert.equal(balances.length, 64, `${at}: balances`);

      const deposits = await api.beacon.getPendingDeposits({ stateId });
      assert.deepEqual(deposits.value(), [], `${at}: pending deposits (none on this chain)`);
      assert.equal(deposits.meta().version, "fulu", `${at}: pending deposits version`);
      assert.deepEqual(
        (await api.beacon.getPendingPartialWithdrawals({ stateId })).value(),
        [],
        `${at}: ppw`,
      );
      assert.deepEqual((await api.beacon.getPendingConsolidations({ stateId })).value(), [], `${at}: pc`);
      const lookahead = (await api.beacon.getProposerLookahead({ stateId })).value();
      assert.equal(lookahead.length, 2 * SLOTS_PER_EPOCH, `${at}: lookahead covers two epochs`);

      const committees = (await api.beacon.getEpochCommittees({ stateId })).value();
      assert.equal(committees.length, SLOTS_PER_EPOCH, `${at}: one committee per slot at 64 validators`);
      const members = committees.flatMap((c) => c.validators).sort((a, b) => a - b);
      assert.deepEqual(members, [...Array(64).keys()], `${at}: every active validator once per epoch`);
      const sync = (await api.beacon.getEpochSyncCommittees({ stateId })).value();
      assert.equal(sync.validators.length, SYNC_COMMITTEE_SIZE, `${at}: sync committee size`);
      assert.equal(sync.validatorAggregates.length, SYNC_COMMITTEE_SUBNET_COUNT, `${at}: sync subnets`);
      assert.deepEqual(
        sync.validatorAggregates.flat(),
        sync.validators,
        `${at}: subnets partition the committee`,
      );

      for (const [path, keys] of [
        ["root", WITH_FINALIZED],
        ["fork", WITH_FINALIZED],
        ["finality_checkpoints", WITH_FINALIZED],
        ["validators?id=0", WITH_FINALIZED],
        ["validator_balances?id=0", WITH_FINALIZED],
        ["committees", WITH_FINALIZED],
        ["sync_committees", WITH_FINALIZED],
        ["pending_deposits", WITH_VERSION],
        ["pending_partial_withdrawals", WITH_VERSION],
        ["pending_consolidations", WITH_VERSION],
        ["proposer_lookahead", WITH_VERSION],
      ] as const) {
        const res = await getJson(`/eth/v1/beacon/states/${stateId}/${path}`);
        assert.equal(res.status, 200, `${at}/${path}: status`);
        assertEnvelope(res.body, [...keys], `${at}/${path}`);
        assert.equal(typeof res.body.finalized, "boolean", `${at}/${path}: finalized is a boolean`);
        if (keys === WITH_VERSION) {
          assert.equal(res.body.version, "fulu", `${at}/${path}: version`);
          assert.equal(res.headers.get("eth-consensus-version"), "fulu", `${at}/${path}: version header`);
        }
      }
    }
    const lookahead = await getJson("/eth/v1/beacon/states/head/proposer_lookahead");
    assert.ok(
      (lookahead.body.data as unknown[]).every((v) => typeof v === "string" && UINT.test(v)),
      "lookahead entries are uint64 strings",
    );
  });

  it("block routes decode for head, genesis, finalized, justified, slots, epoch boundaries and roots", async () => {
    const head = (await api.beacon.getBlockHeader({ blockId: "head" })).value();
    const headRoot = `0x${Buffer.from(head.root).toString("hex")}`;
    const recent = [
      "head",
      headRoot,
      HEAD_SLOT - 1,
      5 * SLOTS_PER_EPOCH,
      5 * SLOTS_PER_EPOCH + 1,
      5 * SLOTS_PER_EPOCH - 1,
    ].filter((id) => typeof id !== "number" || !emptySlots.includes(id));
    for (const blockId of [...recent, "genesis", "finalized", "justified", 1, SLOTS_PER_EPOCH]) {
      const at = `block ${blockId}`;
      const header = await api.beacon.getBlockHeader({ blockId });
      assert.ok(header.ok, `${at}: header ${header.status}`);
      const { root } = (await api.beacon.getBlockRoot({ blockId })).value();
      assert.deepEqual(root, header.value().root, `${at}: root and header agree`);
      const json = await getJson(`/eth/v1/beacon/headers/${blockId}`);
      assertEnvelope(json.body, WITH_FINALIZED, `${at}: header envelope`);
    }
    // Full blocks are kept for the whole header window, genesis included.
    for (const blockId of ["genesis", "finalized", "justified", 1, SLOTS_PER_EPOCH]) {
      const block = await api.beacon.getBlockV2({ blockId });
      assert.ok(block.ok, `block ${blockId}: ${block.status}`);
      const header = (await api.beacon.getBlockHeader({ blockId })).value();
      assert.deepEqual(
        ssz.fulu.BeaconBlock.hashTreeRoot(block.value().message as fulu.BeaconBlock),
        header.root,
        `block ${blockId}: the block hashes to its header's root`,
      );
    }
    for (const blockId of recent) {
      const at = `block ${blockId}`;
      const block = await api.beacon.getBlockV2({ blockId });
      assert.ok(block.ok, `${at}: block ${block.status}`);
      assert.equal(block.meta().version, "fulu", `${at}: version`);
      const json = await getJson(`/eth/v2/beacon/blocks/${blockId}`);
      assertEnvelope(json.body, WITH_VERSION, `${at}: block envelope`);

      const rewards = await api.beacon.getBlockRewards({ blockId });
      assert.ok(rewards.ok, `${at}: rewards ${rewards.status} ${await rewardsError(blockId)}`);
      const r = rewards.value();
      assert.equal(
        r.total,
        r.attestations + r.syncAggregate + r.proposerSlashings + r.attesterSlashings,
        `${at}: total is the sum of its parts`,
      );
      assert.equal(r.proposerIndex, block.value().message.proposerIndex, `${at}: rewarded proposer`);
      assert.ok(r.attestations > 0, `${at}: the block's attestations pay its proposer`);
      assertEnvelope((await getJson(`/eth/v1/beacon/rewards/blocks/${blockId}`)).body, WITH_FINALIZED, at);

      const sync = (await api.beacon.getSyncCommitteeRewards({ blockId })).value();
      const bits = (block.value().message as fulu.BeaconBlock).body.syncAggregate.syncCommitteeBits;
      const participants = bits.getTrueBitIndexes().length;
      assert.ok(
        sync.length > 0 && sync.length <= SYNC_COMMITTEE_SIZE,
        `${at}: one entry per distinct member`,
      );
      if (participants === SYNC_COMMITTEE_SIZE) {
        assert.ok(
          sync.every((s) => s.reward > 0),
          `${at}: a full sync aggregate rewards every member`,
        );
      }
    }
  });

  /** `get_block_root_at_slot`: the root of the latest block at or before `slot`, read through the API. */
  async function blockRootAtOrBefore(slot: number): Promise<string> {
    for (let s = slot; s >= 0; s--) {
      const header = await api.beacon.getBlockHeader({ blockId: s });
      if (header.ok) return toHex(header.value().root);
    }
    throw new Error(`no block at or before slot ${slot}`);
  }

  async function rewardsError(blockId: string | number): Promise<string> {
    return JSON.stringify((await getJson(`/eth/v1/beacon/rewards/blocks/${blockId}`)).body);
  }

  it("the other served routes decode, with their envelopes", async () => {
    const genesis = await api.beacon.getGenesis();
    assert.equal(genesis.value().genesisTime, t.node.chain.genesisTime, "genesis time");
    assertEnvelope((await getJson("/eth/v1/beacon/genesis")).body, ["data"], "genesis");

    const one = (await api.beacon.getStateValidator({ stateId: "head", validatorId: 3 })).value();
    assert.equal(one.index, 3, "one validator");
    assertEnvelope(
      (await getJson("/eth/v1/beacon/states/head/validators/3")).body,
      WITH_FINALIZED,
      "validator",
    );
    const posted = (
      await api.beacon.postStateValidators({
        stateId: "head",
        validatorIds: [1, 2],
        statuses: ["active_ongoing"],
      })
    ).value();
    assert.deepEqual(
      posted.map((v) => v.index),
      [1, 2],
      "POST validators",
    );
    const postedBalances = (
      await api.beacon.postStateValidatorBalances({ stateId: "head", validatorIds: [4] })
    ).value();
    assert.deepEqual(
      postedBalances.map((b) => b.index),
      [4],
      "POST balances",
    );
    const headers = (await api.beacon.getBlockHeaders({})).value();
    assert.equal(headers.length, 1, "headers without filters: the head");
    const bySlot = (await api.beacon.getBlockHeaders({ slot: HEAD_SLOT - 1 })).value();
    assert.equal(bySlot[0]?.header.message.slot, HEAD_SLOT - 1, "headers by slot");
    const byParent = (
      await api.beacon.getBlockHeaders({ parentRoot: toHex(bySlot[0]?.root ?? new Uint8Array()) })
    ).value();
    assert.equal(byParent[0]?.header.message.slot, HEAD_SLOT, "headers by parent root");
    assertEnvelope((await getJson("/eth/v1/beacon/headers")).body, WITH_FINALIZED, "headers");
    assert.deepEqual((await api.beacon.getPoolVoluntaryExits()).value(), [], "empty exit pool");
    assertEnvelope((await getJson("/eth/v1/beacon/pool/voluntary_exits")).body, ["data"], "exit pool");

    const spec = await getJson("/eth/v1/config/spec");
    assertEnvelope(spec.body, ["data"], "spec");
    // Values are strings; BLOB_SCHEDULE is the one list (of objects of strings), as clients serve it.
    const isStringObject = (v: unknown) =>
      typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");
    for (const [key, value] of Object.entries(spec.body.data as Json)) {
      const ok = typeof value === "string" || (Array.isArray(value) && value.every(isStringObject));
      assert.ok(ok, `spec value ${key} is a string or a list of string objects`);
    }
    assert.equal((await api.config.getDepositContract()).value().chainId, 31337, "deposit contract");
    assertEnvelope((await getJson("/eth/v1/config/deposit_contract")).body, ["data"], "deposit contract");
    // Read as JSON: Lodestar 1.46's client cannot decode a fork at FAR_FUTURE_EPOCH (2^64-1 > MAX_SAFE_INTEGER).
    const schedule = await getJson("/eth/v1/config/fork_schedule");
    assertEnvelope(schedule.body, ["data"], "fork schedule");
    const forks = schedule.body.data as Json[];
    assert.ok(forks.length >= 1, "fork schedule entries");
    for (const fork of forks) {
      assert.deepEqual(
        Object.keys(fork).sort(),
        ["current_version", "epoch", "previous_version"],
        "Fork keys",
      );
      assert.match(String(fork.previous_version), /^0x[0-9a-f]{8}$/, "previous_version is a 4-byte version");
      assert.match(String(fork.current_version), /^0x[0-9a-f]{8}$/, "current_version is a 4-byte version");
      assert.match(String(fork.epoch), UINT, "epoch is a uint64 string");
      assert.ok(BigInt(String(fork.epoch)) < 2n ** 64n, "epoch fits in uint64");
    }

    assert.equal((await api.node.getSyncingStatus()).value().headSlot, HEAD_SLOT, "syncing head slot");
    assertEnvelope((await getJson("/eth/v1/node/syncing")).body, ["data"], "syncing");
    assert.equal((await api.node.getHealth()).status, 200, "health");
    assert.match((await api.node.getNodeVersion()).value().version, /Tributary/, "version v1");
    assert.equal((await api.node.getPeerCount()).value().connected, 0, "peer count");
    assertEnvelope((await getJson("/eth/v1/node/peer_count")).body, ["data"], "peer count");

    const prepared = await api.validator.prepareBeaconProposer({
      proposers: [{ validatorIndex: 9, feeRecipient: "0x00000000000000000000000000000000000000aa" }],
    });
    assert.equal(prepared.status, 200, "prepare_beacon_proposer");
  });

  it("covers every route this node serves", async () => {
    const config = t.node.chain.config;
    const namespaces = [
      routes.beacon,
      routes.config,
      routes.debug,
      routes.node,
      routes.validator,
      routes.events,
    ];
    const served: string[] = [];
    for (const namespace of namespaces) {
      const definitions = namespace.getDefinitions(config) as Record<string, { url: string; method: string }>;
      for (const [operationId, { url, method }] of Object.entries(definitions)) {
        const path = url
          .replace("{state_id}", "head")
          .replace("{block_id}", "head")
          .replace("{epoch}", "6")
          .replace(/\{[a-z_]+\}/g, "0");
        const query = operationId === "eventstream" ? "?topics=nonsense" : "";
        const response = await fetch(`${base}${path}${query}`, {
          method,
          headers: method === "POST" ? { "content-type": "application/json" } : {},
          body: method === "POST" ? "[]" : undefined,
        });
        await response.body?.cancel();
        if (response.status !== 501) served.push(operationId);
      }
    }
    const uncovered = served.filter((operationId) => !COVERED_OPERATIONS.has(operationId));
    assert.deepEqual(uncovered, [], "every served route has a conformance check here");
    assert.ok(served.length >= COVERED_OPERATIONS.size - 1, `served: ${served.join(", ")}`);
  });

  it("SSZ responses decode for the announced fork", async () => {
    const sszState = await api.debug.getStateV2({ stateId: "head" }, { responseWireFormat: WireFormat.ssz });
    assert.equal(sszState.meta().version, "fulu", "debug state version header");
    const state = ssz.fulu.BeaconState.deserialize(sszState.ssz());
    const root = (await api.beacon.getStateRoot({ stateId: "head" })).value().root;
    assert.deepEqual(
      ssz.fulu.BeaconState.hashTreeRoot(state),
      root,
      "SSZ state hashes to the head state root",
    );

    const block = await api.beacon.getBlockV2({ blockId: "head" }, { responseWireFormat: WireFormat.ssz });
    assert.equal(block.meta().version, "fulu", "block version header");
    const signed = ssz.fulu.SignedBeaconBlock.deserialize(block.ssz());
    const header = (await api.beacon.getBlockHeader({ blockId: "head" })).value();
    assert.deepEqual(
      ssz.fulu.BeaconBlock.hashTreeRoot(signed.message),
      header.root,
      "SSZ block hashes to its root",
    );

    for (const [name, call, type] of [
      [
        "pending_deposits",
        () => api.beacon.getPendingDeposits({ stateId: "head" }, { responseWireFormat: WireFormat.ssz }),
        ssz.electra.PendingDeposits,
      ],
      [
        "pending_partial_withdrawals",
        () =>
          api.beacon.getPendingPartialWithdrawals(
            { stateId: "head" },
            { responseWireFormat: WireFormat.ssz },
          ),
        ssz.electra.PendingPartialWithdrawals,
      ],
      [
        "pending_consolidations",
        () =>
          api.beacon.getPendingConsolidations({ stateId: "head" }, { responseWireFormat: WireFormat.ssz }),
        ssz.electra.PendingConsolidations,
      ],
      [
        "proposer_lookahead",
        () => api.beacon.getProposerLookahead({ stateId: "head" }, { responseWireFormat: WireFormat.ssz }),
        ssz.fulu.ProposerLookahead,
      ],
    ] as const) {
      const res = await call();
      assert.equal(res.wireFormat(), WireFormat.ssz, `${name}: answered in SSZ`);
      assert.equal(res.meta().version, "fulu", `${name}: Eth-Consensus-Version`);
      const bytes = res.ssz();
      const decoded = (type as { deserialize(b: Uint8Array): unknown }).deserialize(bytes);
      assert.deepEqual(decoded, res.value(), `${name}: SSZ bytes decode to the typed value`);
    }
    const lookahead = (await api.beacon.getProposerLookahead({ stateId: "head" })).value();
    assert.deepEqual(
      lookahead,
      Array.from(state.proposerLookahead),
      "lookahead route equals the SSZ state's field",
    );
  });

  it("negotiates content types as the spec says (406 for what a route cannot produce)", async () => {
    const ssz = await fetch(`${base}/eth/v1/beacon/states/head/proposer_lookahead`, {
      headers: { accept: "application/json;q=0.5,application/octet-stream;q=1" },
    });
    assert.equal(ssz.headers.get("content-type"), "application/octet-stream", "q-values prefer SSZ");
    assert.equal((await ssz.arrayBuffer()).byteLength, 2 * SLOTS_PER_EPOCH * 8, "lookahead SSZ length");
    const json = await getJson("/eth/v1/beacon/states/head/proposer_lookahead", {
      accept: "application/json",
    });
    assert.match(json.headers.get("content-type") ?? "", /^application\/json/, "JSON when asked");
    const any = await getJson("/eth/v1/beacon/states/head/pending_deposits", { accept: "*/*" });
    assert.match(any.headers.get("content-type") ?? "", /^application\/json/, "JSON for */*");

    const jsonOnly = await getJson("/eth/v1/beacon/states/head/committees", {
      accept: "application/octet-stream",
    });
    assertError(jsonOnly, 406, "committees are JSON only");
    const html = await getJson("/eth/v1/beacon/states/head/root", { accept: "text/html" });
    assertError(html, 406, "an unsupported media type");
    const version = await getJson("/eth/v2/node/version", { accept: "application/octet-stream" });
    assertError(version, 406, "node version is JSON only");
    const events = await getJson("/eth/v1/events?topics=head", { accept: "application/json" });
    assertError(events, 406, "the event stream is text/event-stream only");
  });

  it("proposer duties agree with the lookahead and with the blocks produced", async () => {
    const currentEpoch = Math.floor(HEAD_SLOT / SLOTS_PER_EPOCH);
    const lookahead = (await api.beacon.getProposerLookahead({ stateId: "head" })).value();
    for (const epoch of [currentEpoch, currentEpoch + 1]) {
      const res = await api.validator.getProposerDuties({ epoch });
      const duties = res.value();
      const offset = (epoch - currentEpoch) * SLOTS_PER_EPOCH;
      assert.deepEqual(
        duties.map((d) => d.validatorIndex),
        lookahead.slice(offset, offset + SLOTS_PER_EPOCH),
        `epoch ${epoch}: duties equal the lookahead`,
      );
      assert.deepEqual(
        duties.map((d) => d.slot),
        Array.from({ length: SLOTS_PER_EPOCH }, (_, i) => epoch * SLOTS_PER_EPOCH + i),
        `epoch ${epoch}: one duty per slot`,
      );
      const expectedDependent = await blockRootAtOrBefore(Math.min(HEAD_SLOT, epoch * SLOTS_PER_EPOCH - 1));
      assert.equal(res.meta().dependentRoot, expectedDependent, `epoch ${epoch}: dependent root`);
      const json = await getJson(`/eth/v1/validator/duties/proposer/${epoch}`);
      assertEnvelope(
        json.body,
        ["data", "dependent_root", "execution_optimistic"],
        `epoch ${epoch}: envelope`,
      );
      const v2 = await getJson(`/eth/v2/validator/duties/proposer/${epoch}`);
      assertEnvelope(
        v2.body,
        ["data", "dependent_root", "execution_optimistic"],
        `epoch ${epoch}: v2 envelope`,
      );
    }
    for (const epoch of [2, 5]) {
      const duties = (await api.validator.getProposerDuties({ epoch })).value();
      for (const duty of duties) {
        if (emptySlots.includes(duty.slot)) continue;
        const header = (await api.beacon.getBlockHeader({ blockId: duty.slot })).value();
        assert.equal(header.header.message.proposerIndex, duty.validatorIndex, `slot ${duty.slot}: proposer`);
      }
      const pubkeys = (
        await api.beacon.getStateValidators({
          stateId: "head",
          validatorIds: [duties[0]?.validatorIndex ?? 0],
        })
      ).value();
      assert.deepEqual(duties[0]?.pubkey, pubkeys[0]?.validator.pubkey, `epoch ${epoch}: duty pubkey`);
    }
  });

  it("committees filter by epoch, slot and index, and sync committees by epoch", async () => {
    const slot = 6 * SLOTS_PER_EPOCH + 2;
    const bySlot = (await api.beacon.getEpochCommittees({ stateId: "head", slot })).value();
    assert.deepEqual(
      bySlot.map((c) => [c.slot, c.index]),
      [[slot, 0]],
      "one committee at the slot",
    );
    const byIndex = (await api.beacon.getEpochCommittees({ stateId: "head", index: 0 })).value();
    assert.equal(byIndex.length, SLOTS_PER_EPOCH, "index 0 in every slot");
    const next = (await api.beacon.getEpochCommittees({ stateId: "head", epoch: 7 })).value();
    assert.equal(next[0]?.slot, 7 * SLOTS_PER_EPOCH, "next epoch's committees");
    const previous = (await api.beacon.getEpochCommittees({ stateId: "head", epoch: 5 })).value();
    const attestation = (await api.beacon.getBlockV2({ blockId: 5 * SLOTS_PER_EPOCH + 4 })).value().message
      .body.attestations[0];
    assert.ok(attestation, "a block with an attestation");
    const committee = previous.find((c) => c.slot === attestation.data.slot);
    assert.equal(
      attestation.aggregationBits.bitLen,
      committee?.validators.length,
      "the committee route sizes the aggregation bits of an included attestation",
    );
    const sync = (await api.beacon.getEpochSyncCommittees({ stateId: "head", epoch: 7 })).value();
    assert.equal(
      sync.validators.length,
      SYNC_COMMITTEE_SIZE,
      "sync committee of a later epoch in the period",
    );
  });

  it("attestation rewards: ideal per effective balance, penalties for the offline validator", async () => {
    const res = await api.beacon.getAttestationsRewards({ epoch: 3 });
    const { idealRewards, totalRewards } = res.value();
    assertEnvelope(
      (await postJson("/eth/v1/beacon/rewards/attestations/3", [])).body,
      WITH_FINALIZED,
      "envelope",
    );
    assert.equal(totalRewards.length, 64, "every validator");
    const ideal32 = idealRewards.find((r) => r.effectiveBalance === 32 * EFFECTIVE_BALANCE_INCREMENT);
    assert.ok(
      ideal32 && ideal32.source > 0 && ideal32.target > 0 && ideal32.head > 0,
      "ideal rewards at 32 ETH",
    );
    const offline = totalRewards.find((r) => r.validatorIndex === OFFLINE_VALIDATOR);
    assert.ok(offline && offline.source < 0 && offline.target < 0, "the offline validator is penalised");
    const online = totalRewards.find((r) => r.validatorIndex === 0);
    assert.equal(online?.source, ideal32?.source, "an online validator earns the ideal source reward");
    assert.equal(online?.target, ideal32?.target, "an online validator earns the ideal target reward");

    const filtered = (
      await api.beacon.getAttestationsRewards({ epoch: 3, validatorIds: [0, OFFLINE_VALIDATOR] })
    )
      .value()
      .totalRewards.map((r) => r.validatorIndex);
    assert.deepEqual(filtered, [0, OFFLINE_VALIDATOR], "filtered by index");
    const pubkey = (await api.beacon.getStateValidator({ stateId: "head", validatorId: 5 })).value().validator
      .pubkey;
    const byPubkey = await postJson("/eth/v1/beacon/rewards/attestations/3", [toHex(pubkey)]);
    assert.deepEqual(
      (byPubkey.body.data as { total_rewards: Array<{ validator_index: string }> }).total_rewards.map(
        (r) => r.validator_index,
      ),
      ["5"],
      "filtered by pubkey",
    );
    const raw = await postJson("/eth/v1/beacon/rewards/attestations/3", [String(OFFLINE_VALIDATOR)]);
    const entry = (raw.body.data as { total_rewards: Json[] }).total_rewards[0] ?? {};
    assert.deepEqual(
      Object.keys(entry).sort(),
      ["head", "inactivity", "inclusion_delay", "source", "target", "validator_index"].sort(),
      "reward entry keys",
    );
    assert.ok(
      Object.values(entry).every((v) => typeof v === "string" && INT.test(v)),
      "int64 strings",
    );
    const unknown = (await api.beacon.getAttestationsRewards({ epoch: 3, validatorIds: [9999] })).value();
    assert.deepEqual(unknown.totalRewards, [], "an unknown validator filters everything out");
  });

  it("streams head, block and finalized_checkpoint events as the spec's payloads", async () => {
    const controller = new AbortController();
    const received: routes.events.BeaconEvent[] = [];
    const errors: Error[] = [];
    const subscribers = t.node.events.subscriberCount;
    await api.events.eventstream({
      topics: [EventType.head, EventType.block, EventType.finalizedCheckpoint],
      signal: controller.signal,
      onEvent: (event) => received.push(event),
      onError: (error) => errors.push(error),
    });
    await waitFor(() => t.node.events.subscriberCount > subscribers, "the stream subscribes");
    const from = t.node.chain.processedSlot + 1;
    const to = 8 * SLOTS_PER_EPOCH + 1;
    const finalizedBefore = t.node.chain.head.finalizedCheckpoint.epoch;
    await t.node.advanceTo(to);
    await waitFor(
      () => received.some((e) => e.type === EventType.head && e.message.slot === to),
      "the last head",
    );
    controller.abort();
    assert.deepEqual(errors, [], "no stream errors");
    await waitFor(() => t.node.events.subscriberCount === subscribers, "the closed stream unsubscribes");

    const blocks = received.filter((e) => e.type === EventType.block);
    const heads = received.filter((e) => e.type === EventType.head);
    const produced = [];
    for (let slot = from; slot <= to; slot++) {
      if (t.node.chain.history.blockAtSlot(slot)) produced.push(slot);
    }
    assert.deepEqual(
      blocks.map((e) => e.message.slot),
      produced,
      "one block event per block, in order",
    );
    assert.equal(heads.length, blocks.length, "one head event per block");
    for (const event of heads) {
      if (event.type !== EventType.head) continue;
      const header = (await api.beacon.getBlockHeader({ blockId: event.message.slot })).value();
      assert.equal(event.message.block, toHex(header.root), `head ${event.message.slot}: block root`);
      assert.equal(
        event.message.state,
        toHex(header.header.message.stateRoot),
        `head ${event.message.slot}: state root`,
      );
      const epoch = Math.floor(event.message.slot / SLOTS_PER_EPOCH);
      assert.equal(
        event.message.currentDutyDependentRoot,
        await blockRootAtOrBefore(epoch * SLOTS_PER_EPOCH - 1),
        `head ${event.message.slot}: current duty dependent root`,
      );
      assert.equal(
        event.message.previousDutyDependentRoot,
        await blockRootAtOrBefore((epoch - 1) * SLOTS_PER_EPOCH - 1),
        `head ${event.message.slot}: previous duty dependent root`,
      );
    }
    const transitions = heads.filter((e) => e.type === EventType.head && e.message.epochTransition);
    assert.ok(transitions.length >= 2, "epoch transitions flagged");
    const finalized = received.filter((e) => e.type === EventType.finalizedCheckpoint);
    const finalizedAfter = t.node.chain.head.finalizedCheckpoint.epoch;
    assert.ok(finalizedAfter > finalizedBefore, "finality moved during the stream");
    assert.equal(
      finalized.at(-1)?.message.epoch,
      finalizedAfter,
      "the last finalized_checkpoint is the chain's",
    );
    const checkpoint = (await api.beacon.getStateFinalityCheckpoints({ stateId: "head" })).value().finalized;
    assert.equal(
      (finalized.at(-1)?.message as { block: string } | undefined)?.block,
      toHex(checkpoint.root),
      "finalized_checkpoint block is the checkpoint root",
    );
    const finalizedState = (await api.beacon.getStateRoot({ stateId: "finalized" })).value().root;
    assert.equal(
      (finalized.at(-1)?.message as { state: string } | undefined)?.state,
      toHex(finalizedState),
      "finalized_checkpoint state is the state the finalized state id names",
    );

    const raw = await fetch(`${base}/eth/v1/events?topics=head`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(raw.status, 200, "raw stream status");
    assert.equal(raw.headers.get("content-type"), "text/event-stream", "raw stream content type");
    await raw.body?.cancel();
  });

  it("answers malformed input with the spec's status codes and error bodies", async () => {
    const cases: Array<[string, number, string]> = [
      ["/eth/v1/events", 400, "events without topics"],
      ["/eth/v1/events?topics=head,nonsense", 400, "an unknown topic"],
      ["/eth/v1/beacon/states/head/committees?epoch=abc", 400, "a non-numeric epoch"],
      ["/eth/v1/beacon/states/head/committees?epoch=99", 400, "an epoch the state cannot know"],
      [
        `/eth/v1/beacon/states/head/committees?epoch=6&slot=${7 * SLOTS_PER_EPOCH}`,
        400,
        "a slot outside the epoch",
      ],
      ["/eth/v1/beacon/states/head/committees?index=5", 400, "a committee index past the count"],
      ["/eth/v1/beacon/states/head/committees?slot=-1", 400, "a negative slot"],
      ["/eth/v1/beacon/states/head/sync_committees?epoch=99999", 400, "a sync period the state cannot know"],
      ["/eth/v1/beacon/states/nonsense/pending_deposits", 400, "a malformed state id"],
      ["/eth/v1/beacon/states/0x12/proposer_lookahead", 400, "a short state root"],
      [`/eth/v1/beacon/states/0x${"ab".repeat(32)}/pending_consolidations`, 404, "an unknown state root"],
      ["/eth/v1/beacon/states/99999999/pending_partial_withdrawals", 404, "a future slot"],
      ["/eth/v1/validator/duties/proposer/abc", 400, "a non-numeric duty epoch"],
      ["/eth/v1/validator/duties/proposer/-2", 400, "a negative duty epoch"],
      ["/eth/v1/validator/duties/proposer/99", 400, "a duty epoch too far ahead"],
      ["/eth/v1/validator/duties/proposer/18446744073709551615", 400, "a uint64 max duty epoch"],
      ["/eth/v1/beacon/rewards/blocks/nonsense", 400, "a malformed block id"],
      ["/eth/v1/beacon/rewards/blocks/99999999", 404, "a block that does not exist"],
      [`/eth/v1/beacon/headers/${EMPTY_SLOT}`, 404, "the header of an empty slot"],
      [`/eth/v2/beacon/blocks/${EMPTY_SLOT}`, 404, "the block of an empty slot"],
      [`/eth/v1/beacon/rewards/blocks/${EMPTY_SLOT}`, 404, "the rewards of an empty slot"],
    ];
    for (const [path, status, what] of cases) assertError(await getJson(path), status, what);

    const posts: Array<[string, unknown, number, string]> = [
      ["/eth/v1/beacon/rewards/attestations/abc", [], 400, "a non-numeric rewards epoch"],
      ["/eth/v1/beacon/rewards/attestations/99", [], 404, "an epoch not yet rewarded"],
      ["/eth/v1/beacon/rewards/attestations/3", ["0x12"], 400, "a malformed pubkey"],
      ["/eth/v1/beacon/rewards/attestations/3", ["1x"], 400, "a malformed index"],
      ["/eth/v1/beacon/rewards/attestations/3", { id: 1 }, 400, "a body that is not an array"],
      ["/eth/v1/beacon/rewards/sync_committee/head", ["0x12"], 400, "a malformed sync rewards id"],
      ["/eth/v1/beacon/rewards/sync_committee/nonsense", [], 400, "a malformed sync rewards block id"],
      [
        "/eth/v1/beacon/pool/voluntary_exits",
        { message: { epoch: "0", validator_index: "1" }, signature: "0x00" },
        400,
        "a malformed voluntary exit",
      ],
    ];
    for (const [path, body, status, what] of posts) assertError(await postJson(path, body), status, what);

    const version = await getJson("/eth/v2/node/version");
    assert.equal(version.status, 200, "node version v2");
    assertEnvelope(version.body, ["data"], "node version v2 envelope");
    const beaconNode = (version.body.data as { beacon_node: Json }).beacon_node;
    assert.deepEqual(
      Object.keys(beaconNode).sort(),
      ["code", "commit", "name", "version"],
      "ClientVersionV1 keys",
    );
    assert.match(String(beaconNode.code), /^[A-Z]{2}$/, "two-letter client code");
    assert.match(String(beaconNode.commit), /^0x[0-9a-f]{8}$/, "four-byte commit");
    const typed = (await api.node.getNodeVersionV2()).value();
    assert.equal(typed.beaconNode.name, "Tributary", "typed node version v2");
  });

  // The error and resolution cases of the "Fix" list.
  describe("the issue's Fix cases", () => {
    it("states/{first slot of an epoch}/root equals its header's state_root", async () => {
      const slot = 5 * SLOTS_PER_EPOCH;
      const header = (await api.beacon.getBlockHeader({ blockId: slot })).value();
      const root = (await api.beacon.getStateRoot({ stateId: slot })).value().root;
      assert.deepEqual(root, header.header.message.stateRoot, "post-state root at an epoch's first slot");
    });
    it("a block's state_root used as a state id names the same state", async () => {
      const header = (await api.beacon.getBlockHeader({ blockId: 5 * SLOTS_PER_EPOCH })).value();
      const stateId = toHex(header.header.message.stateRoot);
      const root = (await api.beacon.getStateRoot({ stateId })).value().root;
      assert.equal(toHex(root), stateId, "state root round-trips");
    });
    it("block rewards of the block after an epoch's first slot", async () => {
      const rewards = await api.beacon.getBlockRewards({ blockId: 5 * SLOTS_PER_EPOCH + 1 });
      assert.ok(rewards.ok, `status ${rewards.status}`);
    });
    it("blocks/finalized and blocks/genesis are served", async () => {
      for (const blockId of ["finalized", "genesis"]) {
        const block = await api.beacon.getBlockV2({ blockId });
        assert.ok(block.ok, `${blockId}: status ${block.status}`);
      }
    });
    it("fork_schedule lists every fork and config/spec has the constants", async () => {
      const schedule = (await getJson("/eth/v1/config/fork_schedule")).body.data as Json[];
      assert.ok(schedule.length >= 7, "phase0 to Fulu");
      schedule.forEach((fork, i) => {
        if (i > 0) assert.equal(fork.previous_version, schedule[i - 1]?.current_version, `fork ${i} chains`);
      });
      const spec = await getJson("/eth/v1/config/spec");
      const data = spec.body.data as Record<string, string>;
      for (const key of [
        "DOMAIN_BEACON_PROPOSER",
        "BLS_WITHDRAWAL_PREFIX",
        "TARGET_AGGREGATORS_PER_COMMITTEE",
        "FAR_FUTURE_EPOCH",
      ]) {
        assert.ok(key in data, `config/spec has ${key}`);
      }
    });
    it("bad input gets 400/414/404/501", async () => {
      assertError(
        await getJson("/eth/v1/beacon/states/head/validators?status=bogus"),
        400,
        "bogus status filter",
      );
      assertError(await getJson("/eth/v1/beacon/headers?parent_root=0x12"), 400, "malformed parent_root");
      const ids = Array.from({ length: 65 }, (_, i) => i).join(",");
      assert.equal((await getJson(`/eth/v1/beacon/states/head/validators?id=${ids}`)).status, 414, "65 ids");
      assertError(
        await getJson("/eth/v1/beacon/states/head/validators/18446744073709551615"),
        404,
        "validator index 2^64-1",
      );
      assertError(await getJson("/eth/v1/beacon/light_client/finality_update"), 501, "light-client route");
      const fee = await postJson("/eth/v1/validator/prepare_beacon_proposer", [
        { validator_index: "1", fee_recipient: "0x12" },
      ]);
      assertError(fee, 400, "a malformed fee recipient");
    });
  });
});

function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/** Polls `condition` every 5 ms until it holds, failing after `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
