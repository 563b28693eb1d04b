import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  generateValidatorKeys,
  InvalidKeysArgumentError,
  InvalidMnemonicError,
  KeyWorkerPool,
  loadKeystore,
  NETWORKS,
  parseDepositData,
  withdrawalCredentials,
} from "../src/keys/index.js";
import { TEST_MNEMONIC, TEST_VAULT } from "./helpers.js";

const FAST_KDF = { function: "scrypt", n: 2 ** 10 } as const;

describe("generateValidatorKeys", () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("writes deposit data and keystores as staking-deposit-cli names them, all consistent", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "tributary-generate-"));
    dirs.push(outDir);
    const result = await generateValidatorKeys({
      mnemonic: TEST_MNEMONIC,
      startIndex: 10,
      count: 3,
      withdrawalVault: TEST_VAULT,
      network: NETWORKS.devnet,
      outDir,
      password: "a long password",
      keystores: true,
      kdf: FAST_KDF,
      timestamp: 1700000000,
    });
    assert.deepEqual(
      (await readdir(outDir)).sort(),
      [
        "deposit_data-1700000000.json",
        "keystore-m_12381_3600_10_0_0-1700000000.json",
        "keystore-m_12381_3600_11_0_0-1700000000.json",
        "keystore-m_12381_3600_12_0_0-1700000000.json",
      ],
      "files",
    );
    assert.deepEqual(
      result.keys.map((k) => k.index),
      [10, 11, 12],
      "indices",
    );
    assert.deepEqual(
      result.keys.map((k) => k.path),
      ["m/12381/3600/10/0/0", "m/12381/3600/11/0/0", "m/12381/3600/12/0/0"],
      "paths",
    );
    const parsed = parseDepositData(await readFile(result.depositDataPath as string, "utf8"), {
      forkVersion: NETWORKS.devnet.forkVersion,
      withdrawalCredentials: withdrawalCredentials(TEST_VAULT),
    });
    assert.deepEqual(
      parsed.map((d) => d.pubkey),
      result.keys.map((k) => k.pubkey),
      "deposit data pubkeys",
    );
    for (const [i, path] of (result.keystorePaths ?? []).entries()) {
      const key = await loadKeystore(path, "a long password");
      assert.equal(key.toPublicKey().toHex(), result.keys[i]?.pubkey, `keystore ${i} holds the key`);
    }
  });

  it("signs the same deposits over a worker pool as in this thread", async () => {
    const pool = new KeyWorkerPool(2);
    try {
      const common = {
        mnemonic: TEST_MNEMONIC,
        startIndex: 0,
        count: 5,
        withdrawalVault: TEST_VAULT,
        network: NETWORKS.hoodi,
      };
      const here = await generateValidatorKeys(common);
      const pooled = await generateValidatorKeys({ ...common, pool });
      assert.deepEqual(
        pooled.keys.map((k) => k.depositData),
        here.keys.map((k) => k.depositData),
        "same entries",
      );
      assert.deepEqual(
        pooled.keys.map((k) => k.secretKey.toBytes()),
        here.keys.map((k) => k.secretKey.toBytes()),
        "same secret keys",
      );
    } finally {
      await pool.close();
    }
  });

  it("refuses bad arguments before deriving anything", async () => {
    const common = {
      mnemonic: TEST_MNEMONIC,
      startIndex: 0,
      count: 1,
      withdrawalVault: TEST_VAULT,
      network: NETWORKS.devnet,
    };
    await assert.rejects(generateValidatorKeys({ ...common, count: 0 }), InvalidKeysArgumentError, "count");
    await assert.rejects(
      generateValidatorKeys({ ...common, startIndex: -1 }),
      InvalidKeysArgumentError,
      "start index",
    );
    await assert.rejects(
      generateValidatorKeys({ ...common, withdrawalVault: "0x1234" }),
      /Invalid withdrawal vault/,
      "vault",
    );
    await assert.rejects(
      generateValidatorKeys({ ...common, network: { forkVersion: "0x1234", networkName: "x" } }),
      /Invalid fork version/,
      "fork version",
    );
    await assert.rejects(
      generateValidatorKeys({ ...common, keystores: true, password: "short" }),
      /at least 8 characters/,
      "password",
    );
    await assert.rejects(
      generateValidatorKeys({ ...common, mnemonic: "abandon abandon" }),
      InvalidMnemonicError,
      "mnemonic",
    );
  });
});
