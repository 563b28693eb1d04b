import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  DEPOSIT_AMOUNT_GWEI,
  DEPOSIT_CLI_VERSION,
  depositDomain,
  formatDepositData,
  formatKeystore,
  generateValidatorKeys,
  NETWORKS,
  parseDepositData,
  withdrawalCredentials,
  writeDepositData,
} from "../src/keys/index.js";
import {
  contractDepositDataRoot,
  DEPOSIT_CLI_RUN,
  fixture,
  handDepositMessageRoot,
  TEST_MNEMONIC,
  TEST_VAULT,
} from "./helpers.js";

const hexBuf = (s: string) => Buffer.from(s, "hex");

describe("deposit data", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("reproduces staking-deposit-cli's published entry byte for byte (signature and both roots)", async () => {
    const { keys } = await generateValidatorKeys({
      mnemonic: DEPOSIT_CLI_RUN.mnemonic,
      startIndex: 0,
      count: 1,
      withdrawalVault: DEPOSIT_CLI_RUN.withdrawalAddress,
      network: DEPOSIT_CLI_RUN.network,
    });
    const [published] = JSON.parse(fixture(DEPOSIT_CLI_RUN.depositData));
    assert.deepEqual(
      { ...keys[0]?.depositData, deposit_cli_version: published.deposit_cli_version },
      published,
      "every field but the writer's version",
    );
  });

  it("lays files out byte for byte as staking-deposit-cli does", () => {
    const depositData = fixture(DEPOSIT_CLI_RUN.depositData);
    assert.equal(formatDepositData(JSON.parse(depositData)), depositData, "deposit data file");
    const keystore = fixture(DEPOSIT_CLI_RUN.keystore);
    assert.equal(formatKeystore(JSON.parse(keystore)), keystore, "keystore file");
  });

  it("computes roots that match the deposit contract's hashing, done by hand with sha256", async () => {
    const { keys } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 3,
      count: 5,
      withdrawalVault: TEST_VAULT,
      network: NETWORKS.hoodi,
    });
    for (const { depositData: d, index } of keys) {
      const [pubkey, credentials, signature] = [d.pubkey, d.withdrawal_credentials, d.signature].map(
        hexBuf,
      ) as [Buffer, Buffer, Buffer];
      assert.equal(
        contractDepositDataRoot(pubkey, credentials, d.amount, signature).toString("hex"),
        d.deposit_data_root,
        `deposit_data_root of validator ${index}`,
      );
      assert.equal(
        handDepositMessageRoot(pubkey, credentials, d.amount).toString("hex"),
        d.deposit_message_root,
        `deposit_message_root of validator ${index}`,
      );
      assert.equal(d.amount, DEPOSIT_AMOUNT_GWEI, "32 ETH in gwei");
      assert.equal(d.fork_version, "10000910", "hoodi's genesis fork version");
      assert.equal(d.network_name, "hoodi", "network name");
      assert.equal(d.deposit_cli_version, DEPOSIT_CLI_VERSION, "writer version");
      assert.equal(`0x${d.withdrawal_credentials}`, withdrawalCredentials(TEST_VAULT), "vault credentials");
    }
    const published = JSON.parse(fixture(DEPOSIT_CLI_RUN.depositData))[0];
    assert.equal(
      contractDepositDataRoot(
        hexBuf(published.pubkey),
        hexBuf(published.withdrawal_credentials),
        published.amount,
        hexBuf(published.signature),
      ).toString("hex"),
      published.deposit_data_root,
      "the hand computation agrees with staking-deposit-cli's root",
    );
  });

  it("builds 0x01 withdrawal credentials and the deposit domain of a genesis fork version", () => {
    assert.equal(
      withdrawalCredentials("0x71C7656EC7ab88b098defB751B7401B5f6d8976F"),
      "0x01000000000000000000000071c7656ec7ab88b098defb751b7401b5f6d8976f",
      "0x01 ++ 11 zero bytes ++ address",
    );
    // compute_domain(DOMAIN_DEPOSIT, 0x00000000, zero root) on mainnet, a well-known constant.
    assert.equal(
      Buffer.from(depositDomain("0x00000000")).toString("hex"),
      "03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9",
      "mainnet deposit domain",
    );
    assert.equal(NETWORKS.devnet.forkVersion, "0x10000000", "devnet: the local chain's genesis fork version");
  });

  it("writes deposit_data-<seconds>.json as the tool lays it out, read-only, and parses it back", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "tributary-deposit-"));
    dirs.push(outDir);
    const { keys } = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 2,
      withdrawalVault: TEST_VAULT,
      network: NETWORKS.devnet,
    });
    const entries = keys.map((k) => k.depositData);
    const path = await writeDepositData({ entries, outDir, timestamp: 1700000000 });
    assert.equal(path, join(outDir, "deposit_data-1700000000.json"), "file name");
    const text = await readFile(path, "utf8");
    assert.equal(text, formatDepositData(entries), "content");
    assert.match(
      text,
      /^\[\{"pubkey": "[0-9a-f]{96}", "withdrawal_credentials": /,
      "python json.dumps layout",
    );
    assert.equal((await stat(path)).mode & 0o777, 0o440, "mode 0440");
    await assert.rejects(
      writeDepositData({ entries, outDir, timestamp: 1700000000 }),
      /EEXIST/,
      "no overwrite",
    );
    const parsed = parseDepositData(text, {
      forkVersion: NETWORKS.devnet.forkVersion,
      withdrawalCredentials: withdrawalCredentials(TEST_VAULT),
      networkName: "tributary-devnet",
    });
    assert.deepEqual(
      parsed,
      keys.map((k) => ({
        pubkey: k.pubkey,
        signature: `0x${k.depositData.signature}`,
        depositDataRoot: `0x${k.depositData.deposit_data_root}`,
      })),
      "parsed deposits",
    );
  });
});
