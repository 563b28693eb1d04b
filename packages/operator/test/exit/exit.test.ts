/**
 * The exit side without a chain: packed exit lists, EIP-7044 signatures checked with BLS, keystore
 * and pre-signed sources (a wrong password is a named error), the spec's exit conditions as named
 * errors, and the daemon against a stub Beacon API: a validator not active yet is refused by name
 * and nothing is posted.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PublicKey, SecretKey, Signature, verify } from "@chainsafe/blst";
import { DOMAIN_VOLUNTARY_EXIT } from "@lodestar/params";
import { computeDomain, computeSigningRoot } from "@lodestar/state-transition";
import { ssz } from "@lodestar/types";
import { BeaconClient, type ValidatorInfo } from "@tributary/daemon/beacon";
import { createLogger } from "@tributary/daemon/log";
import { JsonStore } from "@tributary/daemon/store";
import type { Deployment } from "@tributary/sdk";
import { type Hex, hexToBytes, type PublicClient, toHex } from "viem";
import { parseExitConfig } from "../../src/exit/config.js";
import {
  decodeExitList,
  ExitDaemon,
  ExitMetrics,
  type ExitState,
  encodeExitList,
  exitability,
  initialExitState,
  KeystoreExitSource,
  MalformedExitListError,
  PresignedExitSource,
  parseExitState,
  signVoluntaryExit,
  ValidatorNotActiveError,
} from "../../src/index.js";
import { createKeystores, formatKeystore, KeystorePasswordError } from "../../src/keys/index.js";

const CAPELLA = "0x03000000" as Hex;
const GVR = `0x${"4b".repeat(32)}` as Hex;
const secretKey = SecretKey.fromKeygen(new Uint8Array(32).fill(7));
const PUBKEY = toHex(secretKey.toPublicKey().toBytes());

function validator(overrides: Partial<ValidatorInfo>): ValidatorInfo {
  return {
    index: 12,
    balanceGwei: 32e9,
    status: "active_ongoing",
    pubkey: PUBKEY,
    withdrawalCredentials: `0x01${"00".repeat(31)}`,
    effectiveBalanceGwei: 32e9,
    slashed: false,
    activationEligibilityEpoch: 2,
    activationEpoch: 10,
    exitEpoch: Number.POSITIVE_INFINITY,
    withdrawableEpoch: Number.POSITIVE_INFINITY,
    ...overrides,
  };
}

describe("exit lists", () => {
  it("packs and unpacks entries: operatorId uint24, keyIndex uint40, targetExited uint32, pubkey", () => {
    const entries = [
      { operatorId: 3, keyIndex: 2 ** 33, targetExited: 7, pubkey: PUBKEY },
      {
        operatorId: 2 ** 24 - 1,
        keyIndex: 0,
        targetExited: 2 ** 32 - 1,
        pubkey: `0x${"ab".repeat(48)}` as Hex,
      },
    ];
    const data = encodeExitList(entries);
    assert.equal((data.length - 2) / 2, 120, "60 bytes each");
    assert.deepEqual(decodeExitList(data), entries, "round trip");
    assert.throws(() => decodeExitList(`${data}00`), MalformedExitListError, "a partial entry");
  });
});

describe("voluntary exits", () => {
  it("signs VoluntaryExit under DOMAIN_VOLUNTARY_EXIT with the Capella fork version (EIP-7044)", () => {
    const exit = signVoluntaryExit(
      secretKey,
      { epoch: 300, validatorIndex: 12 },
      {
        capellaForkVersion: CAPELLA,
        genesisValidatorsRoot: GVR,
      },
    );
    assert.deepEqual(exit.message, { epoch: "300", validator_index: "12" }, "message as decimal strings");
    const domain = computeDomain(DOMAIN_VOLUNTARY_EXIT, hexToBytes(CAPELLA), hexToBytes(GVR));
    const root = computeSigningRoot(ssz.phase0.VoluntaryExit, { epoch: 300, validatorIndex: 12 }, domain);
    const ok = verify(
      root,
      PublicKey.fromBytes(hexToBytes(PUBKEY)),
      Signature.fromBytes(hexToBytes(exit.signature)),
    );
    assert.ok(ok, "the signature verifies");
    const otherFork = computeDomain(DOMAIN_VOLUNTARY_EXIT, hexToBytes("0x05000000"), hexToBytes(GVR));
    const otherRoot = computeSigningRoot(
      ssz.phase0.VoluntaryExit,
      { epoch: 300, validatorIndex: 12 },
      otherFork,
    );
    assert.ok(
      !verify(
        otherRoot,
        PublicKey.fromBytes(hexToBytes(PUBKEY)),
        Signature.fromBytes(hexToBytes(exit.signature)),
      ),
      "not under another fork's domain",
    );
  });

  it("names why a validator cannot exit: pending, or within the shard committee period; exiting is done", () => {
    assert.throws(
      () =>
        exitability(
          validator({ status: "pending_queued", activationEpoch: Number.POSITIVE_INFINITY }),
          50,
          256,
        ),
      (e: unknown) => e instanceof ValidatorNotActiveError && e.reason === "not_active" && e.retryable,
      "pending",
    );
    assert.throws(
      () => exitability(validator({}), 100, 256),
      (e: unknown) =>
        e instanceof ValidatorNotActiveError && e.reason === "too_young" && e.earliestEpoch === 266,
      "too young, with the earliest epoch",
    );
    assert.equal(exitability(validator({}), 266, 256), "exitable", "from activation + period");
    assert.equal(
      exitability(validator({ status: "active_exiting", exitEpoch: 300 }), 280, 256),
      "done",
      "exiting",
    );
  });

  it("a keystore with a wrong password is KeystorePasswordError; pre-signed exits are read by index", async () => {
    const dir = mkdtempSync(join(tmpdir(), "exit-keys-"));
    const [keystore] = await createKeystores({
      keys: [{ secretKey, path: "m/12381/3600/0/0/0" }],
      password: "right password",
      kdf: { function: "pbkdf2", c: 2 },
    });
    writeFileSync(join(dir, "keystore-0.json"), formatKeystore(keystore as never));
    writeFileSync(join(dir, "notes.json"), '{"not": "a keystore"}');
    const domain = { capellaForkVersion: CAPELLA, genesisValidatorsRoot: GVR };
    const wrong = new KeystoreExitSource(dir, "wrong password");
    assert.equal(await wrong.refresh(), 1, "one keystore indexed");
    await assert.rejects(
      wrong.signedExit({ pubkey: PUBKEY, validatorIndex: 12 }, 5, domain),
      KeystorePasswordError,
    );
    const right = new KeystoreExitSource(dir, "right password");
    await right.refresh();
    const exit = await right.signedExit({ pubkey: PUBKEY, validatorIndex: 12 }, 5, domain);

    const out = mkdtempSync(join(tmpdir(), "exit-signed-"));
    writeFileSync(join(out, "exit_12.json"), JSON.stringify(exit));
    writeFileSync(join(out, "junk.json"), "{");
    const presigned = new PresignedExitSource(out);
    assert.equal(await presigned.refresh(), 1, "one signed exit");
    assert.ok(presigned.has({ pubkey: PUBKEY, validatorIndex: 12 }), "by validator index");
    assert.deepEqual(await presigned.signedExit({ pubkey: PUBKEY, validatorIndex: 12 }), exit, "as written");
  });
});

describe("exit daemon options", () => {
  it("resolves flag, then environment, then default; names a bad value and a missing source", () => {
    const env = { OPERATOR_ID: "4", OPERATOR_PRESIGNED_EXITS_DIR: "/tmp/x", OPERATOR_HTTP_PORT: "9300" };
    const config = parseExitConfig(["--http-port", "9400"], env);
    assert.equal(config.operatorId, 4, "from the environment");
    assert.equal(config.httpPort, 9400, "the flag wins");
    assert.equal(config.pollIntervalMs, 12_000, "default");
    assert.equal(config.sources.httpPort, "flag", "source recorded");
    assert.throws(
      () => parseExitConfig(["--operator-id", "x"], env),
      /--operator-id "x" is not a whole number/,
    );
    assert.throws(
      () => parseExitConfig(["--operator-id", "1"], {}),
      /--keystores <dir> or --presigned-exits/,
    );
    assert.throws(
      () => parseExitConfig(["--operator-id", "1", "--keystores", "/k"], {}),
      /OPERATOR_KEYSTORE_PASSWORD/,
      "a keystore password only from the environment",
    );
  });
});

describe("exit daemon against a stub Beacon API", () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  it("refuses a validator not active yet by name, posts nothing, and retries on the next pass", async () => {
    let status = "pending_queued";
    const posted: unknown[] = [];
    const server = createServer((request, response) => {
      const url = request.url ?? "";
      const json = (body: unknown) =>
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (url === "/eth/v1/beacon/genesis")
        return json({
          data: { genesis_time: "1000", genesis_validators_root: GVR, genesis_fork_version: "0x00000000" },
        });
      if (url === "/eth/v1/config/spec")
        return json({
          data: {
            SECONDS_PER_SLOT: "12",
            SLOTS_PER_EPOCH: "32",
            SHARD_COMMITTEE_PERIOD: "256",
            CAPELLA_FORK_VERSION: CAPELLA,
          },
        });
      if (url === "/eth/v2/beacon/blocks/finalized")
        return json({
          version: "electra",
          data: { message: { slot: "32", proposer_index: "1", parent_root: GVR, state_root: GVR, body: {} } },
        });
      if (url === "/eth/v1/beacon/headers/head")
        return json({
          data: {
            root: GVR,
            header: {
              message: {
                slot: String(400 * 32),
                proposer_index: "1",
                parent_root: GVR,
                state_root: GVR,
                body_root: GVR,
              },
            },
          },
        });
      if (url.startsWith("/eth/v1/beacon/states/head/validators")) {
        const far = "18446744073709551615";
        return json({
          data: [
            {
              index: "12",
              balance: "32000000000",
              status,
              validator: {
                pubkey: PUBKEY,
                withdrawal_credentials: `0x01${"00".repeat(31)}`,
                effective_balance: "32000000000",
                slashed: false,
                activation_eligibility_epoch: "5",
                activation_epoch: status === "pending_queued" ? far : "10",
                exit_epoch: far,
                withdrawable_epoch: far,
              },
            },
          ],
        });
      }
      if (url === "/eth/v1/beacon/pool/voluntary_exits" && request.method === "POST") {
        let body = "";
        request.on("data", (c) => {
          body += c;
        });
        request.on("end", () => {
          posted.push(JSON.parse(body));
          response.writeHead(200).end();
        });
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const beacon = new BeaconClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      attempts: 1,
    });

    const dir = mkdtempSync(join(tmpdir(), "exit-daemon-"));
    const [keystore] = await createKeystores({
      keys: [{ secretKey, path: "m/12381/3600/0/0/0" }],
      password: "password1",
      kdf: { function: "pbkdf2", c: 2 },
    });
    writeFileSync(join(dir, "keystore-0.json"), formatKeystore(keystore as never));
    const logs: Record<string, unknown>[] = [];
    const daemon = new ExitDaemon(
      {
        operatorId: 3,
        deployment: { contracts: {}, blockNumber: "0" } as unknown as Deployment,
        directLists: async () => [
          {
            data: encodeExitList([{ operatorId: 3, keyIndex: 0, targetExited: 1, pubkey: PUBKEY }]),
            deadline: 1000 + 400 * 32 * 12 + 3_600,
          },
        ],
      },
      {
        beacon,
        // No execution block is finalized in the stub: nothing is scanned.
        publicClient: {} as PublicClient,
        source: new KeystoreExitSource(dir, "password1"),
        store: new JsonStore<ExitState>({
          file: join(dir, "state.json"),
          version: 1,
          initial: () => initialExitState(0),
          validate: parseExitState,
        }),
        logger: createLogger({ level: "debug", sink: (line) => logs.push(JSON.parse(line)) }),
        metrics: new ExitMetrics({ defaultMetrics: false }),
      },
    );
    const first = await daemon.tick();
    assert.deepEqual(first.posted, [], "nothing posted");
    assert.equal(first.blocked[0]?.reason, "not_active", "named as not active");
    assert.equal(posted.length, 0, "no exit reached the node");
    const warning = logs.find((l) => l.level === "warn");
    assert.equal(
      warning?.name,
      "ValidatorNotActiveError",
      "the deadline is an hour away: a warning names it",
    );

    status = "active_ongoing";
    const second = await daemon.tick();
    assert.deepEqual(second.posted, [PUBKEY], "posted once active past the period");
    assert.equal(posted.length, 1, "one exit posted");
    assert.equal(
      (posted[0] as { message: { validator_index: string } }).message.validator_index,
      "12",
      "its index",
    );
    const third = await daemon.tick();
    assert.deepEqual(third.posted, [], "not posted again while the pool holds it");
  });
});
