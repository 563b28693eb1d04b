import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getClient, WireFormat } from "@lodestar/api";
import { type fulu, ssz } from "@lodestar/types";
import { MAINNET_DEPOSIT_CONTRACT } from "../src/config.js";
import { startTestNode, type TestNode } from "./helpers/node.js";

describe("Beacon API", () => {
  let t: TestNode;
  let base: string;

  before(async () => {
    t = await startTestNode();
    await t.node.advanceTo(4 * 32 + 3);
    base = t.node.apiUrl ?? "";
  });
  after(async () => {
    await t.node.stop();
  });

  it("serves the chain to Lodestar's typed client", async () => {
    const api = getClient({ baseUrl: base }, { config: t.node.chain.config });
    const genesis = (await api.beacon.getGenesis()).value();
    assert.equal(genesis.genesisTime, t.node.chain.genesisTime, "genesis time");

    const header = (await api.beacon.getBlockHeader({ blockId: "head" })).value();
    assert.equal(header.header.message.slot, 4 * 32 + 3, "head slot");
    const block = (await api.beacon.getBlockV2({ blockId: "head" })).value() as fulu.SignedBeaconBlock;
    assert.ok(block.message.proposerIndex < 64, "a genesis validator proposed the head block");
    assert.equal(
      `0x${Buffer.from(block.message.body.executionPayload.feeRecipient).toString("hex")}`,
      "0x00000000000000000000000000000000000000fe",
      "a genesis validator that registered none is paid at --fee-recipient, as the README says",
    );
    const root = (await api.beacon.getBlockRoot({ blockId: 4 * 32 + 3 })).value();
    assert.deepEqual(root.root, header.root, "block root by slot equals head root");

    const checkpoints = (await api.beacon.getStateFinalityCheckpoints({ stateId: "head" })).value();
    assert.ok(checkpoints.finalized.epoch >= 2, "chain finalizes");

    const validators = (
      await api.beacon.getStateValidators({ stateId: "head", validatorIds: [0, 5] })
    ).value();
    assert.deepEqual(
      validators.map((v) => [v.index, v.status]),
      [
        [0, "active_ongoing"],
        [5, "active_ongoing"],
      ],
      "validators by index",
    );
    const pubkey = `0x${Buffer.from(validators[1]?.validator.pubkey ?? []).toString("hex")}`;
    const byPubkey = (await api.beacon.getStateValidator({ stateId: "head", validatorId: pubkey })).value();
    assert.equal(byPubkey.index, 5, "validator by pubkey");
    const active = (
      await api.beacon.postStateValidators({ stateId: "finalized", statuses: ["active_ongoing"] })
    ).value();
    assert.equal(active.length, 64, "validators by status at the finalized state");
    const balances = (await api.beacon.getStateValidatorBalances({ stateId: "head" })).value();
    assert.equal(balances.length, 64, "all balances");

    const stateRoot = (await api.beacon.getStateRoot({ stateId: "head" })).value();
    assert.deepEqual(stateRoot.root, header.header.message.stateRoot, "state root matches header");
    const state = (
      await api.debug.getStateV2({ stateId: "head" }, { responseWireFormat: WireFormat.ssz })
    ).ssz();
    assert.deepEqual(
      ssz.fulu.BeaconState.hashTreeRoot(ssz.fulu.BeaconState.deserialize(state)),
      stateRoot.root,
      "SSZ state",
    );

    const deposit = (await api.config.getDepositContract()).value();
    assert.equal(deposit.chainId, 31337, "deposit chain id");
    const syncing = (await api.node.getSyncingStatus()).value();
    assert.equal(syncing.isSyncing, false, "not syncing");
    const version = (await api.node.getNodeVersion()).value();
    assert.match(version.version, /Tributary/, "version");
  });

  it("serves plain HTTP clients", async () => {
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const fork = await get("/eth/v1/beacon/states/head/fork");
    assert.equal(fork.status, 200, "fork status");
    const spec = await get("/eth/v1/config/spec");
    assert.equal((spec.body.data as Record<string, string>).SLOTS_PER_EPOCH, "32", "mainnet preset");
    assert.equal((spec.body.data as Record<string, string>).FULU_FORK_EPOCH, "0", "Fulu at genesis");
    assert.equal(
      (spec.body.data as Record<string, string>).SHARD_COMMITTEE_PERIOD,
      "256",
      "mainnet timing by default",
    );
    const deposit = await get("/eth/v1/config/deposit_contract");
    assert.equal(
      (deposit.body.data as { address: string }).address.toLowerCase(),
      MAINNET_DEPOSIT_CONTRACT.toLowerCase(),
      "deposit contract address",
    );
    const many = await get("/eth/v1/beacon/states/head/validators?id=1,2&id=3&status=active_ongoing");
    assert.deepEqual(
      (many.body.data as Array<{ index: string }>).map((v) => v.index),
      ["1", "2", "3"],
      "comma lists and repeated ids",
    );
    const health = await fetch(`${base}/eth/v1/node/health`);
    assert.equal(health.status, 200, "health");
    const ssz = await fetch(`${base}/eth/v2/debug/beacon/states/head`, {
      headers: { accept: "application/octet-stream" },
    });
    assert.equal(ssz.headers.get("eth-consensus-version"), "fulu", "SSZ state version header");
    assert.ok((await ssz.arrayBuffer()).byteLength > 10_000, "SSZ state bytes");
  });

  it("lists every fork and the spec constants", async () => {
    const get = async (path: string) =>
      ((await (await fetch(`${base}${path}`)).json()) as { data: unknown }).data;
    const schedule = (await get("/eth/v1/config/fork_schedule")) as Array<Record<string, string>>;
    const config = t.node.chain.config;
    const names = ["phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu"] as const;
    assert.ok(schedule.length > names.length, "phase0 to Fulu and the forks after it");
    for (const [i, name] of names.entries()) {
      const fork = schedule[i];
      assert.equal(fork?.epoch, "0", `${name} at epoch 0`);
      assert.equal(
        fork?.current_version,
        `0x${Buffer.from(config.forks[name].version).toString("hex")}`,
        `${name} version`,
      );
      assert.equal(
        fork?.previous_version,
        i === 0 ? fork?.current_version : schedule[i - 1]?.current_version,
        `${name} previous_version chains`,
      );
    }
    for (let i = names.length; i < schedule.length; i++) {
      const fork = schedule[i];
      assert.equal(fork?.epoch, "18446744073709551615", `fork ${i} after Fulu at FAR_FUTURE_EPOCH`);
      assert.equal(fork?.previous_version, schedule[i - 1]?.current_version, `fork ${i} chains`);
      assert.notEqual(
        fork?.current_version,
        schedule[i - 1]?.current_version,
        `fork ${i} has its own version`,
      );
    }

    const spec = (await get("/eth/v1/config/spec")) as Record<string, string>;
    const expected: Record<string, string> = {
      DOMAIN_BEACON_PROPOSER: "0x00000000",
      DOMAIN_BEACON_ATTESTER: "0x01000000",
      DOMAIN_RANDAO: "0x02000000",
      DOMAIN_DEPOSIT: "0x03000000",
      DOMAIN_VOLUNTARY_EXIT: "0x04000000",
      DOMAIN_SELECTION_PROOF: "0x05000000",
      DOMAIN_AGGREGATE_AND_PROOF: "0x06000000",
      DOMAIN_SYNC_COMMITTEE: "0x07000000",
      DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF: "0x08000000",
      DOMAIN_CONTRIBUTION_AND_PROOF: "0x09000000",
      DOMAIN_BLS_TO_EXECUTION_CHANGE: "0x0a000000",
      DOMAIN_APPLICATION_BUILDER: "0x00000001",
      BLS_WITHDRAWAL_PREFIX: "0x00",
      ETH1_ADDRESS_WITHDRAWAL_PREFIX: "0x01",
      COMPOUNDING_WITHDRAWAL_PREFIX: "0x02",
      TARGET_AGGREGATORS_PER_COMMITTEE: "16",
      TARGET_AGGREGATORS_PER_SYNC_SUBCOMMITTEE: "16",
      FAR_FUTURE_EPOCH: "18446744073709551615",
      GENESIS_SLOT: "0",
      DEPOSIT_CONTRACT_TREE_DEPTH: "32",
      UNSET_DEPOSIT_REQUESTS_START_INDEX: "18446744073709551615",
      FULL_EXIT_REQUEST_AMOUNT: "0",
      WEIGHT_DENOMINATOR: "64",
      SLOTS_PER_EPOCH: "32",
      FULU_FORK_EPOCH: "0",
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(spec[key], value, `spec ${key}`);
  });

  it("answers malformed requests with standard error bodies", async () => {
    const bad = await fetch(`${base}/eth/v1/beacon/states/nonsense/root`);
    assert.equal(bad.status, 400, "bad state id");
    assert.deepEqual(Object.keys((await bad.json()) as object).sort(), ["code", "message"], "error body");
    const missing = await fetch(`${base}/eth/v1/beacon/states/head/validators/999999`);
    assert.equal(missing.status, 404, "unknown validator");
    const future = await fetch(`${base}/eth/v1/beacon/states/99999999/root`);
    assert.equal(future.status, 404, "future state");
    const exit = await fetch(`${base}/eth/v1/beacon/pool/voluntary_exits`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: { epoch: "0", validator_index: "1" }, signature: "0x00" }),
    });
    assert.equal(exit.status, 400, "malformed exit");
    const unsigned = await fetch(`${base}/eth/v1/beacon/pool/voluntary_exits`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message: { epoch: "0", validator_index: "1" },
        signature: `0x${"00".repeat(96)}`,
      }),
    });
    assert.equal(unsigned.status, 400, "exit rejected (too early / bad signature)");
    const status = async (path: string) => (await fetch(`${base}${path}`)).status;
    assert.equal(
      await status("/eth/v1/beacon/states/head/validators?status=bogus"),
      400,
      "bogus status filter",
    );
    assert.equal(
      await status("/eth/v1/beacon/states/head/validators?status=active,withdrawal_done"),
      200,
      "general and specific statuses accepted",
    );
    const postBogus = await fetch(`${base}/eth/v1/beacon/states/head/validators`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ statuses: ["bogus"] }),
    });
    assert.equal(postBogus.status, 400, "bogus status filter (POST)");
    assert.equal(await status("/eth/v1/beacon/headers?parent_root=0x12"), 400, "malformed parent_root");
    const ids = Array.from({ length: 65 }, (_, i) => i).join(",");
    assert.equal(await status(`/eth/v1/beacon/states/head/validators?id=${ids}`), 414, "65 ids");
    assert.equal(
      await status(`/eth/v1/beacon/states/head/validator_balances?id=${ids}`),
      414,
      "65 balance ids",
    );
    assert.equal(
      await status(`/eth/v1/beacon/states/head/validators?id=${ids.split(",").slice(0, 64).join(",")}`),
      200,
      "64 ids",
    );
    const postMany = await fetch(`${base}/eth/v1/beacon/states/head/validators`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ids.split(",") }),
    });
    assert.equal(postMany.status, 200, "POST takes more than 64 ids");
    assert.equal(
      await status("/eth/v1/beacon/states/head/validators/18446744073709551615"),
      404,
      "validator index 2^64-1",
    );
    assert.equal(
      await status("/eth/v1/beacon/states/head/validators/18446744073709551616"),
      400,
      "validator index beyond uint64",
    );
    // Light-client routes are outside Lodestar's namespaces registered here: the /eth/ fallback answers.
    for (const path of [
      "/eth/v1/beacon/light_client/finality_update",
      "/eth/v1/beacon/light_client/optimistic_update",
    ]) {
      assert.equal(await status(path), 501, `${path} is not served: 501`);
    }
    const unknownRoute = await fetch(`${base}/eth/v1/nope`);
    assert.equal(unknownRoute.status, 501, "a Beacon API path this node does not serve is 501, never 404");
    const outside = await fetch(`${base}/nope`);
    assert.equal(outside.status, 404, "a path outside the Beacon API is 404");
  });
});
