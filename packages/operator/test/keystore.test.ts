import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { SecretKey } from "@chainsafe/blst";
import {
  createKeystores,
  deriveKeyAtPath,
  formatKeystore,
  InvalidKeystoreError,
  KeystorePasswordError,
  KeyWorkerPool,
  keystoreFileName,
  loadKeystore,
  mnemonicToSeed,
  signingKeyPath,
  writeKeystores,
} from "../src/keys/index.js";
import { DEPOSIT_CLI_RUN, FIXTURES, fixture, TEST_MNEMONIC } from "./helpers.js";

const EIP2335_PASSWORD = "𝔱𝔢𝔰𝔱𝔭𝔞𝔰𝔰𝔴𝔬𝔯𝔡🔑";
const EIP2335_SECRET = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
/** Low scrypt cost for the keystores the tests make (the vectors keep the standard cost). */
const FAST_KDF = { function: "scrypt", n: 2 ** 10 } as const;
const hex = (key: SecretKey) => Buffer.from(key.toBytes()).toString("hex");

describe("EIP-2335 test vectors", () => {
  it("decrypts the scrypt vector (n = 2^18) with the EIP's password", async () => {
    const key = await loadKeystore(
      fileURLToPath(new URL("eip-2335/scrypt.json", FIXTURES)),
      EIP2335_PASSWORD,
    );
    assert.equal(hex(key), EIP2335_SECRET, "secret");
  });

  it("decrypts the pbkdf2 vector, the password NFKD-normalized and stripped of control codes", async () => {
    const text = fixture("eip-2335/pbkdf2.json");
    assert.equal(hex(await loadKeystore(text, EIP2335_PASSWORD)), EIP2335_SECRET, "EIP password");
    assert.equal(
      hex(await loadKeystore(text, "test\u0007pass\u007fword\u0085🔑")),
      EIP2335_SECRET,
      "NFKD and C0/C1/DEL stripped",
    );
  });
});

describe("keystores", () => {
  let dir: string;
  let pool: KeyWorkerPool;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "tributary-keystores-"));
    pool = new KeyWorkerPool(2);
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("loads a keystore written by staking-deposit-cli, the key being the mnemonic's validator 0", async () => {
    const path = fileURLToPath(new URL(DEPOSIT_CLI_RUN.keystore, FIXTURES));
    const key = await loadKeystore(path, DEPOSIT_CLI_RUN.password);
    const expected = deriveKeyAtPath(mnemonicToSeed(DEPOSIT_CLI_RUN.mnemonic), signingKeyPath(0));
    assert.equal(hex(key), hex(expected), "same secret key as EIP-2333 derivation");
    assert.equal(
      key.toPublicKey().toHex().slice(2),
      JSON.parse(fixture(DEPOSIT_CLI_RUN.keystore)).pubkey,
      "pubkey",
    );
  });

  it("says the password is wrong with KeystorePasswordError", async () => {
    const [keystore] = await createKeystores({
      keys: [{ secretKey: SecretKey.fromKeygen(new Uint8Array(32).fill(1)), path: signingKeyPath(0) }],
      password: "right password",
      kdf: FAST_KDF,
    });
    await assert.rejects(
      loadKeystore(keystore as object, "wrong password"),
      (error: unknown) =>
        error instanceof KeystorePasswordError && /^Wrong password for keystore/.test(error.message),
      "wrong password",
    );
    await assert.rejects(
      loadKeystore(fixture("eip-2335/pbkdf2.json"), "testpassword"),
      KeystorePasswordError,
      "vector, wrong password",
    );
  });

  it("refuses malformed keystores with InvalidKeystoreError", async () => {
    const good = JSON.parse(fixture("eip-2335/pbkdf2.json"));
    const cases: [string | object, RegExp][] = [
      ["{not json", /not JSON/],
      [{ ...good, crypto: undefined }, /not an EIP-2335 keystore/],
      [{ ...good, version: 3 }, /version/],
      [
        { ...good, crypto: { ...good.crypto, kdf: { ...good.crypto.kdf, function: "argon2" } } },
        /argon2|EIP-2335/,
      ],
      [{ ...good, pubkey: "aa".repeat(48) }, /does not match the keystore's pubkey/],
      [join(dir, "missing.json"), /cannot read the file \(ENOENT\)/],
    ];
    for (const [source, reason] of cases)
      await assert.rejects(
        loadKeystore(
          typeof source === "object" ? JSON.parse(JSON.stringify(source)) : source,
          EIP2335_PASSWORD,
        ),
        (error: unknown) => error instanceof InvalidKeystoreError && reason.test(error.message),
        String(reason),
      );
  });

  it("creates keystores over the worker pool, written under the tool's names, that load back", async () => {
    const seed = mnemonicToSeed(TEST_MNEMONIC);
    const keys = [0, 1, 2].map((i) => ({
      secretKey: deriveKeyAtPath(seed, signingKeyPath(i)),
      path: signingKeyPath(i),
    }));
    const keystores = await createKeystores({ keys, password: "a password", kdf: FAST_KDF, pool });
    const paths = await writeKeystores(keystores, dir, 1700000000);
    assert.deepEqual(
      paths.map((p) => p.slice(dir.length + 1)),
      [0, 1, 2].map((i) => `keystore-m_12381_3600_${i}_0_0-1700000000.json`),
      "file names",
    );
    assert.equal(
      keystoreFileName("m/12381/3600/7/0/0", 5),
      "keystore-m_12381_3600_7_0_0-5.json",
      "name rule",
    );
    for (const [i, path] of paths.entries()) {
      const text = await readFile(path, "utf8");
      assert.equal(text, formatKeystore(keystores[i] as never), "content");
      const parsed = JSON.parse(text);
      assert.deepEqual(
        Object.keys(parsed),
        ["crypto", "description", "pubkey", "path", "uuid", "version"],
        "tool's field order",
      );
      assert.equal(parsed.version, 4, "version");
      assert.equal(parsed.path, signingKeyPath(i), "path");
      assert.equal(parsed.crypto.kdf.function, "scrypt", "kdf");
      assert.equal((await stat(path)).mode & 0o777, 0o440, "mode 0440");
      assert.equal(
        hex(await loadKeystore(path, "a password")),
        hex(keys[i]?.secretKey as SecretKey),
        `key ${i} loads`,
      );
    }
    await assert.rejects(writeKeystores(keystores, dir, 1700000000), /EEXIST/, "no overwrite");
  });

  it("uses the standard scrypt cost by default and pbkdf2 on request", async () => {
    const keys = [{ secretKey: SecretKey.fromKeygen(new Uint8Array(32).fill(2)), path: signingKeyPath(0) }];
    // Only the parameters are checked: the KDF itself runs on the pool, once.
    const [scrypt] = await createKeystores({ keys, password: "a password", pool });
    assert.deepEqual(
      { ...scrypt?.crypto.kdf.params, salt: undefined },
      { dklen: 32, n: 262144, r: 8, p: 1, salt: undefined },
      "standard scrypt",
    );
    const [pbkdf2] = await createKeystores({
      keys,
      password: "a password",
      kdf: { function: "pbkdf2", c: 1000 },
    });
    assert.equal(pbkdf2?.crypto.kdf.function, "pbkdf2", "pbkdf2");
    const file = join(dir, "pbkdf2.json");
    await writeFile(file, formatKeystore(pbkdf2 as never));
    assert.equal(
      hex(await loadKeystore(file, "a password")),
      hex(keys[0]?.secretKey as SecretKey),
      "pbkdf2 loads",
    );
  });
});
