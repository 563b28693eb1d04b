import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decryptKeystore } from "../src/account/keystore.js";

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

describe("decryptKeystore", () => {
  it("decrypts the specification's PBKDF2 vector", async () => {
    const { privateKey } = await decryptKeystore(PBKDF2_VECTOR, "testpassword");
    assert.equal(
      privateKey,
      "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
      "the vector's key",
    );
  });

  it("tells a wrong password by the MAC", async () => {
    await assert.rejects(
      decryptKeystore(PBKDF2_VECTOR, "wrong", "v.json"),
      /Wrong password for the keystore v\.json/,
    );
  });

  it("names what is wrong with a malformed file", async () => {
    await assert.rejects(
      decryptKeystore({ version: 1 }, "x", "a.json"),
      /a\.json is not a usable .*no crypto section/,
    );
    const other = { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipher: "aes-128-cbc" } };
    await assert.rejects(decryptKeystore(other, "x", "b.json"), /cipher aes-128-cbc is not aes-128-ctr/);
  });
});
