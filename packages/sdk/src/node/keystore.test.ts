import assert from "node:assert/strict";
import { createCipheriv, scryptSync } from "node:crypto";
import { describe, it } from "node:test";
import { bytesToHex, concat, type Hex, keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { InvalidArgumentError } from "../errors/base.js";
import { decryptKeystore, InvalidKeystoreError, KeystorePasswordError } from "../node.js";

/** The PBKDF2 test vector of the Web3 Secret Storage definition (password "testpassword"). */
const PBKDF2_VECTOR = {
  version: 3,
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
};
const VECTOR_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

/** An scrypt keystore built here from the definition (small n so the test is quick). */
function scryptKeystore(privateKey: Hex, password: string, address?: string) {
  const salt = Buffer.alloc(32, 7);
  const iv = Buffer.alloc(16, 9);
  const kdfparams = { dklen: 32, n: 1 << 12, r: 8, p: 1, salt: salt.toString("hex") };
  const derived = scryptSync(Buffer.from(password, "utf8"), salt, 32, { N: kdfparams.n, r: 8, p: 1 });
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  const mac = keccak256(concat([bytesToHex(derived.subarray(16, 32)), bytesToHex(ciphertext)]));
  return {
    version: 3,
    ...(address ? { address } : {}),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams,
      mac: mac.slice(2),
    },
  };
}

describe("decryptKeystore", () => {
  it("decrypts the specification's PBKDF2 vector", async () => {
    const { privateKey, address } = await decryptKeystore(PBKDF2_VECTOR, "testpassword");
    assert.equal(privateKey, VECTOR_KEY, "the vector's key");
    assert.equal(address, undefined, "the vector names no address");
  });

  it("decrypts an scrypt keystore and returns the address it names, 0x-prefixed", async () => {
    const key: Hex = `0x${"ab".repeat(32)}`;
    const named = privateKeyToAddress(key).slice(2).toLowerCase();
    const result = await decryptKeystore(scryptKeystore(key, "pässword", named), "pässword", {
      name: "k.json",
    });
    assert.equal(result.privateKey, key, "the key written");
    assert.equal(result.address, `0x${named}`, "the address the file names");
  });

  it("tells a wrong password by the MAC, without the password in the message", async () => {
    const error = await decryptKeystore(PBKDF2_VECTOR, "hunter2-wrong", { name: "v.json" }).then(
      () => assert.fail("a wrong password decrypted"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof KeystorePasswordError, "a KeystorePasswordError");
    assert.ok(error instanceof InvalidArgumentError, "an InvalidArgumentError (a usage error)");
    assert.equal(error.shortMessage, "Wrong password for the keystore v.json (its MAC does not match).");
    assert.equal(error.file, "v.json", "names the file");
    assert.equal(error.retryable, false, "not retryable");
    assert.ok(!error.message.includes("hunter2"), "the password is not in the message");
  });

  it("names what is wrong with a malformed file", async () => {
    const cases: [unknown, RegExp][] = [
      [{ version: 1 }, /no crypto section/],
      [null, /no crypto section/],
      [{ ...PBKDF2_VECTOR, version: 4 }, /its version is 4, not 3/],
      [
        { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipher: "aes-128-cbc" } },
        /cipher aes-128-cbc/,
      ],
      [{ ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, kdf: "argon2" } }, /argon2 is neither/],
      [{ ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, mac: 42 } }, /mac is not hexadecimal/],
      [
        { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipherparams: {} } },
        /cipherparams\.iv is not/,
      ],
      [
        {
          ...PBKDF2_VECTOR,
          crypto: { ...PBKDF2_VECTOR.crypto, kdfparams: { ...PBKDF2_VECTOR.crypto.kdfparams, dklen: 16 } },
        },
        /dklen is 16, below 32/,
      ],
      [
        {
          ...PBKDF2_VECTOR,
          crypto: {
            ...PBKDF2_VECTOR.crypto,
            kdfparams: { ...PBKDF2_VECTOR.crypto.kdfparams, prf: "hmac-sha1" },
          },
        },
        /prf hmac-sha1 is not hmac-sha256/,
      ],
      [
        {
          ...PBKDF2_VECTOR,
          crypto: { ...PBKDF2_VECTOR.crypto, kdfparams: { ...PBKDF2_VECTOR.crypto.kdfparams, c: -1 } },
        },
        /kdfparams\.c is not a positive whole number/,
      ],
    ];
    for (const [keystore, pattern] of cases) {
      const error = await decryptKeystore(keystore, "x", { name: "a.json" }).then(
        () => assert.fail(`decrypted ${JSON.stringify(keystore)}`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InvalidKeystoreError, `an InvalidKeystoreError for ${pattern}`);
      assert.match(error.shortMessage, /^The keystore a\.json is not a usable Web3 Secret Storage v3 file: /);
      assert.match(error.reason, pattern, "the reason");
    }
  });

  it("names scrypt parameters OpenSSL refuses", async () => {
    const keystore = scryptKeystore(`0x${"01".repeat(32)}`, "p");
    keystore.crypto.kdfparams = { ...keystore.crypto.kdfparams, n: 1 << 18, r: 1, p: 8 };
    await assert.rejects(
      decryptKeystore(keystore, "p"),
      /scrypt parameters \(n 262144, r 1, p 8\) are refused/,
    );
  });
});
