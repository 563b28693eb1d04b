import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex } from "viem";
import {
  assertMnemonic,
  generateMnemonic,
  InvalidMnemonicError,
  isValidMnemonic,
  mnemonicToSeed,
} from "../src/keys/index.js";

/** BIP-39 / EIP-2333 test case 0: this mnemonic with passphrase "TREZOR" gives that seed. */
const TREZOR_MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const TREZOR_SEED =
  "0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04";

describe("mnemonic", () => {
  it("generates valid 24-word mnemonics, a new one each time", () => {
    const a = generateMnemonic();
    const b = generateMnemonic();
    assert.equal(a.split(" ").length, 24, "24 words");
    assert.ok(isValidMnemonic(a), "valid");
    assert.notEqual(a, b, "fresh entropy");
  });

  it("derives the BIP-39 seed with a passphrase", () => {
    assert.equal(bytesToHex(mnemonicToSeed(TREZOR_MNEMONIC, "TREZOR")), TREZOR_SEED, "published seed");
    assert.equal(
      bytesToHex(mnemonicToSeed(`  ${TREZOR_MNEMONIC.toUpperCase().replaceAll(" ", "\n ")} `, "TREZOR")),
      TREZOR_SEED,
      "case and spacing normalized",
    );
  });

  it("refuses a wrong word count, an unknown word and a bad checksum with InvalidMnemonicError", () => {
    assert.throws(() => assertMnemonic("abandon abandon"), InvalidMnemonicError, "2 words");
    assert.throws(() => assertMnemonic(""), /0 words/, "empty");
    const unknown = TREZOR_MNEMONIC.replace("about", "aboot");
    assert.throws(
      () => mnemonicToSeed(unknown),
      (error: unknown) =>
        error instanceof InvalidMnemonicError &&
        /word 12 is not in the BIP-39 English wordlist/.test(error.message) &&
        !error.message.includes("aboot"),
      "unknown word named by position only",
    );
    assert.throws(
      () => assertMnemonic(TREZOR_MNEMONIC.replace("about", "abandon")),
      /checksum does not match/,
      "bad checksum",
    );
  });
});
