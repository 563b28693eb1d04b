/**
 * On the test network (anvil + the protocol + the embedded consensus layer, real BLS validators):
 * an operator registers, adds keys from a deposit data file (checked, in chunks, resumed), and the
 * exit daemon signs and posts the voluntary exit of a validator an exit list names, refusing it by
 * name while the validator is within the shard committee period; the Beacon API then shows it exiting.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BeaconClient } from "@tributary/daemon/beacon";
import { createLogger } from "@tributary/daemon/log";
import { JsonStore } from "@tributary/daemon/store";
import { getOperator, registerOperator } from "@tributary/sdk";
import { parseEther } from "viem";
import { startTestNetwork, type TestNetwork } from "../../oracle/test/helpers/network.js";
import {
  ExitDaemon,
  ExitMetrics,
  type ExitState,
  encodeExitList,
  initialExitState,
  KeystoreExitSource,
  parseExitState,
  planAddKeys,
  sendAddKeys,
} from "../src/index.js";
import { createKeystores, formatKeystore, generateValidatorKeys, NETWORKS } from "../src/keys/index.js";
import { TEST_MNEMONIC } from "./helpers.js";

/** Anvil-funded development account, used by no role of the test network. */
const NEW_OPERATOR_ACCOUNT = 7;
const PASSWORD = "exit-daemon-test-password";
/** A cheap KDF: the test measures the daemon, not scrypt. */
const FAST_KDF = { function: "pbkdf2", c: 2 } as const;

describe("operator toolkit on the test network", { timeout: 600_000 }, () => {
  let net: TestNetwork;
  let beacon: BeaconClient;
  before(async () => {
    net = await startTestNetwork({ operators: 1, validatorsPerOperator: 1, logLevel: "silent" });
    beacon = new BeaconClient({ url: net.beaconUrl, attempts: 2, baseDelayMs: 10 });
  });
  after(() => net?.stop());

  it("registers an operator and adds the keys of a deposit data file in chunks; a re-run adds nothing twice", async () => {
    const wallet = net.wallet(NEW_OPERATOR_ACCOUNT);
    const manager = wallet.account.address;
    const hash = await registerOperator(wallet, {
      rewardAddress: manager,
      commissionBps: 500,
      bond: 0n,
      deployment: net.deployment,
    });
    await net.include(hash, "register");
    const operatorId = BigInt(net.operators.length);
    assert.equal(
      (await getOperator(net.publicClient, { operatorId, deployment: net.deployment })).manager,
      manager,
      "registered",
    );

    const { keys } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 3,
      withdrawalVault: net.vault,
      network: NETWORKS.devnet,
    });
    const depositData = JSON.stringify(keys.map((k) => k.depositData));
    const forkVersion = (await beacon.genesis()).genesisForkVersion;
    const plan = await planAddKeys(net.publicClient, {
      deployment: net.deployment,
      operatorId,
      depositData,
      forkVersion,
      autoBond: true,
    });
    assert.equal(plan.toAdd.length, 3, "three keys to add");
    assert.ok(plan.bond >= parseEther("12") - 10n, "the bond of three keys");
    // Two transactions (2 + 1 keys); each waits for its block, produced by the network.
    const sending = sendAddKeys(wallet, plan, { deployment: net.deployment, keysPerTransaction: 2 });
    let done = false;
    sending.finally(() => {
      done = true;
    });
    await net.advanceUntil(() => done, { maxSlots: 20, pauseMs: 50, what: "addKeys chunks" });
    const sent = await sending;
    assert.equal(sent.hashes.length, 2, "two chunks");
    const operator = await getOperator(net.publicClient, { operatorId, deployment: net.deployment });
    assert.equal(operator.keys.total, 3, "three keys in the registry");

    const again = await planAddKeys(net.publicClient, {
      deployment: net.deployment,
      operatorId,
      depositData,
      forkVersion,
      autoBond: true,
    });
    assert.equal(again.toAdd.length, 0, "a re-run has nothing to add");
    assert.deepEqual(
      again.skipped.map((s) => s.index),
      [0, 1, 2],
      "the keys found at their indices",
    );
  });

  it("posts the exit of a validator named in an exit list once it may exit; the Beacon API shows it exiting", async () => {
    const validator = net.protocolValidators[0];
    assert.ok(validator, "a protocol validator");
    const dir = mkdtempSync(join(tmpdir(), "operator-exit-keys-"));
    const [keystore] = await createKeystores({
      keys: [{ secretKey: validator.secretKey, path: "m/12381/3600/0/0/0" }],
      password: PASSWORD,
      kdf: FAST_KDF,
    });
    writeFileSync(join(dir, "keystore-m_12381_3600_0_0_0.json"), formatKeystore(keystore as never));
    const genesis = await beacon.genesis();
    const deadline = genesis.genesisTime + (net.currentSlot() + 2_000) * 12;
    const list = {
      data: encodeExitList([
        {
          operatorId: validator.operatorId,
          keyIndex: validator.keyIndex,
          targetExited: 1,
          pubkey: validator.pubkey,
        },
      ]),
      deadline,
    };
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line)) });
    const metrics = new ExitMetrics({ defaultMetrics: false });
    const store = new JsonStore<ExitState>({
      file: join(dir, "state.json"),
      version: 1,
      initial: () => initialExitState(Number(net.deployment.blockNumber)),
      validate: parseExitState,
    });
    const daemon = new ExitDaemon(
      { operatorId: validator.operatorId, deployment: net.deployment, directLists: async () => [list] },
      {
        beacon,
        publicClient: net.publicClient,
        source: new KeystoreExitSource(dir, PASSWORD),
        store,
        logger,
        metrics,
      },
    );

    // Just active: within SHARD_COMMITTEE_PERIOD, the exit is a named refusal, retried later.
    const first = await daemon.tick();
    assert.equal(first.posted.length, 0, "nothing posted yet");
    assert.equal(first.blocked[0]?.reason, "too_young", "refused as not past the shard committee period");
    assert.ok(
      logs.some((l) => l.name === "ValidatorNotActiveError"),
      "the named error logged",
    );

    let posted = false;
    await net.advanceUntil(
      async () => {
        const result = await daemon.tick();
        posted ||= result.posted.length > 0;
        return posted;
      },
      { maxSlots: 8 * 32, what: "exit posted" },
    );
    const status = async () => (await beacon.validators("head", [validator.pubkey]))[0]?.status;
    await net.advanceUntil(async () => (await status()) !== "active_ongoing", {
      maxSlots: 64,
      what: "exit included",
    });
    assert.equal(await status(), "active_exiting", "the validator is exiting");
    const final = await daemon.tick();
    assert.deepEqual(final.done, [validator.pubkey.toLowerCase()], "the daemon sees it done");
    assert.equal(final.pending, 0, "nothing pending");

    // A restart (new daemon on the same state) posts nothing again.
    const restarted = new ExitDaemon(
      { operatorId: validator.operatorId, deployment: net.deployment, directLists: async () => [list] },
      {
        beacon,
        publicClient: net.publicClient,
        source: new KeystoreExitSource(dir, PASSWORD),
        store,
        logger,
        metrics,
      },
    );
    const afterRestart = await restarted.tick();
    assert.equal(afterRestart.posted.length, 0, "nothing posted twice after a restart");
    const text = await metrics.registry.metrics();
    assert.match(text, /operator_exits_submitted_total 1/, "one exit counted");
  });
});
